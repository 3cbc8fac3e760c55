"""Reads of booked visits: the slots a service group offers on a day and how many are free.

The rule (docs/queue.md, «Booked visits»):

* a day can be booked if the office receives visitors on it by the queue's rule: it has opening hours
  for its weekday (a Saturday reception too) and its calendar (`cnap.workdays.office_calendar`) does not
  close the date (its own days off, public holidays unless martial law makes them working days); from
  today up to ``CNAP_QUEUE_BOOKING_DAYS_AHEAD`` days ahead;
* a day's slots follow one another from the opening time, each as long as the group's average service
  time; a slot never crosses the break or the closing time (the time left before them is not offered);
* a slot's capacity is the number of active windows serving the group (the visitors one slot can take
  at once); visits booked for it (booked or already checked in) reduce it;
* a slot that has begun is no longer offered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.access import viewer_of
from cnap.security.scope import office_condition
from cnap.workdays import office_calendar

from .constants import BookingStatus
from .models import Booking, OpeningHours, ServiceGroup, Window
from .selectors import is_date_off, kiosk_groups, local_today

#: Statuses of a booking that holds its place in a slot.
HOLDING_STATUSES = (BookingStatus.BOOKED, BookingStatus.CHECKED_IN)
#: A booked visitor checks in at the kiosk from this long before the booked time ...
CHECK_IN_EARLY = dt.timedelta(minutes=60)
#: ... until this long after it; a booking not checked in by then is a no-show.
CHECK_IN_LATE = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)

    @property
    def key(self) -> str:
        """The slot as a form posts it: its local start, «HH:MM»."""
        return timezone.localtime(self.starts_at).strftime("%H:%M")


def bookable_groups(office) -> list[ServiceGroup]:
    """The groups a visit can be booked for: those the kiosk offers (active, served by an active window)."""
    return kiosk_groups(office)


def capacity(group: ServiceGroup) -> int:
    """How many visitors of ``group`` one slot takes: the active windows serving the group."""
    return Window.objects.filter(groups=group, is_active=True).count()


def _hours_of(office, day: dt.date) -> OpeningHours | None:
    return OpeningHours.objects.filter(office=office, weekday=day.weekday()).first()


def day_closed_reason(office, day: dt.date) -> str:
    """Why no visit can be booked for ``day`` ("" when it can, hours permitting): the queue's rule (a
    date its calendar closes, a weekday without opening hours)."""
    if is_date_off(office, day) or _hours_of(office, day) is None:
        return _("The office does not receive visitors on %(day)s.") % {"day": day.strftime("%d.%m.%Y")}
    return ""


def _local(day: dt.date, moment: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, moment))


def slot_times(hours: OpeningHours, day: dt.date, minutes: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """The (start, end) of every slot of ``day`` under ``hours``: consecutive, ``minutes`` long, none
    crossing the break or the closing time."""
    length = dt.timedelta(minutes=minutes)
    periods = [(hours.opens_at, hours.closes_at)]
    if hours.break_starts_at and hours.break_ends_at:
        periods = [(hours.opens_at, hours.break_starts_at), (hours.break_ends_at, hours.closes_at)]
    slots = []
    for begin, end in periods:
        start, stop = _local(day, begin), _local(day, end)
        while start + length <= stop:
            slots.append((start, start + length))
            start += length
    return slots


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return _local(day, dt.time.min), _local(day + dt.timedelta(days=1), dt.time.min)


def holding_bookings(group: ServiceGroup) -> QuerySet[Booking]:
    return Booking.objects.filter(group=group, status__in=HOLDING_STATUSES)


def day_slots(group: ServiceGroup, day: dt.date, *, now: dt.datetime | None = None) -> list[Slot]:
    """The slots of ``group`` on ``day`` that have not begun at ``now``, with their capacity and the
    visits booked for them (empty on a day that cannot be booked, or outside the days open for booking)."""
    now = now or timezone.now()
    if not local_today(now) <= day <= last_booking_day(now) or day_closed_reason(group.office, day):
        return []
    hours = _hours_of(group.office, day)
    assert hours is not None
    size = capacity(group)
    start, end = _day_bounds(day)
    booked = dict(
        holding_bookings(group)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .values_list("starts_at")
        .annotate(count=Count("pk"))
        .values_list("starts_at", "count")
    )
    return [
        Slot(starts_at=begin, ends_at=finish, capacity=size, booked=booked.get(begin, 0))
        for begin, finish in slot_times(hours, day, group.average_service_minutes)
        if begin > now
    ]


def free_slots(group: ServiceGroup, day: dt.date, *, now: dt.datetime | None = None) -> list[Slot]:
    return [slot for slot in day_slots(group, day, now=now) if slot.free > 0]


def booking_days(office, *, now: dt.datetime | None = None) -> list[dt.date]:
    """The days a visit to ``office`` can be booked for: working days with opening hours, from today
    up to ``CNAP_QUEUE_BOOKING_DAYS_AHEAD`` days ahead."""
    today = local_today(now)
    calendar = office_calendar(office)
    weekdays = set(OpeningHours.objects.filter(office=office).values_list("weekday", flat=True))
    days = (today + dt.timedelta(days=n) for n in range(settings.CNAP_QUEUE_BOOKING_DAYS_AHEAD + 1))
    return [day for day in days if day.weekday() in weekdays and not is_date_off(office, day, calendar=calendar)]


def last_booking_day(now: dt.datetime | None = None) -> dt.date:
    return local_today(now) + dt.timedelta(days=settings.CNAP_QUEUE_BOOKING_DAYS_AHEAD)


def booking_by_cancel_token(token: str) -> Booking | None:
    if not token or len(token) > 64:
        return None
    return Booking.objects.select_related("office", "group").filter(cancel_token=token).first()


def check_in_window(booking: Booking) -> tuple[dt.datetime, dt.datetime]:
    """From when until when ``booking`` may be checked in at the kiosk."""
    return booking.starts_at - CHECK_IN_EARLY, booking.starts_at + CHECK_IN_LATE


def office_bookings_of_day(office, day: dt.date) -> QuerySet[Booking]:
    start, end = _day_bounds(day)
    return Booking.objects.filter(office=office, starts_at__gte=start, starts_at__lt=end)


def contact_bookings_of_day(*, phone: str, email: str, day: dt.date) -> int:
    """Visits booked (and not cancelled) with this phone, or else this e-mail, for ``day``."""
    start, end = _day_bounds(day)
    bookings = Booking.objects.filter(status__in=HOLDING_STATUSES, starts_at__gte=start, starts_at__lt=end)
    if phone:
        return bookings.filter(phone=phone).count()
    return bookings.filter(email__iexact=email).count()


def overdue_bookings(*, now: dt.datetime | None = None) -> QuerySet[Booking]:
    """Bookings still waiting to be checked in after their check-in window closed."""
    now = now or timezone.now()
    return Booking.objects.filter(status=BookingStatus.BOOKED, starts_at__lt=now - CHECK_IN_LATE)


def staff_bookings(user) -> QuerySet[Booking]:
    """The bookings of the offices ``user`` reaches (the access scope's rule for an office's objects)."""
    return Booking.objects.filter(office_condition(viewer_of(user)))


def visible_bookings(user, day: dt.date) -> QuerySet[Booking]:
    """The visits booked for ``day`` at the offices ``user`` reaches, by time, with their tickets."""
    start, end = _day_bounds(day)
    return (
        staff_bookings(user)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("office", "group", "ticket")
        .order_by("starts_at", "office", "group__position", "pk")
    )
