import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from cnap.accounts.constants import Role
from services.actions import load_demo_catalog
from services.models import Service
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Видача дозволу (ордера) на видалення зелених насаджень"


def test_a_catalog_manager_finds_edits_publishes_and_prints_a_service(browser_page, login_as):
    load_demo_catalog()
    # Publishing needs the register identifier, which the demo catalog does not have for this service.
    Service.objects.filter(local_code="08-03").update(national_id="90803")
    manager = UserFactory(role=Role.CATALOG_MANAGER)
    page = browser_page
    login_as(page, manager.username, TEST_PASSWORD)

    # Find the service by part of its title: the list updates as one types (htmx).
    page.goto("/catalog/")
    assert page.get_by_test_id("catalog-table").locator("tbody tr").count() >= 30
    page.get_by_test_id("catalog-search").press_sequentially("зелених", delay=30)
    rows = page.get_by_test_id("catalog-table").locator("tbody tr")
    rows.filter(has_text=TITLE).wait_for()
    expect(rows).to_have_count(1)  # not page.wait_for_function(string): the CSP forbids eval
    assert "30 календарних днів" in rows.first.inner_text()
    page.get_by_role("link", name=TITLE).click()
    assert page.get_by_test_id("service-title").inner_text() == TITLE

    # Edit its term in a new draft, then publish it from today.
    page.get_by_test_id("new-draft").click()
    page.wait_for_url("**/draft/")
    page.fill("#id_term_value", "25")  # its stages take 22 working days: a shorter term needs a justification
    page.select_option("#id_term_unit", "working_days")
    page.get_by_test_id("draft-save-publish").click()
    page.wait_for_url("**/draft/publish/")
    page.fill("#id_valid_from", timezone.localdate().isoformat())
    page.get_by_test_id("publish-submit").click()
    page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    assert "25 робочих днів" in page.get_by_test_id("card-term").inner_text()
    service = Service.objects.get(local_code="08-03")
    assert list(service.versions.values_list("number", "status")) == [(2, "published"), (1, "published")]

    # Download its information card.
    with page.expect_download() as download_info:
        page.get_by_test_id("info-card-pdf").click()
    content = open(download_info.value.path(), "rb").read()
    assert content.startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    assert TITLE in text
    assert "25 робочих днів" in text
