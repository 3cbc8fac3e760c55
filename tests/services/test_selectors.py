import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cnap.accounts.constants import Role
from services import actions
from services.models import Service
from services.selectors import catalog_list, services_offered_by
from tests.factories import HromadaFactory, OfficeFactory, UserFactory

from .factories import ServiceVersionFactory

pytestmark = pytest.mark.django_db


def test_load_demo_catalog_offers_every_service_in_every_office_of_the_hromada_and_is_idempotent():
    hromada = HromadaFactory()
    offices = [OfficeFactory(hromada=hromada), OfficeFactory(hromada=hromada)]
    other = OfficeFactory()
    first = actions.load_demo_catalog(hromada=hromada)
    assert first.services_created >= 30
    for service in Service.objects.prefetch_related("offices"):
        assert set(service.offices.all()) == set(offices)
    second = actions.load_demo_catalog(hromada=hromada)
    assert second.services_created == second.versions_published == 0
    assert not other.services.exists()


def test_services_offered_by_an_office_matches_the_version_in_force():
    office = OfficeFactory()
    declared = ServiceVersionFactory(published=True)
    declared.service.offices.add(office)
    future = ServiceVersionFactory(title="Державна реєстрація шлюбу", published=True, valid_from=dt.date(2030, 1, 1))
    future.service.offices.add(office)
    elsewhere = ServiceVersionFactory(title="Декларування місця перебування", published=True)
    draft_only = ServiceVersionFactory(title="Декларування для чернетки")
    draft_only.service.offices.add(office)

    found = list(services_offered_by(office, search="деклар", on_date=dt.date(2026, 5, 1)))
    assert found == [declared.service]
    assert found[0].current_version_id == declared.pk and found[0].current_title == declared.title
    assert list(services_offered_by(office, search="шлюб", on_date=dt.date(2026, 5, 1))) == []
    assert list(services_offered_by(office, search="шлюб", on_date=dt.date(2030, 1, 1))) == [future.service]
    assert list(services_offered_by(office, search=declared.service.local_code)) == [declared.service]
    assert elsewhere.service not in services_offered_by(office)
    # A typo still finds the title (trigram word similarity on PostgreSQL).
    assert list(services_offered_by(office, search="декларуваня", on_date=dt.date(2026, 5, 1))) == [declared.service]


def test_a_new_title_is_searched_from_the_day_its_version_comes_into_force():
    manager = UserFactory(role=Role.CATALOG_MANAGER)
    version = ServiceVersionFactory(published=True)
    draft = actions.copy_version_to_draft(service=version.service, acting_user=manager)
    actions.update_draft(version=draft, title="Видача витягу з реєстру громади", acting_user=manager)
    actions.publish_version(version=draft, valid_from=dt.date(2026, 9, 1), acting_user=manager)
    before, after = dt.date(2026, 8, 31), dt.date(2026, 9, 1)
    assert list(catalog_list(search="витяг", on_date=before)) == []
    assert list(catalog_list(search="деклар", on_date=before)) == [version.service]
    assert list(catalog_list(search="витяг", on_date=after)) == [version.service]
    assert list(catalog_list(search="деклар", on_date=after)) == []


def test_staff_who_do_not_manage_the_catalog_see_only_services_in_force():
    in_force = ServiceVersionFactory(published=True)
    draft_only = ServiceVersionFactory(title="Нова послуга в роботі")
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    manager = UserFactory(role=Role.CATALOG_MANAGER)
    assert list(catalog_list(user=administrator)) == [in_force.service]
    assert set(catalog_list(user=manager)) == {in_force.service, draft_only.service}


def test_the_admin_lists_and_shows_every_catalog_model(client):
    version = ServiceVersionFactory(published=True)
    root = get_user_model().objects.create_superuser("root-admin", password="x-test-password-1")
    client.force_login(root)
    for model in [
        "subsistenceminimum",
        "provider",
        "service",
        "serviceversion",
        "requireddocument",
        "techcardstage",
        "refusalground",
    ]:
        assert client.get(reverse(f"admin:services_{model}_changelist")).status_code == 200, model
    page = client.get(reverse("admin:services_serviceversion_change", args=[version.pk]))
    assert page.status_code == 200 and version.title in page.content.decode()
    assert client.get(reverse("admin:services_serviceversion_history", args=[version.pk])).status_code == 200
