"""Response headers (ASVS V14.4) and templates that keep the CSP without 'unsafe-inline' possible."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from cnap.accounts.constants import Role
from tests.cnap.test_settings import production, run_manage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


@pytest.mark.parametrize("url_name", ["login", "home", "public_status"])
def test_every_page_carries_the_security_headers(client, url_name):
    if url_name != "login":
        client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    csp = directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer")  # the status page sends none
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_the_session_cookie_is_http_only_and_same_site(client):
    UserFactory(username="olena", role=Role.ADMINISTRATOR)
    from tests.factories import TEST_PASSWORD

    response = client.post(reverse("login"), {"username": "olena", "password": TEST_PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_production_cookies_hsts_and_second_factor():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY,"
        " s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT,"
        " s.CNAP_REQUIRE_2FA, [v['OPTIONS']['min_length'] for v in s.AUTH_PASSWORD_VALIDATORS if 'OPTIONS' in v],"
        " s.AXES_COOLOFF_TIME is not None)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=production(CNAP_REQUIRE_2FA="0"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"] * 8 + ["[12]", "True"]


def test_embedded_mode_keeps_demo_logins_password_only_unless_asked(tmp_path):
    code = "from django.conf import settings as s; print(s.CNAP_REQUIRE_2FA)"
    env = {"CNAP_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "cnap.settings.embedded"}
    assert run_manage("shell", "--no-imports", "-c", code, env=env).stdout.split() == ["False"]
    env["CNAP_REQUIRE_2FA"] = "1"
    assert run_manage("shell", "--no-imports", "-c", code, env=env).stdout.split() == ["True"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']|javascript:|\bhx-on", re.IGNORECASE)


def test_page_templates_have_no_inline_script_style_or_event_handler():
    """The CSP allows scripts and styles from our own files only: an inline one would silently not run.
    PDF templates (WeasyPrint, no browser) are exempt."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        relative = path.relative_to(TEMPLATES).as_posix()
        if relative.startswith("pdf/") or "/pdf/" in relative:
            continue
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER):
            for match in pattern.finditer(text):
                offenders.append(f"{relative}: {match.group(0)!r}")
    assert not offenders, "Move these to static/js or static/css (the CSP blocks them):\n" + "\n".join(offenders)


def test_staff_pages_are_not_cached(client):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    assert client.get(reverse("home"))["Cache-Control"] == "private, no-store"
    assert client.get(reverse("password_change"))["Cache-Control"] == "private, no-store"


def test_production_cookies_are_bound_to_the_host():
    code = "from django.conf import settings as s; print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME)"
    result = run_manage("shell", "--no-imports", "-c", code, env=production())
    assert result.stdout.split() == ["__Host-sessionid", "__Host-csrftoken"]
