"""The staff inbox of e-applications: who sees which, accepting (registration through the real action)
and rejecting, the errors of registration, and the second factor these /api/ pages ask for themselves."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from api.actions import submit_e_application
from api.models import EApplication, EApplicationState
from applications.constants import ApplicationStatus
from applications.models import Application, StatusChange
from cnap.accounts.constants import Role
from cnap.security.models import PersonalDataAccess
from tests.api.conftest import applicant_data, e_application_payload
from tests.applications.factories import RegistrationJournalFactory
from tests.factories import TEST_PASSWORD, UserFactory
from tests.services.factories import ServiceFactory, ServiceVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _journal(office):
    RegistrationJournalFactory(office=office, prefix="ЦНАП7")


def _submit(client_and_token, office, service, n=1, **overrides):
    payload = e_application_payload(office, service, applicant=applicant_data(n), external_id=f"portal-{n}")
    payload.update(overrides)
    e_application, created = submit_e_application(
        client=client_and_token[0],
        office_id=payload["office"],
        service_code=payload["service"],
        applicant=payload["applicant"],
        documents=payload["documents"],
        result_delivery=payload["result_delivery"],
        comment=payload["comment"],
        external_id=payload["external_id"],
    )
    assert created
    return e_application


def _other_office_e_application(other_office):
    """A draft of another office of another hromada, sent by that hromada's portal."""
    from api.actions import create_api_client

    service = ServiceFactory(local_code="API-OTHER")
    ServiceVersionFactory(service=service, published=True, channels=["online"], result_delivery=["electronic"])
    service.offices.add(other_office)
    client_and_token = create_api_client(hromada=other_office.hromada, name="Інший портал")
    return _submit(client_and_token, other_office, service, n=50)


def test_the_list_shows_the_office_drafts_newest_first(
    client, api_client_and_token, office, other_office, service, administrator
):
    older = _submit(api_client_and_token, office, service, n=1)
    newer = _submit(api_client_and_token, office, service, n=2, applicant={**applicant_data(2), "last_name": "Франко"})
    EApplication.objects.filter(pk=older.pk).update(received_at=timezone.now() - dt.timedelta(hours=3))
    decided = _submit(api_client_and_token, office, service, n=3, applicant={**applicant_data(3), "last_name": "Леся"})
    EApplication.objects.filter(pk=decided.pk).update(state=EApplicationState.REJECTED, rejection_reason="x")
    foreign = _other_office_e_application(other_office)

    client.force_login(administrator)
    response = client.get(reverse("api:inbox"))
    assert response.status_code == 200
    rows = response.context["page"].rows
    assert [row.pk for row in rows] == [newer.pk, older.pk]
    html = response.content.decode()
    assert "Франко Тарас Григорович" in html and "Шевченко Тарас Григорович" in html
    assert "Портал громади" in html  # the portal
    assert "Реєстрація місця проживання" in html  # the service's title in force
    assert str(foreign.pk) not in html and "Леся" not in html
    # The navigation has the inbox for those who register.
    assert reverse("api:inbox") in html


def test_a_starosta_decides_the_head_only_reads_and_others_are_refused(client, api_client_and_token, office, service):
    e_application = _submit(api_client_and_token, office, service)
    detail = reverse("api:inbox_detail", args=[e_application.pk])

    client.force_login(UserFactory(role=Role.STAROSTA, office=office))
    page = client.get(detail)
    assert page.status_code == 200 and b'data-testid="accept-button"' in page.content

    head = UserFactory(role=Role.CNAP_HEAD, office=office)
    client.force_login(head)
    assert client.get(reverse("api:inbox")).status_code == 200
    page = client.get(detail)
    assert page.status_code == 200 and b'data-testid="accept-button"' not in page.content
    assert client.post(reverse("api:inbox_accept", args=[e_application.pk])).status_code == 403
    assert client.post(reverse("api:inbox_reject", args=[e_application.pk]), {"reason": "Ні"}).status_code == 403
    e_application.refresh_from_db()
    assert e_application.state == EApplicationState.DRAFT

    for role in (Role.PROVIDER_OFFICER, Role.COMMUNITY_HEAD, Role.CATALOG_MANAGER):
        client.force_login(UserFactory(role=role, office=None))
        assert client.get(reverse("api:inbox")).status_code == 403, role
        assert client.get(detail).status_code == 403, role
        assert client.post(reverse("api:inbox_accept", args=[e_application.pk])).status_code == 403, role
    assert not Application.objects.exists()


