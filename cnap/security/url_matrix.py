"""The answer each role gets from each URL of the project: the permission matrix as the URL walk
(tests/security/test_url_matrix.py) checks it. A new URL without an entry here fails that test.

Each entry: ``"namespace:name": Rule(method, {role: answer, ...}, case=..., office=..., exists_in=...)``.
Answers: an HTTP status (200, 302 a redirect elsewhere, 400, 401, 403, 404, 405), or LOGIN (redirected
to the login page), or a tuple of acceptable ones. Roles: anonymous, the six roles of
cnap.accounts.constants.Role, superuser. docs/security.md shows the same matrix by capability.

A URL that names a case (or something of a case: a scan, a decision, a printed document, a registry
request) is walked for every object set × case state of the access scope's documented matrix
(``cnap.security.scope.CASE_ACCESS``): ``answers`` says what the role gets when the scope lets it
use the case, ``case`` (:data:`CASE_PAGE`, :data:`CASE_DOCUMENT`) how the scope's letter for that
cell turns into an answer (a case the user does not reach answers 404: it does not exist for them).
``exists_in``: the states in which the object exists at all (a routing slip once the case was sent);
in the others the URL answers 404 to everyone who could use it. ``office``: the URL names an object
of an office (an e-application), not of a case: the user's own office's answers as ``answers`` says,
any other office's 404."""

from dataclasses import dataclass, field

from .scope import CASE_ACCESS, OBJECT_SETS, Access

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
ROLE = "role"  # in a case map: the role's own answer (``Rule.answers``)

#: The case page and its actions: reached in any detail (the community head's minimised view too).
CASE_PAGE = {Access.ACT: ROLE, Access.FULL: ROLE, Access.MINIMAL: ROLE, Access.NONE: 404}
#: Documents, scans, printed PDFs, registry responses: personal data in full only.
CASE_DOCUMENT = {Access.ACT: ROLE, Access.FULL: ROLE, Access.MINIMAL: 404, Access.NONE: 404}


@dataclass(frozen=True)
class Rule:
    method: str
    answers: dict = field(default_factory=dict)
    case: dict | None = None  # CASE_PAGE / CASE_DOCUMENT: the URL names a case (or a thing of a case)
    exists_in: tuple[str, ...] | None = None  # the case states in which the named object exists
    office: bool = False  # the URL names an object of an office (not of a case)


def answers(anonymous=LOGIN, *, default, **roles) -> dict:
    """{role: answer} with ``default`` for the staff roles not named."""
    table = {role: default for role in ROLES}
    table["anonymous"] = anonymous
    table.update(roles)
    return table


def reaches_office(role: str, object_set: str) -> bool:
    """Whether ``role`` reaches the objects of an office (not of a case: e-applications, lookups, queue
    tickets) in ``object_set``, read off the documented case matrix: a role that reaches some case of
    that office reaches the office's own objects."""
    if role == "superuser" or object_set == "own_office":
        return True
    row = CASE_ACCESS.get(role)
    if row is None:
        return False
    letters = row[list(OBJECT_SETS).index(object_set)]
    return any(Access(letter).sees for letter in letters)


def expected(rule: Rule, role: str, *, access: Access = Access.ACT, state: str = "", office_set: str = "own_office"):
    """What ``role`` gets from the URL of ``rule`` filled with an object the scope gives it ``access``
    to (a case in ``state``), or, for an office object, of an office in ``office_set``. A role refused
    outright (403) may get 403 or 404 for an object it does not reach."""
    base = rule.answers[role]
    if role == "anonymous" or base in (LOGIN, 401, 405):
        return base  # refused before any object is looked at
    if rule.office:
        if reaches_office(role, office_set):
            return base
        return (403, 404) if base == 403 else 404
    if rule.case is None:
        return base
    answer = rule.case[access]
    if answer != ROLE:
        return (403, 404) if base == 403 else answer
    if rule.exists_in is not None and state not in rule.exists_in:
        return (403, 404) if base == 403 else 404
    return base


