import csv
import datetime as dt
import io
import json

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
    company_case = registered(on=D(2026, 3, 3), due=D(2026, 3, 13), applicant=company, **common)
    for status, day in [(S.SENT_TO_PROVIDER, 3), (S.IN_PROGRESS, 4), (S.REFUSED, 6)]:
        moved(company_case, status, on=D(2026, 3, day))
    open_case = registered(on=D(2026, 3, 31), due=D(2026, 4, 10), applicant=person, hour=23, **common)
    registered(on=D(2026, 4, 1), due=D(2026, 4, 10), applicant=person, **common)  # outside the period
    return person_case, company_case, open_case


def export(fmt, *extra):
    out = io.StringIO()
    call_command("export_open_data", "--from", "2026-03-01", "--to", "2026-03-31", "--format", fmt, *extra, stdout=out)
    return out.getvalue()


def test_csv_columns_and_values_with_persons_anonymised(cases):
    person_case, company_case, open_case = cases
    rows = list(csv.DictReader(io.StringIO(export("csv"))))
    assert list(rows[0]) == list(OPEN_DATA_FIELDS)
    assert [row["uid"] for row in rows] == [person_case.number, company_case.number, open_case.number]
    person, company, still_open = rows
    assert person["registrationDateTime"] == "2026-03-02T09:00:00+02:00"
    assert person["code"] == (person_case.service.national_id or person_case.service.local_code)
    assert person["title"] == person_case.service_version.title
    assert person["authorityId"] == person_case.provider.edrpou
    assert person["authorityName"] == person_case.provider.name
    assert person["applicantType"] == "фізична особа"
    assert person["applicantName"] == "" and person["applicantId"] == ""
    assert person["status"] == "Виконано"
    assert (person["providDate"], person["issuedDate"]) == ("2026-03-09", "2026-03-11")
    assert (person["amount"], person["currency"]) == ("120.50", "UAH")
    assert company["applicantType"] == "юридична особа"
    assert company["applicantName"] == "ТОВ «Ромашка»"
    assert company["applicantId"] == company_case.applicant.edrpou
    assert company["status"] == "Відмовлено" and company["providDate"] == "2026-03-06"
    assert still_open["status"] == "На виконанні" and still_open["providDate"] == ""
    assert still_open["registrationDateTime"].startswith("2026-03-31T23:00")
    text = export("csv")
    for secret in ("Приватна", person_case.applicant.rnokpp, person_case.applicant.document_number, "Тарас"):
        assert secret not in text


def test_json_holds_the_same_records(cases, tmp_path):
    records = json.loads(export("json"))
    assert [list(r) for r in records] == [list(OPEN_DATA_FIELDS)] * 3
    assert records == list(csv.DictReader(io.StringIO(export("csv"))))
    target = tmp_path / "open.json"
    export("json", "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8")) == records


def test_empty_period_gives_a_valid_file(db):
    assert json.loads(export("json")) == []
    assert export("csv").strip() == ",".join(OPEN_DATA_FIELDS)