def test_another_office_e_application_answers_404(client, office, other_office, administrator):
    foreign = _other_office_e_application(other_office)
    client.force_login(administrator)
    assert client.get(reverse("api:inbox_detail", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("api:inbox_accept", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("api:inbox_reject", args=[foreign.pk]), {"reason": "Чуже"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.state == EApplicationState.DRAFT and not Application.objects.exists()


def test_the_detail_shows_the_submitted_data_and_is_logged(
    client, api_client_and_token, office, service, administrator
):
    version = service.versions.get()
    declaration, passport = version.documents.order_by("order")
    e_application = _submit(
        api_client_and_token,
        office,
        service,
        documents=[
            {"required_document": declaration.pk, "kind": "original"},
            {"required_document": passport.pk, "kind": "copy", "copies": 2, "sheets": 3},
            {"name": "Довідка про склад сім’ї", "kind": "copy"},
        ],
    )
    client.force_login(administrator)
    response = client.get(reverse("api:inbox_detail", args=[e_application.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Шевченко Тарас Григорович" in html
    assert applicant_data()["rnokpp"] in html and "17.05.1985" in html and "taras@example.com" in html
    assert "Декларація про місце проживання" in html
    assert "Паспорт громадянина України" in html and "2 × 3" in html
    assert "Довідка про склад сім’ї" in html
    assert "Подано через портал" in html  # the comment
    access = PersonalDataAccess.objects.get(user=administrator)
    assert access.detail == f"e-application {e_application.pk}"


def test_accept_registers_links_and_redirects_to_the_case(client, api_client_and_token, office, service, administrator):
    e_application = _submit(api_client_and_token, office, service)
    client.force_login(administrator)
    response = client.post(reverse("api:inbox_accept", args=[e_application.pk]), follow=True)

    application = Application.objects.get()
    assert application.number.startswith("ЦНАП7-")
    assert application.channel == "online" and application.status == ApplicationStatus.REGISTERED
    assert application.registered_by == administrator
    assert StatusChange.objects.filter(application=application, to_status=ApplicationStatus.REGISTERED).exists()
    e_application.refresh_from_db()
    assert e_application.state == EApplicationState.ACCEPTED
    assert e_application.application == application and e_application.decided_by == administrator

    assert response.redirect_chain[-1][0] == reverse("applications:detail", args=[application.pk])
    html = response.content.decode()
    assert application.number in html
    assert reverse("applications:receipt", args=[application.pk]) in html
    # The inbox no longer lists it; a second acceptance is refused with a message, nothing new.
    assert client.get(reverse("api:inbox")).context["page"].rows == []
    again = client.post(reverse("api:inbox_accept", args=[e_application.pk]), follow=True)
    assert "вже" in again.content.decode() or "already" in again.content.decode()
    assert Application.objects.count() == 1


def test_a_registration_error_is_shown_and_leaves_the_draft(
    client, api_client_and_token, office, service, administrator
):
    e_application = _submit(api_client_and_token, office, service)
    service.offices.remove(office)  # the catalog changed since the portal sent it
    client.force_login(administrator)
    response = client.post(reverse("api:inbox_accept", args=[e_application.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("api:inbox_detail", args=[e_application.pk])
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) >= 2 and all(m.strip() for m in messages)
    assert b"alert-danger" in response.content
    e_application.refresh_from_db()
    assert e_application.state == EApplicationState.DRAFT and e_application.application is None
    assert not Application.objects.exists()


def test_reject_needs_a_reason(client, api_client_and_token, office, service, administrator):
    e_application = _submit(api_client_and_token, office, service)
    client.force_login(administrator)
    url = reverse("api:inbox_reject", args=[e_application.pk])

    response = client.post(url, {"reason": "   "})
    assert response.status_code == 400
    assert b'data-testid="reason-error"' in response.content
    e_application.refresh_from_db()
    assert e_application.state == EApplicationState.DRAFT

    response = client.post(url, {"reason": "Скан паспорта нечитабельний"})
    assert response.status_code == 302 and response["Location"] == reverse("api:inbox")
    e_application.refresh_from_db()
    assert e_application.state == EApplicationState.REJECTED
    assert e_application.rejection_reason == "Скан паспорта нечитабельний"
    assert e_application.decided_by == administrator
    assert not Application.objects.exists()


def test_the_inbox_asks_for_the_second_factor(client, office, administrator):
    """The staff-session middleware leaves only the REST framework's views under /api/ to token
    authentication: the inbox pages need the second factor like every staff page. A password-only session
    is sent to verify it."""
    from tests.security.otp import confirmed_totp_device

    confirmed_totp_device(administrator)
    login = client.post(reverse("login"), {"username": administrator.username, "password": TEST_PASSWORD})
    assert login.status_code == 302
    response = client.get(reverse("api:inbox"))
    assert response.status_code == 302
    assert reverse("two_factor_verify") in response["Location"]


def test_get_is_not_allowed_on_the_actions(client, api_client_and_token, office, service, administrator):
    e_application = _submit(api_client_and_token, office, service)
    client.force_login(administrator)
    assert client.get(reverse("api:inbox_accept", args=[e_application.pk])).status_code == 405
    assert not Application.objects.exists()
