"""The first print wins (applications/printing.py): two people printing the same document at the same moment
get one stored document and the same bytes; every kind of printed document goes through the same rule."""

import threading

import pytest
from django.db import connection

from applications.actions.registration import register_application
from applications.constants import PrintedDocumentKind
from applications.models import PrintedDocument
from applications.printing import first_print, stored_bytes
from applications.receipts import receipt_pdf

from .registration_support import make_counter, person

pytestmark = pytest.mark.django_db(transaction=True)  # two threads, two connections


def test_two_receipts_printed_at_once_are_one_document():
    counter = make_counter()
    application = register_application(
        office=counter.office,
        service=counter.service,
        applicant=person(3),
        documents=counter.documents,
        acting_user=counter.user,
    )
    start = threading.Barrier(2)
    results: list[bytes] = []
    errors: list[BaseException] = []

    def print_it():
        try:
            start.wait()
            results.append(receipt_pdf(application, acting_user=counter.user))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=print_it) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(results) == 2 and results[0] == results[1]
    assert PrintedDocument.objects.filter(application=application, kind=PrintedDocumentKind.RECEIPT).count() == 1


def test_a_reprint_does_not_render_again():
    counter = make_counter()
    application = register_application(
        office=counter.office,
        service=counter.service,
        applicant=person(4),
        documents=counter.documents,
        acting_user=counter.user,
    )
    renders = []

    def render(case):
        renders.append(case.pk)
        return b"%PDF-1.4 first"

    first = first_print(
        application_id=application.pk,
        kind=PrintedDocumentKind.ROUTING_SLIP,
        render=render,
        name="x.pdf",
        acting_user=counter.user,
    )
    again = first_print(
        application_id=application.pk,
        kind=PrintedDocumentKind.ROUTING_SLIP,
        render=render,
        name="x.pdf",
        acting_user=counter.user,
    )
    assert again.pk == first.pk and renders == [application.pk]
    assert stored_bytes(again) == b"%PDF-1.4 first"
