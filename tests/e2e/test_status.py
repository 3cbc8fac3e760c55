"""A citizen scans the receipt's QR code and follows the case on the public status page."""

import pytest
from django.test import override_settings
from django.utils import timezone

from applications.constants import ApplicationStatus
from applications.receipts import status_url
from tests.applications.factories import ApplicationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_receipt_qr_link_shows_the_status_and_then_the_ready_result(browser_page, live_server):
    application = ApplicationFactory(
        journal__office__name="ЦНАП Світанківської громади",
        journal__office__address="вул. Соборна, 12",
        journal__office__schedule="Пн–Пт 08:00–17:00",
        journal__office__phone="+380 44 123 45 67",
        applicant__last_name="Шевчук",
    )
    # The URL the receipt prints and encodes in its QR code, on this test server.
    with override_settings(CNAP_SITE_URL=live_server.url):
        qr_url = status_url(application)
    assert qr_url.startswith(f"{live_server.url}/status/?number=")
    assert f"code={application.access_code}" in qr_url

    page = browser_page
    page.goto(qr_url)
    assert page.locator("html").get_attribute("lang") == "uk"
    assert page.get_by_test_id("status-label").inner_text().strip() == "Зареєстровано"
    assert "Вашу заяву зареєстровано в ЦНАП." in page.get_by_test_id("status-meaning").inner_text()
    assert page.get_by_test_id("service-title").inner_text() == application.service_version.title
    assert "ще ні" in page.get_by_test_id("result-ready").inner_text()
    assert "Шевчук" not in page.content()

    # The provider marks the result ready.
    application.status = ApplicationStatus.RESULT_READY
    application.result_ready_at = timezone.now()
    application.status_changed_at = application.result_ready_at
    application.save()

    page.reload()
    assert page.get_by_test_id("status-label").inner_text().strip() == "Результат готовий"
    assert "так" in page.get_by_test_id("result-ready").inner_text()
    office = page.get_by_test_id("office").inner_text()
    assert "Де отримати" in office
    assert "ЦНАП Світанківської громади" in office
    assert "вул. Соборна, 12" in office
    assert "Пн–Пт 08:00–17:00" in office
    assert "+380 44 123 45 67" in office


def test_typing_a_wrong_code_in_the_form_says_not_found(browser_page, live_server):
    application = ApplicationFactory()
    page = browser_page
    page.goto("/status/")
    page.get_by_label("Реєстраційний номер").fill(application.number.lower())
    page.get_by_label("Код доступу").fill("WRONG000")
    page.get_by_role("button", name="Перевірити стан").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("not-found").is_visible()
    page.get_by_label("Реєстраційний номер").fill(application.number.lower())
    page.get_by_label("Код доступу").fill(application.access_code.lower())
    page.get_by_role("button", name="Перевірити стан").click()
    page.get_by_test_id("status-result").wait_for()
    assert application.number in page.locator("h1").inner_text()
