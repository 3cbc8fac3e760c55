"""The second factor: enrolment with a QR code and a typed key, verification after the password,
single-use backup codes, and the pages a half-logged-in user may and may not open."""

import re
import time
from base64 import b32decode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnap.accounts.constants import Role
from tests.factories import TEST_PASSWORD, UserFactory
from tests.security.otp import confirmed_totp_device, totp_code

pytestmark = pytest.mark.django_db


def password_login(client, user, next_url=""):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": user.username, "password": TEST_PASSWORD})


def code_from_secret(secret: str) -> str:
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key)
    return f"{totp.token():06d}"


def test_a_new_staff_member_enrols_with_the_key_and_gets_ten_backup_codes_once():
    client = Client()
    user = UserFactory(role=Role.ADMINISTRATOR)
    response = password_login(client, user, next_url=reverse("password_change"))
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))
    page = response.content.decode()
    assert 'src="data:image/svg+xml' in page  # the QR code, a data URI (no inline markup to trust)
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page).group(1)

    wrong = client.post(reverse("two_factor_setup"), {"otp_token": "000000"})
    assert wrong.status_code == 200
    assert "Код неправильний" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    time.sleep(1.1)  # the wrong code throttles the device for a second

    response = client.post(
        reverse("two_factor_setup"), {"otp_token": code_from_secret(secret), "next": reverse("password_change")}
    )
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    codes_page = client.get(response["Location"]).content.decode()
    codes = re.findall(r'<li class="col-6">([a-z0-9]+)</li>', codes_page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    # shown once: the second visit shows how many are left, not the codes
    again = client.get(reverse("two_factor_backup_codes")).content.decode()
    assert not any(code in again for code in codes)
    assert "10" in again
    # the verified session may now open staff pages
    assert client.get(reverse("password_change")).status_code == 200


def test_after_the_password_the_code_is_asked_and_the_next_page_follows():
    client = Client()
    user = UserFactory(role=Role.STAROSTA)
    device = confirmed_totp_device(user)
    response = password_login(client, user, next_url=reverse("password_change"))
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert client.get(response["Location"]).status_code == 200

    refused = client.post(response["Location"], {"otp_token": "123456"})
    assert refused.status_code == 200
    assert client.get(reverse("password_change")).status_code == 302  # still not verified

    time.sleep(1.1)  # a wrong code makes the device wait a second before the next try (throttling)
    session_before = client.session.session_key
    accepted = client.post(response["Location"], {"otp_token": totp_code(device)})
    assert accepted.status_code == 302
    assert accepted["Location"] == reverse("password_change")
    assert client.session.session_key != session_before  # a new session id once fully logged in
    assert client.get(reverse("password_change")).status_code == 200


def test_a_code_is_accepted_once():
    user = UserFactory(role=Role.ADMINISTRATOR)
    device = confirmed_totp_device(user)
    code = totp_code(device)
    first, second = Client(), Client()
    for client in (first, second):
        password_login(client, user)
    assert first.post(reverse("two_factor_verify"), {"otp_token": code}).status_code == 302
    replay = second.post(reverse("two_factor_verify"), {"otp_token": code})
    assert replay.status_code == 200
    assert second.get(reverse("home")).status_code == 302


def test_a_backup_code_works_once_instead_of_the_app():
    client = Client()
    user = UserFactory(role=Role.CNAP_HEAD)
    confirmed_totp_device(user)
    from cnap.accounts.two_factor import issue_backup_codes

    codes = issue_backup_codes(user)
    password_login(client, user)
    response = client.post(reverse("two_factor_verify"), {"otp_token": codes[0].upper()}, follow=True)
    assert response.status_code == 200
    assert "Вітаємо" in response.content.decode()
    assert StaticToken.objects.filter(device__user=user).count() == 9

    other = Client()
    password_login(other, user)
    assert other.post(reverse("two_factor_verify"), {"otp_token": codes[0]}).status_code == 200  # used up


def test_wrong_codes_are_throttled():
    client = Client()
    user = UserFactory(role=Role.ADMINISTRATOR)
    device = confirmed_totp_device(user)
    password_login(client, user)
    for _ in range(3):
        client.post(reverse("two_factor_verify"), {"otp_token": "000000"})
    response = client.post(reverse("two_factor_verify"), {"otp_token": totp_code(device)})
    assert response.status_code == 200  # even the right code waits out the throttle
    assert "Забагато неправильних кодів" in response.content.decode()


def test_a_half_logged_in_user_may_only_log_out_or_finish_the_second_factor():
    client = Client()
    user = UserFactory(role=Role.ADMINISTRATOR)
    confirmed_totp_device(user)
    password_login(client, user)
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))
    assert client.get(reverse("two_factor_backup_codes")).status_code == 302
    hx = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert hx.status_code == 204
    assert hx["HX-Redirect"].startswith(reverse("two_factor_verify"))
    # open without the second factor: the public status page, health, language switch, logout
    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert client.get(reverse("public_status")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_enrolment_is_not_offered_again_to_a_user_with_a_device():
    client = Client()
    user = UserFactory(role=Role.ADMINISTRATOR)
    confirmed_totp_device(user)
    password_login(client, user)
    response = client.get(reverse("two_factor_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_without_the_setting_a_password_is_enough(settings):
    settings.CNAP_REQUIRE_2FA = False
    client = Client()
    user = UserFactory(role=Role.ADMINISTRATOR)
    password_login(client, user)
    assert client.get(reverse("home")).status_code == 200


def test_force_login_in_tests_gives_a_verified_session(client):
    user = UserFactory(role=Role.ADMINISTRATOR)
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
