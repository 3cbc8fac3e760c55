"""The working-day calendar and due dates (cnap/workdays.py).

Weekdays of the dates used (checked against a calendar):
2025: Fri 22 Aug, Sun 24 Aug (Independence Day), Mon 1 Sep, Tue 30 Sep, Wed 1 Oct (Defenders' Day),
Wed 31 Dec. 2026: Thu 1 Jan (New Year), Fri 2 Jan, Fri 27 Feb, Sun 1 Mar, Fri 6 Mar, Sat 7 Mar,
Sun 8 Mar (Women's Day), Mon 9 Mar, Tue 10 Mar, Wed 11 Mar, Sun 29 Mar, Mon 30 Mar, Tue 31 Mar.
Kyiv is UTC+2 until the DST switch on Sun 29 Mar 2026.
"""

import datetime as dt
import types
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cnap import workdays
from cnap.workdays import (
    TermUnit,
    WorkCalendar,
    compute_due_date,
    shift_due_date,
    validate_term,
    working_days_left,
)

D = dt.date
KYIV = ZoneInfo("Europe/Kyiv")
UTC = dt.UTC


@pytest.fixture
def wartime():
    return WorkCalendar(martial_law=True)


@pytest.fixture
def peacetime():
    return WorkCalendar(martial_law=False)


def kyiv(*args):
    return dt.datetime(*args, tzinfo=KYIV)


# --- TermUnit ------------------------------------------------------------------------------------------


def test_term_unit_values():
    assert TermUnit.values == [
        "hours",
        "working_days",
        "calendar_days",
        "same_day",
        "next_working_day",
        "months",
    ]
    assert TermUnit("same_day") is TermUnit.SAME_DAY
    assert len(TermUnit.choices) == 6
    with translation.override("en"):
        assert str(TermUnit.WORKING_DAYS.label) == "working days"


# --- Days off --------------------------------------------------------------------------------------------


def test_weekends_are_days_off(wartime):
    assert wartime.is_working_day(D(2026, 3, 6))  # Friday
    assert not wartime.is_working_day(D(2026, 3, 7))  # Saturday
    assert not wartime.is_working_day(D(2026, 3, 8))  # Sunday
    assert wartime.is_working_day(D(2026, 3, 9))  # Monday


def test_public_holiday_is_working_day_only_under_martial_law(wartime, peacetime):
    # Wed 1 Oct 2025, Defenders' Day: worked under martial law, a day off without it.
    assert wartime.is_working_day(D(2025, 10, 1))
    assert not peacetime.is_working_day(D(2025, 10, 1))
    # Filed Tue 30 Sep + 1 working day: Wed 1 Oct in wartime, Thu 2 Oct (the holiday skipped) otherwise.
    assert wartime.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 1)
    assert peacetime.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 2)


def test_holiday_on_a_sunday_moves_the_day_off_to_monday_without_martial_law(wartime, peacetime):
    # Independence Day 2025 is Sunday 24 Aug: without martial law Monday 25 Aug is the day off instead.
    assert not peacetime.is_working_day(D(2025, 8, 25))
    assert peacetime.next_working_day(D(2025, 8, 22)) == D(2025, 8, 26)
    assert wartime.next_working_day(D(2025, 8, 22)) == D(2025, 8, 25)


def test_holidays_before_martial_law_stay_days_off_with_their_transfers(wartime, peacetime):
    # 2021 (before 24.02.2022): Fri 8 Jan was a day off taken from Saturday 16 Jan, which was worked.
    for calendar in (wartime, peacetime):
        assert not calendar.is_working_day(D(2021, 1, 7))  # Orthodox Christmas
        assert not calendar.is_working_day(D(2021, 1, 8))
        assert calendar.is_working_day(D(2021, 1, 16))
        assert not calendar.is_working_day(D(2021, 1, 9))  # an ordinary Saturday


def test_march_2022_holidays_follow_the_martial_law_switch(wartime, peacetime):
    # 8 Mar 2022 (holiday) and 7 Mar 2022 (transferred from Sat 12 Mar) fall after 24.02.2022.
    assert wartime.is_working_day(D(2022, 3, 7))
    assert wartime.is_working_day(D(2022, 3, 8))
    assert not wartime.is_working_day(D(2022, 3, 12))
    assert not peacetime.is_working_day(D(2022, 3, 7))
    assert not peacetime.is_working_day(D(2022, 3, 8))
    assert peacetime.is_working_day(D(2022, 3, 12))


