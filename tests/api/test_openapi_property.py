"""Property-based run of the OpenAPI document against the live test server (schemathesis): for every
operation, generated requests (valid and invalid) never get a 500, and every response matches the
documented status codes, content type and schema. Bounded: a few dozen examples per operation."""

import datetime as dt

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api.actions import create_api_client
from applications.constants import ApplicationStatus
from applications.models import StatusChange
from tests.applications.factories import ApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 30


@pytest.fixture
def live_api(live_server, office, service, settings):
    settings.CNAP_API_RATES = {"api_client": "100000/min", "anonymous": "100000/min"}
    application = ApplicationFactory(journal__office=office)
    StatusChange.objects.create(
        application=application,
        from_status="",
        to_status=ApplicationStatus.REGISTERED,
        changed_at=timezone.now() - dt.timedelta(minutes=5),
        changed_by=application.registered_by,
    )
    _client, token = create_api_client(hromada=office.hromada, name="Портал")
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    return schema, {"Authorization": f"Token {token}"}


def test_every_operation_conforms_to_the_openapi_document(live_api):
    schema, headers = live_api
    operations = [result.ok() for result in schema.get_all_operations()]
    labels = sorted(operation.label for operation in operations)
    assert labels == [
        "GET /api/applications/{number}/",
        "GET /api/catalog/offices/",
        "GET /api/catalog/services/",
        "GET /api/catalog/services/{code}/",
        "GET /api/e-applications/{id}/",
        "GET /api/queue/groups/{group_id}/slots/",
        "GET /api/status-changes/",
        "POST /api/e-applications/",
        "POST /api/queue/bookings/",
        "POST /api/queue/bookings/{token}/cancel/",
    ]
    seen_statuses: dict[str, set[int]] = {}
    for operation in operations:
        _property_test(operation, headers, seen_statuses)()
    # The lists answered with data at least once (the run was not all errors).
    assert 200 in seen_statuses["GET /api/catalog/services/"]
    assert 200 in seen_statuses["GET /api/status-changes/"]
    assert seen_statuses["POST /api/e-applications/"] & {400, 201, 200}


def _property_test(operation, headers: dict, seen_statuses: dict):
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        seen_statuses.setdefault(operation.label, set()).add(response.status_code)

    return run
