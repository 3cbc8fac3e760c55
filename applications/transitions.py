"""The one table of allowed status moves of a case and the roles that may make each.

The actions (applications/actions/workflow.py, decisions.py) enforce it; the case page offers the
moves it allows; the tests are generated from it (every status × every status × every role), so a
new status or role cannot go untested.

A move not in the table is forbidden. Superusers may make any move in the table. Ownership is
checked separately (:func:`may_act_on`, the access scope of applications/access.py): provider
officers act only on cases sent to their own provider in their hromada, office roles only in their own
office, community heads never.

Decided here (the lead asked to document it): a refusal is a final outcome, so there is no move
``refused → issued``. Handing the refusal letter to the applicant is recorded on the refused case
(``issue_result`` fills ``issued_at``/``issued_to``/``issued_identity_document``/``issued_by``) and the
status stays ``refused``, so reports count it as a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cnap.accounts.constants import Role

from .constants import ApplicationStatus as S

PROVIDER_ROLES = frozenset({Role.PROVIDER_OFFICER})

# Statuses a case may be suspended from, and returned to on resumption.
SUSPENDABLE = (S.REGISTERED, S.SENT_TO_PROVIDER, S.IN_PROGRESS, S.RETURNED_FOR_REVISION)


class Needs:
    """What a move needs besides the role and the status (flags of `Move.needs`)."""

    COMMENT = "comment"  # a non-empty comment (the reason)
    DECISION_OR_NOTE = "decision_or_note"  # an approval decision, or a note on the result
    REFUSAL_DECISION = "refusal_decision"  # a refusal decision citing at least one ground
    SUSPENSION = "suspension"  # a reason, a legal act (optional) and the day it starts: use suspend()
    RESUME = "resume"  # back to the status before the suspension only: use resume()
    ISSUE = "issue"  # to whom, by which identity document, when: use issue_result()
    STORAGE_PASSED = "storage_passed"  # the version's storage_days passed since result_ready_at


@dataclass(frozen=True)
class Move:
    from_status: str
    to_status: str
    roles: frozenset[str]
    needs: frozenset[str] = frozenset()
    label: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.from_status, self.to_status)

    def needs_(self, flag: str) -> bool:
        return flag in self.needs


def _m(from_status, to_status, roles, *needs, label=""):
    return Move(str(from_status), str(to_status), frozenset(str(r) for r in roles), frozenset(needs), label)


_ADMIN_STAROSTA = (Role.ADMINISTRATOR, Role.STAROSTA)
_ADMIN_STAROSTA_HEAD = (Role.ADMINISTRATOR, Role.STAROSTA, Role.CNAP_HEAD)
_OFFICER = (Role.PROVIDER_OFFICER,)
_SUSPENDERS = (Role.PROVIDER_OFFICER, Role.CNAP_HEAD)

_MOVES = [
    _m(S.REGISTERED, S.SENT_TO_PROVIDER, _ADMIN_STAROSTA_HEAD, label=_("Send to the provider")),
    _m(S.SENT_TO_PROVIDER, S.IN_PROGRESS, _OFFICER, label=_("Take into work")),
    _m(S.SENT_TO_PROVIDER, S.RETURNED_FOR_REVISION, _OFFICER, Needs.COMMENT, label=_("Return for revision")),
    _m(S.IN_PROGRESS, S.RETURNED_FOR_REVISION, _OFFICER, Needs.COMMENT, label=_("Return for revision")),
    _m(S.RETURNED_FOR_REVISION, S.SENT_TO_PROVIDER, _ADMIN_STAROSTA_HEAD, label=_("Send to the provider again")),
    _m(S.IN_PROGRESS, S.RESULT_READY, _OFFICER, Needs.DECISION_OR_NOTE, label=_("Result ready")),
    _m(S.IN_PROGRESS, S.REFUSED, _OFFICER, Needs.REFUSAL_DECISION, label=_("Refuse")),
    _m(S.IN_PROGRESS, S.LEFT_WITHOUT_CONSIDERATION, _OFFICER, Needs.COMMENT, label=_("Leave without consideration")),
    _m(S.RESULT_READY, S.ISSUED, _ADMIN_STAROSTA_HEAD, Needs.ISSUE, label=_("Issue the result")),
    _m(
        S.RESULT_READY,
        S.UNCLAIMED,
        (Role.ADMINISTRATOR, Role.CNAP_HEAD),
        Needs.STORAGE_PASSED,
        label=_("Mark unclaimed"),
    ),
]
# Withdrawal on the applicant's request, at the counter.
for _status in (S.REGISTERED, S.SENT_TO_PROVIDER, S.IN_PROGRESS, S.RETURNED_FOR_REVISION):
    _MOVES.append(_m(_status, S.WITHDRAWN, (Role.ADMINISTRATOR,), Needs.COMMENT, label=_("Withdrawn by the applicant")))
# Suspension (per case or for a whole service by a legal act) and resumption to where it was.
# A case not yet sent is not the provider's (the access scope hides it from them): the head of the CNAP
# suspends and resumes it alone.
for _status in SUSPENDABLE:
    _roles = (Role.CNAP_HEAD,) if _status == S.REGISTERED else _SUSPENDERS
    _MOVES.append(_m(_status, S.SUSPENDED, _roles, Needs.SUSPENSION, label=_("Suspend")))
    _MOVES.append(_m(S.SUSPENDED, _status, _roles, Needs.RESUME, label=_("Resume")))

#: (from_status, to_status) → Move. The only source of truth for what may happen to a case.
TRANSITIONS: dict[tuple[str, str], Move] = {move.key: move for move in _MOVES}
assert len(TRANSITIONS) == len(_MOVES), "a move is listed twice"

#: Every role that can appear on a user (for the generated tests and the docs).
ALL_ROLES = tuple(Role.values)


def get_move(from_status: str, to_status: str) -> Move | None:
    return TRANSITIONS.get((str(from_status), str(to_status)))


def moves_from(status: str) -> list[Move]:
    return [move for move in _MOVES if move.from_status == str(status)]


def role_allows(user, move: Move | None) -> bool:
    """The user's role may make the move (superusers may make every move in the table); no move, no one."""
    if move is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.role in move.roles


def may_act_on(user, application) -> bool:
    """The case is one the user may act on: the access scope's rule (applications/access.py), e.g.
    provider officers the cases sent to their provider in their hromada, office roles their office's."""
    from .access import may_act_on as scope_allows

    return scope_allows(user, application)


def allowed_moves(user, application, *, previous_status: str | None = None) -> list[Move]:
    """The moves the user may make on the case now, in table order (for the case page).

    ``previous_status``: the status before the current suspension (only resumption to it is offered).
    The storage period of ``unclaimed`` is checked by the action; the page shows the button anyway
    only when the period has passed (the view passes ``storage_passed``)."""
    if not may_act_on(user, application):
        return []
    moves = []
    for move in moves_from(application.status):
        if not role_allows(user, move):
            continue
        if move.needs_(Needs.RESUME) and previous_status and move.to_status != previous_status:
            continue
        moves.append(move)
    return moves
