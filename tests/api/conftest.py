import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache

from api.actions import create_api_client
from cnap.accounts.constants import Role
from tests.applications.factories import valid_rnokpp
from tests.factories import OfficeFactory, UserFactory
from tests.services.factories import ServiceFactory, ServiceVersionFactory, SubsistenceMinimumFactory, add_fee


@pytest.fixture(autouse=True)
def _fresh_address_throttle():
    """The anonymous rate limit counts per address (127.0.0.1 for every test): start each test afresh.
    Client throttles are keyed by the client's id, new in every test."""
    cache.delete("api-throttle:anonymous:127.0.0.1")
    yield
    cache.delete("api-throttle:anonymous:127.0.0.1")


@pytest.fixture
def office(db):
    return OfficeFactory()


@pytest.fixture
def other_office(db):
    return OfficeFactory()


@pytest.fixture
def service(office):
    """A service offered online at `office`, in force since 1 January 2026, fee = 0.1 ПМ."""
    for year in (dt.date.today().year, 2026):
        SubsistenceMinimumFactory(year=year, amount=Decimal("3328.00"))
    service = ServiceFactory(local_code="API-001")
    version = ServiceVersionFactory(
        service=service,
        published=True,
        title="Реєстрація місця проживання",
        channels=["in_person", "online"],
        result_delivery=["in_person", "electronic"],
    )
    add_fee(version, share="0.1")
    service.offices.add(office)
    return service


@pytest.fixture
def api_client_and_token(office):
    return create_api_client(hromada=office.hromada, name="Портал громади")


@pytest.fixture
def token(api_client_and_token):
    return api_client_and_token[1]


@pytest.fixture
def auth(token):
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


@pytest.fixture
def administrator(office):
    return UserFactory(role=Role.ADMINISTRATOR, office=office)


def applicant_data(n: int = 1) -> dict:
    return {
        "kind": "person",
        "last_name": "Шевченко",
        "first_name": "Тарас",
        "patronymic": "Григорович",
        "birth_date": "1985-05-17",
        "rnokpp": valid_rnokpp(n),
        "phone": "+380501234567",
        "email": "taras@example.com",
        "notify_by_email": True,
        "consent": True,
    }


def e_application_payload(office, service, **overrides) -> dict:
    version = service.versions.get()
    payload = {
        "office": office.pk,
        "service": service.local_code,
        "applicant": applicant_data(),
        "documents": [{"required_document": doc.pk, "kind": "copy"} for doc in version.documents.all()],
        "result_delivery": "electronic",
        "comment": "Подано через портал",
        "external_id": "portal-1",
    }
    payload.update(overrides)
    return payload
