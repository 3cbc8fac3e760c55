"""The answer each role gets from each URL of the project: the permission matrix as the URL walk
(tests/security/test_url_matrix.py) checks it. A new URL without an entry here fails that test.

Each entry: ``"namespace:name": Rule(method, {role: answer, ...}, other=...)``.
Answers: an HTTP status (200, 302 a redirect elsewhere, 403, 404, 405), or LOGIN (redirected to the
login page), or a tuple of acceptable ones. ``other`` is the answer for the same URL filled with
ANOTHER office's objects (None: the URL names no object of an office). Roles: anonymous, the six
roles of cnap.accounts.constants.Role, superuser. docs/security.md shows the same matrix by capability."""

from dataclasses import dataclass, field

LOGIN = "login"
ROLES = (
    "anonymous",
    "administrator",
    "starosta",
    "provider_officer",
    "cnap_head",
    "community_head",
    "catalog_manager",
    "superuser",
)


@dataclass(frozen=True)
class Rule:
    method: str
    answers: dict = field(default_factory=dict)
    # The answer with another office's object, for every logged-in role that may use the URL with its
    # own office's object (a role refused outright, 403, may get 403 or 404); the superuser sees all.
    other: object = None


def answers(anonymous=LOGIN, *, default, **roles) -> dict:
    """{role: answer} with ``default`` for the staff roles not named."""
    table = {role: default for role in ROLES}
    table["anonymous"] = anonymous
    table.update(roles)
    return table


# Who works with cases: office roles their office's, provider officers their provider's,
# community heads their hromada's (read-only: their POSTs are refused with a message, 302).
CASE_READERS = dict(catalog_manager=404)  # a role without view_applications gets 404 for a case URL
STAFF = 200
OPEN = (200, 503)  # /healthz: 503 while no worker heartbeat, by design
REGISTRARS = dict(administrator=200, starosta=200)  # a superuser has no office to register in: 403

