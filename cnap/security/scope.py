"""Who sees what: the one access-scope policy of the workstation (docs/security.md, "Who sees what").

This module is the ground floor of the rule. It knows roles (``cnap.accounts``) and nothing of the
apps: it works on the names and values it is given (a :class:`Viewer`: role, office, hromada and the
provider the app says the user works for; a case's office, hromada and provider ids and whether it was
sent to its provider; the field names of a queryset). The apps bind it
to their models (``applications/access.py`` for cases, applicants, scans, printed documents and
decisions; the registry, reporting and queue code through the same functions), so every view,
download, fragment, export, admin page and API endpoint asks the same question the same way.

The rule, per role (:data:`POLICIES`):

- administrators and starostas: the cases of their office, in full; they act on them (the table of
  moves says which moves); the exact-identifier applicant search at the counter;
- the head of the CNAP: the cases of their office, in full; acts on them;
- a provider officer: the cases of their provider *once sent to it* (``sent_to_provider_at`` set), of
  their own hromada only (a provider shared by several hromadas, such as a council's executive
  committee with no hromada of its own, never opens another hromada's cases); acts on them;
- the community head: the cases of their hromada, minimised (masked identifiers, no contact data,
  no scans, registry responses or printed documents); may reveal one case's full personal data for
  a while by stating a reason, which goes into the access log;
- the catalog manager: no cases;
- a superuser: everything.

:data:`CASE_ACCESS` is the same rule written out as data, cell by cell (role × object set × case
state): the tests compare the code and every URL against it, and docs/security.md shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from django.db.models import Q

from cnap.accounts.constants import Role

__all__ = [
    "CASE_ACCESS",
    "CASE_STATES",
    "OBJECT_SETS",
    "POLICIES",
    "SUPERUSER",
    "Access",
    "CaseFacts",
    "CaseFields",
    "Detail",
    "Reach",
    "RolePolicy",
    "Viewer",
    "case_access",
    "case_condition",
    "client_condition",
    "documented_access",
    "office_condition",
    "policy_for",
]


class Reach(StrEnum):
    """Which cases a role reaches."""

    NONE = "none"
    OFFICE = "office"  # the cases registered in the user's office
    PROVIDER = "provider"  # the cases of the user's provider, once sent to it, in the user's hromada
    HROMADA = "hromada"  # the cases of the user's hromada
    ALL = "all"


class Detail(StrEnum):
    """How much of a reached case's personal data the role sees."""

    FULL = "full"
    MINIMAL = "minimal"  # name and masked identifiers only: no contact data, documents or responses


@dataclass(frozen=True)
class RolePolicy:
    reach: Reach
    detail: Detail = Detail.FULL
    acts: bool = False  # may act on the cases it reaches (the table of moves decides which moves)
    may_reveal: bool = False  # may reveal a minimised case's full personal data, stating a reason
    counter_search: bool = False  # may find an applicant by an exact РНОКПП/ЄДРПОУ/document number


POLICIES: dict[str, RolePolicy] = {
    Role.ADMINISTRATOR: RolePolicy(Reach.OFFICE, acts=True, counter_search=True),
    Role.STAROSTA: RolePolicy(Reach.OFFICE, acts=True, counter_search=True),
    Role.CNAP_HEAD: RolePolicy(Reach.HROMADA, acts=True),
    Role.PROVIDER_OFFICER: RolePolicy(Reach.PROVIDER, acts=True),
    Role.COMMUNITY_HEAD: RolePolicy(Reach.HROMADA, Detail.MINIMAL, may_reveal=True),
    Role.CATALOG_MANAGER: RolePolicy(Reach.NONE),
}
SUPERUSER = RolePolicy(Reach.ALL, acts=True)
NOBODY = RolePolicy(Reach.NONE)


