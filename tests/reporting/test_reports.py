import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from applications.constants import ApplicationStatus as S
from cnap.accounts.constants import Role
from tests.applications.factories import RegistrationJournalFactory
from tests.factories import HromadaFactory, OfficeFactory, UserFactory
from tests.reporting.stats_helpers import moved, registered
from tests.services.factories import ServiceVersionFactory

D = dt.date


def verified(client, user):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = StaticDevice.objects.create(user=user, name="t").persistent_id
    session.save()
    return client


@pytest.fixture
def month_data(db):
    hromada = HromadaFactory()
    office = OfficeFactory(hromada=hromada)
    journal = RegistrationJournalFactory(office=office)
    admin = UserFactory(role=Role.ADMINISTRATOR, office=office)
    first = ServiceVersionFactory(published=True, with_parts=False, title="Перша послуга")
    second = ServiceVersionFactory(published=True, with_parts=False, title="Друга послуга")
    common = {"journal": journal, "registered_by": admin}
    a = registered(on=D(2026, 2, 2), due=D(2026, 2, 10), fee="10", service_version=first, **common)
    for status, day in [(S.SENT_TO_PROVIDER, 2), (S.IN_PROGRESS, 3), (S.RESULT_READY, 9), (S.ISSUED, 12)]:
        moved(a, status, on=D(2026, 2, day))
    b = registered(on=D(2026, 2, 3), due=D(2026, 2, 5), service_version=first, **common)
    for status, day in [(S.SENT_TO_PROVIDER, 3), (S.IN_PROGRESS, 4), (S.REFUSED, 6)]:
        moved(b, status, on=D(2026, 2, day))
    registered(on=D(2026, 2, 20), due=D(2026, 3, 5), service_version=second, **common)
    registered(on=D(2026, 3, 2), due=D(2026, 3, 5), service_version=second, **common)  # another month
    # Another hromada's case in the same month and service must not count.
    other = OfficeFactory(hromada=HromadaFactory())
    registered(
        on=D(2026, 2, 4),
        due=D(2026, 2, 9),
        service_version=first,
        journal=RegistrationJournalFactory(office=other),
        registered_by=UserFactory(role=Role.ADMINISTRATOR, office=other),
    )
    mayor = UserFactory(role=Role.COMMUNITY_HEAD, office=None, hromada=hromada)
    return {"mayor": mayor, "first": first.service, "second": second.service}


def test_monthly_xlsx_opened_back(client, month_data):
    response = verified(client, month_data["mayor"]).get(
        reverse("reporting:reports"), {"download": "monthly", "month": "2026-02", "format": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('monthly-report-2026-02.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(min_row=5, values_only=True)]
    by_code = {row[0]: row for row in rows[:-1]}
    first = by_code[month_data["first"].national_id or month_data["first"].local_code]
    second = by_code[month_data["second"].national_id or month_data["second"].local_code]
    # code, title, registered, completed, on time, late, issued, refused, left, withdrawn, unclaimed, fees
    assert first[1:] == ["Перша послуга", 2, 2, 1, 1, 1, 1, 0, 0, 0, 10.0]
    assert second[1:] == ["Друга послуга", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0.0]
    assert rows[-1][2:] == [3, 2, 1, 1, 1, 1, 0, 0, 0, 10.0]


def test_monthly_pdf(client, month_data):
    response = verified(client, month_data["mayor"]).get(
        reverse("reporting:reports"), {"download": "monthly", "month": "2026-02", "format": "pdf"}
    )
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split())
    assert "Перша послуга" in text and "Друга послуга" in text and "02.2026" in text


def test_open_data_download_is_scoped_to_the_hromada(client, month_data):
    response = verified(client, month_data["mayor"]).get(
        reverse("reporting:reports"),
        {"download": "open_data", "date_from": "2026-02-01", "date_to": "2026-02-28", "format": "csv"},
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8").strip().splitlines()
    # header + the hromada's two cases provided in February (the third is still open), not the other hromada's
    assert len(lines) == 1 + 2


def test_reports_page_renders_forms(client, month_data):
    response = verified(client, month_data["mayor"]).get(reverse("reporting:reports"))
    assert response.status_code == 200
    assert 'data-testid="open-data-form"' in response.content.decode()
