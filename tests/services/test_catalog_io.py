import copy
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from services import actions
from services.catalog_io import DEMO_CATALOG, CatalogImportError
from services.models import Provider, Service, ServiceVersion, SubsistenceMinimum

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data():
    return json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))


def test_the_shipped_catalog_loads_with_30_services_and_the_subsistence_minimums(demo_data):
    report = actions.import_catalog(demo_data, allow_incomplete=True)
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
    actions.import_catalog(demo_data, allow_incomplete=True)
    report = actions.import_catalog(copy.deepcopy(demo_data), allow_incomplete=True)
    assert report.services_created == report.services_updated == report.versions_published == 0
    assert report.services_unchanged == len(demo_data["services"])
    assert ServiceVersion.objects.count() == len(demo_data["services"])


def test_export_import_export_round_trips(demo_data):
    actions.import_catalog(demo_data, allow_incomplete=True)
    first = actions.export_catalog()
    Service.objects.all().delete()
    Provider.objects.all().delete()
    SubsistenceMinimum.objects.all().delete()
    assert not Service.objects.exists()
    actions.import_catalog(json.loads(json.dumps(first)), allow_incomplete=True)
    second = actions.export_catalog()
    assert second == first
    # The shipped file is itself in the exported form.
    assert first == demo_data
    assert len(second["services"]) == len(demo_data["services"])


def _counts():
    return (
        SubsistenceMinimum.objects.count(),
        Provider.objects.count(),
        Service.objects.count(),
        ServiceVersion.objects.count(),
    )


def _reject(data, *, allow_incomplete=True) -> list[str]:
    before = _counts()
    with translation.override("en"), pytest.raises(CatalogImportError) as excinfo:
        actions.import_catalog(data, allow_incomplete=allow_incomplete)
    assert _counts() == before, "nothing may be half imported"
    return excinfo.value.errors


def test_a_missing_field_is_rejected_with_its_position(demo_data):
    del demo_data["services"][3]["title"]
    errors = _reject(demo_data)
    assert errors == ["services[3].title: this field is required"]
    assert not Service.objects.exists() and not Provider.objects.exists()


def test_an_unknown_provider_is_rejected(demo_data):
    demo_data["services"][5]["provider_edrpou"] = "00032129"
    assert _reject(demo_data) == ["services[5].provider_edrpou: unknown provider '00032129'"]


def test_an_unknown_term_unit_is_rejected(demo_data):
    demo_data["services"][12]["term_unit"] = "weeks"
    assert _reject(demo_data) == ["services[12].term_unit: unknown unit 'weeks'"]


def test_a_duplicate_code_is_rejected(demo_data):
    demo_data["services"][7]["local_code"] = demo_data["services"][2]["local_code"]
    code = demo_data["services"][2]["local_code"]
    assert _reject(demo_data) == [f"services[7].local_code: duplicate code '{code}' (also at services[2])"]


def test_every_problem_is_reported_at_once_and_nothing_is_saved_even_over_an_existing_catalog(demo_data):
    actions.import_catalog(copy.deepcopy(demo_data), allow_incomplete=True)
    before = actions.export_catalog()
    demo_data["subsistence_minimums"][-1]["amount"] = "9999.00"  # a valid change, not to be saved
    demo_data["providers"][0]["edrpou"] = "12345670"
    demo_data["services"][0]["fees"][0]["share"] = "abc"
    demo_data["services"][1]["stages"][0]["action"] = "X"
    demo_data["services"][2]["documents"][1]["kind"] = "scan"
    demo_data["services"][0]["fees"][1]["iban"] = "UA00"
    demo_data["services"][9]["channels"] = ["fax"]
    demo_data["services"].append({"local_code": "NEW"})
    errors = _reject(demo_data)
    assert errors[0].startswith("providers[0].edrpou: ")
    assert "services[0].fees[0].share: must be a number" in errors
    assert "services[1].stages[0].action: unknown action 'X'" in errors
    assert "services[2].documents[1].kind: unknown kind 'scan'" in errors
    assert any(e.startswith("services[0].fees[1].iban: ") for e in errors)
    assert "services[9].channels[0]: unknown channel 'fax'" in errors
    assert f"services[{len(demo_data['services']) - 1}].title: this field is required" in errors
    assert actions.export_catalog() == before


def test_a_changed_card_becomes_a_new_published_version(demo_data):
    actions.import_catalog(copy.deepcopy(demo_data), allow_incomplete=True)
    demo_data["services"][0]["term_note"] = "Оновлено"
    demo_data["services"][0]["valid_from"] = "2026-07-01"
    report = actions.import_catalog(demo_data, allow_incomplete=True)
    assert report.versions_published == 1 and report.services_unchanged == len(demo_data["services"]) - 1
    service = Service.objects.get(local_code=demo_data["services"][0]["local_code"])
    assert list(service.versions.values_list("number", "valid_from")) == [
        (2, dt.date(2026, 7, 1)),
        (1, dt.date(2026, 1, 1)),
    ]
    demo_data["services"][0]["valid_from"] = "2026-03-01"
    demo_data["services"][0]["term_note"] = "Ще раз"
    assert _reject(demo_data) == ["services[0].valid_from: earlier than 2026-07-01, the start of published version 2"]


