"""Writes of the queue: issuing a ticket at the kiosk, the window's moves (call next, recall, no-show,
start, finish, redirect), opening and closing a window, and linking a registered case to its ticket.

Every window move locks the window's row first (``SELECT ... FOR UPDATE``), so two presses at one
window run one after the other; «call next» then takes the first ticket in the order of
`selectors.waiting_for_window` with ``FOR UPDATE SKIP LOCKED``, so two windows calling at once never get
the same ticket and neither waits for the other. A day's numbers come from the group's `QueueDay` row,
locked while a number is taken: consecutive, no gaps, restarting each day."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cnap.accounts.models import User
from cnap.core.history import record_author

from .constants import AT_WINDOW_STATUSES, BookingStatus, TicketStatus
from .models import Booking, OpeningHours, PriorityCategory, QueueDay, ServiceGroup, Ticket, TicketCase, Window
from .selectors import closed_reason, local_today, operable_windows, waiting_for_window

#: The ``kind`` of a registration origin (cnap.core.origins) that a ticket opened.
ORIGIN_KIND = "queue_ticket"


def ticket_code(letter: str, number: int) -> str:
    """The number as printed and shown: the group's letter, a hyphen, three digits at least («А-017»)."""
    return f"{letter}-{number:03d}"


def _next_number(group: ServiceGroup, day: dt.date) -> int:
    QueueDay.objects.bulk_create([QueueDay(group=group, date=day)], ignore_conflicts=True)
    counter = QueueDay.objects.select_for_update().get(group=group, date=day)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def issue_ticket(
    *,
    office,
    group: ServiceGroup,
    priority: PriorityCategory | None = None,
    booking: Booking | None = None,
    issue_key: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """A ticket in ``group``'s queue today. The same ``issue_key`` (the kiosk page's one-time key) gives
    back the ticket it issued first: a double tap prints one ticket. Raises `ValidationError` when the
    office is closed or the group is not one the kiosk offers."""
    now = now or timezone.now()
    if issue_key is not None:
        earlier = Ticket.objects.filter(issue_key=issue_key).select_related("group").first()
        if earlier is not None:
            return earlier
    if group.office_id != office.pk or not group.is_active or not group.windows.filter(is_active=True).exists():
        raise ValidationError(_("This service group does not take visitors."), code="group")
    if priority is not None and not priority.is_active:
        raise ValidationError(_("Unknown priority category."), code="priority")
    reason = closed_reason(office, now)
    if reason:
        raise ValidationError(reason, code="closed")
    day = local_today(now)
    try:
        with transaction.atomic():
            number = _next_number(group, day)
            ticket = Ticket.objects.create(
                office=office,
                group=group,
                date=day,
                number=number,
                code=ticket_code(group.letter, number),
                priority=priority,
                booking=booking,
                booked_for=booking.starts_at if booking is not None else None,
                issued_at=now,
                queued_at=now,
                issue_key=issue_key,
            )
            if booking is not None:
                booking.status = BookingStatus.CHECKED_IN
                booking.checked_in_at = now
                booking.save(update_fields=["status", "checked_in_at"])
    except IntegrityError:
        # The same tap arrived twice at once: the first one's ticket (its number was not used twice).
        earlier = Ticket.objects.filter(issue_key=issue_key).first() if issue_key else None
        if earlier is None:
            raise
        return earlier
    return ticket


def _window(window: Window, acting_user: User) -> Window:
    """The window, locked, if ``acting_user`` may work at it (else PermissionDenied)."""
    try:
        return operable_windows(acting_user).select_for_update(of=("self",)).get(pk=window.pk)
    except Window.DoesNotExist:
        raise PermissionDenied from None


def _at_window(window: Window) -> Ticket | None:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .filter(window=window, status__in=AT_WINDOW_STATUSES)
        .select_related("group")
        .order_by("-last_called_at")
        .first()
    )


def _current(window: Window, *statuses: str) -> Ticket:
    ticket = _at_window(window)
    if ticket is None or ticket.status not in statuses:
        raise ValidationError(_("No visitor is at this window: call the next one."), code="no_ticket")
    return ticket


def _save(ticket: Ticket, acting_user: User, *fields: str) -> Ticket:
    record_author(ticket, acting_user).save(update_fields=list(fields))
    return ticket


