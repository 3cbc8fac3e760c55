"""Brute force, sessions and passwords (ASVS V2, V3): django-axes locks a user name + address pair
out for a cool-off (never for good), sessions end after inactivity and after a maximum lifetime."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cnap.accounts.constants import Role
from cnap.security.middleware import LOGIN_AT_SESSION_KEY
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def attempt(client, username, password, ip="10.0.0.5"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_ten_failures_lock_the_user_name_from_that_address_out_with_a_clear_message():
    user = UserFactory(role=Role.ADMINISTRATOR)
    client = Client()
    assert settings.AXES_FAILURE_LIMIT == 10
    for _ in range(9):
        assert attempt(client, user.username, "wrong-password").status_code == 200
    locked = attempt(client, user.username, "wrong-password")
    assert locked.status_code == 429
    # even the right password is refused during the cool-off
    response = attempt(client, user.username, TEST_PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Забагато невдалих спроб входу" in page
    assert "15" in page  # minutes to wait
    assert "_auth_user_id" not in client.session
    # another address, or another user name from the same address, is not locked out
    assert attempt(Client(), user.username, TEST_PASSWORD, ip="10.0.0.6").status_code == 302
    other = UserFactory(role=Role.ADMINISTRATOR)
    assert attempt(Client(), other.username, TEST_PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off():
    user = UserFactory(role=Role.ADMINISTRATOR)
    client = Client()
    for _ in range(10):
        attempt(client, user.username, "wrong-password")
    assert attempt(client, user.username, TEST_PASSWORD).status_code == 429
    # 16 minutes later (the failures' timestamps moved back past the 15-minute cool-off)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = attempt(client, user.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_successful_login_resets_the_failure_count():
    user = UserFactory(role=Role.ADMINISTRATOR)
    for _ in range(9):
        attempt(Client(), user.username, "wrong-password")
    assert attempt(Client(), user.username, TEST_PASSWORD).status_code == 302
    for _ in range(9):
        assert attempt(Client(), user.username, "wrong-password").status_code == 200
    assert attempt(Client(), user.username, TEST_PASSWORD).status_code == 302


def test_the_session_ends_after_half_an_hour_without_requests(client):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(reverse("home")).status_code == 200
    # each request pushes the expiry forward by SESSION_COOKIE_AGE
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + timedelta(minutes=29)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_session_ends_twelve_hours_after_the_login_however_active(client):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[LOGIN_AT_SESSION_KEY] = int(time.time()) - settings.CNAP_SESSION_MAX_SECONDS - 1
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session_on_the_server(client):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()


def test_passwords_need_twelve_characters_and_are_not_common():
    user = UserFactory(role=Role.ADMINISTRATOR)
    with pytest.raises(ValidationError):
        validate_password("Kx7#pQ2!mZ9", user)  # 11 characters
    with pytest.raises(ValidationError):
        validate_password("password1234", user)  # common
    validate_password("Kx7#pQ2!mZ9@", user)


def test_the_login_page_and_a_failed_login_leave_no_password_in_the_log(caplog):
    user = UserFactory(role=Role.ADMINISTRATOR)
    with caplog.at_level("INFO"):
        attempt(Client(), user.username, "Secret-Pa55word-2026")
    assert "login refused" in caplog.text
    assert "Secret-Pa55word-2026" not in caplog.text
