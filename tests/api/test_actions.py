import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from api.actions import accept_e_application, reject_e_application, submit_e_application
from api.models import EApplicationState
from applications.models import Application
from cnap.accounts.constants import Role
from tests.api.conftest import e_application_payload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _submit(api_client_and_token, office, service, **overrides):
    payload = e_application_payload(office, service, **overrides)
    e_application, created = submit_e_application(
        client=api_client_and_token[0],
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


def test_only_staff_of_its_office_may_accept(api_client_and_token, office, other_office, service):
    e_application = _submit(api_client_and_token, office, service)
    for user in (
        UserFactory(role=Role.ADMINISTRATOR, office=other_office),
        UserFactory(role=Role.PROVIDER_OFFICER, office=None),
    ):
        with pytest.raises(PermissionDenied):
            accept_e_application(e_application=e_application, acting_user=user)
    assert not Application.objects.exists()
    e_application.refresh_from_db()
    assert e_application.state == EApplicationState.DRAFT


def test_accepted_once_only(api_client_and_token, office, service, administrator):
    e_application = _submit(api_client_and_token, office, service)
    accept_e_application(e_application=e_application, acting_user=administrator)
    with pytest.raises(ValidationError) as excinfo:
        accept_e_application(e_application=e_application, acting_user=administrator)
    assert excinfo.value.code == "already_decided"
    assert Application.objects.count() == 1


def test_reject_needs_a_reason_and_is_final(client, api_client_and_token, auth, office, service, administrator):
    e_application = _submit(api_client_and_token, office, service)
    with pytest.raises(ValidationError):
        reject_e_application(e_application=e_application, reason="  ", acting_user=administrator)
    reject_e_application(e_application=e_application, reason="Скан нечитабельний", acting_user=administrator)
    assert e_application.state == EApplicationState.REJECTED
    seen = client.get(f"/api/e-applications/{e_application.pk}/", **auth).json()
    assert seen["state"] == "rejected" and seen["rejection_reason"] == "Скан нечитабельний" and seen["number"] is None
    with pytest.raises(ValidationError):
        accept_e_application(e_application=e_application, acting_user=administrator)
    assert not Application.objects.exists()


def test_a_registration_refusal_at_acceptance_leaves_the_draft(api_client_and_token, office, service, administrator):
    """The catalog changed after the portal sent it (the office no longer offers the service): the
    registration's own check refuses, nothing is saved, the e-application stays a draft."""
    e_application = _submit(api_client_and_token, office, service)
    service.offices.remove(office)
    with pytest.raises(ValidationError) as excinfo:
        accept_e_application(e_application=e_application, acting_user=administrator)
    assert "service" in excinfo.value.message_dict
    e_application.refresh_from_db()
    assert e_application.state == EApplicationState.DRAFT and e_application.application is None
    assert not Application.objects.exists()


def test_a_known_applicant_from_a_portal_keeps_the_register_and_the_case_takes_the_portal_data(
    api_client_and_token, office, service, administrator
):
    """A portal's data never rewrite the register: the case keeps them as submitted."""
    first = _submit(api_client_and_token, office, service)
    accept_e_application(e_application=first, acting_user=administrator)
    applicant = Application.objects.get().applicant
    changed = {**first.applicant, "last_name": "Портальна", "address": "вул. Інша, 1"}
    second = _submit(api_client_and_token, office, service, applicant=changed, external_id="portal-2")
    case = accept_e_application(e_application=second, acting_user=administrator)
    applicant.refresh_from_db()
    assert case.applicant_id == applicant.pk
    assert applicant.last_name == first.applicant["last_name"]
    assert case.applicant_as_submitted.last_name == "Портальна"
    assert case.applicant_as_submitted.address == "вул. Інша, 1"
