"""Suspension of terms by a legal act (e.g. CMU resolution No 165 under martial law) as a record: the act,
its services, its territory (a hromada: every office in it) and its period.

* Entering it suspends every open case of those services in every office of the territory (from its first
  day), each with a Suspension pointing at the act and a StatusChange in its history.
* A case registered while it holds starts suspended (the receipt says so).
* Ending it resumes every case it suspended, the due date moved on by the working days lost.
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
from services.selectors import provider_of

from ..constants import ApplicationStatus
from ..models import Application, LegalActSuspension, Suspension
from ..transitions import SUSPENDABLE, get_move, role_allows
from .workflow import _previous_status, _transition_locked

__all__ = ["active_act", "apply_to_new_case", "end_act", "resume_service", "suspend_by_act", "suspend_service"]

_ONE_DAY = dt.timedelta(days=1)


def _may_suspend(user) -> None:
    # the roles that suspend a case once it is with its provider (the head of the CNAP, provider officers);
    # a case not yet sent is the head's alone in the table of moves, but an act holds for every case
    if not role_allows(user, get_move(ApplicationStatus.SENT_TO_PROVIDER, ApplicationStatus.SUSPENDED)):
        raise PermissionDenied(_("Your role may not suspend cases."))


def _reason(record: LegalActSuspension) -> str:
    return _("Terms suspended by %(act)s from %(day)s") % {
        "act": record.act,
        "day": date_format(record.starts_on, "d.m.Y"),
    }


def _suspend(app: Application, record: LegalActSuspension, acting_user, started_on: dt.date) -> Application:
    return _transition_locked(
        app,
        to_status=ApplicationStatus.SUSPENDED,
        acting_user=acting_user,
        comment="",
        details={"reason": _reason(record), "legal_act": record.act[:255], "started_on": started_on, "by_act": record},
    )


@transaction.atomic
def suspend_by_act(
    *, act: str, reason: str, services, hromada, starts_on: dt.date, ends_on: dt.date | None = None, acting_user: User
) -> LegalActSuspension:
    """Enter the act and suspend the open cases of its services in every office of ``hromada``."""
    _may_suspend(acting_user)
    if not (act or "").strip() or not (reason or "").strip():
        raise ValidationError(_("Name the legal act and the reason."), code="required")
    services = list(services)
    if not services:
        raise ValidationError(_("Choose the services the act suspends."), code="no_services")
    if starts_on > timezone.localdate():
        raise ValidationError(_("The suspension cannot start in the future: enter it on its first day."))
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError(_("The act cannot end before it starts."))
    record = LegalActSuspension(
        act=act.strip(),
        reason=reason.strip(),
        hromada=hromada,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=acting_user,
    )
    record_author(record, acting_user)
    record.save()
    record.services.set(services)
    cases = (
        Application.objects.select_for_update(of=("self",))
        .select_related("service_version", "office", "applicant", "provider")
        .filter(hromada=hromada, service__in=services, status__in=[str(s) for s in SUSPENDABLE])
        .order_by("id")
    )
    for app in cases:
        _suspend(app, record, acting_user, max(starts_on, timezone.localdate(app.registered_at)))
    if ends_on is not None and ends_on < timezone.localdate():
        _resume_all(record, acting_user)
    return record


def _resume_all(record: LegalActSuspension, acting_user) -> list[Application]:
    if record.ends_on is None:  # callers set the end first
        raise ValueError("An act without an end cannot be resumed.")
    resumed_on = record.ends_on + _ONE_DAY
    done = []
    ids = list(
        Suspension.objects.filter(by_act=record, resumed_on__isnull=True).values_list("application_id", flat=True)
    )
    locked = Application.objects.select_for_update(of=("self",)).select_related("service_version", "office")
    for app in locked.filter(pk__in=ids, status=ApplicationStatus.SUSPENDED).order_by("id"):
        previous = _previous_status(app) or ApplicationStatus.REGISTERED
        done.append(
            _transition_locked(
                app,
                to_status=previous,
                acting_user=acting_user,
                comment="",
                details={"resumed_on": min(resumed_on, timezone.localdate()), "by_act": record},
            )
        )
    return done


@transaction.atomic
def end_act(*, suspension: LegalActSuspension, ends_on: dt.date, acting_user: User) -> list[Application]:
    """The act no longer holds after ``ends_on``: resume every case it suspended (due dates move on)."""
    _may_suspend(acting_user)
    record = LegalActSuspension.objects.select_for_update().get(pk=suspension.pk)
    if ends_on < record.starts_on:
        raise ValidationError(_("The act cannot end before it starts."))
    if ends_on >= timezone.localdate():
        raise ValidationError(_("Enter the end once the act no longer holds (the last day is in the past)."))
    record.ends_on = ends_on
    record_author(record, acting_user)
    record.save()
    return _resume_all(record, acting_user)


def active_act(*, hromada, service, on_date: dt.date) -> LegalActSuspension | None:
    return (
        LegalActSuspension.objects.filter(hromada=hromada, services=service, starts_on__lte=on_date)
        .exclude(ends_on__lt=on_date)
        .order_by("-starts_on", "-id")
        .first()
    )


def apply_to_new_case(application: Application, acting_user: User) -> Application:
    """A case registered while an act holds starts suspended by it (called inside the registration)."""
    day = timezone.localdate(application.registered_at)
    record = active_act(hromada=application.hromada, service=application.service, on_date=day)
    if record is None:
        return application
    application.legal_suspension = record
    application.save(update_fields=["legal_suspension"])
    return _suspend(application, record, acting_user, day)


def _user_hromada(user):
    if getattr(user, "office_id", None):
        return user.office.hromada
    if getattr(user, "hromada_id", None):
        return user.hromada
    provider = provider_of(user)
    if provider is not None and provider.hromada_id:
        return provider.hromada
    raise PermissionDenied(_("Your account belongs to no hromada: a suspension by a legal act needs its territory."))


def suspend_service(
    *, service, reason: str, legal_act: str, started_on: dt.date | None = None, acting_user: User
) -> list[Application]:
    """Enter a suspension of ``service`` by a legal act for the user's hromada (every office in it): the open
    cases are suspended now, and cases registered while it holds start suspended (legal_suspensions.py)."""
    if not role_allows(acting_user, get_move(ApplicationStatus.SENT_TO_PROVIDER, ApplicationStatus.SUSPENDED)):
        raise PermissionDenied(_("Your role may not suspend cases."))
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for the suspension."), code="reason_required")
    record = suspend_by_act(
        act=legal_act,
        reason=reason,
        services=[service],
        hromada=_user_hromada(acting_user),
        starts_on=started_on or timezone.localdate(),
        acting_user=acting_user,
    )
    return list(Application.objects.filter(suspensions__by_act=record).distinct().order_by("id"))


def resume_service(
    *, service, legal_act: str, resumed_on: dt.date | None = None, acting_user: User
) -> list[Application]:
    """The act that suspended ``service`` no longer holds from ``resumed_on``: every case it suspended resumes."""
    if not role_allows(acting_user, get_move(ApplicationStatus.SUSPENDED, ApplicationStatus.SENT_TO_PROVIDER)):
        raise PermissionDenied(_("Your role may not resume cases."))
    resumed_on = resumed_on or timezone.localdate()
    done = []
    acts = LegalActSuspension.objects.filter(
        act=legal_act.strip(), services=service, hromada=_user_hromada(acting_user), ends_on__isnull=True
    )
    if not acts.exists():
        raise ValidationError(
            _("No suspension of this service by «%(act)s» is in force in your hromada.") % {"act": legal_act},
            code="no_such_act",
        )
    for record in acts:
        done += end_act(suspension=record, ends_on=resumed_on - dt.timedelta(days=1), acting_user=acting_user)
    return done
