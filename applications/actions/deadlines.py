"""Deadline control: the daily job that marks overdue cases, finds those due within 3
working days and tells the responsible staff and the head of the office.

"Overdue" is the rule of the list's overdue preset and of the dashboard: an open case (no closed_at)
whose clock runs (not suspended, not a draft) with ``due_date`` before today. A case whose due date moved
later on resumption is cleared again. The summary tables do not depend on the flag (see reporting/stats.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cnap.accounts.constants import Role
from cnap.accounts.models import OfficeDayOff, User
from cnap.core.history import record_author
from cnap.workdays import WorkCalendar, working_days_left

from ..constants import ApplicationStatus
from ..models import Application

__all__ = ["DUE_SOON_WORKING_DAYS", "DeadlineReport", "mark_overdue", "send_deadline_notices"]

logger = logging.getLogger(__name__)

DUE_SOON_WORKING_DAYS = 3
#: The new expected date told to the applicant of a newly overdue case: this many working days on.
NEW_EXPECTED_WORKING_DAYS = 5
#: How far ahead (calendar days) to look for cases due within 3 working days (holidays included).
_LOOKAHEAD_DAYS = 21

CLOCK_RUNNING = Q(closed_at__isnull=True) & ~Q(status__in=[ApplicationStatus.SUSPENDED, ApplicationStatus.DRAFT])


@dataclass
class DeadlineReport:
    today: dt.date
    newly_overdue: list[int] = field(default_factory=list)
    cleared: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)
    due_soon: list[int] = field(default_factory=list)


def _calendars(office_ids) -> dict[int, WorkCalendar]:
    office_ids = set(office_ids)
    days_off = defaultdict(list)
    for office_id, day in OfficeDayOff.objects.filter(office_id__in=office_ids).values_list("office_id", "date"):
        days_off[office_id].append(day)
    return defaultdict(WorkCalendar, {pk: WorkCalendar(days_off=days_off[pk]) for pk in office_ids})


def mark_overdue(*, today: dt.date | None = None, acting_user: User | None = None) -> DeadlineReport:
    """Flag the open cases past their due date (``is_overdue``), clear those no longer past it, and list
    the overdue ones and those due within DUE_SOON_WORKING_DAYS working days. Idempotent."""
    from .. import events

    today = today or timezone.localdate()
    report = DeadlineReport(today=today)
    with transaction.atomic():
        late = (
            Application.objects.filter(CLOCK_RUNNING, due_date__lt=today, is_overdue=False)
            .select_for_update(of=("self",))
            .order_by("id")
        )
        newly = []
        for app in late:
            app.is_overdue = True
            app.revision += 1
            record_author(app, acting_user)
            app.save(update_fields=["is_overdue", "revision"])
            newly.append(app)
            report.newly_overdue.append(app.pk)
        cleared = (
            Application.objects.filter(closed_at__isnull=True, is_overdue=True)
            .filter(Q(due_date__gte=today) | Q(status=ApplicationStatus.SUSPENDED))
            .select_for_update(of=("self",))
            .order_by("id")
        )
        for app in cleared:
            app.is_overdue = False
            app.revision += 1
            record_author(app, acting_user)
            app.save(update_fields=["is_overdue", "revision"])
            report.cleared.append(app.pk)
        if newly:
            calendars = _calendars(app.office_id for app in newly)
            for app in newly:
                new_date = calendars[app.office_id].add_working_days(today, NEW_EXPECTED_WORKING_DAYS)
                events.application_overdue(app, new_expected_date=new_date)

    report.overdue = list(
        Application.objects.filter(CLOCK_RUNNING, due_date__lt=today)
        .order_by("due_date", "id")
        .values_list("id", flat=True)
    )
    soon = list(
        Application.objects.filter(
            CLOCK_RUNNING, due_date__gte=today, due_date__lte=today + dt.timedelta(days=_LOOKAHEAD_DAYS)
        )
        .order_by("due_date", "id")
        .values_list("id", "office_id", "due_date")
    )
    calendars = _calendars(office_id for _pk, office_id, _due in soon)
    report.due_soon = [
        pk
        for pk, office_id, due in soon
        if working_days_left(due, today, calendars[office_id]) <= DUE_SOON_WORKING_DAYS
    ]
    return report


def _line(app: Application, today: dt.date, calendar: WorkCalendar) -> str:
    left = working_days_left(app.due_date, today, calendar)
    if left < 0:
        when = _("overdue by %(days)s working days") % {"days": -left}
    elif left == 0:
        when = _("due today")
    else:
        when = _("%(days)s working days left") % {"days": left}
    title = app.service_version.title if app.service_version_id else ""
    return f"{app.number} · {app.service.local_code} {title} · {_('due')} {app.due_date:%d.%m.%Y} · {when}"


def send_deadline_notices(*, report: DeadlineReport, once_a_day: bool = True) -> int:
    """E-mail each responsible person (the administrator who registered the case and the provider officer
    working it) and the head of each office their overdue and soon-due cases. No personal data of the
    applicants: numbers, services, dates. With ``once_a_day`` a repeated run on the same day sends nothing.
    Returns the number of messages sent."""
    if once_a_day and not cache.add(f"deadline-notices:{report.today.isoformat()}", 1, timeout=2 * 24 * 3600):
        return 0
    ids = set(report.overdue) | set(report.due_soon)
    if not ids:
        return 0
    cases = list(
        Application.objects.filter(pk__in=ids)
        .select_related("service", "service_version", "office", "registered_by", "assigned_to")
        .order_by("due_date", "id")
    )
    heads = defaultdict(list)
    hromadas = {a.hromada_id for a in cases}
    for head in User.objects.filter(role=Role.CNAP_HEAD, is_active=True, hromada_id__in=hromadas):
        heads[head.hromada_id].append(head)
    calendars = _calendars(app.office_id for app in cases)
    overdue_ids = set(report.overdue)
    per_person: dict[int, tuple[User, list, list]] = {}
    for app in cases:
        people = [app.registered_by, app.assigned_to, *heads[app.hromada_id]]
        for person in people:
            if person is None or not person.is_active or not person.email:
                continue
            entry = per_person.setdefault(person.pk, (person, [], []))
            (entry[1] if app.pk in overdue_ids else entry[2]).append(app)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for person, overdue, soon in per_person.values():
            lines = []
            if overdue:
                lines.append(_("Overdue cases:"))
                lines += [f"  {_line(app, report.today, calendars[app.office_id])}" for app in dict.fromkeys(overdue)]
            if soon:
                lines.append(_("Cases due within %(days)s working days:") % {"days": DUE_SOON_WORKING_DAYS})
                lines += [f"  {_line(app, report.today, calendars[app.office_id])}" for app in dict.fromkeys(soon)]
            subject = _("Deadlines on %(date)s: %(overdue)s overdue, %(soon)s due soon") % {
                "date": report.today.strftime("%d.%m.%Y"),
                "overdue": len(set(overdue)),
                "soon": len(set(soon)),
            }
            body = "\n".join(lines) + "\n\n" + settings.CNAP_SITE_URL.rstrip("/") + "/applications/overdue/\n"
            try:
                send_mail(subject, body, None, [person.email])
                sent += 1
            except Exception:  # one bad address must not stop the others
                logger.exception("Could not send the deadline notice to user %s", person.pk)
    return sent
