"""Reads of the queue: who is next (the ordering rule, in one place), what the kiosk and the board show,
the windows a user may operate, whether the office receives visitors now."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.access import viewer_of
from cnap.accounts.models import Office
from cnap.accounts.permissions import can
from cnap.security.scope import office_condition
from cnap.workdays import WorkCalendar, office_calendar

from .constants import AT_WINDOW_STATUSES, TicketStatus
from .models import OpeningHours, PriorityCategory, ServiceGroup, Ticket, Window

#: A booked visitor is called at their time from this long before it (they are at the kiosk already).
BOOKED_EARLY = dt.timedelta(minutes=5)
#: How many recent calls the board shows.
BOARD_SIZE = 8


def operable_windows(user) -> QuerySet[Window]:
    """The windows ``user`` may work at: their own office's (the head of the CNAP: the hromada's), for
    those whose role serves visitors; nothing for the others."""
    if not can(user, "operate_queue"):
        return Window.objects.none()
    return Window.objects.filter(office_condition(viewer_of(user)), is_active=True).select_related("office")


def configurable_offices(user) -> QuerySet[Office]:
    """The offices whose queue ``user`` sets up: the head of the CNAP's hromada's, everything for a
    superuser, nothing for the others."""
    if not can(user, "configure_queue"):
        return Office.objects.none()
    return Office.objects.filter(office_condition(viewer_of(user), office="id", hromada="hromada_id"), is_active=True)


def queue_settings(user) -> list[dict]:
    """Per office the user sets up: its groups, windows and opening hours."""
    offices = list(configurable_offices(user).order_by("name"))
    groups = ServiceGroup.objects.filter(office__in=offices).annotate(service_count=Count("services"))
    windows = Window.objects.filter(office__in=offices).prefetch_related("groups")
    hours = OpeningHours.objects.filter(office__in=offices).order_by("weekday")
    return [
        {
            "office": office,
            "groups": [g for g in groups if g.office_id == office.pk],
            "windows": [w for w in windows if w.office_id == office.pk],
            "hours": [h for h in hours if h.office_id == office.pk],
        }
        for office in offices
    ]


def office_tickets(user) -> QuerySet[Ticket]:
    """Tickets of the offices the user reaches (the access scope's rule for an office's objects)."""
    return Ticket.objects.filter(office_condition(viewer_of(user)))


def public_office(code: str) -> Office | None:
    return Office.objects.filter(code=code, is_active=True).first()


def kiosk_groups(office) -> list[ServiceGroup]:
    """The active groups the kiosk offers: those at least one active window serves."""
    return list(
        ServiceGroup.objects.filter(office=office, is_active=True, windows__is_active=True)
        .distinct()
        .order_by("position", "letter")
    )


def priority_categories() -> list[PriorityCategory]:
    return list(PriorityCategory.objects.filter(is_active=True).order_by("position", "code"))


def local_today(now: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(now or timezone.now())


def is_date_off(office, day: dt.date, *, calendar: WorkCalendar | None = None) -> bool:
    """Whether the office's calendar closes ``day`` whatever its opening hours say: its own days off,
    and public holidays unless martial law makes them working days."""
    calendar = calendar or office_calendar(office)
    return day in calendar.days_off or calendar.is_public_holiday_off(day)


def closed_reason(office, now: dt.datetime | None = None) -> str:
    """Why the office takes no visitors at ``now`` ("" when it does). Its calendar (``cnap.workdays``)
    says which dates are off: its own days off, and public holidays unless martial law makes them working
    days. Its opening hours say which weekdays and hours it receives visitors (a ЦНАП often works on
    Saturdays); an office without opening hours is not checked by the hour."""
    now = timezone.localtime(now or timezone.now())
    if is_date_off(office, now.date()):
        return _("The office does not receive visitors today.")
    hours = {row.weekday: row for row in OpeningHours.objects.filter(office=office)}
    if not hours:
        return ""
    today = hours.get(now.weekday())
    if today is None:
        return _("The office does not receive visitors today.")
    moment = now.time()
    if moment < today.opens_at or moment >= today.closes_at:
        return _("The office receives visitors from %(opens)s to %(closes)s.") % {
            "opens": today.opens_at.strftime("%H:%M"),
            "closes": today.closes_at.strftime("%H:%M"),
        }
    starts, ends = today.break_starts_at, today.break_ends_at
    if starts is not None and ends is not None and starts <= moment < ends:
        return _("Break until %(until)s. Please come back then.") % {"until": ends.strftime("%H:%M")}
    return ""


def waiting_for_window(window: Window, *, now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """The tickets ``window`` may call, in the order they are called:

    1. persons served out of turn (a priority category), in the order they came;
    2. booked visits whose time has come (from ``BOOKED_EARLY`` before it), by their booked time;
    3. everyone else, first come first served (a redirected ticket keeps its first place in time).
    """
    now = now or timezone.now()
    return (
        Ticket.objects.filter(
            office_id=window.office_id,
            date=local_today(now),
            status=TicketStatus.WAITING,
            group__in=window.groups.filter(is_active=True).values("pk"),
        )
        .filter(Q(for_window__isnull=True) | Q(for_window=window))
        .annotate(
            rank=Case(
                When(priority__isnull=False, then=Value(0)),
                When(booked_for__lte=now + BOOKED_EARLY, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            turn_at=Case(
                When(priority__isnull=True, booked_for__lte=now + BOOKED_EARLY, then=F("booked_for")),
                default=F("queued_at"),
            ),
        )
        .order_by("rank", "turn_at", "pk")
    )


@dataclass(frozen=True)
class Estimate:
    ahead: int
    minutes: int


def estimate(ticket: Ticket, *, now: dt.datetime | None = None) -> Estimate:
    """People ahead of ``ticket`` in its group (those out of turn, and those who came earlier) and the
    expected wait: the people ahead times the group's average service time, over the open windows
    serving the group (at least one)."""
    ahead = Ticket.objects.filter(group_id=ticket.group_id, date=ticket.date, status=TicketStatus.WAITING).exclude(
        pk=ticket.pk
    )
    if ticket.priority_id:
        ahead = ahead.filter(priority__isnull=False, queued_at__lt=ticket.queued_at)
    else:
        ahead = ahead.filter(Q(priority__isnull=False) | Q(queued_at__lt=ticket.queued_at))
    count = ahead.count()
    windows = Window.objects.filter(groups=ticket.group_id, is_active=True, is_open=True).count() or 1
    minutes = math.ceil(count * ticket.group.average_service_minutes / windows)
    return Estimate(ahead=count, minutes=minutes)


def board_calls(office, *, now: dt.datetime | None = None) -> list[Ticket]:
    """The tickets at a window now, the last called first: ticket code and window only."""
    return list(
        Ticket.objects.filter(office=office, date=local_today(now), status__in=AT_WINDOW_STATUSES)
        .select_related("window")
        .only("code", "status", "call_count", "last_called_at", "window__number", "window__label")
        .order_by("-last_called_at", "-pk")[:BOARD_SIZE]
    )


def board_version(calls: list[Ticket]) -> str:
    """Changes whenever a call or a recall is made (the board plays its sound then)."""
    if not calls:
        return "0"
    latest = calls[0]
    stamp = latest.last_called_at.timestamp() if latest.last_called_at else 0
    return f"{latest.pk}-{latest.call_count}-{stamp:.3f}"


def current_ticket(window: Window) -> Ticket | None:
    """The ticket at ``window`` (called or being served) today, if any."""
    return (
        Ticket.objects.filter(window=window, status__in=AT_WINDOW_STATUSES, date=local_today())
        .select_related("group", "priority", "booking")
        .order_by("-last_called_at")
        .first()
    )


def waiting_counts(window: Window) -> list[dict]:
    """Per group the window serves: how many wait today."""
    today = local_today()
    return list(
        window.groups.filter(is_active=True)
        .annotate(
            waiting=Count("tickets", filter=Q(tickets__date=today, tickets__status=TicketStatus.WAITING)),
        )
        .values("pk", "letter", "name", "waiting")
        .order_by("position", "letter")
    )


def redirect_targets(window: Window) -> tuple[list[ServiceGroup], list[Window]]:
    """Where a ticket at ``window`` may be sent: the office's other active groups and windows."""
    groups = list(ServiceGroup.objects.filter(office_id=window.office_id, is_active=True).order_by("position"))
    windows = list(Window.objects.filter(office_id=window.office_id, is_active=True).exclude(pk=window.pk))
    return groups, windows


def ticket_waited(ticket: Ticket) -> dt.timedelta | None:
    """How long the visitor waited from the first ticket of the visit to its first call."""
    return ticket.visit_waited
