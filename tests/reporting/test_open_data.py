import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from applications.constants import ApplicationStatus as S
from cnap.accounts.constants import Role
from reporting.selectors.reports import OPEN_DATA_FIELDS
from tests.applications.factories import ApplicantFactory, LegalEntityApplicantFactory, RegistrationJournalFactory
from tests.factories import OfficeFactory, UserFactory
from tests.reporting.stats_helpers import moved, registered

D = dt.date


@pytest.fixture
def cases(db):
    office = OfficeFactory()
    journal = RegistrationJournalFactory(office=office)
    admin = UserFactory(role=Role.ADMINISTRATOR, office=office)
    person = ApplicantFactory(hromada=office.hromada, last_name="Приватна", rnokpp="3123456789"[:10])
    company = LegalEntityApplicantFactory(hromada=office.hromada, name="ТОВ «Ромашка»")
    common = {"journal": journal, "registered_by": admin}
    person_case = registered(on=D(2026, 3, 2), due=D(2026, 3, 12), fee="120.50", applicant=person, hour=9, **common)
    for status, day in [(S.SENT_TO_PROVIDER, 3), (S.IN_PROGRESS, 4), (S.RESULT_READY, 9), (S.ISSUED, 11)]:
        moved(person_case, status, on=D(2026, 3, day))
    # Due 332.80, never paid, refused: the open data must not report 332.80 as paid.
    company_case = registered(
        on=D(2026, 3, 3), due=D(2026, 3, 13), fee="332.80", paid=False, applicant=company, **common
    )
    for status, day in [(S.SENT_TO_PROVIDER, 3), (S.IN_PROGRESS, 4), (S.REFUSED, 6)]:
        moved(company_case, status, on=D(2026, 3, day))
    open_case = registered(on=D(2026, 3, 31), due=D(2026, 4, 10), applicant=person, hour=23, **common)
    registered(on=D(2026, 4, 1), due=D(2026, 4, 10), applicant=person, **common)  # outside the period
    return person_case, company_case, open_case


def export(fmt, *extra):
    out = io.StringIO()
    call_command("export_open_data", "--from", "2026-03-01", "--to", "2026-03-31", "--format", fmt, *extra, stdout=out)
    return out.getvalue()


SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "open_data_835" / "schema.json").read_text(encoding="utf-8")
)
COLUMNS = SCHEMA["tableSchema"]["columns"]
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2})?$")


def _valid(record: dict) -> list[str]:
    """What in a JSON record breaks the published CMU 835 structure (tests/data/open_data_835)."""
    problems = []
    if list(record) != [c["name"] for c in COLUMNS]:
        problems.append(f"columns {list(record)}")
    for column in COLUMNS:
        name, value = column["name"], record.get(column["name"])
        if value is None or value == "":
            if column["required"]:
                problems.append(f"{name} is required")
            if value == "":
                problems.append(f"{name}: an empty string where the schema has null")
            continue
        kind = "string" if name == "currency" else column["datatype"]  # the schema's slip: see SOURCE.md
        if kind == "string" and not isinstance(value, str):
            problems.append(f"{name}: not a string")
        if kind == "date" and not DATE.match(str(value)):
            problems.append(f"{name}: not a date")
        if kind == "dateTime" and not DATETIME.match(str(value)):
            problems.append(f"{name}: not a date-time")
        if kind == "decimal" and (isinstance(value, bool) or not isinstance(value, int | float)):
            problems.append(f"{name}: not a number")
    return problems


def test_json_follows_the_published_cmu_835_structure(cases):
    records = json.loads(export("json"))
    assert records and all(_valid(r) == [] for r in records), [_valid(r) for r in records]


def test_only_provided_cases_with_the_paid_amount_and_nulls(cases):
    person_case, company_case, open_case = cases
    records = json.loads(export("json"))
    # The open case has no provision date: it is not in the set of provided services.
    assert [r["uid"] for r in records] == [person_case.number, company_case.number]
    person, company = records
    assert person["registrationDateTime"] == "2026-03-02T09:00:00+02:00"
    assert person["code"] == (person_case.service.national_id or person_case.service.local_code)
    assert person["title"] == person_case.service_version.title
    assert (person["authorityId"], person["authorityName"]) == (person_case.provider.edrpou, person_case.provider.name)
    assert person["applicantType"] == "фізична особа"
    assert person["applicantName"] is None and person["applicantId"] is None
    assert person["status"] == "Виконано"
    assert (person["providDate"], person["issuedDate"]) == ("2026-03-09", "2026-03-11")
    assert (person["amount"], person["currency"]) == (120.5, "UAH")
    # Refused for non-payment: nothing was paid, so nothing is exported as paid.
    assert company["applicantType"] == "юридична особа"
    assert company["applicantName"] == "ТОВ «Ромашка»" and company["applicantId"] == company_case.applicant.edrpou
    assert company["status"] == "Відмовлено" and company["providDate"] == "2026-03-06"
    assert company["amount"] == 0 and company["issuedDate"] is None
    text = export("csv")
    for secret in ("Приватна", person_case.applicant.rnokpp, person_case.applicant.document_number, "Тарас"):
        assert secret not in text


def test_a_case_is_in_the_file_of_the_month_it_was_provided_in(cases):
    person_case, company_case, open_case = cases
    moved(open_case, S.SENT_TO_PROVIDER, on=D(2026, 4, 1))
    moved(open_case, S.IN_PROGRESS, on=D(2026, 4, 2))
    moved(open_case, S.RESULT_READY, on=D(2026, 4, 3))
    out = io.StringIO()
    call_command("export_open_data", "--from", "2026-04-01", "--to", "2026-04-30", "--format", "json", stdout=out)
    assert [r["uid"] for r in json.loads(out.getvalue())] == [open_case.number]


def test_csv_holds_the_same_records_with_empty_cells_for_nulls(cases):
    rows = list(csv.DictReader(io.StringIO(export("csv"))))
    assert list(rows[0]) == list(OPEN_DATA_FIELDS)
    records = json.loads(export("json"))
    assert [r["uid"] for r in rows] == [r["uid"] for r in records]
    assert rows[0]["applicantName"] == "" and rows[0]["amount"] == "120.50"
    assert rows[1]["amount"] == "0.00"


def test_json_output_file(cases, tmp_path):
    target = tmp_path / "open.json"
    export("json", "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(export("json"))


def test_empty_period_gives_a_valid_file(db):
    assert json.loads(export("json")) == []
    assert export("csv").strip() == ",".join(OPEN_DATA_FIELDS)
