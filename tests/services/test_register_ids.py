"""The services' identifiers in the Register of administrative services: each one cited, the catalog and
docs/legal-sources.md in step, and the identifier carried from the import to the open-data export."""

import copy
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from applications.constants import ApplicationStatus as S
from services import actions
from services.catalog_io import DEMO_CATALOG, load_demo_catalog
from services.models import Service
from tests.applications.factories import RegistrationJournalFactory
from tests.factories import OfficeFactory
from tests.reporting.stats_helpers import moved, registered

LEGAL_SOURCES = Path(__file__).resolve().parents[2] / "docs" / "legal-sources.md"
NOT_FOUND = "not found in the sources available"
ROW = re.compile(r"^\| (\d\d-\d\d) [^|]*\| (\d{5}|—) \|[^|]*\| ([^|]+) \|$")

# Read on stored Register pages and ЦНАП mirrors (docs/legal-sources.md, «Register identifiers»).
CITED = {
    "01-02": "00034",  # od.cmr.gov.ua/cnap/functionality/9693/ «Реєстрація місця проживання»
    "02-01": "00030",  # od.cmr.gov.ua/cnap/functionality/9768/ «Державна реєстрація народження дитини …»
    "03-01": "00106",  # bychkivrada.gov.ua/cnap/functionality/15571/
    "08-01": "00153",  # guide.diia.gov.ua: «Прийняття рішення про присвоєння адреси об’єкту нерухомого майна»
}


def _catalog() -> dict:
    return json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))


def _documented() -> dict[str, tuple[str, str]]:
    """local code -> (identifier or "", status) from the table in docs/legal-sources.md."""
    text = LEGAL_SOURCES.read_text(encoding="utf-8")
    section = text.split("## Register identifiers", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            code, national_id, status = match.groups()
            rows[code] = ("" if national_id == "—" else national_id, status.strip())
    return rows


def test_every_identifier_is_documented_and_cited_and_the_missing_ones_are_said_so():
    services = _catalog()["services"]
    documented = _documented()
    assert set(documented) == {s["local_code"] for s in services}
    for service in services:
        code, national_id = service["local_code"], service["national_id"]
        source = service["sources"]["national_id"]
        assert documented[code][0] == national_id, code
        if national_id:
            assert re.fullmatch(r"\d{5}", national_id), code
            assert national_id in source and documented[code][1].startswith("confirmed"), code
        else:
            assert NOT_FOUND in source and documented[code][1] == NOT_FOUND, code
    for code, national_id in CITED.items():
        assert documented[code][0] == national_id
    missing = [code for code, (national_id, _) in documented.items() if not national_id]
    assert len(missing) == 24
    assert "24 do not" in LEGAL_SOURCES.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_the_cited_identifiers_reach_the_database_and_the_open_data_export():
    load_demo_catalog()
    stored = dict(Service.objects.values_list("local_code", "national_id"))
    for code, national_id in CITED.items():
        assert stored[code] == national_id
    assert stored["04-01"] == ""
    assert sum(1 for value in stored.values() if not value) == 24

    office = OfficeFactory()
    common = {"journal": RegistrationJournalFactory(office=office)}
    day = dt.date(2026, 3, 2)
    for code in ("01-02", "02-01", "04-01"):
        version = Service.objects.get(local_code=code).versions.get()
        case = registered(on=day, due=day + dt.timedelta(days=5), service_version=version, **common)
        moved(case, S.RESULT_READY, on=day + dt.timedelta(days=1))
    out = io.StringIO()
    call_command("export_open_data", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "json", stdout=out)
    records = json.loads(out.getvalue())
    # A service without an identifier is exported under its local code.
    assert [(r["code"], r["title"][:30]) for r in records] == [
        ("00034", "Реєстрація місця проживання (п"),
        ("00030", "Державна реєстрація народження"),
        ("04-01", "Державна реєстрація права влас"),
    ]


@pytest.mark.django_db
def test_reloading_the_catalog_updates_a_database_seeded_before_the_identifiers():
    """A database seeded with the old catalog (01-02 as 00040, 02-01 blank) gets the new identifiers
    when the demo catalog is loaded again, as `seed_demo` does."""
    old = copy.deepcopy(_catalog())
    for service in old["services"]:
        if service["local_code"] == "01-02":
            service["national_id"] = "00040"
        if service["local_code"] == "02-01":
            service["national_id"] = ""
    actions.import_catalog(old, allow_incomplete=True)
    assert Service.objects.get(local_code="01-02").national_id == "00040"

    report = load_demo_catalog()
    assert Service.objects.get(local_code="01-02").national_id == "00034"
    assert Service.objects.get(local_code="02-01").national_id == "00030"
    assert report.services_created == 0 and report.services_updated >= 2
    assert load_demo_catalog().services_updated == 0
