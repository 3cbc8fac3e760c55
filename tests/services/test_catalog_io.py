import copy
import json

import pytest

from services import actions
from services.catalog_io import DEMO_CATALOG
from services.models import Provider, Service, ServiceVersion, SubsistenceMinimum

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data():
    return json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))


def test_the_shipped_catalog_loads_with_30_services_and_the_subsistence_minimums(demo_data):
    report = actions.import_catalog(demo_data)
    assert report.services_created == len(demo_data["services"]) >= 30
    assert report.versions_published == report.services_created
    assert SubsistenceMinimum.objects.get(year=2026).amount == 3328
    assert SubsistenceMinimum.objects.get(year=2024).amount == 3028
    fop = Service.objects.get(national_id="00106")
    version = fop.versions.get()
    assert version.title == "Державна реєстрація фізичної особи – підприємця"
    assert version.is_published and version.stages.count() >= 5
    # Every shipped service has a technological card and documents.
    assert not ServiceVersion.objects.filter(stages__isnull=True).exists()
    assert not ServiceVersion.objects.filter(documents__isnull=True).exists()


def test_loading_the_same_catalog_twice_changes_nothing(demo_data):
    actions.import_catalog(demo_data)
    report = actions.import_catalog(copy.deepcopy(demo_data))
    assert report.services_created == report.services_updated == report.versions_published == 0
    assert report.services_unchanged == len(demo_data["services"])
    assert ServiceVersion.objects.count() == len(demo_data["services"])


def test_export_import_export_round_trips(demo_data):
    actions.import_catalog(demo_data)
    first = actions.export_catalog()
    Service.objects.all().delete()
    Provider.objects.all().delete()
    SubsistenceMinimum.objects.all().delete()
    assert not Service.objects.exists()
    actions.import_catalog(json.loads(json.dumps(first)))
    second = actions.export_catalog()
    assert second == first
    # The shipped file is itself in the exported form.
    assert first == demo_data
    assert len(second["services"]) == len(demo_data["services"])
