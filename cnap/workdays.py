"""The working-day calendar and due dates of applications.

Everything here is pure (no database) except :func:`office_calendar`, and works without Django settings
configured: the settings are consulted only when they are (for ``CNAP_MARTIAL_LAW`` and the local time zone).

Rules:

* Saturdays and Sundays are days off; so are an office's own days off.
* Public holidays of Ukraine come from the ``holidays`` package. Under martial law (since 24.02.2022, Law
  2136-IX) public holidays are working days. The package files holidays after 2022 under its ``WORKDAY``
  category (and keeps 7-8 March 2022 as days off, since it dates the law from 15.03.2022); here the rule is
  explicit: with ``martial_law=True`` every holiday (and holiday transfer) on or after 24.02.2022 is a working
  day, with ``martial_law=False`` every holiday is a day off, a holiday falling on a weekend moves the day off
  to the next working day, and the package's substituted days off (with their working Saturdays) apply.
* A term counts from the day of filing; a term ending on a day off moves to the next working day.
"""

import datetime as dt
import os
from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "MARTIAL_LAW_START",
    "TermUnit",
    "WorkCalendar",
    "add_months",
    "chain_terms",
    "compute_due_date",
    "office_calendar",
    "shift_due_date",
    "validate_term",
    "working_days_left",
]


class TermUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    SAME_DAY = "same_day", _("same day")
    NEXT_WORKING_DAY = "next_working_day", _("next working day")
    MONTHS = "months", _("months")


#: Martial law in Ukraine since this day: public holidays from then on are working days.
MARTIAL_LAW_START = dt.date(2022, 2, 24)

KYIV = ZoneInfo("Europe/Kyiv")

#: Units whose term needs a positive ``term_value``.
UNITS_WITH_VALUE = frozenset({TermUnit.HOURS, TermUnit.WORKING_DAYS, TermUnit.CALENDAR_DAYS, TermUnit.MONTHS})

_ONE_DAY = dt.timedelta(days=1)
_SATURDAY = 5


def _django_settings():
    """Django settings if they are (or are about to be) configured, else None."""
    from django.conf import settings

    if settings.configured or os.environ.get("DJANGO_SETTINGS_MODULE"):
        return settings
    return None


def default_martial_law() -> bool:
    settings = _django_settings()
    if settings is not None:
        return bool(getattr(settings, "CNAP_MARTIAL_LAW", True))  # also usable without the project settings
    return True


def _is_weekend(day: dt.date) -> bool:
    return day.weekday() >= _SATURDAY


