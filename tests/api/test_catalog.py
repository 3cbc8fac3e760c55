from decimal import Decimal

import pytest
from django.urls import reverse

from services.constants import ServiceCategory
from tests.factories import OfficeFactory
from tests.services.factories import ServiceFactory, ServiceVersionFactory

pytestmark = pytest.mark.django_db


def test_services_list_is_public_and_shows_the_version_in_force_with_todays_fee(client, service, office):
    ServiceVersionFactory(service=ServiceFactory(local_code="DRAFT-ONLY"))  # no version in force: not listed
    response = client.get(reverse("api:services"))
    assert response.status_code == 200
    body = response.json()
    assert [item["code"] for item in body["results"]] == ["API-001"]
    item = body["results"][0]
    assert item["title"] == "Реєстрація місця проживання"
    assert Decimal(item["fee"]["amount_today"]) == Decimal("332.80")
    charge = item["fee"]["charges"][0]
    assert (charge["iban"], charge["budget_code"], charge["rounding"]) == (
        "UA598999980000031417919000001",
        "22012500",
        "kopeck",
    )
    assert item["fee"]["free"] is False
    assert item["office_ids"] == [office.pk]
    assert set(body) == {"next", "previous", "results"}


def test_services_filter_by_office_category_and_search(client, service, office):
    other = ServiceFactory(local_code="API-002", category=ServiceCategory.LAND)
    ServiceVersionFactory(service=other, published=True, title="Витяг з земельного кадастру")
    other.offices.add(OfficeFactory())
    url = reverse("api:services")
    assert [s["code"] for s in client.get(url, {"office": office.pk}).json()["results"]] == ["API-001"]
    assert [s["code"] for s in client.get(url, {"category": "land"}).json()["results"]] == ["API-002"]
    assert [s["code"] for s in client.get(url, {"search": "кадастр"}).json()["results"]] == ["API-002"]


def test_services_are_paginated_by_cursor(client, service):
    for n in range(3):
        ServiceVersionFactory(service=ServiceFactory(local_code=f"API-1{n}"), published=True)
    first = client.get(reverse("api:services"), {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    codes = [s["code"] for s in first["results"] + second["results"]]
    assert codes == ["API-001", "API-10", "API-11", "API-12"]


def test_invalid_filter_is_a_400_in_the_error_format(client, service):
    response = client.get(reverse("api:services"), {"category": "nonsense", "office": "x"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "Запит містить помилки: див. поля."
    assert set(error["fields"]) == {"category", "office"}


def test_service_card_has_documents_grounds_stages_and_offices(client, service, office):
    response = client.get(reverse("api:service", args=["API-001"]))
    assert response.status_code == 200
    card = response.json()
    assert [d["name"] for d in card["documents"]] == ["Декларація про місце проживання", "Паспорт громадянина України"]
    assert card["refusal_grounds"] == [{"order": 1, "text": "Подання неповного пакета документів"}]
    assert [s["name"] for s in card["stages"]][0] == "Прийом і реєстрація заяви"
    assert card["offices"][0]["id"] == office.pk
    assert card["legal_basis"].startswith("Закон України")
    assert card["term"]["unit"] == "same_day"


def test_unknown_or_inactive_service_is_404_in_the_error_format(client, service):
    service.is_active = False
    service.save()
    response = client.get(reverse("api:service", args=["API-001"]))
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Не знайдено.", "fields": {}}}


def test_offices_list(client, office):
    OfficeFactory(is_active=False)
    response = client.get(reverse("api:offices"))
    assert response.status_code == 200
    assert [o["id"] for o in response.json()["results"]] == [office.pk]


def test_anonymous_reads_are_throttled_per_address(client, service, settings):
    settings.CNAP_API_RATES = {**settings.CNAP_API_RATES, "anonymous": "2/min"}
    url = reverse("api:services")
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    response = client.get(url)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert response.json()["error"]["message"].startswith("Забагато запитів")
    assert int(response["Retry-After"]) > 0


def test_schema_and_docs_are_public(client):
    schema = client.get(reverse("api:schema"), {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/catalog/services/", "/api/e-applications/", "/api/status-changes/"} <= set(paths)
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in html and "js/api-docs.js" in html
    assert "<script>" not in html.replace(" ", "")
