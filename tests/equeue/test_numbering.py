"""A day's numbers per service group: consecutive from 1, no gaps, restarting each day; a tap that
fails takes no number; the same tap twice gives one ticket."""

import datetime as dt
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from equeue.actions import issue_ticket
from equeue.models import OpeningHours, QueueDay, Ticket

from .factories import at, make_hall

pytestmark = pytest.mark.django_db


def test_numbers_run_from_one_per_group_and_carry_the_letter():
    hall = make_hall()
    a, b = hall.groups
    tickets = [issue_ticket(office=hall.office, group=a, now=at(9, i)) for i in range(3)]
    other = issue_ticket(office=hall.office, group=b, now=at(9, 5))
    assert [t.number for t in tickets] == [1, 2, 3]
    assert [t.code for t in tickets] == ["А-001", "А-002", "А-003"]
    assert (other.number, other.code) == (1, "Б-001")
    assert QueueDay.objects.get(group=a, date=dt.date(2026, 11, 30)).last_number == 3


def test_numbering_restarts_each_day():
    hall = make_hall(groups=1)
    group = hall.groups[0]
    issue_ticket(office=hall.office, group=group, now=at(9))
    issue_ticket(office=hall.office, group=group, now=at(10))
    next_day = issue_ticket(office=hall.office, group=group, now=at(9, day=dt.date(2026, 12, 1)))
    assert (next_day.number, next_day.code, next_day.date) == (1, "А-001", dt.date(2026, 12, 1))


def test_a_refused_ticket_takes_no_number():
    hall = make_hall(groups=1)
    group = hall.groups[0]
    for weekday in range(5):
        OpeningHours.objects.create(
            office=hall.office,
            weekday=weekday,
            opens_at=dt.time(8),
            closes_at=dt.time(17),
            break_starts_at=dt.time(12),
            break_ends_at=dt.time(13),
        )
    for moment, message in ((at(7, 30), "08:00"), (at(12, 30), "13:00"), (at(18), "17:00")):
        with pytest.raises(ValidationError) as refused:
            issue_ticket(office=hall.office, group=group, now=moment)
        assert message in refused.value.messages[0]
    saturday = at(10, day=dt.date(2026, 12, 5))
    with pytest.raises(ValidationError):
        issue_ticket(office=hall.office, group=group, now=saturday)
    assert issue_ticket(office=hall.office, group=group, now=at(10)).number == 1


def test_the_same_tap_twice_gives_one_ticket():
    hall = make_hall(groups=1)
    key = uuid.uuid4()
    first = issue_ticket(office=hall.office, group=hall.groups[0], issue_key=key, now=at(9))
    again = issue_ticket(office=hall.office, group=hall.groups[0], issue_key=key, now=at(9, 1))
    assert again.pk == first.pk
    assert Ticket.objects.count() == 1
    assert issue_ticket(office=hall.office, group=hall.groups[0], now=at(9, 2)).number == 2


def test_a_group_without_a_window_takes_no_visitors():
    hall = make_hall(groups=1)
    group = hall.groups[0]
    for window in hall.windows:
        window.groups.clear()
    with pytest.raises(ValidationError) as refused:
        issue_ticket(office=hall.office, group=group, now=at(9))
    assert refused.value.code == "group"


@pytest.mark.django_db(transaction=True)
def test_concurrent_taps_on_postgresql_give_consecutive_numbers():
    """Twenty kiosks tapping at once (a thread and a connection each): numbers 1..20, no gap, no repeat;
    two of them send the same tap twice and get one ticket."""
    assert connection.vendor == "postgresql"
    hall = make_hall(groups=1)
    group = hall.groups[0]
    shared_key = uuid.uuid4()
    barrier = threading.Barrier(22)
    results, errors = [], []

    def tap(key):
        try:
            barrier.wait()
            results.append(issue_ticket(office=hall.office, group=group, issue_key=key).pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    keys = [uuid.uuid4() for _ in range(20)] + [shared_key, shared_key]
    threads = [threading.Thread(target=tap, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    numbers = sorted(Ticket.objects.filter(group=group).values_list("number", flat=True))
    assert numbers == list(range(1, 22))
    assert len(set(results)) == 21


def test_saturday_hours_open_the_kiosk_and_the_calendar_closes_holidays(settings):
    hall = make_hall(groups=1)
    group = hall.groups[0]
    OpeningHours.objects.create(office=hall.office, weekday=5, opens_at=dt.time(9), closes_at=dt.time(14))
    OpeningHours.objects.create(office=hall.office, weekday=4, opens_at=dt.time(8), closes_at=dt.time(17))
    saturday = at(10, day=dt.date(2026, 12, 5))
    assert issue_ticket(office=hall.office, group=group, now=saturday).number == 1
    christmas = at(10, day=dt.date(2026, 12, 25))  # a Friday, a public holiday
    settings.CNAP_MARTIAL_LAW = True  # public holidays are working days under martial law
    assert issue_ticket(office=hall.office, group=group, now=christmas).number == 1
    settings.CNAP_MARTIAL_LAW = False
    with pytest.raises(ValidationError) as closed:
        issue_ticket(office=hall.office, group=group, now=christmas + dt.timedelta(minutes=1))
    assert closed.value.code == "closed"