@lru_cache(maxsize=512)
def _holiday_calendar(year: int, martial_law: bool) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(days off, working weekend days) that Ukrainian law makes of public holidays in ``year``."""
    import holidays
    from holidays.constants import PUBLIC, WORKDAY

    # PUBLIC holds the holidays that are days off according to the package (with the weekend transfers it
    # knows); WORKDAY holds, from 2022 on, the holidays suspended by martial law (without transfers).
    public = holidays.country_holidays("UA", years=year, categories=(PUBLIC,))
    suspended = holidays.country_holidays("UA", years=year, categories=(WORKDAY,), observed=False)
    days_off = set(public)
    # Without martial law a holiday on a Saturday or Sunday gives a day off on the next working day.
    for holiday in sorted(suspended):
        days_off.add(holiday)
        if _is_weekend(holiday):
            day = holiday + _ONE_DAY
            while _is_weekend(day) or day in suspended or day in days_off:
                day += _ONE_DAY
            days_off.add(day)

    # The package's substituted days off: (month, day, from_month, from_day[, from_year]) means the day is
    # off and the weekend day it was taken from is worked.
    working_weekend_days = set()
    from holidays.countries.ukraine import UkraineStaticHolidays

    entries: Any = UkraineStaticHolidays.special_public_holidays.get(year, ())
    if entries and not isinstance(entries[0], tuple):
        entries = (entries,)
    for entry in entries:
        if len(entry) in (4, 5) and all(isinstance(part, int) for part in entry):
            from_year = entry[4] if len(entry) == 5 else year
            working_weekend_days.add(dt.date(from_year, entry[2], entry[3]))

    if martial_law:
        days_off = {day for day in days_off if day < MARTIAL_LAW_START}
        working_weekend_days = {day for day in working_weekend_days if day < MARTIAL_LAW_START}
    return frozenset(days_off), frozenset(working_weekend_days)


class WorkCalendar:
    """Which days are working days for one office.

    ``days_off``: the office's own non-working days (they win over everything).
    ``extra_working_days``: days declared working (e.g. a working Saturday); they win over weekends and
    public holidays.
    ``martial_law``: defaults to ``settings.CNAP_MARTIAL_LAW`` when Django is configured, else True.
    """

    def __init__(
        self,
        days_off: Iterable[dt.date] = (),
        extra_working_days: Iterable[dt.date] = (),
        *,
        martial_law: bool | None = None,
    ):
        self.days_off = frozenset(days_off)
        self.extra_working_days = frozenset(extra_working_days)
        self.martial_law = default_martial_law() if martial_law is None else bool(martial_law)

    def __repr__(self) -> str:
        return (
            f"WorkCalendar(days_off={len(self.days_off)}, extra_working_days={len(self.extra_working_days)}, "
            f"martial_law={self.martial_law})"
        )

    # Days -----------------------------------------------------------------------------------------------

    def is_public_holiday_off(self, day: dt.date) -> bool:
        """True when a public holiday (or a holiday transfer) makes ``day`` a day off."""
        return day in _holiday_calendar(day.year, self.martial_law)[0]

    def is_working_day(self, day: dt.date) -> bool:
        if isinstance(day, dt.datetime):
            day = day.date()
        if day in self.days_off:
            return False
        if day in self.extra_working_days:
            return True
        holidays_off, working_weekend_days = _holiday_calendar(day.year, self.martial_law)
        if _is_weekend(day):
            return day in working_weekend_days
        return day not in holidays_off

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        return self.working_day_on_or_after(day + _ONE_DAY)

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after ``day`` (``day`` itself does not count: Friday + 1 = Monday).

        With ``n == 0``: ``day`` itself if it is a working day, else the next working day.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        if n == 0:
            return self.working_day_on_or_after(day)
        for _i in range(n):
            day = self.next_working_day(day)
        return day

    def add_calendar_days(self, day: dt.date, n: int) -> dt.date:
        """``day + n`` calendar days, moved to the next working day if that is a day off."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        return self.working_day_on_or_after(day + dt.timedelta(days=n))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in ``(start, end]``; negative (minus those in ``(end, start]``) if ``end < start``."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start + _ONE_DAY
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += _ONE_DAY
        return count

    # Hours ----------------------------------------------------------------------------------------------

    def add_working_hours(self, moment: dt.datetime, hours: float) -> dt.datetime:
        """``moment`` plus ``hours``, counting only the time on working days (whole days of 24 h).

        Filed Friday 15:00 + 24 h = Monday 15:00 (9 h of Friday, then 15 h of Monday). A moment on a day off
        starts counting at midnight of the next working day. Wall-clock arithmetic: an aware datetime keeps
        its tzinfo. If the term ends exactly at midnight, the result is that midnight (the end of the last
        working day).
        """
        if hours < 0:
            raise ValueError(f"hours must be >= 0, got {hours}")
        remaining = dt.timedelta(hours=hours)
        current = moment
        if not self.is_working_day(current.date()):
            current = self._start_of(self.next_working_day(current.date()), moment)
        while True:
            end_of_day = self._start_of(current.date() + _ONE_DAY, moment)
            available = end_of_day - current
            if remaining <= available:
                return current + remaining
            remaining -= available
            current = self._start_of(self.next_working_day(current.date()), moment)

    @staticmethod
    def _start_of(day: dt.date, like: dt.datetime) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=like.tzinfo)


# Terms and due dates ------------------------------------------------------------------------------------


def _term_problem(term_value, term_unit) -> tuple[str, str] | None:
    """(code, English description) of what is wrong with a term, or None if it is valid."""
    if term_unit not in TermUnit.values:
        return "invalid_unit", f"unknown term unit {term_unit!r}"
    if term_unit in UNITS_WITH_VALUE:
        if term_value is None:
            return "value_required", f"a term in {term_unit} needs a value"
        if isinstance(term_value, bool) or not isinstance(term_value, int):
            return (
                "value_not_integer",
                f"the term value must be a whole number, got {term_value!r}",
            )
        if term_value <= 0:
            return (
                "value_not_positive",
                f"the term value must be greater than zero, got {term_value}",
            )
    return None


def validate_term(
    term_value: int | None,
    term_unit: str,
    *,
    value_field: str | None = None,
    unit_field: str | None = None,
) -> None:
    """Raise ``ValidationError`` (for a model's ``clean()``) if the term is not valid.

    ``value_field``/``unit_field``: when given, the error is keyed by that field name.
    """
    problem = _term_problem(term_value, term_unit)
    if problem is None:
        return
    code, _description = problem
    if code == "invalid_unit":
        error = ValidationError(_("Unknown term unit."), code=code)
        field = unit_field
    elif code == "value_required":
        error = ValidationError(
            _("Enter the term value for a term in %(unit)s."),
            code=code,
            params={"unit": TermUnit(term_unit).label},
        )
        field = value_field
    else:
        error = ValidationError(_("The term must be a whole number greater than zero."), code=code)
        field = value_field
    if field:
        raise ValidationError({field: error})
    raise error


