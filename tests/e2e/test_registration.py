"""An administrator registers an application for a real catalog service at the counter, from the
keyboard-first form, with two documents and a scan, and gets the receipt PDF."""

import io

import pytest
from pypdf import PdfReader

from applications.models import Application
from demo.staff import DEMO_PASSWORD, seed_demo_staff
from services.catalog_io import load_demo_catalog
from tests.applications.factories import valid_rnokpp
from tests.applications.registration_support import pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_administrator_registers_and_gets_the_receipt(browser_page, login_as, tmp_path):
    # The staff and the catalog (seed_demo's demo applications are not needed here).
    seed_demo_staff()
    load_demo_catalog()
    scan = tmp_path / "declaration.pdf"
    scan.write_bytes(pdf_bytes())
    page = browser_page
    login_as(page, "administrator", DEMO_PASSWORD)
    page.goto("/applications/register/")

    # The service search has the focus: type, pick the first match with Enter.
    search = page.get_by_test_id("service-search")
    assert search.evaluate("el => el === document.activeElement")
    search.type("довідки про склад сім")
    page.get_by_test_id("service-option").first.wait_for()
    title = page.get_by_test_id("service-option").first.get_attribute("data-title")
    page.get_by_test_id("service-option").first.click()
    page.get_by_test_id("checklist").wait_for()
    assert title in page.get_by_test_id("chosen-service").inner_text()

    # The service's two documents are mandatory, so they come ticked; the sheets are typed in.
    boxes = page.get_by_test_id("doc-checkbox")
    assert boxes.count() == 2
    assert all(boxes.nth(index).is_checked() for index in range(2))
    page.locator("input[name$=_sheets]").first.fill("2")

    page.fill("#id_applicant-last_name", "Ґудзь")
    page.fill("#id_applicant-first_name", "Євгенія")
    page.fill("#id_applicant-patronymic", "Олексіївна")
    page.fill("#id_applicant-rnokpp", valid_rnokpp(42))
    page.check("#id_applicant-consent")
    page.set_input_files("input[name=scans]", str(scan))

    # Ctrl+Enter registers.
    page.locator("#id_applicant-patronymic").press("Control+Enter")
    page.wait_for_url("**/registered/")
    number = page.get_by_test_id("registration-number").inner_text().strip()
    application = Application.objects.get(number=number)
    assert application.documents.count() == 2
    assert application.documents.order_by("order").first().sheets == 2
    assert application.scans.count() == 1
    assert application.office.code == "ЦНАП1"

    response = page.request.get(page.get_by_test_id("receipt-link").get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert number in text
    assert "Ґудзь Євгенія Олексіївна" in text
