"""Every URL of the project, as each role and as an anonymous visitor, answers what the permission
matrix (cnap/security/url_matrix.py) says. A URL that names a case, or something of a case, is walked
for every object set × case state of the access scope's documented matrix
(cnap.security.scope.CASE_ACCESS): the expected answer of each cell comes from that data, never from
the code under test."""

from collections import Counter

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cnap.security.scope import CASE_STATES, OBJECT_SETS, documented_access
from cnap.security.url_matrix import LOGIN, MATRIX, ROLES, expected
from tests.factories import TEST_PASSWORD
from tests.security.otp import confirmed_totp_device
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

# Object kinds that URL parameters name, by parameter (and, for "pk", by namespace).
OBJECT_KWARGS = {
    "scan_id": lambda side: side.scan.pk,
    "request_id": lambda side: side.registry_request.pk,
    "application_id": lambda side: side.application.pk,
    "decision_pk": lambda side: side.decision_pk,
    "document_id": lambda side: side.printed.pk,
    "code": lambda side: side.service.local_code,
    "number": lambda side: side.application.number,
    "upload_id": lambda side: "00000000-0000-4000-8000-000000000000",  # staged uploads are nobody else's
    "office_code": lambda side: side.application.office.code,
    "window_id": lambda side: side.window.pk,
    "group_id": lambda side: side.window.groups.get().pk,
    "office_id": lambda side: side.application.office_id,
    "token": lambda side: side.kiosk_token,
}
# A parameter that names different objects in different URLs, by URL name.
BY_URL = {
    ("equeue:booking_done", "token"): lambda side: side.booking_token,
    ("equeue:booking_cancel", "token"): lambda side: side.cancel_token,
    ("api:queue_booking_cancel", "token"): lambda side: side.cancel_token,
    ("api:queue_slots", "group_id"): lambda side: side.queue_group.pk,
    ("equeue:booking_staff_cancel", "booking_id"): lambda side: side.booking_id,
}
PK_BY_NAMESPACE = {
    "services": lambda side: side.service.pk,
    "applications": lambda side: side.application.pk,
    "api": lambda side: side.e_application.pk,
}


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
        elif (name, key) in BY_URL:
            kwargs[key] = BY_URL[(name, key)](side)
        else:
            kwargs[key] = OBJECT_KWARGS[key](side)
    return reverse(name, kwargs=kwargs)


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


def test_every_url_naming_a_case_walks_the_scope():
    """A URL whose parameters name a case, or a thing of a case, must say how the access scope answers
    for it (``case=``): otherwise the walk would not try it with other offices' and hromadas' cases."""
    case_parameters = {"scan_id", "request_id", "application_id", "decision_pk", "document_id", "number"}
    unscoped = []
    for name, pattern in url_patterns():
        parameters = set(pattern.pattern.converters)
        names_a_case = bool(parameters & case_parameters) or ("pk" in parameters and name.startswith("applications:"))
        if names_a_case and MATRIX[name].case is None:
            unscoped.append(name)
    assert not unscoped, f"These URLs name a case but have no case= rule in the matrix: {unscoped}"


def matches(got, expected_answer) -> bool:
    return got in expected_answer if isinstance(expected_answer, tuple) else got == expected_answer


def walk_order(item):
    """GETs first, then POSTs (they may change what later URLs find), logging out last."""
    name, _pattern = item
    return (name == "logout", MATRIX[name].method == "post", name)


def cells(world, role):
    """(URL name, pattern, the object's side, label, expected answer) for every URL the walk tries as
    ``role``: once for a URL naming nothing of an office; per office for an office object; per object
    set × state for a case, with the answer the documented matrix gives for that cell."""
    for name, pattern in sorted(url_patterns(), key=walk_order):
        rule = MATRIX[name]
        if rule.case is not None:
            for object_set in OBJECT_SETS:
                for state in CASE_STATES:
                    access = documented_access(role, object_set, state)
                    answer = expected(rule, role, access=access, state=state)
                    yield name, pattern, world.cases[(object_set, state)], f"{object_set}/{state}", answer
        elif rule.office:
            for object_set in ("own_office", "other_office", "other_hromada"):
                side = world.cases[(object_set, "decided")]
                answer = expected(rule, role, office_set=object_set)
                yield name, pattern, side, object_set, answer
        else:
            yield name, pattern, world.own, "", expected(rule, role)


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_the_matrix_says(role):
    cache.delete("api-throttle:anonymous:127.0.0.1")  # the public API's rate limit is not under test here
    world = build_world()
    client = client_for(world, role)
    wrong = []
    for name, pattern, side, label, answer in cells(world, role):
        rule = MATRIX[name]
        send = client.post if rule.method == "post" else client.get
        got = outcome(send(url_for(name, pattern, side)))
        if not matches(got, answer):
            wrong.append(f"{name} ({rule.method}{', ' + label if label else ''}): expected {answer}, got {got}")
    assert not wrong, f"As {role}:\n" + "\n".join(wrong)


def test_the_walk_covers_every_cell_of_the_documented_matrix():
    """The size of the walk: every role × every case URL × 4 object sets × 6 states (printed by
    ``pytest -s`` for the record)."""
    world = build_world()
    totals = Counter()
    everything = Counter()
    case_urls = [name for name, _ in url_patterns() if MATRIX[name].case is not None]
    per_role = {}
    for role in ROLES:
        rows = list(cells(world, role))
        per_role[role] = len(rows)
        for name, _pattern, _side, _label, answer in rows:
            everything[str(answer)] += 1
            if MATRIX[name].case is not None:
                totals[str(answer)] += 1
        assert sum(1 for row in rows if MATRIX[row[0]].case is not None) == len(case_urls) * 24
    print(
        f"\nURL matrix: {len(MATRIX)} URLs ({len(case_urls)} naming a case) × {len(ROLES)} roles; case URLs × "
        f"{len(OBJECT_SETS)} object sets × {len(CASE_STATES)} states = "
        f"{len(case_urls) * len(ROLES) * len(OBJECT_SETS) * len(CASE_STATES)} case cells; requests per role "
        f"{per_role}; expected answers of the case cells: {dict(sorted(totals.items()))}; of every request: "
        f"{dict(sorted(everything.items()))}"
    )
    assert len(OBJECT_SETS) * len(CASE_STATES) == 24


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
    "equeue:kiosk",
    "equeue:kiosk_ticket",
    "equeue:ticket_pdf",
    "equeue:board",
    "equeue:board_feed",
    "equeue:book",
    "equeue:booking_done",
    "equeue:booking_cancel",
    "equeue:kiosk_check_in",
    "api:queue_slots",
    "api:queue_bookings",
    "api:queue_booking_cancel",
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
