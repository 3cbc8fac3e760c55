"""The registration form's checklist reads each table it needs once (a POST computes it beside the action)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_the_registration_checklist_reads_the_fee_rows_and_the_subsistence_minimum_once():
    from applications.selectors.registration import service_checklist
    from tests.applications.registration_support import make_counter, paid_version_fields

    counter = make_counter(**paid_version_fields())
    with CaptureQueriesContext(connection) as queries:
        checklist = service_checklist(counter.office, counter.service.pk)
    assert checklist is not None and checklist.fee is not None and checklist.late_fee > checklist.fee
    tables = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "services_feecomponent"' in sql for sql in tables) == 1
    assert sum('FROM "services_subsistenceminimum"' in sql for sql in tables) == 1