@transaction.atomic
def call_next(*, window: Window, acting_user: User, now: dt.datetime | None = None) -> Ticket | None:
    """Call the next ticket to ``window`` (None when no one waits). The window must have no visitor at
    it: finish, redirect or mark the one called first."""
    now = now or timezone.now()
    window = _window(window, acting_user)
    if not window.groups.filter(is_active=True).exists():
        raise ValidationError(
            _("This window serves no service group. Ask the head of the CNAP to assign groups to it."),
            code="no_groups",
        )
    current = _at_window(window)
    if current is not None:
        raise ValidationError(
            _("Ticket %(code)s is still at this window: finish it, redirect it or mark a no-show first.")
            % {"code": current.code},
            code="busy",
        )
    ticket = waiting_for_window(window, now=now).select_for_update(skip_locked=True, of=("self",)).first()
    if window.operator_id != acting_user.pk or not window.is_open:
        window.operator = acting_user
        window.is_open = True
        record_author(window, acting_user).save(update_fields=["operator", "is_open"])
    if ticket is None:
        return None
    ticket.status = TicketStatus.CALLED
    ticket.window = window
    ticket.served_by = acting_user
    ticket.called_at = now
    ticket.last_called_at = now
    ticket.call_count = 1
    return _save(ticket, acting_user, "status", "window", "served_by", "called_at", "last_called_at", "call_count")


@transaction.atomic
def recall(*, window: Window, acting_user: User, now: dt.datetime | None = None) -> Ticket:
    """Call the ticket at the window once more (the board shows it again and sounds)."""
    window = _window(window, acting_user)
    ticket = _current(window, TicketStatus.CALLED)
    ticket.call_count += 1
    ticket.last_called_at = now or timezone.now()
    return _save(ticket, acting_user, "call_count", "last_called_at")


@transaction.atomic
def mark_no_show(*, window: Window, acting_user: User, now: dt.datetime | None = None) -> Ticket:
    """The called visitor did not come: allowed after the group's number of calls."""
    window = _window(window, acting_user)
    ticket = _current(window, TicketStatus.CALLED)
    needed = ticket.group.calls_before_no_show
    if ticket.call_count < needed:
        raise ValidationError(
            _("Call the visitor %(needed)s times before marking a no-show (called %(count)s so far).")
            % {"needed": needed, "count": ticket.call_count},
            code="too_early",
        )
    ticket.status = TicketStatus.NO_SHOW
    ticket.finished_at = now or timezone.now()
    return _save(ticket, acting_user, "status", "finished_at")


@transaction.atomic
def start_service(*, window: Window, acting_user: User, now: dt.datetime | None = None) -> Ticket:
    """The called visitor came to the window (serving an already started visit changes nothing)."""
    window = _window(window, acting_user)
    ticket = _current(window, TicketStatus.CALLED, TicketStatus.SERVING)
    if ticket.status == TicketStatus.SERVING:
        return ticket
    ticket.status = TicketStatus.SERVING
    ticket.started_at = now or timezone.now()
    return _save(ticket, acting_user, "status", "started_at")


@transaction.atomic
def finish(*, window: Window, acting_user: User, now: dt.datetime | None = None) -> Ticket:
    """The visit at the window is over."""
    now = now or timezone.now()
    window = _window(window, acting_user)
    ticket = _current(window, TicketStatus.CALLED, TicketStatus.SERVING)
    ticket.status = TicketStatus.DONE
    ticket.started_at = ticket.started_at or ticket.called_at
    ticket.finished_at = now
    return _save(ticket, acting_user, "status", "started_at", "finished_at")