@dataclass(frozen=True)
class Viewer:
    """Who is looking, as the rule needs it: plain names and ids. The app that binds the rule builds it
    (``applications.access.viewer_of``), adding the provider a provider officer works for, which the
    catalog knows and this module does not."""

    active: bool = False
    is_superuser: bool = False
    role: str = ""
    office_id: int | None = None
    hromada_id: int | None = None
    provider_id: int | None = None

    @classmethod
    def of(cls, user, *, provider_id=None, provider_hromada_id=None) -> Viewer:
        """From a staff user; a provider officer without a hromada of their own works in their provider's."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return cls()
        return cls(
            active=True,
            is_superuser=user.is_superuser,
            role=user.role or "",
            office_id=user.office_id,
            hromada_id=user.hromada_id or provider_hromada_id,
            provider_id=provider_id,
        )


ANONYMOUS = Viewer()


def policy_for(viewer: Viewer) -> RolePolicy:
    """The viewer's policy; an anonymous or inactive user, or an unknown role, reaches nothing."""
    if not viewer.active:
        return NOBODY
    if viewer.is_superuser:
        return SUPERUSER
    return POLICIES.get(viewer.role, NOBODY)


class Access(StrEnum):
    """What a user may do with one case (the cells of :data:`CASE_ACCESS`)."""

    NONE = "-"  # the case does not exist for them (404)
    MINIMAL = "M"  # see it minimised (and reveal it with a reason where the role may)
    FULL = "F"  # see it in full, read-only
    ACT = "A"  # see it in full and act on it (the table of moves decides which moves)

    @property
    def sees(self) -> bool:
        return self is not Access.NONE

    @property
    def full(self) -> bool:
        return self in (Access.FULL, Access.ACT)


@dataclass(frozen=True)
class CaseFacts:
    """What the rule needs to know about a case: ids and whether it was sent to its provider."""

    office_id: int | None
    hromada_id: int | None
    provider_id: int | None
    sent: bool

    @classmethod
    def of(cls, case) -> CaseFacts:
        """From any object with ``office_id``, ``hromada_id``, ``provider_id``, ``sent_to_provider_at``."""
        return cls(case.office_id, case.hromada_id, case.provider_id, case.sent_to_provider_at is not None)


def _reaches(viewer: Viewer, policy: RolePolicy, facts: CaseFacts) -> bool:
    if policy.reach is Reach.ALL:
        return True
    if policy.reach is Reach.OFFICE:
        return bool(viewer.office_id) and facts.office_id == viewer.office_id
    if policy.reach is Reach.PROVIDER:
        return (
            bool(viewer.provider_id and viewer.hromada_id)
            and facts.provider_id == viewer.provider_id
            and facts.sent
            and facts.hromada_id == viewer.hromada_id
        )
    if policy.reach is Reach.HROMADA:
        return bool(viewer.hromada_id) and facts.hromada_id == viewer.hromada_id
    return False


def case_access(viewer: Viewer, facts: CaseFacts, *, revealed: bool = False) -> Access:
    """The viewer's access to one case. ``revealed``: they stated a reason to see this minimised case's
    page in full (only roles that may reveal get more by it: FULL, read-only)."""
    policy = policy_for(viewer)
    if not _reaches(viewer, policy, facts):
        return Access.NONE
    if policy.detail is Detail.MINIMAL and not (revealed and policy.may_reveal):
        return Access.MINIMAL
    return Access.ACT if policy.acts else Access.FULL


@dataclass(frozen=True)
class CaseFields:
    """The field names of a case in a queryset: the case model's own, or under a relation
    (``CaseFields().under("application__")`` for scans, decisions, registry requests...)."""

    office: str = "office_id"
    hromada: str = "hromada_id"
    provider: str = "provider_id"
    sent_at: str = "sent_to_provider_at"

    def under(self, prefix: str) -> CaseFields:
        return replace(
            self,
            office=f"{prefix}{self.office}",
            hromada=f"{prefix}{self.hromada}",
            provider=f"{prefix}{self.provider}",
            sent_at=f"{prefix}{self.sent_at}",
        )


NOTHING = Q(pk__in=[])


