"""What a version must satisfy before it is published (and what the draft page warns about).

* The approving act (body, act, date) is required: it is printed as «ЗАТВЕРДЖЕНО» on both cards
  (CMU resolution No 44, p. 1).
* The service's identifier in the national Register of administrative services is required.
* The stages of the technological card, run one after another, end within the legal term (a waiting
  period the law sets, e.g. "not earlier than one month" for a marriage, is added before the term);
  when they cannot, the catalog manager states why (``term_justification``), or the version is refused.
* Every ground for refusal cites its legal ground (act, article, part, point), and the complaint route
  (body, address, time limit, court) is given (Law «Про адміністративну процедуру», art. 70, 75-78).
* A service decided by a state registrar in a national register has no stage in which someone else
  approves (З) the result.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from cnap.workdays import KYIV, WorkCalendar, chain_terms, compute_due_date

from .constants import ResultKind, StageAction
from .models import ServiceVersion

#: A Monday morning with no public holiday around it: the moment stage terms are checked from.
REFERENCE_MOMENT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=KYIV)


def earliest_start(version: ServiceVersion, registered_at: dt.datetime, calendar: WorkCalendar) -> dt.datetime:
    """When the term starts: at registration, or at the end of the waiting period the law sets."""
    if not version.min_wait_unit:
        return registered_at
    day = compute_due_date(
        registered_at=registered_at,
        term_value=version.min_wait_value,
        term_unit=version.min_wait_unit,
        calendar=calendar,
    )
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=registered_at.tzinfo or KYIV)


def stages_overrun(version: ServiceVersion, stages=None) -> tuple[dt.date, dt.date] | None:
    """(end of the stages, due date) when the stages end after the legal term, else None."""
    stages = list(version.stages.all()) if stages is None else list(stages)
    if not stages:
        return None
    calendar = WorkCalendar(martial_law=True)
    start = earliest_start(version, REFERENCE_MOMENT, calendar)
    try:
        due = compute_due_date(
            registered_at=start, term_value=version.term_value, term_unit=version.term_unit, calendar=calendar
        )
    except ValueError:
        return None  # the term itself is reported by the model's own checks
    ends = chain_terms(REFERENCE_MOMENT, [(s.duration, s.duration_unit) for s in stages], calendar)
    return (ends[-1], due) if ends[-1] > due else None


def publication_problems(version: ServiceVersion, *, service=None, parts: dict | None = None) -> dict[str, list[str]]:
    """Field -> what stops the version from being published (empty when it may be published).

    ``service`` and ``parts`` (related name -> rows) are given for a version not saved yet (an import).
    """
    problems: dict[str, list[str]] = {}
    service = service or version.service

    def rows(name):
        return list(parts[name]) if parts is not None else list(getattr(version, name).all())

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    required = _("Required to publish.")
    for field in ("approved_by", "approval_act"):
        if not (getattr(version, field) or "").strip():
            add(field, required)
    if version.approval_date is None:
        add("approval_date", required)
    if not (service.national_id or "").strip():
        add(
            "national_id",
            _("The identifier of the service in the Register of administrative services is required to publish."),
        )
    stages = rows("stages")
    overrun = stages_overrun(version, stages)
    if overrun and not version.term_justification.strip():
        add(
            "term_justification",
            _(
                "The stages of the technological card take longer than the term of the service (counted from "
                "02.03.2026 they end on %(end)s, the term on %(due)s): shorten them or state why."
            )
            % {"end": overrun[0].strftime("%d.%m.%Y"), "due": overrun[1].strftime("%d.%m.%Y")},
        )
    uncited = [g for g in rows("refusal_grounds") if not (g.citation or "").strip()]
    if uncited:
        add(
            "refusal_grounds",
            _("Each ground for refusal cites its legal ground (act, article, part, point): «%(ground)s» does not.")
            % {"ground": uncited[0].text[:80]},
        )
    for field in ("complaint_body", "complaint_address", "complaint_term", "complaint_court"):
        if not (getattr(version, field) or "").strip():
            add(field, required)
    for fee in rows("fees"):
        if not fee.budget_code:
            add("fees", _("Charge «%(title)s»: the budget classification code is required.") % {"title": fee.title})
    if version.result_kind == ResultKind.REGISTRAR_ACTION and any(
        stage.action == StageAction.CONFIRMS for stage in stages
    ):
        add(
            "stages",
            _(
                "A state registrar decides in the national register: the technological card has no stage in which "
                "someone approves (З) the result."
            ),
        )
    return problems
