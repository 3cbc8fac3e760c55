import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from api.actions import accept_e_application, create_api_client, revoke_api_client
from api.models import ApiClient, ApiRequestLog, EApplication, EApplicationState, hash_token
from applications.constants import ApplicationStatus
from applications.models import StatusChange
from tests.api.conftest import e_application_payload
from tests.applications.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def post(client, auth, payload):
    return client.post(reverse("api:e_applications"), payload, content_type="application/json", **auth)


def test_token_is_stored_hashed_with_a_visible_prefix(api_client_and_token):
    api_client, token = api_client_and_token
    stored = ApiClient.objects.get(pk=api_client.pk)
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    assert stored.token_prefix == token[:8]
    assert len(token) >= 40


def test_no_token_is_401_in_the_error_format(client, office, service):
    response = post(client, {}, e_application_payload(office, service))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"
    assert not EApplication.objects.exists()


def test_unknown_token_is_401(client, office, service):
    response = post(client, {"HTTP_AUTHORIZATION": "Token nonsense"}, e_application_payload(office, service))
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "authentication_failed",
        "message": "Токен недійсний.",
        "fields": {},
    }


def test_revoked_token_is_401_and_the_attempt_is_logged(client, office, service, api_client_and_token, auth):
    api_client, _token = api_client_and_token
    revoke_api_client(client=api_client)
    response = post(client, auth, e_application_payload(office, service))
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Токен відкликано."
    log = ApiRequestLog.objects.get(client=api_client)
    assert (log.method, log.path, log.status_code) == ("POST", "/api/e-applications/", 401)
    assert not EApplication.objects.exists()


def test_post_e_application_lands_as_draft_and_is_idempotent(client, office, service, auth, api_client_and_token):
    payload = e_application_payload(office, service)
    response = post(client, auth, payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft" and body["status"] == "draft" and body["number"] is None
    e_application = EApplication.objects.get(pk=body["id"])
    assert e_application.client == api_client_and_token[0]
    assert e_application.hromada == office.hromada
    assert e_application.applicant["rnokpp"] == payload["applicant"]["rnokpp"]
    again = post(client, auth, payload)
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert EApplication.objects.count() == 1


def test_validation_errors_name_the_fields_in_ukrainian(client, office, service, auth):
    payload = e_application_payload(office, service, documents=[])
    payload["applicant"] = {**payload["applicant"], "rnokpp": "1234567890", "consent": False}
    response = post(client, auth, payload)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "Запит містить помилки: див. поля."
    assert "applicant.consent" in error["fields"]
    # The registration's own rules (documents, identifiers) apply once the input is well-formed:
    payload["applicant"]["consent"] = True
    fields = post(client, auth, payload).json()["error"]["fields"]
    assert set(fields) == {"documents", "applicant.rnokpp"}
    assert any("обов" in message.lower() or "документ" in message.lower() for message in fields["documents"])


def test_malformed_json_is_a_400(client, auth, service):
    response = client.post(reverse("api:e_applications"), "{", content_type="application/json", **auth)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


def test_office_of_another_hromada_is_refused(client, office, other_office, service, auth):
    service.offices.add(other_office)
    response = post(client, auth, e_application_payload(other_office, service))
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["office"]


def test_service_not_filed_online_is_refused(client, office, service, auth):
    version = service.versions.get()
    type(version).objects.filter(pk=version.pk).update(channels=["in_person"])
    response = post(client, auth, e_application_payload(office, service))
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["service"]


def test_accepting_registers_through_the_normal_action(client, office, service, auth, administrator):
    body = post(client, auth, e_application_payload(office, service)).json()
    e_application = EApplication.objects.get(pk=body["id"])
    application = accept_e_application(e_application=e_application, acting_user=administrator)
    assert application.status == ApplicationStatus.REGISTERED
    assert application.channel == "online" and application.registered_by == administrator
    assert application.number.endswith("-000001")
    assert application.documents.count() == 2
    e_application.refresh_from_db()
    assert e_application.state == EApplicationState.ACCEPTED and e_application.application == application

    seen = client.get(reverse("api:e_application", args=[body["id"]]), **auth).json()
    assert seen["state"] == "accepted" and seen["number"] == application.number and seen["status"] == "registered"

    status = client.get(reverse("api:application_status", args=[application.number]), **auth)
    assert status.status_code == 200
    assert status.json()["status"] == "registered" and status.json()["service_code"] == "API-001"
    assert "applicant" not in status.json()


def test_a_token_sees_nothing_of_another_hromada(client, office, other_office, service, auth):
    foreign = ApplicationFactory(journal__office=other_office)
    foreign_client, foreign_token = create_api_client(hromada=other_office.hromada, name="Чужий портал")
    foreign_auth = {"HTTP_AUTHORIZATION": f"Token {foreign_token}"}
    own_e_application = post(client, auth, e_application_payload(office, service)).json()["id"]
    StatusChange.objects.create(
        application=foreign,
        to_status=ApplicationStatus.REGISTERED,
        changed_at=timezone.now(),
        changed_by=foreign.registered_by,
    )

    response = client.get(reverse("api:application_status", args=[foreign.number]), **auth)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client.get(reverse("api:e_application", args=[own_e_application]), **foreign_auth).status_code == 404
    assert client.get(reverse("api:status_changes"), **auth).json()["results"] == []
    assert [c["number"] for c in client.get(reverse("api:status_changes"), **foreign_auth).json()["results"]] == [
        foreign.number
    ]


def test_status_changes_since_a_moment_paginated_by_cursor(client, office, auth):
    application = ApplicationFactory(journal__office=office)
    start = timezone.now() - dt.timedelta(hours=5)
    for hours in range(5):
        StatusChange.objects.create(
            application=application,
            from_status="",
            to_status=ApplicationStatus.IN_PROGRESS,
            changed_at=start + dt.timedelta(hours=hours),
            changed_by=application.registered_by,
        )
    url = reverse("api:status_changes")
    since = (start + dt.timedelta(hours=1)).isoformat()
    first = client.get(url, {"since": since, "page_size": 3}, **auth).json()
    assert len(first["results"]) == 3 and first["next"]
    second = client.get(first["next"], **auth).json()
    moments = [c["changed_at"] for c in first["results"] + second["results"]]
    assert len(moments) == 4 and moments == sorted(moments)
    assert second["next"] is None
    bad = client.get(url, {"since": "yesterday"}, **auth)
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["since"]


def test_every_use_of_a_token_is_logged_without_query_or_body(client, office, auth, api_client_and_token):
    api_client = api_client_and_token[0]
    client.get(reverse("api:status_changes"), {"since": "2026-01-01T00:00:00Z"}, **auth)
    client.get(reverse("api:application_status", args=["NO-SUCH"]), **auth)
    logs = list(ApiRequestLog.objects.filter(client=api_client).order_by("at", "id"))
    assert [(log.method, log.path, log.status_code) for log in logs] == [
        ("GET", "/api/status-changes/", 200),
        ("GET", "/api/applications/NO-SUCH/", 404),
    ]
    api_client.refresh_from_db()
    assert api_client.last_used_at is not None


def test_token_requests_are_throttled_per_token(client, office, auth, settings):
    settings.CNAP_API_RATES = {**settings.CNAP_API_RATES, "api_client": "3/min"}
    url = reverse("api:status_changes")
    assert [client.get(url, **auth).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(url, **auth)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    # Another token has its own allowance.
    _other, other_token = create_api_client(hromada=office.hromada, name="Е-черга")
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {other_token}").status_code == 200