def test_year_end_and_new_year(wartime, peacetime):
    # Wed 31 Dec 2025 + 1 working day: Thu 1 Jan 2026 is worked under martial law; otherwise Fri 2 Jan.
    assert wartime.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 1)
    assert peacetime.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 2)
    # + 3: wartime Thu 1, Fri 2, Mon 5 Jan; peacetime Fri 2, Mon 5, Tue 6 Jan.
    assert wartime.add_working_days(D(2025, 12, 31), 3) == D(2026, 1, 5)
    assert peacetime.add_working_days(D(2025, 12, 31), 3) == D(2026, 1, 6)


def test_office_day_off_and_extra_working_day():
    calendar = WorkCalendar(days_off=[D(2026, 3, 10)], extra_working_days=[D(2026, 3, 7)], martial_law=True)
    assert not calendar.is_working_day(D(2026, 3, 10))
    assert calendar.is_working_day(D(2026, 3, 7))  # a working Saturday
    # Mon 9 Mar + 1 working day: Tue 10 is the office's day off, so Wed 11.
    assert calendar.add_working_days(D(2026, 3, 9), 1) == D(2026, 3, 11)
    # Fri 6 Mar + 1 working day: the declared working Saturday 7 Mar.
    assert calendar.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 7)


def test_office_day_off_wins_over_extra_working_day():
    calendar = WorkCalendar(days_off=[D(2026, 3, 7)], extra_working_days=[D(2026, 3, 7)], martial_law=True)
    assert not calendar.is_working_day(D(2026, 3, 7))


def test_an_extra_working_day_overrides_a_public_holiday(peacetime):
    calendar = WorkCalendar(extra_working_days=[D(2025, 10, 1)], martial_law=False)
    assert not peacetime.is_working_day(D(2025, 10, 1))
    assert calendar.is_working_day(D(2025, 10, 1))


def test_martial_law_defaults_to_the_setting(monkeypatch):
    monkeypatch.setattr(
        workdays,
        "_django_settings",
        lambda: types.SimpleNamespace(CNAP_MARTIAL_LAW=False),
    )
    assert WorkCalendar().martial_law is False
    monkeypatch.setattr(
        workdays,
        "_django_settings",
        lambda: types.SimpleNamespace(CNAP_MARTIAL_LAW=True),
    )
    assert WorkCalendar().martial_law is True
    # Settings that do not define it, or no Django settings at all: martial law is on.
    monkeypatch.setattr(workdays, "_django_settings", lambda: types.SimpleNamespace())
    assert WorkCalendar().martial_law is True
    monkeypatch.setattr(workdays, "_django_settings", lambda: None)
    assert WorkCalendar().martial_law is True
    assert WorkCalendar(martial_law=False).martial_law is False


# --- Day arithmetic --------------------------------------------------------------------------------------


def test_next_working_day_and_on_or_after(wartime):
    assert wartime.next_working_day(D(2026, 3, 6)) == D(2026, 3, 9)  # Fri -> Mon
    assert wartime.next_working_day(D(2026, 3, 9)) == D(2026, 3, 10)  # strictly after
    assert wartime.working_day_on_or_after(D(2026, 3, 9)) == D(2026, 3, 9)
    assert wartime.working_day_on_or_after(D(2026, 3, 7)) == D(2026, 3, 9)  # Sat -> Mon


def test_add_working_days_across_a_weekend(wartime):
    # The filing day does not count: Fri 6 Mar + 1 = Mon 9; + 5 = Mon 9 .. Fri 13.
    assert wartime.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)
    assert wartime.add_working_days(D(2026, 3, 6), 5) == D(2026, 3, 13)
    # 0 days: the day itself, or the next working day if it is a day off.
    assert wartime.add_working_days(D(2026, 3, 6), 0) == D(2026, 3, 6)
    assert wartime.add_working_days(D(2026, 3, 7), 0) == D(2026, 3, 9)
    with pytest.raises(ValueError):
        wartime.add_working_days(D(2026, 3, 6), -1)


def test_add_calendar_days(wartime):
    # 1 Mar + 30 = 31 Mar (a Tuesday).
    assert wartime.add_calendar_days(D(2026, 3, 1), 30) == D(2026, 3, 31)
    # Fri 27 Feb + 30 = Sun 29 Mar, moved to Mon 30 Mar.
    assert wartime.add_calendar_days(D(2026, 2, 27), 30) == D(2026, 3, 30)


