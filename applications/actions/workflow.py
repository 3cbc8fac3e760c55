"""Moving cases through their statuses: every move goes through :func:`transition`.

Each call is one transaction holding a row lock (``SELECT ... FOR UPDATE``) on the case; it checks the
move against the table in applications/transitions.py (status, role, the user's office or provider,
what the move needs), refuses a form posted against an older revision with a message saying what
changed, records a StatusChange (who, when, comment), increments ``revision`` and keeps the
timestamps. A refused move raises ValidationError / PermissionDenied and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cnap.accounts.models import User
from cnap.core.history import record_author
from cnap.workdays import office_calendar, shift_due_date

from .. import events
from ..constants import CLOSED_STATUSES, ApplicationStatus
from ..models import Application, StatusChange, Suspension
from ..transitions import Move, Needs, get_move, may_act_on, role_allows

__all__ = [
    "ConcurrentChangeError",
    "issue_result",
    "mark_unclaimed",
    "resume",
    "return_for_revision",
    "send_to_provider",
    "suspend",
    "take_into_work",
    "transition",
]


class ConcurrentChangeError(ValidationError):
    """The case changed since the form was shown: the message says who changed it, when and how."""


def _status_label(status: str) -> str:
    try:
        return str(ApplicationStatus(status).label)
    except ValueError:
        return status


def _when(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "d.m.Y H:i")


def _lock(application) -> Application:
    pk = getattr(application, "pk", application)
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("service_version", "office", "applicant", "provider")
        .get(pk=pk)
    )


def _check_revision(app: Application, expected_revision) -> None:
    if expected_revision is None or int(expected_revision) == app.revision:
        return
    last = app.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    who = (last.history_user.full_name or last.history_user.username) if last and last.history_user else _("someone")
    when = _when(last.history_date) if last else _when(app.status_changed_at)
    raise ConcurrentChangeError(
        _(
            "This case was changed while you were looking at it: %(who)s changed it on %(when)s, "
            "it is now «%(status)s». Nothing was saved; look at the case again and repeat if still needed."
        )
        % {"who": who, "when": when, "status": _status_label(app.status)},
        code="stale_revision",
    )


def _previous_status(app: Application) -> str | None:
    """The status the case had before its current suspension."""
    change = app.status_changes.filter(to_status=ApplicationStatus.SUSPENDED).order_by("-changed_at", "-id").first()
    return change.from_status if change else None


def _check_move(app: Application, to_status: str, user, *, by_act: bool = False) -> Move:
    """``by_act``: the move is made by a legal act (it holds for every office of its territory, whoever
    enters it or registers a case while it holds); the callers check who may enter the act."""
    if not by_act and not may_act_on(user, app):
        raise PermissionDenied(_("This case belongs to another office or provider: you cannot act on it."))
    move = get_move(app.status, to_status)
    if move is None:
        raise ValidationError(
            _("A case in the status «%(from)s» cannot be moved to «%(to)s».")
            % {"from": _status_label(app.status), "to": _status_label(to_status)},
            code="forbidden_move",
        )
    if not by_act and not role_allows(user, move):
        raise PermissionDenied(
            _("Your role (%(role)s) may not move a case from «%(from)s» to «%(to)s».")
            % {
                "role": user.get_role_display() or _("no role"),
                "from": _status_label(app.status),
                "to": _status_label(to_status),
            }
        )
    return move


def _not_future_day(day: dt.date, label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError(_("%(what)s cannot be in the future.") % {"what": label}, code="future_date")


def _apply(app: Application, move: Move, user, comment: str, now: dt.datetime) -> Application:
    """Change the status and write the timeline entry (the row is locked by the caller)."""
    app.status = move.to_status
    app.status_changed_at = now
    app.revision += 1
    if move.to_status == ApplicationStatus.SENT_TO_PROVIDER:
        app.sent_to_provider_at = now
    elif move.to_status == ApplicationStatus.IN_PROGRESS and move.from_status == ApplicationStatus.SENT_TO_PROVIDER:
        app.assigned_to = user
    elif move.to_status == ApplicationStatus.RESULT_READY:
        app.result_ready_at = now
    if move.to_status in CLOSED_STATUSES:
        app.closed_at = now
        app.is_overdue = False
    record_author(app, user)
    app.save()
    StatusChange.objects.create(
        application=app,
        from_status=move.from_status,
        to_status=move.to_status,
        changed_at=now,
        changed_by=user,
        comment=comment,
    )
    events.application_status_changed(app, from_status=move.from_status, to_status=move.to_status)
    return app


def _transition_locked(app: Application, *, to_status: str, acting_user, comment: str, details: dict) -> Application:
    """Check and make one move on a locked case; ``details`` carry what special moves need."""
    by_act = details.get("by_act")
    move = _check_move(app, to_status, acting_user, by_act=by_act is not None)
    comment = (comment or "").strip()
    now = timezone.now()

    if move.needs_(Needs.COMMENT) and not comment:
        raise ValidationError(_("Give the reason in the comment."), code="comment_required")

    if move.needs_(Needs.REFUSAL_DECISION):
        decision = details.get("decision") or details.get("registry_action")
        if decision is None or decision.kind != "refusal" or decision.application_id != app.pk:
            raise ValidationError(
                _("A refusal is made by recording a refusal decision that cites at least one ground."),
                code="decision_required",
            )

    if move.needs_(Needs.DECISION_OR_NOTE):
        decision = details.get("decision")
        if decision is None and not comment:
            raise ValidationError(
                _("Record an approval decision or describe the result in the comment."),
                code="result_note_required",
            )

    if move.needs_(Needs.STORAGE_PASSED):
        storage_days = app.service_version.storage_days
        ready_at = app.result_ready_at or app.status_changed_at
        until = timezone.localdate(ready_at) + dt.timedelta(days=storage_days)
        if timezone.localdate(now) < until:
            raise ValidationError(
                _(
                    "The result is kept for %(days)s days since it became ready (%(ready)s): "
                    "it can be marked unclaimed from %(until)s."
                )
                % {
                    "days": storage_days,
                    "ready": date_format(timezone.localdate(ready_at), "d.m.Y"),
                    "until": date_format(until, "d.m.Y"),
                },
                code="storage_not_passed",
            )

    if move.needs_(Needs.SUSPENSION):
        reason = (details.get("reason") or comment).strip()
        legal_act = (details.get("legal_act") or "").strip()
        started_on = details.get("started_on") or timezone.localdate(now)
        if not reason:
            raise ValidationError(_("Give the reason for the suspension."), code="reason_required")
        _not_future_day(started_on, _("The day the suspension starts"))
        if started_on < timezone.localdate(app.registered_at):
            raise ValidationError(
                _("The suspension cannot start before the case was registered."), code="before_registration"
            )
        Suspension(
            application=app,
            started_on=started_on,
            reason=reason,
            legal_act=legal_act,
            by_act=by_act,
            created_by=acting_user,
        ).save()
        comment = f"{reason} ({legal_act})" if legal_act else reason

    if move.needs_(Needs.RESUME):
        previous = _previous_status(app)
        if previous and previous != move.to_status:
            raise ValidationError(
                _("A suspended case resumes in the status it had before: «%(status)s».")
                % {"status": _status_label(previous)},
                code="resume_elsewhere",
            )
        suspension = app.suspensions.filter(resumed_on__isnull=True).order_by("-started_on", "-id").first()
        resumed_on = details.get("resumed_on") or timezone.localdate(now)
        _not_future_day(resumed_on, _("The day of resumption"))
        if suspension is not None:
            if resumed_on < suspension.started_on:
                raise ValidationError(
                    _("The case cannot resume before its suspension started (%(day)s).")
                    % {"day": date_format(suspension.started_on, "d.m.Y")},
                    code="resume_before_start",
                )
            calendar = office_calendar(app.office_id)
            lost = calendar.working_days_between(
                suspension.started_on - dt.timedelta(days=1), resumed_on - dt.timedelta(days=1)
            )
            app.due_date = shift_due_date(
                app.due_date, suspended_from=suspension.started_on, resumed_on=resumed_on, calendar=calendar
            )
            app.suspended_working_days += lost
            app.is_overdue = app.due_date < timezone.localdate(now)
            suspension.resumed_on = resumed_on
            suspension.resumed_by = acting_user
            record_author(suspension, acting_user)
            suspension.save()
            if not comment:
                comment = _("Resumed on %(day)s; the due date moved by %(days)s working days to %(due)s.") % {
                    "day": date_format(resumed_on, "d.m.Y"),
                    "days": lost,
                    "due": date_format(app.due_date, "d.m.Y"),
                }

    if move.needs_(Needs.ISSUE):
        _fill_issue(app, acting_user, details, now)

    return _apply(app, move, acting_user, comment, now)


def _fill_issue(app: Application, acting_user, details: dict, now: dt.datetime) -> None:
    issued_to = (details.get("issued_to") or "").strip()
    identity_document = (details.get("identity_document") or "").strip()
    issued_at = details.get("issued_at") or now
    if not issued_to:
        raise ValidationError(_("Enter to whom the result was handed."), code="issued_to_required")
    if not identity_document:
        raise ValidationError(_("Enter the identity document shown."), code="identity_document_required")
    if issued_at > now + dt.timedelta(minutes=1):
        raise ValidationError(_("The moment of issue cannot be in the future."), code="future_date")
    ready_at = app.result_ready_at or app.closed_at
    if ready_at and issued_at < ready_at - dt.timedelta(minutes=1):
        raise ValidationError(
            _("The result cannot be issued before it was ready (%(when)s).") % {"when": _when(ready_at)},
            code="issued_before_ready",
        )
    app.issued_to = issued_to
    app.issued_identity_document = identity_document
    app.issued_at = issued_at
    app.issued_by = acting_user


def transition(
    *,
    application,
    to_status: str,
    acting_user: User,
    comment: str = "",
    expected_revision: int | None = None,
    **details,
) -> Application:
    """Move ``application`` to ``to_status`` if the table allows it for ``acting_user``; return the case.

    ``details`` by move: suspension ``reason``, ``legal_act``, ``started_on``; resumption ``resumed_on``;
    issue ``issued_to``, ``identity_document``, ``issued_at``; refusal / result ``decision``.
    Raises ConcurrentChangeError (a ValidationError) when ``expected_revision`` is not the current one.
    """
    with transaction.atomic():
        app = _lock(application)
        _check_revision(app, expected_revision)
        return _transition_locked(
            app, to_status=str(to_status), acting_user=acting_user, comment=comment, details=details
        )


def send_to_provider(*, application, acting_user: User, comment: str = "", expected_revision=None) -> Application:
    return transition(
        application=application,
        to_status=ApplicationStatus.SENT_TO_PROVIDER,
        acting_user=acting_user,
        comment=comment,
        expected_revision=expected_revision,
    )


def take_into_work(*, application, acting_user: User, comment: str = "", expected_revision=None) -> Application:
    return transition(
        application=application,
        to_status=ApplicationStatus.IN_PROGRESS,
        acting_user=acting_user,
        comment=comment,
        expected_revision=expected_revision,
    )


def return_for_revision(*, application, acting_user: User, comment: str, expected_revision=None) -> Application:
    return transition(
        application=application,
        to_status=ApplicationStatus.RETURNED_FOR_REVISION,
        acting_user=acting_user,
        comment=comment,
        expected_revision=expected_revision,
    )


def suspend(
    *,
    application,
    reason: str,
    legal_act: str = "",
    started_on: dt.date | None = None,
    acting_user: User,
    expected_revision=None,
) -> Application:
    """Stop the clock of a case; :func:`resume` moves its due date by the working days lost."""
    return transition(
        application=application,
        to_status=ApplicationStatus.SUSPENDED,
        acting_user=acting_user,
        expected_revision=expected_revision,
        reason=reason,
        legal_act=legal_act,
        started_on=started_on,
    )


def resume(
    *, application, resumed_on: dt.date | None = None, acting_user: User, comment: str = "", expected_revision=None
) -> Application:
    """Back to the status before the suspension; the due date moves by the suspended working days."""
    with transaction.atomic():
        app = _lock(application)
        _check_revision(app, expected_revision)
        if app.status != ApplicationStatus.SUSPENDED:
            raise ValidationError(_("The case is not suspended."), code="not_suspended")
        previous = _previous_status(app) or ApplicationStatus.REGISTERED
        return _transition_locked(
            app, to_status=previous, acting_user=acting_user, comment=comment, details={"resumed_on": resumed_on}
        )


def issue_result(
    *,
    application,
    issued_to: str,
    identity_document: str,
    issued_at: dt.datetime | None = None,
    acting_user: User,
    expected_revision=None,
) -> Application:
    """Hand the result to the applicant (or their representative): when, to whom, by which identity
    document, by whom. Only a ready result (→ ``issued``); on a refused case it records the handing
    over of the refusal decision and the status stays ``refused``."""
    with transaction.atomic():
        app = _lock(application)
        _check_revision(app, expected_revision)
        details = {"issued_to": issued_to, "identity_document": identity_document, "issued_at": issued_at}
        if app.status == ApplicationStatus.REFUSED:
            move = get_move(ApplicationStatus.RESULT_READY, ApplicationStatus.ISSUED)
            if not may_act_on(acting_user, app):
                raise PermissionDenied(_("This case belongs to another office or provider: you cannot act on it."))
            if not role_allows(acting_user, move):
                raise PermissionDenied(_("Your role may not hand over results."))
            if app.issued_at:
                raise ValidationError(
                    _("The refusal was already handed over on %(when)s.") % {"when": _when(app.issued_at)},
                    code="already_issued",
                )
            _fill_issue(app, acting_user, details, timezone.now())
            app.revision += 1
            record_author(app, acting_user)
            app.save()
            return app
        if app.status != ApplicationStatus.RESULT_READY:
            raise ValidationError(
                _("The result is not ready: the case is «%(status)s».") % {"status": _status_label(app.status)},
                code="not_ready",
            )
        return _transition_locked(
            app, to_status=ApplicationStatus.ISSUED, acting_user=acting_user, comment="", details=details
        )


def mark_unclaimed(*, application, acting_user: User, comment: str = "", expected_revision=None) -> Application:
    """The result was not collected within the version's storage period."""
    return transition(
        application=application,
        to_status=ApplicationStatus.UNCLAIMED,
        acting_user=acting_user,
        comment=comment,
        expected_revision=expected_revision,
    )
