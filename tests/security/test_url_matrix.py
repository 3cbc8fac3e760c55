"""Every URL of the project, as each role and as an anonymous visitor, answers what the permission
matrix (cnap/security/url_matrix.py) says; URLs naming another office's object answer 404."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cnap.security.url_matrix import LOGIN, MATRIX, ROLES
from tests.factories import TEST_PASSWORD
from tests.security.otp import confirmed_totp_device
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

# Object kinds that URL parameters name, by parameter (and, for "pk", by namespace).
OBJECT_KWARGS = {
    "scan_id": lambda side: side.scan.pk,
    "request_id": lambda side: side.registry_request.pk,
    "application_id": lambda side: side.application.pk,
    "decision_pk": lambda side: side.decision.pk,
    "document_id": lambda side: side.printed.pk,
    "code": lambda side: side.service.local_code,
    "number": lambda side: side.application.number,
    "upload_id": lambda side: "00000000-0000-4000-8000-000000000000",  # staged uploads are nobody else's
}
PK_BY_NAMESPACE = {
    "services": lambda side: side.service.pk,
    "applications": lambda side: side.application.pk,
    "api": lambda side: side.e_application.pk,
}
# The catalog is shared by the deployment's offices: its objects belong to no office.
SHARED_OBJECT_NAMESPACES = {"services"}


def url_patterns(patterns=None, namespace=""):
    """(name with namespace, URLPattern) for every pattern, recursively; the admin site is walked by
    its own test below."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            if inner == "admin":
                continue
            yield from url_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}".strip(":") if entry.name else f"<unnamed {entry.pattern}>"
            yield name, entry


def url_for(name: str, pattern: URLPattern, side) -> str:
    kwargs = {}
    for key in pattern.pattern.converters:
        if key == "pk":
            kwargs[key] = PK_BY_NAMESPACE[name.split(":")[0]](side)
        else:
            kwargs[key] = OBJECT_KWARGS[key](side)
    return reverse(name, kwargs=kwargs)


def names_an_office_object(name: str, pattern: URLPattern) -> bool:
    return bool(pattern.pattern.converters) and name.split(":")[0] not in SHARED_OBJECT_NAMESPACES


def outcome(response):
    if response.status_code in (301, 302, 303) and response["Location"].startswith(reverse("login")):
        return LOGIN
    if response.status_code in (301, 302, 303):
        return 302
    return response.status_code


def client_for(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def test_every_url_has_an_entry_in_the_matrix():
    missing = sorted(name for name, _ in url_patterns() if name not in MATRIX)
    assert not missing, (
        "These URLs have no entry in cnap/security/url_matrix.py MATRIX; add one saying what each role "
        f"gets (and docs/security.md): {missing}"
    )
    stale = sorted(set(MATRIX) - {name for name, _ in url_patterns()})
    assert not stale, f"MATRIX names URLs that no longer exist: {stale}"


def matches(got, expected) -> bool:
    return got in expected if isinstance(expected, tuple) else got == expected


def walk_order(item):
    """GETs first, then POSTs (they may change what later URLs find), logging out last."""
    name, _pattern = item
    return (name == "logout", MATRIX[name].method == "post", name)


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_the_matrix_says(role):
    cache.delete("api-throttle:anonymous:127.0.0.1")  # the public API's rate limit is not under test here
    world = build_world()
    client = client_for(world, role)
    wrong = []
    for name, pattern in sorted(url_patterns(), key=walk_order):
        rule = MATRIX[name]
        send = client.post if rule.method == "post" else client.get
        expected = rule.answers[role]
        got = outcome(send(url_for(name, pattern, world.own)))
        if not matches(got, expected):
            wrong.append(f"{name} ({rule.method}, own office): expected {expected}, got {got}")
        if names_an_office_object(name, pattern):
            if role in ("anonymous", "superuser"):
                other_expected = expected
            elif expected == 403:
                other_expected = (403, 404)
            else:
                other_expected = rule.other
            got = outcome(send(url_for(name, pattern, world.other)))
            if not matches(got, other_expected):
                wrong.append(f"{name} ({rule.method}, other office): expected {other_expected}, got {got}")
    assert not wrong, f"As {role}:\n" + "\n".join(wrong)


# Pages a password-only (not yet OTP-verified) session may open; everything else sends it to the code.
OTP_FREE = {
    "login",  # sends a logged-in user on (to the verification)
    "logout",
    "set_language",
    "public_status",
    "healthz",
    "favicon",
    "two_factor_setup",
    "two_factor_verify",
    "api:schema",
    "api:docs",
    "api:services",
    "api:service",
    "api:offices",
    "api:e_applications",
    "api:e_application",
    "api:application_status",
    "api:status_changes",
}


def test_every_staff_page_needs_the_second_factor():
    world = build_world()
    user = world.users["administrator"]
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD}).status_code == 302
    confirmed_totp_device(user)  # enrolled: pages send the session to the code (else to enrolment)
    verify = reverse("two_factor_verify")
    wrong = []
    for name, pattern in sorted(url_patterns(), key=walk_order):
        if name == "logout":
            continue
        rule = MATRIX[name]
        send = client.post if rule.method == "post" else client.get
        response = send(url_for(name, pattern, world.own))
        to_verify = response.status_code == 302 and response["Location"].startswith(verify)
        if name in OTP_FREE and to_verify and name != "two_factor_setup":  # enrolled: it forwards to the code
            wrong.append(f"{name}: should be open without the second factor")
        if name not in OTP_FREE and not to_verify:
            wrong.append(f"{name}: answered {response.status_code} without the second factor")
    assert not wrong, "\n".join(wrong)
    assert "_auth_user_id" in client.session  # still half logged in: nothing above logged it out


def admin_urls():
    from django.contrib import admin

    for pattern in admin.site.get_urls():
        if isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groups:
            yield f"admin:{pattern.name}"
        elif isinstance(pattern, URLResolver):
            for inner in pattern.url_patterns:
                if isinstance(inner, URLPattern) and inner.name and not inner.pattern.regex.groups:
                    yield f"admin:{inner.name}"


@pytest.mark.parametrize("role", ["anonymous", "administrator", "cnap_head", "superuser"])
def test_the_admin_site_is_for_superusers_only(role):
    """Every admin page without an object in its URL (changelists, add forms, the index); pages of one
    object are behind the same has_permission check of the admin site."""
    world = build_world()
    client = client_for(world, role)
    admin_login = reverse("admin:login")
    wrong = []
    for name in sorted(set(admin_urls())):
        if name in ("admin:login", "admin:logout", "admin:jsi18n"):
            continue
        response = client.get(reverse(name))
        if role == "superuser":
            # 403: a model whose admin adds nothing by hand (logs, cases: they come through the workstation)
            expected = (403,) if name == "admin:applications_personaldataaccess_add" else (200, 403)
            if response.status_code not in expected:
                wrong.append(f"{name}: expected {expected}, got {response.status_code}")
        elif not (response.status_code == 302 and response["Location"].startswith((admin_login, reverse("login")))):
            wrong.append(f"{name}: {response.status_code} for {role}, expected a redirect to a login page")
    assert not wrong, "\n".join(wrong)
