"""In a real browser: a new staff member enrols the second factor from the QR page's key, logs out and
back in with a code; the pages they use (htmx search included) run under the CSP without a violation."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnap.accounts.constants import Role
from services.actions import load_demo_catalog
from tests.factories import TEST_PASSWORD, UserFactory
from tests.security.otp import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def code_for(secret: str) -> str:
    key = secret.replace(" ", "")
    return f"{TOTP(b32decode(key + '=' * (-len(key) % 8))).token():06d}"


def test_enrolment_then_login_with_a_code_and_no_csp_violation(browser_page):
    load_demo_catalog()
    user = UserFactory(username="newclerk", role=Role.ADMINISTRATOR)
    page = browser_page
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )

    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/2fa/setup/**")
    assert page.get_by_test_id("totp-qr").evaluate("img => img.naturalWidth") > 0  # the QR code (a data: URI) shows
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.fill("input[name=otp_token]", code_for(secret))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/accounts/2fa/backup-codes/**")
    assert len(page.get_by_test_id("backup-codes").locator("li").all()) == 10
    page.get_by_role("link", name="Я зберіг(-ла) коди, продовжити").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1

    # htmx under the CSP: the catalog filters as one types
    page.goto("/catalog/")
    page.get_by_test_id("catalog-search").press_sequentially("зелених", delay=30)
    page.get_by_test_id("catalog-table").locator("tbody tr").filter(has_text="зелених").first.wait_for()
    page.goto("/applications/register/")
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Вийти").click()
    page.wait_for_url("**/accounts/login/")

    # back in: password, then the code
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/2fa/verify/**")
    page.fill("input[name=otp_token]", totp_code(TOTPDevice.objects.get(user=user)))
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert page.locator("h1").inner_text().startswith("Вітаємо")
    assert not violations, violations