def _local(moment: dt.datetime) -> dt.datetime:
    """An aware datetime in Kyiv local time (naive datetimes are taken as local already)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment
    settings = _django_settings()
    if settings is not None and getattr(settings, "USE_TZ", False):
        from django.utils import timezone

        return timezone.localtime(moment)
    return moment.astimezone(KYIV)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the 31st becomes the last day of a shorter month (civil law
    counts a term in months to the same date of the last month, Civil Code art. 254)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"cannot add {months} months to {day}")


def compute_due_date(
    *,
    registered_at: dt.datetime,
    term_value: int | None,
    term_unit: str,
    calendar: WorkCalendar,
) -> dt.date:
    """The due date of a case registered at ``registered_at`` with the given term.

    Raises ``ValueError`` for an invalid term (unknown unit; missing or non-positive value where needed).
    """
    problem = _term_problem(term_value, term_unit)
    if problem is not None:
        raise ValueError(f"Invalid term ({term_value!r}, {term_unit!r}): {problem[1]}")
    local = _local(registered_at)
    filed_on = local.date()
    if term_unit == TermUnit.SAME_DAY:
        return calendar.working_day_on_or_after(filed_on)
    if term_unit == TermUnit.NEXT_WORKING_DAY:
        return calendar.next_working_day(filed_on)
    if term_value is None:  # refused by _term_problem already; the units below all need a value
        raise ValueError(f"Invalid term ({term_value!r}, {term_unit!r}): no value")
    if term_unit == TermUnit.WORKING_DAYS:
        return calendar.add_working_days(filed_on, term_value)
    if term_unit == TermUnit.CALENDAR_DAYS:
        return calendar.add_calendar_days(filed_on, term_value)
    if term_unit == TermUnit.MONTHS:
        return calendar.working_day_on_or_after(add_months(filed_on, term_value))
    # Hours: the date of the last instant of the term (a term ending at midnight ends on the day before).
    end = calendar.add_working_hours(local, term_value)
    return (end - dt.timedelta(microseconds=1)).date()


def chain_terms(start: dt.datetime, terms, calendar: WorkCalendar) -> list[dt.date]:
    """The day each of ``terms`` ((value, unit) pairs, e.g. the stages of a technological card) ends
    when they run one after another from ``start``: same day stays, next working day moves one working
    day on, days and months add up, hours count working hours from the start's time of day."""
    local = _local(start)
    day = local.date()
    ends = []
    for value, unit in terms:
        value = value or 0
        if unit == TermUnit.SAME_DAY:
            day = calendar.working_day_on_or_after(day)
        elif unit == TermUnit.NEXT_WORKING_DAY:
            day = calendar.next_working_day(day)
        elif unit == TermUnit.WORKING_DAYS:
            day = calendar.add_working_days(day, value)
        elif unit == TermUnit.CALENDAR_DAYS:
            day = calendar.add_calendar_days(day, value)
        elif unit == TermUnit.MONTHS:
            day = calendar.working_day_on_or_after(add_months(day, value))
        elif unit == TermUnit.HOURS:
            moment = dt.datetime.combine(day, local.time(), tzinfo=local.tzinfo)
            day = (calendar.add_working_hours(moment, value) - dt.timedelta(microseconds=1)).date()
        ends.append(day)
    return ends


def shift_due_date(
    due: dt.date,
    *,
    suspended_from: dt.date,
    resumed_on: dt.date,
    calendar: WorkCalendar,
) -> dt.date:
    """The due date moved later by the working days in ``[suspended_from, resumed_on)``.

    The day of resumption is not lost. The result is a working day.
    """
    if resumed_on < suspended_from:
        raise ValueError(f"resumed_on ({resumed_on}) is before suspended_from ({suspended_from})")
    lost = calendar.working_days_between(suspended_from - _ONE_DAY, resumed_on - _ONE_DAY)
    return calendar.add_working_days(due, lost)


def working_days_left(due: dt.date, today: dt.date, calendar: WorkCalendar) -> int:
    """Working days until ``due``: 0 on the due day, > 0 before it, < 0 once it is past (overdue).

    Before: the working days in ``(today, due]`` (at least 1). After: minus the working days in
    ``(due, today]`` (at least -1, so a weekend after the due date already counts as overdue).
    """
    if today == due:
        return 0
    if today < due:
        return max(1, calendar.working_days_between(today, due))
    return min(-1, calendar.working_days_between(due, today) * -1)


def office_calendar(office, *, martial_law: bool | None = None) -> WorkCalendar:
    """The working-day calendar of ``office`` (an ``accounts.Office`` or its pk): its own days off."""
    from cnap.accounts.models import OfficeDayOff

    office_id = getattr(office, "pk", office)
    days_off = OfficeDayOff.objects.filter(office_id=office_id).values_list("date", flat=True)
    return WorkCalendar(days_off=list(days_off), martial_law=martial_law)
