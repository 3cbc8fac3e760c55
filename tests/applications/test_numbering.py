"""Journals and registration numbers: gap-free and unique per journal and year, also under concurrency
with some registrations rolling back (real PostgreSQL, one connection per thread)."""

import threading

import pytest
from django.db import connections, transaction

from applications.actions.registration import default_journal, format_number, next_number, register_application
from applications.models import Application, JournalCounter, RegistrationJournal

from .factories import RegistrationJournalFactory
from .registration_support import kyiv, make_counter, person

THREADS = 50


class Rollback(Exception):
    pass


def test_number_format():
    assert format_number("ЦНАП1", 2026, 123) == "ЦНАП1-2026-000123"


@pytest.mark.django_db
def test_default_journal_is_created_once_with_the_office_code():
    counter = make_counter()
    assert not RegistrationJournal.objects.filter(office=counter.office).exists()
    journal = default_journal(office=counter.office)
    assert journal.prefix == counter.office.code and journal.is_default
    assert default_journal(office=counter.office) == journal
    assert RegistrationJournal.objects.filter(office=counter.office).count() == 1


@pytest.mark.django_db
def test_numbers_run_per_journal_and_year():
    counter = make_counter()
    journal = RegistrationJournalFactory(office=counter.office, prefix="ЖУР")
    with transaction.atomic():
        assert next_number(journal=journal, year=2026) == (1, "ЖУР-2026-000001")
        assert next_number(journal=journal, year=2026) == (2, "ЖУР-2026-000002")
        assert next_number(journal=journal, year=2027) == (1, "ЖУР-2027-000001")


@pytest.mark.django_db(transaction=True)
def test_next_number_refuses_to_run_outside_a_transaction():
    journal = RegistrationJournalFactory()
    with pytest.raises(RuntimeError):
        next_number(journal=journal, year=2026)


@pytest.mark.django_db
def test_a_failed_registration_gives_its_number_back():
    counter = make_counter()
    first = register_application(
        office=counter.office,
        service=counter.service,
        applicant=person(1),
        documents=counter.documents,
        acting_user=counter.user,
        registered_at=kyiv(2026, 11, 2),
    )
    with pytest.raises(Rollback), transaction.atomic():
        register_application(
            office=counter.office,
            service=counter.service,
            applicant=person(2),
            documents=counter.documents,
            acting_user=counter.user,
            registered_at=kyiv(2026, 11, 2),
        )
        raise Rollback
    third = register_application(
        office=counter.office,
        service=counter.service,
        applicant=person(3),
        documents=counter.documents,
        acting_user=counter.user,
        registered_at=kyiv(2026, 11, 2),
    )
    assert (first.sequence, third.sequence) == (1, 2)
    assert third.number.endswith("-2026-000002")


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_registrations_are_gap_free_even_with_rollbacks():
    counter = make_counter()
    journal = default_journal(office=counter.office)
    rollback_every = 5  # threads 0, 5, 10, ... raise after taking their number
    barrier = threading.Barrier(THREADS)
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def register(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            try:
                with transaction.atomic():
                    application = register_application(
                        office=counter.office,
                        service=counter.service,
                        applicant=person(100 + i),
                        documents=counter.documents,
                        acting_user=counter.user,
                        registered_at=kyiv(2026, 11, 2, 10, i % 60),
                        journal=journal,
                    )
                    if i % rollback_every == 0:
                        raise Rollback
                    results[i] = application.number
            except Rollback:
                pass
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    committed = THREADS - len(range(0, THREADS, rollback_every))
    assert len(results) == committed
    sequences = sorted(Application.objects.filter(journal=journal).values_list("sequence", flat=True))
    assert sequences == list(range(1, committed + 1))
    numbers = list(Application.objects.filter(journal=journal).values_list("number", flat=True))
    assert len(set(numbers)) == committed
    assert set(numbers) == set(results.values())
    assert JournalCounter.objects.get(journal=journal, year=2026).last_number == committed