def test_working_days_between(wartime):
    assert wartime.working_days_between(D(2026, 3, 6), D(2026, 3, 9)) == 1  # (Fri, Mon]: Mon
    assert wartime.working_days_between(D(2026, 3, 9), D(2026, 3, 6)) == -1
    assert wartime.working_days_between(D(2026, 3, 2), D(2026, 3, 13)) == 9  # (Mon 2, Fri 13]
    assert wartime.working_days_between(D(2026, 3, 7), D(2026, 3, 8)) == 0  # (Sat, Sun]
    assert wartime.working_days_between(D(2026, 3, 9), D(2026, 3, 9)) == 0


# --- Hours -----------------------------------------------------------------------------------------------


def test_add_working_hours_across_a_weekend(wartime, peacetime):
    # Fri 15:00 + 24 h: 9 h of Friday, then 15 h of Monday = Mon 15:00.
    assert wartime.add_working_hours(kyiv(2026, 3, 6, 15), 24) == kyiv(2026, 3, 9, 15)
    # Without martial law Mon 9 Mar is a day off (Women's Day fell on Sunday): Tue 15:00.
    assert peacetime.add_working_hours(kyiv(2026, 3, 6, 15), 24) == kyiv(2026, 3, 10, 15)
    # + 48 h: 9 h Friday, 24 h Monday, 15 h Tuesday.
    assert wartime.add_working_hours(kyiv(2026, 3, 6, 15), 48) == kyiv(2026, 3, 10, 15)
    # Within the same day.
    assert wartime.add_working_hours(kyiv(2026, 3, 6, 9, 30), 2) == kyiv(2026, 3, 6, 11, 30)


def test_add_working_hours_from_a_day_off(wartime):
    # Sat 10:00: the clock starts Mon 00:00, 24 h later is Tue 00:00.
    assert wartime.add_working_hours(kyiv(2026, 3, 7, 10), 24) == kyiv(2026, 3, 10, 0)


# --- compute_due_date ------------------------------------------------------------------------------------


def due(calendar, registered_at, term_value, term_unit):
    return compute_due_date(
        registered_at=registered_at,
        term_value=term_value,
        term_unit=term_unit,
        calendar=calendar,
    )


def test_due_date_same_day(wartime):
    assert due(wartime, kyiv(2026, 3, 10, 16), None, TermUnit.SAME_DAY) == D(2026, 3, 10)
    # Registered on a Saturday: the next working day.
    assert due(wartime, kyiv(2026, 3, 7, 11), None, TermUnit.SAME_DAY) == D(2026, 3, 9)
    # The value is ignored for this unit.
    assert due(wartime, kyiv(2026, 3, 10, 16), 5, TermUnit.SAME_DAY) == D(2026, 3, 10)


def test_due_date_next_working_day(wartime, peacetime):
    assert due(wartime, kyiv(2026, 3, 6, 12), None, TermUnit.NEXT_WORKING_DAY) == D(2026, 3, 9)
    assert due(peacetime, kyiv(2026, 3, 6, 12), None, TermUnit.NEXT_WORKING_DAY) == D(2026, 3, 10)
    assert due(wartime, kyiv(2025, 12, 31, 12), None, "next_working_day") == D(2026, 1, 1)
    assert due(peacetime, kyiv(2025, 12, 31, 12), None, "next_working_day") == D(2026, 1, 2)


def test_due_date_working_days(wartime):
    # Tue 10 Mar + 10 working days: 11,12,13,16,17,18,19,20,23,24 -> Tue 24 Mar.
    assert due(wartime, kyiv(2026, 3, 10, 9), 10, TermUnit.WORKING_DAYS) == D(2026, 3, 24)


def test_due_date_calendar_days(wartime, peacetime):
    assert due(wartime, kyiv(2026, 3, 1, 10), 30, TermUnit.CALENDAR_DAYS) == D(2026, 3, 31)
    # Lands on Sunday 29 Mar -> Monday 30 Mar.
    assert due(wartime, kyiv(2026, 2, 27, 10), 30, TermUnit.CALENDAR_DAYS) == D(2026, 3, 30)
    # Mon 1 Sep 2025 + 30 = Wed 1 Oct 2025, Defenders' Day: kept in wartime, Thu 2 Oct otherwise.
    assert due(wartime, kyiv(2025, 9, 1, 10), 30, TermUnit.CALENDAR_DAYS) == D(2025, 10, 1)
    assert due(peacetime, kyiv(2025, 9, 1, 10), 30, TermUnit.CALENDAR_DAYS) == D(2025, 10, 2)