# Who works with cases (cnap/security/scope.py): office roles their office's, provider
# officers their provider's once sent, in their hromada, community heads their hromada's (minimised,
# read-only: their POSTs are refused with a message, 302).
CASE_READERS = dict(catalog_manager=404)  # a role without view_applications gets 404 for a case URL
STAFF = 200
OPEN = (200, 503)  # /healthz: 503 while no worker heartbeat, by design
REGISTRARS = dict(administrator=200, starosta=200)  # a superuser has no office to register in: 403
SENT = ("sent", "in_progress", "decided", "issued")  # a routing slip is printed when the case is sent
DECIDED = ("decided", "issued")  # a decision exists once the provider decided

MATRIX: dict[str, Rule] = {
    # Public and account pages
    "home": Rule("get", answers(default=STAFF)),
    "healthz": Rule("get", answers(OPEN, default=OPEN)),
    "favicon": Rule("get", answers(302, default=302)),  # to the static icon
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
    "applications:applicant_check": Rule("get", answers(default=403, **REGISTRARS)),
    # A staged scan is the uploader's own (user and session): anyone else's, or none, answers 404
    "applications:staged_upload_remove": Rule("post", answers(default=403, administrator=404, starosta=404)),
    "applications:registered": Rule("get", answers(default=403, **REGISTRARS), case=CASE_PAGE),
    # Cases: read by everyone who works with cases, in their scope; another office's answers 404
    "applications:list": Rule("get", answers(default=STAFF, catalog_manager=403)),
    "applications:list_mine": Rule("get", answers(default=STAFF, catalog_manager=403)),
    "applications:list_office": Rule("get", answers(default=STAFF, catalog_manager=403)),
    "applications:list_due_soon": Rule("get", answers(default=STAFF, catalog_manager=403)),
    "applications:list_overdue": Rule("get", answers(default=STAFF, catalog_manager=403)),
    "applications:list_mine_due_today": Rule("get", answers(default=STAFF, catalog_manager=403)),
    "applications:list_mine_overdue": Rule("get", answers(default=STAFF, catalog_manager=403)),
    "applications:list_returned": Rule("get", answers(default=STAFF, catalog_manager=403)),
    "applications:provider_queue": Rule("get", answers(default=403, provider_officer=200, superuser=200)),
    "applications:detail": Rule("get", answers(default=STAFF, **CASE_READERS), case=CASE_PAGE),
    "applications:receipt": Rule("get", answers(default=STAFF, **CASE_READERS), case=CASE_DOCUMENT),
    "applications:scan_file": Rule("get", answers(default=STAFF, **CASE_READERS), case=CASE_DOCUMENT),
    "applications:routing_slip_pdf": Rule(
        "get", answers(default=STAFF, **CASE_READERS), case=CASE_DOCUMENT, exists_in=SENT
    ),
    "applications:decision_pdf": Rule(
        "get", answers(default=STAFF, **CASE_READERS), case=CASE_DOCUMENT, exists_in=DECIDED
    ),
    "applications:printed_document": Rule("get", answers(default=STAFF, **CASE_READERS), case=CASE_DOCUMENT),
    # POSTs with an empty form: refused with a message (302 back to the case) by anyone who reaches it
    "applications:move": Rule("post", answers(default=302, **CASE_READERS), case=CASE_PAGE),
    "applications:suspend": Rule("post", answers(default=302, **CASE_READERS), case=CASE_PAGE),
    "applications:resume": Rule("post", answers(default=302, **CASE_READERS), case=CASE_PAGE),
    "applications:decide": Rule("post", answers(default=302, **CASE_READERS), case=CASE_PAGE),
    "applications:issue": Rule("post", answers(default=302, **CASE_READERS), case=CASE_PAGE),
    # A community head's reason to see a minimised case in full (an empty reason: refused, 302)
    "applications:reveal": Rule("post", answers(default=302, **CASE_READERS), case=CASE_PAGE),
    # Payments and a state registrar's action: recorded by those who act on the case (an empty form: 302)
    "applications:payment": Rule("post", answers(default=302, **CASE_READERS), case=CASE_PAGE),
    "applications:registry_action": Rule("post", answers(default=302, **CASE_READERS), case=CASE_PAGE),
    # Completing and correcting a case: anyone who reaches it gets its page back (302), refused with a
    # message unless they register and act on the case
    "applications:add_scans": Rule("post", answers(default=302, **CASE_READERS), case=CASE_PAGE),
    "applications:add_document": Rule("post", answers(default=302, **CASE_READERS), case=CASE_PAGE),
    "applications:correct_applicant": Rule("post", answers(default=302, **CASE_READERS), case=CASE_PAGE),
    # Registry lookups: those who register or work the provider queue; responses are personal data
    "registry:lookup": Rule(
        "post", answers(default=403, administrator=200, starosta=200, provider_officer=200, superuser=200)
    ),
    "registry:request": Rule("get", answers(default=STAFF, **CASE_READERS), case=CASE_DOCUMENT),
    # Copying a response into the applicant's record: the registering roles acting on the case (an empty
    # choice of fields: the form's error, 200); provider officers and heads see responses, copy nothing
    "registry:apply": Rule(
        "post",
        answers(default=403, administrator=200, starosta=200, superuser=200, catalog_manager=404),
        case=CASE_DOCUMENT,
    ),
    # Stopping the wait for a lookup: those who may make lookups, acting on the case
    "registry:stop": Rule(
        "post",
        answers(default=403, administrator=200, starosta=200, provider_officer=200, superuser=200, catalog_manager=404),
        case=CASE_DOCUMENT,
    ),
    # The signed ASiC container of a lookup: the response's scope (a download)
    "registry:evidence": Rule("get", answers(default=STAFF, **CASE_READERS), case=CASE_DOCUMENT),
    # The case page's lookup history: responses are personal data, in full only.
    "registry:history": Rule("get", answers(default=200, catalog_manager=404), case=CASE_DOCUMENT),
    # Dashboards and reports: heads of the CNAP and community heads
    "reporting:dashboard": Rule("get", answers(default=403, cnap_head=200, community_head=200, superuser=200)),
    "reporting:overdue": Rule("get", answers(default=403, cnap_head=200, community_head=200, superuser=200)),
    # The queue's figures and the tickets behind them: the dashboard's readers, over their scope's offices
    "reporting:queue_dashboard": Rule("get", answers(default=403, cnap_head=200, community_head=200, superuser=200)),
    "reporting:queue_tickets": Rule("get", answers(default=403, cnap_head=200, community_head=200, superuser=200)),
    # Suspending/resuming all open cases of a service by a legal act: heads of the CNAP, provider officers
    "applications:service_suspension": Rule(
        "get", answers(default=403, cnap_head=200, provider_officer=200, superuser=200)
    ),
    "reporting:reports": Rule("get", answers(default=403, cnap_head=200, community_head=200, superuser=200)),
    # The electronic queue. The hall's kiosk and board: public, no personal data (an unknown office: 404)
    "equeue:kiosk": Rule("get", answers(200, default=200)),
    "equeue:kiosk_ticket": Rule("get", answers(200, default=200)),  # a signed link to a ticket of the day
    "equeue:ticket_pdf": Rule("get", answers(200, default=200)),
    "equeue:board": Rule("get", answers(200, default=200)),
    "equeue:board_feed": Rule("get", answers(200, default=200)),
    # Booked visits: the public booking page, its confirmation (a signed link to the booking just made),
    # the cancel page (by the secret of the message's link) and the kiosk's code entry: public, each shows
    # the visitor's own booking only (an unknown office or token: 404)
    "equeue:book": Rule("get", answers(200, default=200)),
    "equeue:booking_done": Rule("get", answers(200, default=200)),
    "equeue:booking_cancel": Rule("get", answers(200, default=200)),
    "equeue:kiosk_check_in": Rule("get", answers(200, default=200)),
    # The day's booked visits (names and contacts): those who serve visitors, of the offices they reach
    "equeue:bookings": Rule("get", answers(default=403, administrator=200, starosta=200, cnap_head=200, superuser=200)),
    "equeue:booking_staff_cancel": Rule(
        "post", answers(default=403, administrator=302, starosta=302, cnap_head=302, superuser=302), office=True
    ),
    # The window panel: those who serve visitors, at the windows of the offices they reach (an empty form: 302)
    "equeue:windows": Rule("get", answers(default=403, administrator=200, starosta=200, cnap_head=200, superuser=200)),
    "equeue:window": Rule(
        "get", answers(default=403, administrator=200, starosta=200, cnap_head=200, superuser=200), office=True
    ),
    "equeue:window_act": Rule(
        "post", answers(default=403, administrator=302, starosta=302, cnap_head=302, superuser=302), office=True
    ),
    # Setting the queue up: the head of the CNAP, for the offices of the hromada (an empty form: 200 with its errors)
    "equeue:settings": Rule("get", answers(default=403, cnap_head=200, superuser=200)),
    "equeue:group_new": Rule("get", answers(default=403, cnap_head=200, superuser=200)),
    "equeue:group_edit": Rule("get", answers(default=403, cnap_head=200, superuser=200), office=True),
    "equeue:window_new": Rule("get", answers(default=403, cnap_head=200, superuser=200)),
    "equeue:window_edit": Rule("get", answers(default=403, cnap_head=200, superuser=200), office=True),
    "equeue:hours_edit": Rule("get", answers(default=403, cnap_head=200, superuser=200), office=True),
    # The REST API: its own token authentication (401 without a token), the catalog public
    "api:schema": Rule("get", answers(200, default=200)),
    "api:docs": Rule("get", answers(200, default=200)),
    "api:services": Rule("get", answers(200, default=200)),
    "api:service": Rule("get", answers(200, default=200)),  # the public catalog
    "api:offices": Rule("get", answers(200, default=200)),
    "api:e_applications": Rule("get", answers(401, default=401)),
    "api:e_application": Rule("get", answers(401, default=401)),
    "api:application_status": Rule("get", answers(401, default=401), case=CASE_PAGE),
    "api:status_changes": Rule("get", answers(401, default=401)),
    "api:queue_slots": Rule("get", answers(401, default=401)),  # booked visits for portals: a client token
    "api:queue_bookings": Rule("get", answers(401, default=401)),
    "api:queue_booking_cancel": Rule("get", answers(401, default=401)),
    # The staff inbox of e-applications: administrators and starostas decide, heads read
    "api:inbox": Rule("get", answers(default=403, administrator=200, starosta=200, cnap_head=200, superuser=200)),
    "api:inbox_detail": Rule(
        "get", answers(default=403, administrator=200, starosta=200, cnap_head=200, superuser=200), office=True
    ),
    "api:inbox_accept": Rule("post", answers(default=403, administrator=302, starosta=302, superuser=302), office=True),
    # an empty reason: refused by the form (400) once the user may decide
    "api:inbox_reject": Rule("post", answers(default=403, administrator=400, starosta=400, superuser=400), office=True),
}

#: URLs routed only when ``settings.CNAP_BENCH`` is on (`make bench`; never in production): what each
#: role gets from them then. Without the setting they do not exist (404 for everyone), which
#: tests/cnap/core/test_bench.py checks beside these answers.
BENCH_MATRIX: dict[str, Rule] = {
    "bench_floor": Rule("get", answers(default=STAFF)),  # shows nothing but the user's id: every staff role
}
