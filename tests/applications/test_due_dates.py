"""Due dates computed by register_application on the office's working-day calendar (martial law:
public holidays are working days; weekends and the office's own days off are not)."""

import datetime as dt

import pytest

from applications.actions.registration import register_application
from tests.factories import OfficeDayOffFactory

from .registration_support import kyiv, make_counter, person


def due(counter, registered_at) -> dt.date:
    application = register_application(
        office=counter.office,
        service=counter.service,
        applicant=person(7),
        documents=counter.documents,
        acting_user=counter.user,
        registered_at=registered_at,
    )
    assert application.initial_due_date == application.due_date
    return application.due_date


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("term_value", "term_unit", "registered_at", "expected"),
    [
        # Working days across a weekend: Friday 27.11.2026 + 3 working days = Wednesday 2.12.
        (3, "working_days", kyiv(2026, 11, 27), dt.date(2026, 12, 2)),
        # Calendar days ending on a Saturday move to Monday: 20.11 + 8 = Sat 28.11 -> Mon 30.11.
        (8, "calendar_days", kyiv(2026, 11, 20), dt.date(2026, 11, 30)),
        # Across the year end: Wed 30.12.2026 + 3 working days = Mon 4.01.2027 (1 January is worked
        # under martial law; 2-3 January is a weekend).
        (3, "working_days", kyiv(2026, 12, 30), dt.date(2027, 1, 4)),
        (30, "calendar_days", kyiv(2026, 12, 15), dt.date(2027, 1, 14)),
        # Same day; filed on a Saturday (a mobile office) -> the next working day.
        (None, "same_day", kyiv(2026, 11, 26), dt.date(2026, 11, 26)),
        (None, "same_day", kyiv(2026, 11, 28), dt.date(2026, 11, 30)),
        # Next working day from a Friday -> Monday.
        (None, "next_working_day", kyiv(2026, 11, 27), dt.date(2026, 11, 30)),
        # 24 hours from Friday 15:00 -> Monday 15:00.
        (24, "hours", kyiv(2026, 11, 27, 15), dt.date(2026, 11, 30)),
        # 4 hours from Thursday 10:00 -> the same day.
        (4, "hours", kyiv(2026, 11, 26, 10), dt.date(2026, 11, 26)),
    ],
)
def test_each_term_unit(term_value, term_unit, registered_at, expected):
    counter = make_counter(term_value=term_value, term_unit=term_unit)
    assert due(counter, registered_at) == expected


@pytest.mark.django_db
def test_an_office_day_off_is_skipped():
    counter = make_counter(term_value=1, term_unit="working_days")
    assert due(counter, kyiv(2026, 11, 23)) == dt.date(2026, 11, 24)
    OfficeDayOffFactory(office=counter.office, date=dt.date(2026, 11, 24))
    assert due(counter, kyiv(2026, 11, 23)) == dt.date(2026, 11, 25)


@pytest.mark.django_db
def test_a_calendar_term_ending_on_an_office_day_off_moves_on():
    counter = make_counter(term_value=10, term_unit="calendar_days")
    OfficeDayOffFactory(office=counter.office, date=dt.date(2026, 11, 30))
    # 20.11 + 10 = Mon 30.11, a day off of this office -> Tue 1.12.
    assert due(counter, kyiv(2026, 11, 20)) == dt.date(2026, 12, 1)


@pytest.mark.django_db
def test_the_registration_moment_is_taken_in_kyiv_time():
    counter = make_counter(term_value=None, term_unit="next_working_day")
    # 23:30 UTC on Sunday 22.11 is already Monday 23.11 01:30 in Kyiv: due Tuesday.
    moment = dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.UTC)
    assert due(counter, moment) == dt.date(2026, 11, 24)