def test_due_date_hours(wartime):
    # ФОП registration: Fri 15:00 + 24 h -> Mon.
    assert due(wartime, kyiv(2026, 3, 6, 15), 24, TermUnit.HOURS) == D(2026, 3, 9)
    # Fri 00:00 + 24 h ends at midnight, the end of Friday.
    assert due(wartime, kyiv(2026, 3, 6, 0), 24, TermUnit.HOURS) == D(2026, 3, 6)


def test_due_date_uses_kyiv_local_time(wartime):
    # 13:00 UTC = 15:00 in Kyiv (UTC+2) on Friday: due Monday as above.
    assert due(wartime, dt.datetime(2026, 3, 6, 13, tzinfo=UTC), 24, TermUnit.HOURS) == D(2026, 3, 9)
    # Thu 5 Mar 22:30 UTC is already Fri 6 Mar 00:30 in Kyiv.
    registered = dt.datetime(2026, 3, 5, 22, 30, tzinfo=UTC)
    assert due(wartime, registered, None, TermUnit.SAME_DAY) == D(2026, 3, 6)
    assert due(wartime, registered, 1, TermUnit.WORKING_DAYS) == D(2026, 3, 9)


def test_due_date_with_an_office_day_off():
    calendar = WorkCalendar(days_off=[D(2026, 3, 9)], martial_law=True)
    # Fri 6 Mar + 1 working day: Monday is the office's day off -> Tue 10 Mar.
    assert due(calendar, kyiv(2026, 3, 6, 12), 1, TermUnit.WORKING_DAYS) == D(2026, 3, 10)
    assert due(calendar, kyiv(2026, 3, 6, 12), None, TermUnit.NEXT_WORKING_DAY) == D(2026, 3, 10)


@pytest.mark.parametrize(
    ("term_value", "term_unit"),
    [
        (None, TermUnit.WORKING_DAYS),
        (None, TermUnit.HOURS),
        (None, TermUnit.CALENDAR_DAYS),
        (0, TermUnit.HOURS),
        (-5, TermUnit.CALENDAR_DAYS),
        ("3", TermUnit.WORKING_DAYS),
        (2.5, TermUnit.WORKING_DAYS),
        (True, TermUnit.WORKING_DAYS),
        (5, "weeks"),
        (None, ""),
    ],
)
def test_invalid_terms_are_rejected(wartime, term_value, term_unit):
    with pytest.raises(ValueError, match="Invalid term"):
        due(wartime, kyiv(2026, 3, 6, 12), term_value, term_unit)
    with pytest.raises(ValidationError):
        validate_term(term_value, term_unit)


def test_validate_term_accepts_valid_terms():
    validate_term(10, TermUnit.WORKING_DAYS)
    validate_term(24, "hours")
    validate_term(None, TermUnit.SAME_DAY)
    validate_term(None, TermUnit.NEXT_WORKING_DAY)


def test_validate_term_keys_errors_by_field():
    with pytest.raises(ValidationError) as excinfo:
        validate_term(
            None,
            TermUnit.WORKING_DAYS,
            value_field="term_value",
            unit_field="term_unit",
        )
    assert list(excinfo.value.error_dict) == ["term_value"]
    assert excinfo.value.error_dict["term_value"][0].code == "value_required"
    with pytest.raises(ValidationError) as excinfo:
        validate_term(3, "weeks", value_field="term_value", unit_field="term_unit")
    assert list(excinfo.value.error_dict) == ["term_unit"]


def test_validate_term_message_names_the_unit():
    with pytest.raises(ValidationError) as excinfo, translation.override("en"):
        validate_term(None, TermUnit.CALENDAR_DAYS)
    with translation.override("en"):
        assert excinfo.value.messages == ["Enter the term value for a term in calendar days."]


# --- Suspension ------------------------------------------------------------------------------------------


def test_suspension_shifts_the_due_date(wartime, peacetime):
    # Due Thu 19 Mar; suspended Fri 6 Mar, resumed Tue 10 Mar: Fri 6 and Mon 9 are lost (2 working days),
    # the weekend and the day of resumption are not. Thu 19 + 2 working days = Mon 23 Mar.
    kwargs = {"suspended_from": D(2026, 3, 6), "resumed_on": D(2026, 3, 10)}
    assert shift_due_date(D(2026, 3, 19), calendar=wartime, **kwargs) == D(2026, 3, 23)
    # Without martial law Mon 9 Mar is a day off: only Fri 6 is lost -> Fri 20 Mar.
    assert shift_due_date(D(2026, 3, 19), calendar=peacetime, **kwargs) == D(2026, 3, 20)