def test_the_import_command_prints_a_summary_or_the_errors(tmp_path, demo_data):
    good = tmp_path / "catalog.json"
    good.write_text(json.dumps(demo_data, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_catalog", str(good), "--allow-incomplete", stdout=out)
    assert f"Services: {len(demo_data['services'])} new" in out.getvalue()

    demo_data["services"][12]["term_unit"] = "weeks"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(demo_data, ensure_ascii=False), encoding="utf-8")
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError):
        call_command("import_catalog", str(bad), "--allow-incomplete", stdout=io.StringIO(), stderr=err)
    assert "services[12].term_unit: unknown unit 'weeks'" in err.getvalue()


def test_the_export_command_writes_json_to_stdout_or_a_file(tmp_path, demo_data):
    actions.import_catalog(demo_data, allow_incomplete=True)
    out = io.StringIO()
    call_command("export_catalog", stdout=out)
    assert json.loads(out.getvalue()) == demo_data
    target = tmp_path / "out.json"
    call_command("export_catalog", "--output", str(target), stdout=io.StringIO())
    assert json.loads(target.read_text(encoding="utf-8")) == demo_data


def test_xlsx_round_trip_through_the_commands(tmp_path, demo_data):
    actions.import_catalog(demo_data, allow_incomplete=True)
    target = tmp_path / "catalog.xlsx"
    call_command("export_catalog", "--format", "xlsx", "--output", str(target), stdout=io.StringIO())
    assert target.read_bytes()[:2] == b"PK"
    Service.objects.all().delete()
    Provider.objects.all().delete()
    SubsistenceMinimum.objects.all().delete()
    call_command("import_catalog", str(target), "--allow-incomplete", stdout=io.StringIO())
    assert actions.export_catalog() == demo_data


def test_xlsx_errors_name_the_sheet_and_row(tmp_path, demo_data):
    from openpyxl import load_workbook

    from services.xlsx import catalog_to_xlsx

    target = tmp_path / "catalog.xlsx"
    target.write_bytes(catalog_to_xlsx(demo_data))
    workbook = load_workbook(target)
    services = workbook["Services"]
    unit_column = [cell.value for cell in services[1]].index("term_unit") + 1
    services.cell(row=14, column=unit_column, value="weeks")  # the 13th service: services[12]
    workbook["Stages"].cell(row=3, column=1, value="NO-SUCH-CODE")
    workbook.save(target)
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError):
        call_command("import_catalog", str(target), "--allow-incomplete", stdout=io.StringIO(), stderr=err)
    assert "Stages row 3: local_code 'NO-SUCH-CODE' is not on the Services sheet" in err.getvalue()
    workbook["Stages"].cell(row=3, column=1, value=demo_data["services"][0]["local_code"])
    workbook.save(target)
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError):
        call_command("import_catalog", str(target), "--allow-incomplete", stdout=io.StringIO(), stderr=err)
    assert "Services row 14: services[12].term_unit: unknown unit 'weeks'" in err.getvalue()
    assert not Service.objects.exists()


def test_a_published_version_must_pass_the_checks_before_publishing(demo_data):
    """Without --allow-incomplete a published service needs its register identifier, approving act,
    cited grounds and stages within the term; the demo catalog's unverified identifiers are reported."""
    demo_data["services"][0]["approval_act"] = ""
    demo_data["services"][0]["refusal_grounds"][0]["citation"] = ""
    errors = _reject(demo_data, allow_incomplete=False)
    assert "services[0].approval_act: Required to publish." in errors
    assert any(e.startswith("services[0].refusal_grounds: Each ground for refusal cites") for e in errors)
    missing_ids = {e.split(".")[0] for e in errors if ".national_id:" in e}
    assert len(missing_ids) == 24  # 10 of the 34 identifiers are confirmed (docs/legal-sources.md)
    with translation.override("en"):
        report = actions.import_catalog(demo_data, allow_incomplete=True)
    assert "services[0].approval_act: Required to publish." in report.incomplete


def test_stages_longer_than_the_term_block_publishing_unless_justified(demo_data):
    service = next(s for s in demo_data["services"] if s["local_code"] == "03-01")
    service["stages"].append(dict(service["stages"][-1], duration=2, duration_unit="working_days"))
    errors = _reject(demo_data, allow_incomplete=False)
    assert any(e.startswith("services[9].term_justification: The stages of the technological card") for e in errors)
    service["term_justification"] = "Виїзд на місце за заявою суб’єкта звернення"
    errors = _reject(demo_data, allow_incomplete=False)
    assert not any(e.startswith("services[9].term_justification") for e in errors)
