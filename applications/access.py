"""The access scope bound to the case models: which cases, applicants, scans, printed documents,
decisions and registry requests a user may see, and in how much detail.

The rule itself lives in :mod:`cnap.security.scope` (the policy per role, and the documented matrix
the tests compare against); this module only applies it to this app's querysets. Every view,
download, htmx fragment, export, admin page and API endpoint that shows a case or something of a
case gets it from here (or, in other apps, through ``cnap.security.scope`` with their own field
names). Anything the user may not see answers 404: it does not exist for them.

Revealing: a role whose view is minimised (the community head) may state a reason to see one case's
personal data in full on its page for ``settings.CNAP_REVEAL_SECONDS``; the reason goes into the
personal-data access log and the grant lives in the session only (:func:`reveal_case`). Scans,
printed documents and registry responses stay with the roles that work the case, revealed or not.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cnap.accounts.constants import Role
from cnap.security.scope import (
    Access,
    CaseFacts,
    CaseFields,
    Viewer,
    case_access,
    case_condition,
    policy_for,
)
from services.selectors import provider_of

from .models import Applicant, Application, Decision, PrintedDocument, Scan

__all__ = [
    "CASE",
    "CounterSearch",
    "access_to",
    "acting_cases",
    "applicant_for_pick",
    "case_for",
    "case_in_full",
    "counter_search",
    "decision_for",
    "full_cases",
    "in_scope",
    "may_act_on",
    "may_reveal",
    "parse_id",
    "pick_grant",
    "printed_for",
    "reachable_applicants",
    "reveal_case",
    "revealed_ids",
    "scan_for",
    "visible_cases",
    "viewer_of",
]

CASE = CaseFields()


def viewer_of(user) -> Viewer:
    """The user as the access scope sees them: role, office, hromada, and the provider the catalog says
    they work for (a provider officer without a hromada of their own works in their provider's)."""
    provider = provider_of(user) if getattr(user, "role", "") == Role.PROVIDER_OFFICER else None
    return Viewer.of(
        user,
        provider_id=provider.pk if provider else None,
        provider_hromada_id=provider.hromada_id if provider else None,
    )


REVEALED_SESSION_KEY = "cnap_revealed"
PICK_SALT = "cnap.applicant-pick"


def parse_id(value) -> int:
    """A database id from a URL or a query string; anything else is a 404 (never a 500)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise Http404("Not a valid id") from None
    if not 0 < number < 2**63:
        raise Http404("Not a valid id")
    return number


# ---------------------------------------------------------------------------------------------- cases
def visible_cases(user) -> QuerySet[Application]:
    """Every case the user reaches, in any detail (lists, drill-down, exports: those show names and
    masked identifiers only)."""
    return Application.objects.filter(case_condition(viewer_of(user), CASE))


def full_cases(user) -> QuerySet[Application]:
    """The cases whose personal data and documents the user sees in full."""
    return Application.objects.filter(case_condition(viewer_of(user), CASE, full_only=True))


def in_scope(user, queryset: QuerySet, *, case_field: str = "") -> QuerySet:
    """``queryset`` (of cases, or of objects of a case under ``case_field``, e.g. "application__")
    narrowed to what the user sees in full: the admin pages use it, so a staff account that ever reaches
    the admin sees no more there than in the workstation."""
    fields = CASE.under(case_field) if case_field else CASE
    return queryset.filter(case_condition(viewer_of(user), fields, full_only=True))


def acting_cases(user) -> QuerySet[Application]:
    """The cases the user may act on (the table of moves then decides which moves)."""
    if not policy_for(viewer_of(user)).acts:
        return Application.objects.none()
    return visible_cases(user)


def may_act_on(user, application) -> bool:
    return case_access(viewer_of(user), CaseFacts.of(application)) is Access.ACT


def case_for(user, pk) -> Application:
    """The case if the user reaches it (in any detail), else 404."""
    application = visible_cases(user).filter(pk=parse_id(pk)).first()
    if application is None:
        raise Http404("No such application")
    return application


def case_in_full(user, pk) -> Application:
    """The case if the user works with it in full (its receipt, scans, printed documents and registry
    responses need it; a reveal grant does not count), else 404."""
    application = case_for(user, pk)
    if not case_access(viewer_of(user), CaseFacts.of(application)).full:
        raise Http404("No such application")
    return application


def scan_for(user, scan_id) -> Scan:
    """A scan (by its UUID) of a case the user sees in full, not removed by retention; else 404."""
    scan = (
        Scan.objects.filter(
            case_condition(viewer_of(user), CASE.under("application__"), full_only=True),
            pk=scan_id,
            removed_at__isnull=True,
        )
        .select_related("application")
        .first()
    )
    if scan is None:
        raise Http404("No such scan")
    return scan


def printed_for(application, document_id) -> PrintedDocument:
    """A printed document of a case already checked with :func:`case_in_full`."""
    document = PrintedDocument.objects.filter(application=application, pk=document_id).first()
    if document is None:
        raise Http404("No such document")
    return document


def decision_for(application, decision_pk) -> Decision:
    """A decision of a case already checked with :func:`case_in_full`."""
    decision = Decision.objects.filter(application=application, pk=parse_id(decision_pk)).first()
    if decision is None:
        raise Http404("No such decision")
    return decision


# ---------------------------------------------------------------------------------------------- revealing
def revealed_ids(request) -> list[int]:
    """The cases this session revealed (by stating a reason), while the grant lasts."""
    session = getattr(request, "session", None)
    if session is None:
        return []
    grants = session.get(REVEALED_SESSION_KEY) or {}
    now = time.time()
    alive = {key: until for key, until in grants.items() if until > now}
    if alive != grants:
        session[REVEALED_SESSION_KEY] = alive
    return [int(key) for key in alive]


def access_to(request, application) -> Access:
    """The user's access to the case's page, counting this session's reveal grants."""
    revealed = application.pk in revealed_ids(request)
    return case_access(viewer_of(request.user), CaseFacts.of(application), revealed=revealed)


def may_reveal(user, application) -> bool:
    viewer = viewer_of(user)
    return policy_for(viewer).may_reveal and case_access(viewer, CaseFacts.of(application)) is Access.MINIMAL


def reveal_case(request, application, *, reason: str) -> None:
    """Show this session the case's full personal data for a while; the reason is logged."""
    from cnap.security.audit import Action, log_personal_data_access

    log_personal_data_access(
        request=request, action=Action.VIEW_CASE, application=application, detail=f"reveal: {reason}"
    )
    grants = dict(request.session.get(REVEALED_SESSION_KEY) or {})
    grants[str(application.pk)] = time.time() + settings.CNAP_REVEAL_SECONDS
    request.session[REVEALED_SESSION_KEY] = grants


# ---------------------------------------------------------------------------------------------- applicants
def reachable_applicants(user) -> QuerySet[Applicant]:
    """Applicants of (or representatives in) a case the user sees in full."""
    cases = full_cases(user)
    return Applicant.objects.filter(
        Exists(cases.filter(applicant_id=OuterRef("pk"))) | Exists(cases.filter(representative_id=OuterRef("pk")))
    )


@dataclass
class CounterSearch:
    applicants: list[Applicant]
    exact: bool  # found by an exact identifier anywhere in the hromada (logged, with pick grants)


def _is_exact_identifier(compact: str) -> bool:
    if compact.isdigit():
        return len(compact) in (8, 9, 10)  # ЄДРПОУ, ID-card number, РНОКПП
    return len(compact) == 8 and compact[:2].isalpha() and compact[2:].isdigit()  # a passport booklet


def counter_search(user, query: str, *, limit: int = 20) -> CounterSearch:
    """The applicant search at the counter. An exact РНОКПП (10 digits), ЄДРПОУ (8 digits) or identity
    document number finds the applicant anywhere in the office's hromada (the citizen is at the
    counter with the document); anything else (a name, part of a number) searches only the applicants
    of cases the user sees in full."""
    from .actions.applicants import LATIN_LOOKALIKES, find_applicants

    text = " ".join((query or "").split())
    compact = text.replace(" ", "").upper()
    hromada_id = user.office.hromada_id if user.office_id else user.hromada_id
    if policy_for(viewer_of(user)).counter_search and hromada_id and _is_exact_identifier(compact):
        document = compact.translate(LATIN_LOOKALIKES)
        found = Applicant.objects.filter(hromada_id=hromada_id).filter(
            Q(rnokpp=compact) | Q(edrpou=compact) | Q(document_number=document)
        )
        return CounterSearch(list(found.order_by("search_name", "pk")[:limit]), exact=True)
    if len(text) < 2 or not hromada_id:
        return CounterSearch([], exact=False)
    found = find_applicants(hromada=hromada_id, query=text, limit=limit, among=reachable_applicants(user))
    return CounterSearch(list(found), exact=False)


def pick_grant(user, applicant) -> str:
    """A short-lived token for picking an applicant found by an exact search (bound to the user)."""
    return signing.TimestampSigner(salt=PICK_SALT).sign(f"{user.pk}:{applicant.pk}")


def applicant_for_pick(request, pk, grant: str = "") -> Applicant:
    """The applicant to fill the registration form with: one reachable through a case the user sees
    in full, or one the user's exact search found a moment ago (``grant``); else 404."""
    applicant_id = parse_id(pk)
    user = request.user
    if grant:
        try:
            value = signing.TimestampSigner(salt=PICK_SALT).unsign(grant, max_age=settings.CNAP_PICK_GRANT_SECONDS)
        except signing.BadSignature:
            value = ""
        if value == f"{user.pk}:{applicant_id}":
            applicant = Applicant.objects.filter(pk=applicant_id).first()
            if applicant is not None:
                return applicant
    applicant = reachable_applicants(user).filter(pk=applicant_id).first()
    if applicant is None:
        raise Http404("No such applicant")
    return applicant