def case_condition(viewer: Viewer, fields: CaseFields = CaseFields(), *, full_only: bool = False) -> Q:
    """The rule of :func:`case_access` as a filter over ``fields``: the cases the viewer reaches (with
    ``full_only``, those whose personal data and documents they see in full; a reveal grant counts on
    a case's page only, never here). For everything, ``Q()``: do not OR it with another condition."""
    policy = policy_for(viewer)
    if full_only and policy.detail is Detail.MINIMAL:
        return NOTHING
    if policy.reach is Reach.ALL:
        return Q()
    if policy.reach is Reach.OFFICE and viewer.office_id:
        return Q(**{fields.office: viewer.office_id})
    if policy.reach is Reach.PROVIDER and viewer.provider_id and viewer.hromada_id:
        return Q(
            **{
                fields.provider: viewer.provider_id,
                f"{fields.sent_at}__isnull": False,
                fields.hromada: viewer.hromada_id,
            }
        )
    if policy.reach is Reach.HROMADA and viewer.hromada_id:
        return Q(**{fields.hromada: viewer.hromada_id})
    return NOTHING


def office_condition(viewer: Viewer, *, office: str = "office_id", hromada: str = "office__hromada_id") -> Q:
    """Objects that belong to an office rather than to a case (e-applications, lookups made before a
    case exists, queue tickets): the viewer's office for office roles, the hromada for the community
    head, everything for superusers, nothing for the others."""
    policy = policy_for(viewer)
    if policy.reach is Reach.ALL:
        return Q()
    if policy.reach is Reach.OFFICE and viewer.office_id:
        return Q(**{office: viewer.office_id})
    if policy.reach is Reach.HROMADA and viewer.hromada_id:
        return Q(**{hromada: viewer.hromada_id})
    return NOTHING


def client_condition(hromada_id, *, hromada: str = "hromada_id") -> Q:
    """An integrating system (an API token of a hromada's portal) reaches its hromada's objects only:
    the status of a case, its e-applications, the feed of status changes (never personal data)."""
    if not hromada_id:
        return NOTHING
    return Q(**{hromada: hromada_id})


# ------------------------------------------------------------------------------------------------
# The rule as data: the documented matrix. Written out cell by cell (not computed from POLICIES), so
# the tests compare the code above against it, and every URL's answers are derived from it.

#: The case states of the matrix, in the order of each row's letters.
CASE_STATES = ("registered", "sent", "in_progress", "decided", "issued", "withdrawn")
#: The object sets, relative to the users of the matrix (who all work in one office of hromada A;
#: the provider officer works for provider S, which has no hromada of its own and serves hromadas A
#: and B):
OBJECT_SETS = {
    "own_office": "a case of the user's office (hromada A), for provider S",
    "other_office": "a case of another office of the same hromada A, for provider S",
    "other_hromada": "a case of an office of hromada B, for B's own provider",
    "shared_provider": "a case of an office of hromada B, for provider S (shared by A and B)",
}
#: role → one row of letters per object set (in the order of OBJECT_SETS), one letter per state of
#: CASE_STATES (an :class:`Access` value). "withdrawn" is a case withdrawn at the counter before it was
#: sent (the provider never had it).
# fmt: off
CASE_ACCESS: dict[str, tuple[str, str, str, str]] = {
    #                    own_office other_office other_hromada shared_provider
    "administrator":    ("AAAAAA",  "------",    "------",     "------"),
    "starosta":         ("AAAAAA",  "------",    "------",     "------"),
    "provider_officer": ("-AAAA-",  "-AAAA-",    "------",     "------"),
    "cnap_head":        ("AAAAAA",  "AAAAAA",    "------",     "------"),
    "community_head":   ("MMMMMM",  "MMMMMM",    "------",     "------"),
    "catalog_manager":  ("------",  "------",    "------",     "------"),
    "superuser":        ("AAAAAA",  "AAAAAA",    "AAAAAA",     "AAAAAA"),
}
# fmt: on


def documented_access(role: str, object_set: str, state: str) -> Access:
    """One cell of :data:`CASE_ACCESS` (an anonymous visitor reaches nothing)."""
    if role == "anonymous":
        return Access.NONE
    row = CASE_ACCESS[role][list(OBJECT_SETS).index(object_set)]
    return Access(row[CASE_STATES.index(state)])
