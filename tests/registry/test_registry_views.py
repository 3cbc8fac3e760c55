"""The registry panel's views: asking, polling, permissions (another office → 404), the personal-data access
log, copying fields into the applicant's record. The task itself is tested in test_registry_task.py."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from cnap.accounts.constants import Role
from cnap.exchange.client import MESSAGES
from cnap.security.models import PersonalDataAccess
from registry.actions import apply_registry_data, request_lookup, run_registry_attempt
from registry.constants import RegistryRequestState as S
from registry.models import RegistryRequest
from tests.applications.factories import ApplicationFactory, valid_rnokpp
from tests.factories import UserFactory
from tests.registry.test_registry_task import trembita_env

pytestmark = pytest.mark.django_db

RNOKPP = valid_rnokpp(11, male=True)


@pytest.fixture
def operator():
    return UserFactory()


@pytest.fixture
def application(operator):
    return ApplicationFactory(office=operator.office, journal__office=operator.office)


@pytest.fixture
def trembita(settings, emulator):
    settings.TREMBITA = trembita_env(emulator.url)
    return emulator


def ask(client, **data):
    return client.post(reverse("registry:lookup"), data, HTTP_HX_REQUEST="true")


def finished_request(operator, application, registry="eddr_person", query=None) -> RegistryRequest:
    """A lookup run to its end in-process against the emulator (no worker: the view tests need the result)."""
    request = RegistryRequest.objects.create(
        application=application,
        applicant=application.applicant if application else None,
        office=operator.office,
        registry=registry,
        query=query or {"rnokpp": RNOKPP},
        requested_by=operator,
    )
    while run_registry_attempt(request_id=request.id) is not None:
        pass
    request.refresh_from_db()
    return request


def test_asking_creates_a_pending_request_and_answers_the_polling_partial(client, operator, application, trembita):
    client.force_login(operator)

    response = ask(
        client,
        registry_lookup="eddr_person.rnokpp",
        registry_value=f" {RNOKPP} ",
        registry_application=application.pk,
        registry_mode="case",
    )

    assert response.status_code == 200
    request = RegistryRequest.objects.get()
    assert request.state == S.PENDING
    assert request.query == {"rnokpp": RNOKPP}
    assert request.application == application and request.applicant == application.applicant
    assert request.requested_by == operator and request.office == operator.office
    html = response.content.decode()
    poll_url = reverse("registry:request", args=[request.id])
    assert f'hx-get="{poll_url}?mode=case"' in html
    assert 'hx-trigger="every 1s"' in html
    assert "******" + RNOKPP[-4:] in html and RNOKPP not in html  # the number is masked


@pytest.mark.parametrize(
    ("lookup", "value", "message"),
    [
        ("eddr_person.rnokpp", "1234567890", "wrong check digit"),
        ("eddr_person.rnokpp", "12345", "10 digits"),
        ("eddr_person.unzr", "19851317-01234", "not a real date"),
        ("edr_subject.edrpou", "1436057", "8 digits"),
        ("dzk_parcel.cadastral_number", "3222481201-01-012-0034", "NNNNNNNNNN:NN:NNN:NNNN"),
        ("nonsense.rnokpp", RNOKPP, "Choose what to look up"),
        ("eddr_person.rnokpp", "", "Enter what to search for"),
    ],
)
def test_invalid_input_is_refused_with_a_clear_message(client, operator, trembita, lookup, value, message, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(operator)

    response = ask(client, registry_lookup=lookup, registry_value=value, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RegistryRequest.objects.exists()


def test_request_lookup_validates_every_registry_query(operator, trembita):
    from django.core.exceptions import ValidationError

    ok = {
        "eddr_person": {"unzr": "19850517-01234"},
        "edr_subject": {"edrpou": "14360570"},
        "drrp_rights": {"edrpou": "14360570"},
        "dzk_parcel": {"cadastral_number": "3222481201:01:012:0034"},
        "rtg_residence": {"rnokpp": RNOKPP},
    }
    for registry, query in ok.items():
        request = request_lookup(registry=registry, query=query, office=operator.office, acting_user=operator)
        assert request.query == query
    with pytest.raises(ValidationError):
        request_lookup(registry="edr_subject", query={"rnokpp": RNOKPP}, office=operator.office, acting_user=operator)
    with pytest.raises(ValidationError):
        request_lookup(
            registry="eddr_person",
            query={"rnokpp": RNOKPP, "unzr": "19850517-01234"},
            office=operator.office,
            acting_user=operator,
        )


def test_another_offices_request_answers_404_and_logs_nothing(client, operator, application, trembita):
    request = finished_request(operator, application)
    stranger = UserFactory()  # an administrator of another office
    client.force_login(stranger)

    response = client.get(reverse("registry:request", args=[request.id]))
    assert response.status_code == 404
    response = client.post(reverse("registry:apply", args=[request.id]), {"registry_fields": "address"})
    assert response.status_code == 404
    response = ask(
        client, registry_lookup="eddr_person.rnokpp", registry_value=RNOKPP, registry_application=application.pk
    )
    assert response.status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_viewing_a_response_is_logged_as_personal_data_access(client, operator, application, trembita):
    request = finished_request(operator, application)
    assert request.state == S.SUCCEEDED
    client.force_login(operator)

    response = client.get(reverse("registry:request", args=[request.id]) + "?mode=case")

    assert response.status_code == 200
    html = response.content.decode()
    assert "hx-trigger" not in html  # final: polling stops
    assert request.response["surname"] in html
    [access] = PersonalDataAccess.objects.all()
    assert access.user == operator
    assert access.action == "view_registry_response"
    assert access.application_id == application.pk and access.applicant_id == application.applicant.pk
    assert access.registry_request_id == request.pk
    assert access.ip == "127.0.0.1"
    with pytest.raises(ValueError):
        access.save()  # append-only


def test_not_found_shows_the_message_and_a_retry_that_asks_again(client, operator, application, trembita):
    request = finished_request(operator, application, query={"rnokpp": not_found_rnokpp()})
    assert request.state == S.NOT_FOUND
    client.force_login(operator)

    html = client.get(reverse("registry:request", args=[request.id])).content.decode()
    assert "registry-retry" in html
    with translation.override("uk"):
        assert escape(str(MESSAGES["not_found"])) in html
    assert not PersonalDataAccess.objects.exists()  # no personal data shown

    response = ask(client, registry_retry_of=str(request.id), registry_mode="case")
    assert response.status_code == 200
    again = RegistryRequest.objects.exclude(pk=request.pk).get()
    assert again.query == request.query and again.application == application and again.state == S.PENDING


def not_found_rnokpp() -> str:
    from tests.registry.test_registry_task import rnokpp_ending

    return rnokpp_ending("0000")


def test_apply_copies_the_ticked_fields_into_the_applicant_with_history(client, operator, application, trembita):
    request = finished_request(operator, application)
    client.force_login(operator)

    response = client.post(
        reverse("registry:apply", args=[request.id]),
        {"registry_fields": ["last_name", "birth_date", "address"]},
    )

    assert response.status_code == 200
    applicant = application.applicant
    applicant.refresh_from_db()
    data = request.response
    assert applicant.last_name == data["surname"]
    assert applicant.birth_date == dt.date.fromisoformat(data["dateOfBirth"])
    assert applicant.address == data["registeredAddress"]["text"]
    assert applicant.first_name == "Тарас"  # not ticked: unchanged
    latest = applicant.history.latest()
    assert latest.history_user == operator
    assert latest.history_change_reason == f"registry:eddr_person:{request.id}"


def test_apply_refuses_fields_the_response_does_not_fill(operator, application, trembita):
    from django.core.exceptions import ValidationError

    request = finished_request(operator, application)
    with pytest.raises(ValidationError):
        apply_registry_data(registry_request=request, fields=["phone"], acting_user=operator)
    with pytest.raises(ValidationError):
        apply_registry_data(registry_request=request, fields=[], acting_user=operator)


def test_entity_lookup_offers_name_head_and_address(client, operator, trembita):
    request = finished_request(operator, None, registry="edr_subject", query={"edrpou": "14360570"})
    client.force_login(operator)

    html = client.get(reverse("registry:request", args=[request.id]) + "?mode=form").content.decode()

    for name in ("name", "head_name", "address"):
        assert f'data-registry-field="{name}"' in html
    assert "registry-copy" in html  # on the registration form: copied by JS, not saved


def test_community_head_neither_sees_responses_nor_asks(client, operator, application, trembita):
    """A registry response is personal data: the community head's minimised view has none."""
    request = finished_request(operator, application)
    head = UserFactory(role=Role.COMMUNITY_HEAD, office=None, hromada=operator.office.hromada)
    client.force_login(head)

    assert client.get(reverse("registry:request", args=[request.id])).status_code == 404
    assert ask(client, registry_lookup="eddr_person.rnokpp", registry_value=RNOKPP).status_code == 403


def test_history_lists_the_lookups_of_a_case(client, operator, application, trembita):
    finished_request(operator, application)
    client.force_login(operator)

    response = client.get(reverse("registry:history", args=[application.pk]))

    assert response.status_code == 200
    assert "registry-history" in response.content.decode()