@transaction.atomic
def redirect(
    *,
    window: Window,
    acting_user: User,
    to_group: ServiceGroup | None = None,
    to_window: Window | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Send the visitor at the window to another group's queue, or to one window: the same number, the
    same place in time (they do not go to the back of the queue). Returns the new waiting ticket."""
    now = now or timezone.now()
    window = _window(window, acting_user)
    ticket = _current(window, TicketStatus.CALLED, TicketStatus.SERVING)
    if to_window is not None:
        if to_window.office_id != window.office_id or not to_window.is_active or to_window.pk == window.pk:
            raise ValidationError(_("Choose another window of this office."), code="to_window")
        window_groups = list(to_window.groups.filter(is_active=True))
        if not window_groups:
            raise ValidationError(_("That window serves no service group."), code="to_window")
        if to_group is None:
            to_group = next((g for g in window_groups if g.pk == ticket.group_id), window_groups[0])
        elif to_group not in window_groups:
            raise ValidationError(_("That window does not serve this group."), code="to_group")
    if to_group is None:
        raise ValidationError(_("Choose the group or the window to send the visitor to."), code="to_group")
    if to_group.office_id != window.office_id or not to_group.is_active:
        raise ValidationError(_("Choose a service group of this office."), code="to_group")
    if to_window is None and to_group.pk == ticket.group_id:
        raise ValidationError(_("The visitor is already in this group's queue."), code="to_group")
    ticket.status = TicketStatus.REDIRECTED
    ticket.started_at = ticket.started_at or ticket.called_at
    ticket.finished_at = now
    _save(ticket, acting_user, "status", "started_at", "finished_at")
    moved = Ticket(
        office_id=ticket.office_id,
        group=to_group,
        date=ticket.date,
        number=ticket.number,
        code=ticket.code,
        priority_id=ticket.priority_id,
        booked_for=ticket.booked_for,
        issued_at=now,
        queued_at=ticket.queued_at,
        redirected_from=ticket,
        for_window=to_window,
    )
    record_author(moved, acting_user).save()
    return moved


@transaction.atomic
def begin_registration(*, window: Window, acting_user: User, now: dt.datetime | None = None) -> Ticket:
    """«Start registration»: the called visitor is being served; the registration form opens next."""
    return start_service(window=window, acting_user=acting_user, now=now)


@transaction.atomic
def open_window(*, window: Window, acting_user: User) -> Window:
    """``acting_user`` sits at the window and takes visitors."""
    window = _window(window, acting_user)
    window.operator = acting_user
    window.is_open = True
    record_author(window, acting_user).save(update_fields=["operator", "is_open"])
    return window


@transaction.atomic
def close_window(*, window: Window, acting_user: User) -> Window:
    """The window stops taking visitors (once no one is at it)."""
    window = _window(window, acting_user)
    current = _at_window(window)
    if current is not None:
        raise ValidationError(
            _("Ticket %(code)s is still at this window: finish it first.") % {"code": current.code}, code="busy"
        )
    window.is_open = False
    window.operator = None
    record_author(window, acting_user).save(update_fields=["operator", "is_open"])
    return window


def link_case(*, ticket_id, application) -> TicketCase | None:
    """Link a case registered while serving a ticket (the registration's origin) to that ticket, in the
    registration's transaction. A ticket of another office, or one not yet called, links nothing."""
    if not isinstance(ticket_id, int):
        return None
    ticket = (
        Ticket.objects.select_for_update()
        .filter(
            pk=ticket_id,
            office_id=application.office_id,
            status__in=(TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.DONE),
        )
        .first()
    )
    if ticket is None:
        return None
    link, _created = TicketCase.objects.get_or_create(application=application, defaults={"ticket": ticket})
    return link


def save_group(*, group: ServiceGroup, services, acting_user: User) -> ServiceGroup:
    """Save a service group (new or changed) set up by the head of the CNAP, with its services."""
    with transaction.atomic():
        record_author(group, acting_user).save()
        group.services.set(services)
    return group


def save_window(*, window: Window, groups, acting_user: User) -> Window:
    """Save a window (new or changed) with the groups it serves."""
    with transaction.atomic():
        record_author(window, acting_user).save()
        window.groups.set(groups)
    return window


def set_opening_hours(*, office, days: dict[int, dict | None], acting_user: User) -> None:
    """The office's hours per weekday (0 = Monday): ``{"opens_at", "closes_at", "break_starts_at",
    "break_ends_at"}``, or None for a day without visitors."""
    with transaction.atomic():
        for weekday, hours in days.items():
            row = OpeningHours.objects.filter(office=office, weekday=weekday).first()
            if hours is None:
                if row is not None:
                    record_author(row, acting_user).delete()
                continue
            row = row or OpeningHours(office=office, weekday=weekday)
            for name, value in hours.items():
                setattr(row, name, value)
            record_author(row, acting_user).save()


def close_past_days(*, today: dt.date | None = None) -> int:
    """Close the tickets of days gone by that were left open (nightly): a ticket still waiting was not
    served (cancelled), one called and not served did not come (no-show), one being served is done, its
    end unknown (``finished_at`` stays empty). Idempotent; returns how many were closed."""
    today = today or local_today()
    past = Ticket.objects.filter(date__lt=today)
    closed = past.filter(status=TicketStatus.WAITING).update(status=TicketStatus.CANCELLED)
    closed += past.filter(status=TicketStatus.CALLED).update(status=TicketStatus.NO_SHOW)
    closed += past.filter(status=TicketStatus.SERVING).update(status=TicketStatus.DONE)
    return closed
