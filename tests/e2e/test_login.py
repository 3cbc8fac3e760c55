import pytest

from demo.staff import DEMO_PASSWORD, seed_demo_staff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_demo_administrator_logs_in_and_sees_the_home_page_in_ukrainian(browser_page, login_as):
    seed_demo_staff()
    page = browser_page
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "uk"
    login_as(page, "administrator", DEMO_PASSWORD)
    assert page.locator("h1").inner_text() == "Вітаємо, Олена!"
    assert "Адміністратор" in page.locator("main").inner_text()
    assert "Центр надання адміністративних послуг" in page.get_by_test_id("footer-office").inner_text()
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Вийти").click()
    page.wait_for_url("**/accounts/login/")