MATRIX: dict[str, Rule] = {
    # Public and account pages
    "home": Rule("get", answers(default=STAFF)),
    "healthz": Rule("get", answers(OPEN, default=OPEN)),
    "login": Rule("get", answers(200, default=302)),  # a logged-in user is sent on
    "logout": Rule("post", answers(LOGIN, default=LOGIN)),  # POST only; lands on the login page
    "password_change": Rule("get", answers(default=STAFF)),
    "password_change_done": Rule("get", answers(default=STAFF)),
    "two_factor_setup": Rule("get", answers(default=302)),  # already enrolled (tests): sent home
    "two_factor_verify": Rule("get", answers(default=302)),  # already verified: sent on
    "two_factor_backup_codes": Rule("get", answers(default=STAFF)),
    "set_language": Rule("post", answers(302, default=302)),
    "public_status": Rule("get", answers(200, default=200)),
    "applications:access_log": Rule("get", answers(default=403, cnap_head=200, superuser=200)),
    # The catalog: everyone reads, catalog managers edit (no office objects: one catalog per deployment)
    "services:list": Rule("get", answers(default=STAFF)),
    "services:detail": Rule("get", answers(default=STAFF)),
    "services:info_card_pdf": Rule("get", answers(default=STAFF)),
    "services:tech_card_pdf": Rule("get", answers(default=STAFF)),
    "services:create": Rule("get", answers(default=403, catalog_manager=200, superuser=200)),
    "services:settings": Rule("get", answers(default=403, catalog_manager=200, superuser=200)),
    "services:copy": Rule("post", answers(default=403, catalog_manager=200, superuser=200)),
    "services:draft_edit": Rule("get", answers(default=403, catalog_manager=404, superuser=404)),  # no draft yet
    "services:draft_discard": Rule("post", answers(default=403, catalog_manager=404, superuser=404)),  # none yet
    "services:draft_start": Rule("post", answers(default=403, catalog_manager=302, superuser=302)),
    "services:publish": Rule("post", answers(default=403, catalog_manager=200, superuser=200)),  # the new draft
    # Registration at the counter: administrators and starostas of an office
    "applications:register": Rule("get", answers(default=403, **REGISTRARS)),
    "applications:service_search": Rule("get", answers(default=403, **REGISTRARS)),
    "applications:service_checklist": Rule("get", answers(default=403, administrator=404, starosta=404, superuser=403)),
    "applications:applicant_search": Rule("get", answers(default=403, **REGISTRARS)),
    "applications:registered": Rule("get", answers(default=403, **REGISTRARS), other=404),
    # Cases: read by everyone who works with cases, in their scope; another office's answers 404
    "applications:list": Rule("get", answers(default=STAFF, catalog_manager=403)),
    "applications:list_mine": Rule("get", answers(default=STAFF, catalog_manager=403)),
    "applications:list_office": Rule("get", answers(default=STAFF, catalog_manager=403)),
    "applications:list_due_soon": Rule("get", answers(default=STAFF, catalog_manager=403)),
    "applications:list_overdue": Rule("get", answers(default=STAFF, catalog_manager=403)),
    "applications:provider_queue": Rule("get", answers(default=403, provider_officer=200, superuser=200)),
    "applications:detail": Rule("get", answers(default=STAFF, **CASE_READERS), other=404),
    "applications:receipt": Rule("get", answers(default=STAFF, **CASE_READERS), other=404),
    "applications:scan_file": Rule("get", answers(default=STAFF, **CASE_READERS), other=404),
    "applications:routing_slip_pdf": Rule("get", answers(default=STAFF, **CASE_READERS), other=404),
    "applications:decision_pdf": Rule("get", answers(default=STAFF, **CASE_READERS), other=404),
    "applications:printed_document": Rule("get", answers(default=STAFF, **CASE_READERS), other=404),
    "applications:move": Rule("post", answers(default=302, **CASE_READERS), other=404),
    "applications:suspend": Rule("post", answers(default=302, **CASE_READERS), other=404),
    "applications:resume": Rule("post", answers(default=302, **CASE_READERS), other=404),
    "applications:decide": Rule("post", answers(default=302, **CASE_READERS), other=404),
    "applications:issue": Rule("post", answers(default=302, **CASE_READERS), other=404),
    "applications:payment": Rule("post", answers(default=302, **CASE_READERS), other=404),
    "applications:registry_action": Rule("post", answers(default=302, **CASE_READERS), other=404),
    # Registry lookups: those who register or work the provider queue; responses are personal data
    "registry:lookup": Rule(
        "post", answers(default=403, administrator=200, starosta=200, provider_officer=200, superuser=200)
    ),
    "registry:request": Rule("get", answers(default=STAFF, **CASE_READERS), other=404),
    "registry:apply": Rule(
        "post",
        answers(default=403, administrator=200, starosta=200, provider_officer=200, superuser=200, catalog_manager=404),
        other=404,
    ),
    "registry:stop": Rule(
        "post",
        answers(default=403, administrator=200, starosta=200, provider_officer=200, superuser=200, catalog_manager=404),
        other=404,
    ),
    # The signed ASiC container of a lookup: the response's scope (a download)
    "registry:evidence": Rule("get", answers(default=STAFF, **CASE_READERS), other=404),
    # The case page's lookup history has the case page's scope (provider officers: cases sent to them).
    "registry:history": Rule("get", answers(default=200, catalog_manager=404), other=404),
    # Dashboards and reports: heads of the CNAP and community heads
    "reporting:dashboard": Rule("get", answers(default=403, cnap_head=200, community_head=200, superuser=200)),
    "reporting:overdue": Rule("get", answers(default=403, cnap_head=200, community_head=200, superuser=200)),
    # Suspending/resuming all open cases of a service by a legal act: heads of the CNAP, provider officers
    "applications:service_suspension": Rule(
        "get", answers(default=403, cnap_head=200, provider_officer=200, superuser=200)
    ),
    "reporting:reports": Rule("get", answers(default=403, cnap_head=200, community_head=200, superuser=200)),
    # The REST API: its own token authentication (401 without a token), the catalog public
    "api:schema": Rule("get", answers(200, default=200)),
    "api:docs": Rule("get", answers(200, default=200)),
    "api:services": Rule("get", answers(200, default=200)),
    "api:service": Rule("get", answers(200, default=200), other=200),  # the public catalog
    "api:offices": Rule("get", answers(200, default=200)),
    "api:e_applications": Rule("get", answers(401, default=401)),
    "api:e_application": Rule("get", answers(401, default=401), other=401),
    "api:application_status": Rule("get", answers(401, default=401), other=401),
    "api:status_changes": Rule("get", answers(401, default=401)),
    # The staff inbox of e-applications: administrators and starostas decide, heads read
    "api:inbox": Rule("get", answers(default=403, administrator=200, starosta=200, cnap_head=200, superuser=200)),
    "api:inbox_detail": Rule(
        "get", answers(default=403, administrator=200, starosta=200, cnap_head=200, superuser=200), other=404
    ),
    "api:inbox_accept": Rule("post", answers(default=403, administrator=302, starosta=302, superuser=302), other=404),
    # an empty reason: refused by the form (400) once the user may decide
    "api:inbox_reject": Rule("post", answers(default=403, administrator=400, starosta=400, superuser=400), other=404),
}