def test_suspension_over_a_weekend_only_or_resumed_the_same_day_loses_nothing(wartime):
    # [Sat 7, Mon 9): no working day lost.
    shifted = shift_due_date(
        D(2026, 3, 19),
        suspended_from=D(2026, 3, 7),
        resumed_on=D(2026, 3, 9),
        calendar=wartime,
    )
    assert shifted == D(2026, 3, 19)
    shifted = shift_due_date(
        D(2026, 3, 19),
        suspended_from=D(2026, 3, 9),
        resumed_on=D(2026, 3, 9),
        calendar=wartime,
    )
    assert shifted == D(2026, 3, 19)
    with pytest.raises(ValueError):
        shift_due_date(
            D(2026, 3, 19),
            suspended_from=D(2026, 3, 9),
            resumed_on=D(2026, 3, 6),
            calendar=wartime,
        )


# --- Days left -------------------------------------------------------------------------------------------


def test_working_days_left(wartime):
    due_on = D(2026, 3, 11)  # Wednesday
    assert working_days_left(due_on, D(2026, 3, 6), wartime) == 3  # Mon 9, Tue 10, Wed 11
    assert working_days_left(due_on, D(2026, 3, 9), wartime) == 2  # Tue 10, Wed 11
    assert working_days_left(due_on, due_on, wartime) == 0
    assert working_days_left(due_on, D(2026, 3, 12), wartime) == -1  # Thu 12
    assert working_days_left(due_on, D(2026, 3, 16), wartime) == -3  # Thu 12, Fri 13, Mon 16


def test_working_days_left_is_negative_over_the_weekend_after_the_due_date(wartime):
    # Due Fri 13 Mar; on Sat 14 no working day has passed yet, but the case is overdue.
    assert working_days_left(D(2026, 3, 13), D(2026, 3, 14), wartime) == -1
    assert working_days_left(D(2026, 3, 13), D(2026, 3, 16), wartime) == -1  # Mon 16
    assert working_days_left(D(2026, 3, 13), D(2026, 3, 17), wartime) == -2


def test_due_date_uses_kyiv_local_time_without_django_settings(wartime, monkeypatch):
    # The zoneinfo fallback: Thu 5 Mar 22:30 UTC is Fri 6 Mar 00:30 in Kyiv.
    monkeypatch.setattr(workdays, "_django_settings", lambda: None)
    registered = dt.datetime(2026, 3, 5, 22, 30, tzinfo=UTC)
    assert due(wartime, registered, None, TermUnit.SAME_DAY) == D(2026, 3, 6)
    # Naive datetimes are taken as Kyiv local time already.
    assert due(wartime, dt.datetime(2026, 3, 5, 22, 30), None, TermUnit.SAME_DAY) == D(2026, 3, 5)


# --- office_calendar (database) --------------------------------------------------------------------------


def test_office_calendar_uses_only_that_offices_days_off(db):
    from cnap.accounts.models import Hromada, Office, OfficeDayOff
    from cnap.workdays import office_calendar

    hromada = Hromada.objects.create(name="Тестова громада")
    office = Office.objects.create(hromada=hromada, name="ЦНАП", code="WDTEST1")
    other = Office.objects.create(hromada=hromada, name="Віддалене місце", code="WDTEST2")
    OfficeDayOff.objects.create(office=office, date=D(2026, 3, 10), reason="Дезінсекція")
    OfficeDayOff.objects.create(office=other, date=D(2026, 3, 11))

    calendar = office_calendar(office, martial_law=True)
    assert not calendar.is_working_day(D(2026, 3, 10))
    assert calendar.is_working_day(D(2026, 3, 11))  # the other office's day off
    # Mon 9 Mar + 1 working day: Tue 10 is this office's day off -> Wed 11.
    assert calendar.add_working_days(D(2026, 3, 9), 1) == D(2026, 3, 11)
    # The other office (given by pk): Tue 10, then Wed 11 is its day off -> Thu 12 for 2 working days.
    assert office_calendar(other.pk, martial_law=True).add_working_days(D(2026, 3, 9), 2) == D(2026, 3, 12)
