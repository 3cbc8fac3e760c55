import pytest
from django.urls import reverse

from cnap.accounts.constants import Role
from cnap.core import context_processors
from tests.factories import TEST_PASSWORD, UserFactory
from tests.security.otp import confirmed_totp_device, totp_code

pytestmark = pytest.mark.django_db


def test_pages_need_a_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_speaks_ukrainian_by_default(client):
    response = client.get(reverse("login"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'lang="uk"' in content
    assert "Увійти" in content


def test_language_switch_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")}, follow=True)
    content = response.content.decode()
    assert 'lang="en"' in content
    assert "Log in" in content


def test_wrong_password_is_refused_with_a_clear_message(client):
    UserFactory(username="olena", role=Role.ADMINISTRATOR)
    response = client.post(reverse("login"), {"username": "olena", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "правильні ім" in response.content.decode()  # «Будь ласка, введіть правильні ім'я користувача...»


def test_login_logout_and_home_page(client):
    user = UserFactory(username="olena", role=Role.ADMINISTRATOR)
    device = confirmed_totp_device(user)
    response = client.post(reverse("login"), {"username": "olena", "password": TEST_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_verify"))
    response = client.post(response.redirect_chain[-1][0], {"otp_token": totp_code(device)}, follow=True)
    content = response.content.decode()
    assert response.status_code == 200
    assert f"Вітаємо, {user.first_name}!" in content
    assert user.office.name in content  # the footer names the office
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_password_change(client):
    user = UserFactory(username="olena", role=Role.ADMINISTRATOR)
    client.force_login(user)
    new_password = "a-new-long-password-2026"
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_navigation_shows_only_what_the_role_may_use(client, monkeypatch):
    monkeypatch.setattr(
        context_processors,
        "NAVIGATION",
        [
            ("Register here", "password_change", "register_applications", "bi-plus"),
            ("Edit the catalog", "password_change_done", "edit_catalog", "bi-pencil"),
            ("Not built yet", "no-such-url", "view_catalog", "bi-x"),
        ],
    )
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    content = client.get(reverse("home")).content.decode()
    assert "Register here" in content
    assert "Edit the catalog" not in content
    assert "Not built yet" not in content
    assert reverse("admin:index") not in content

    client.force_login(UserFactory(role=Role.CATALOG_MANAGER))
    content = client.get(reverse("home")).content.decode()
    assert "Register here" not in content
    assert "Edit the catalog" in content


def test_superuser_sees_the_administration_link(client):
    client.force_login(UserFactory(role="", office=None, is_superuser=True, is_staff=True))
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()


def test_dates_are_written_day_month_year(client, settings):
    from datetime import date

    from django.utils import formats, translation

    with translation.override("uk"):
        assert formats.date_format(date(2026, 11, 27)) == "27.11.2026"
    with translation.override("en"):
        assert formats.date_format(date(2026, 11, 27)) == "27.11.2026"
