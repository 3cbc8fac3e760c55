"""Booked visits: the slots of a group (working days, hours, the break, capacity from its windows, the
visits booked), booking (limits per phone, one submit one effect), cancelling, check-in at the kiosk by
the code, the no-show sweep and the confirmation by SMS and e-mail."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from equeue import actions_booking
from equeue.actions_booking import book_visit, cancel_booking, check_in, mark_no_shows
from equeue.constants import BookingChannel, BookingStatus, TicketStatus
from equeue.models import Booking, BookingMessage, OpeningHours, Ticket
from equeue.selectors_booking import booking_days, day_slots, free_slots
from notifications.actions import DeliveryOutcome
from notifications.models import NotificationStatus
from notifications.sms import sms_parts
from tests.factories import OfficeDayOffFactory
from tests.notifications.test_notifications import FlakySmsBackend, RecordingSmsBackend

from .factories import at, make_hall

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 12, 7)
SATURDAY = dt.date(2026, 12, 5)
NOW = at(8)  # Monday 30.11.2026, 08:00 Kyiv


@pytest.fixture(autouse=True)
def _reset_backends():
    RecordingSmsBackend.sent = []
    FlakySmsBackend.calls = 0


@pytest.fixture(autouse=True)
def _ukrainian():
    """The visitor reads the messages in Ukrainian."""
    with translation.override("uk"):
        yield


def open_hours(office, *, weekdays=range(5), minutes_break=True):
    for weekday in weekdays:
        OpeningHours.objects.create(
            office=office,
            weekday=weekday,
            opens_at=dt.time(9),
            closes_at=dt.time(17),
            break_starts_at=dt.time(13) if minutes_break else None,
            break_ends_at=dt.time(14) if minutes_break else None,
        )


@pytest.fixture
def hall():
    """Two groups served by two windows (capacity 2), 30-minute visits, Mon–Fri 9–17 with a 13–14 break."""
    hall = make_hall(groups=2, windows=2)
    for group in hall.groups:
        group.average_service_minutes = 30
        group.save()
    open_hours(hall.office)
    return hall


def book(hall, when, *, phone="+380501234567", email="", group=0, **kwargs):
    booking, _created = book_visit(
        office=hall.office,
        group=hall.groups[group],
        starts_at=when,
        name="Тарас Шевченко",
        phone=phone,
        email=email,
        now=kwargs.pop("now", NOW),
        **kwargs,
    )
    return booking


def error_code(exc_info) -> str:
    return exc_info.value.error_list[0].code if hasattr(exc_info.value, "error_list") else ""


# --- Slots -------------------------------------------------------------------------------------------


def test_slots_follow_the_hours_and_skip_the_break(hall):
    slots = day_slots(hall.groups[0], MONDAY, now=NOW)
    starts = [slot.key for slot in slots]
    assert starts[:2] == ["09:00", "09:30"] and starts[-1] == "16:30"
    assert "12:30" in starts and "13:00" not in starts and "13:30" not in starts and "14:00" in starts
    assert len(starts) == 8 + 6
    assert {slot.capacity for slot in slots} == {2}
    assert all(slot.ends_at - slot.starts_at == dt.timedelta(minutes=30) for slot in slots)


def test_a_slot_never_crosses_the_break_or_the_closing_time(hall):
    group = hall.groups[0]
    group.average_service_minutes = 45
    group.save()
    starts = [slot.key for slot in day_slots(group, MONDAY, now=NOW)]
    assert starts == ["09:00", "09:45", "10:30", "11:15", "12:00", "14:00", "14:45", "15:30", "16:15"]


def test_capacity_is_the_number_of_windows_serving_the_group(hall):
    hall.windows[1].groups.set([hall.groups[1]])
    assert {slot.capacity for slot in day_slots(hall.groups[0], MONDAY, now=NOW)} == {1}
    assert {slot.capacity for slot in day_slots(hall.groups[1], MONDAY, now=NOW)} == {2}


def test_closed_days_have_no_slots_and_cannot_be_booked(hall):
    assert day_slots(hall.groups[0], SATURDAY, now=NOW) == []
    with pytest.raises(ValidationError) as weekend:
        book(hall, at(10, day=SATURDAY))
    assert error_code(weekend) == "closed"
    assert "не приймає відвідувачів" in weekend.value.messages[0]

    OfficeDayOffFactory(office=hall.office, date=MONDAY)
    assert day_slots(hall.groups[0], MONDAY, now=NOW) == []
    assert MONDAY not in booking_days(hall.office, now=NOW)
    with pytest.raises(ValidationError) as day_off:
        book(hall, at(10, day=MONDAY))
    assert error_code(day_off) == "closed"
    assert not Booking.objects.exists()


def test_a_saturday_reception_is_bookable(hall):
    OpeningHours.objects.create(office=hall.office, weekday=5, opens_at=dt.time(9), closes_at=dt.time(13))
    assert SATURDAY in booking_days(hall.office, now=NOW)
    assert [slot.key for slot in day_slots(hall.groups[0], SATURDAY, now=NOW)][-1] == "12:30"
    assert book(hall, at(12, 30, day=SATURDAY)).status == BookingStatus.BOOKED


def test_under_martial_law_a_public_holiday_is_bookable(hall):
    christmas = dt.date(2026, 12, 25)  # a Friday
    assert christmas in booking_days(hall.office, now=at(8, day=dt.date(2026, 12, 14)))
    with override_settings(CNAP_MARTIAL_LAW=False):
        assert christmas not in booking_days(hall.office, now=at(8, day=dt.date(2026, 12, 14)))
        assert day_slots(hall.groups[0], christmas, now=at(8, day=dt.date(2026, 12, 14))) == []


def test_booking_days_run_from_today_over_the_working_days(hall):
    days = booking_days(hall.office, now=NOW)
    assert days[0] == NOW.date()
    assert SATURDAY not in days and MONDAY in days
    assert days[-1] <= NOW.date() + dt.timedelta(days=14)


def test_a_full_slot_is_not_offered_and_cannot_be_booked(hall):
    book(hall, at(10, day=MONDAY), phone="+380501111111")
    book(hall, at(10, day=MONDAY), phone="+380502222222")
    assert "10:00" not in [slot.key for slot in free_slots(hall.groups[0], MONDAY, now=NOW)]
    assert "10:00" in [slot.key for slot in free_slots(hall.groups[1], MONDAY, now=NOW)]
    with pytest.raises(ValidationError) as full:
        book(hall, at(10, day=MONDAY), phone="+380503333333")
    assert error_code(full) == "full"
    assert "зайняті" in full.value.messages[0]
    assert Booking.objects.count() == 2


def test_outside_hours_in_the_break_past_or_too_far_is_refused(hall):
    for when, code in [
        (at(8, day=MONDAY), "outside_hours"),
        (at(13, day=MONDAY), "outside_hours"),
        (at(10, 10, day=MONDAY), "outside_hours"),
        (at(17, day=MONDAY), "outside_hours"),
        (at(7), "past"),
        (at(10, day=dt.date(2027, 1, 4)), "too_far"),
    ]:
        with pytest.raises(ValidationError) as refused:
            book(hall, when)
        assert error_code(refused) == code, when
    assert not Booking.objects.exists()


def test_a_slot_that_has_begun_is_no_longer_offered(hall):
    today = NOW.date()
    keys = [slot.key for slot in free_slots(hall.groups[0], today, now=at(10, 5))]
    assert keys[0] == "10:30"


# --- Booking -----------------------------------------------------------------------------------------


def test_booking_keeps_the_slot_and_the_contact(hall):
    booking = book(hall, at(10, 30, day=MONDAY), phone="050 123 45 67")
    assert booking.status == BookingStatus.BOOKED
    assert (booking.starts_at, booking.ends_at) == (at(10, 30, day=MONDAY), at(11, day=MONDAY))
    assert booking.phone == "+380501234567" and booking.channel == BookingChannel.WEB
    assert len(booking.code) == 8 and booking.cancel_token
    slot = next(s for s in day_slots(hall.groups[0], MONDAY, now=NOW) if s.key == "10:30")
    assert (slot.booked, slot.free) == (1, 1)


def test_a_contact_is_needed_and_checked(hall):
    with pytest.raises(ValidationError) as nothing:
        book(hall, at(10, day=MONDAY), phone="", email="")
    assert "phone" in nothing.value.error_dict
    with pytest.raises(ValidationError) as bad:
        book(hall, at(10, day=MONDAY), phone="12345", email="not-an-address")
    assert set(bad.value.error_dict) == {"phone", "email"}
    assert not Booking.objects.exists()


def test_one_phone_books_at_most_the_daily_limit(hall, settings):
    settings.CNAP_QUEUE_BOOKINGS_PER_CONTACT_PER_DAY = 2
    book(hall, at(9, day=MONDAY), phone="+380501234567")
    book(hall, at(11, day=MONDAY), phone="0501234567", group=1)
    with pytest.raises(ValidationError) as limit:
        book(hall, at(15, day=MONDAY), phone="+38 (050) 123-45-67")
    assert error_code(limit) == "limit"
    assert "2" in limit.value.messages[0]
    # Another day, another phone: allowed. A cancelled visit frees the limit.
    book(hall, at(9, day=MONDAY + dt.timedelta(days=1)), phone="+380501234567")
    book(hall, at(15, day=MONDAY), phone="+380509999999")
    first = Booking.objects.get(starts_at=at(9, day=MONDAY))
    cancel_booking(token=first.cancel_token, now=NOW)
    book(hall, at(15, day=MONDAY), phone="+380501234567")
    assert Booking.objects.filter(phone="+380501234567", status=BookingStatus.BOOKED).count() == 3


def test_the_same_submit_twice_books_once(hall):
    key = uuid.uuid4()
    first, created = book_visit(
        office=hall.office,
        group=hall.groups[0],
        starts_at=at(10, day=MONDAY),
        name="Т",
        phone="0501234567",
        request_key=key,
        now=NOW,
    )
    again, created_again = book_visit(
        office=hall.office,
        group=hall.groups[0],
        starts_at=at(10, day=MONDAY),
        name="Т",
        phone="0501234567",
        request_key=key,
        now=NOW,
    )
    assert created and not created_again and first == again
    assert Booking.objects.count() == 1
    assert BookingMessage.objects.count() == 1


def test_a_group_of_another_office_or_without_windows_cannot_be_booked(hall):
    other = make_hall(groups=1, windows=1, letters="Я")
    with pytest.raises(ValidationError) as foreign:
        book_visit(
            office=hall.office,
            group=other.groups[0],
            starts_at=at(10, day=MONDAY),
            name="Т",
            phone="0501234567",
            now=NOW,
        )
    assert error_code(foreign) == "group"
    for window in hall.windows:
        window.groups.clear()
    with pytest.raises(ValidationError):
        book(hall, at(10, day=MONDAY))


# --- Cancelling --------------------------------------------------------------------------------------


def test_cancelling_frees_the_place_and_is_idempotent(hall):
    booking = book(hall, at(10, day=MONDAY))
    cancelled = cancel_booking(token=booking.cancel_token, now=NOW)
    assert cancelled.status == BookingStatus.CANCELLED and cancelled.cancelled_at == NOW
    assert cancel_booking(token=booking.cancel_token, now=at(9)).cancelled_at == NOW
    slot = next(s for s in day_slots(hall.groups[0], MONDAY, now=NOW) if s.key == "10:00")
    assert slot.free == 2
    with pytest.raises(ValidationError) as unknown:
        cancel_booking(token="nope", now=NOW)
    assert error_code(unknown) == "unknown"


def test_a_past_or_checked_in_visit_cannot_be_cancelled(hall):
    past = book(hall, at(10, day=MONDAY))
    with pytest.raises(ValidationError) as expired:
        cancel_booking(token=past.cancel_token, now=at(10, 1, day=MONDAY))
    assert error_code(expired) == "expired"
    today = book(hall, at(10), phone="+380507777777")
    check_in(office=hall.office, code=today.code, now=at(9, 30))
    with pytest.raises(ValidationError) as used:
        cancel_booking(token=today.cancel_token, now=at(9, 31))
    assert error_code(used) == "checked_in"


# --- Check-in at the kiosk ---------------------------------------------------------------------------


def test_a_valid_code_becomes_a_ticket_called_at_its_time(hall):
    booking = book(hall, at(10, 30))
    ticket = check_in(office=hall.office, code=f" {booking.code.lower()[:4]}-{booking.code[4:]} ", now=at(9, 35))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN and booking.checked_in_at == at(9, 35)
    assert ticket.booking == booking and ticket.booked_for == at(10, 30)
    assert ticket.group == hall.groups[0] and ticket.status == TicketStatus.WAITING
    assert ticket.code.startswith(hall.groups[0].letter + "-")


def test_a_second_tap_gives_the_same_ticket_and_a_later_entry_says_used(hall):
    booking = book(hall, at(10))
    key = uuid.uuid4()
    first = check_in(office=hall.office, code=booking.code, issue_key=key, now=at(9, 50))
    assert check_in(office=hall.office, code=booking.code, issue_key=key, now=at(9, 50)) == first
    with pytest.raises(ValidationError) as used:
        check_in(office=hall.office, code=booking.code, issue_key=uuid.uuid4(), now=at(9, 51))
    assert error_code(used) == "used" and first.code in used.value.messages[0]
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    ("moment", "code", "words"),
    [
        (at(8, 59), "too_early", "рано"),
        (at(10, 16), "expired", "минув"),
    ],
)
def test_check_in_only_within_its_window(hall, moment, code, words):
    booking = book(hall, at(10))
    with pytest.raises(ValidationError) as refused:
        check_in(office=hall.office, code=booking.code, now=moment)
    assert error_code(refused) == code and words in refused.value.messages[0]
    assert not Ticket.objects.exists()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    # The edges are inside: from 60 minutes before to 15 after.
    assert check_in(office=hall.office, code=booking.code, now=at(10, 15)).booking == booking


def test_a_booking_of_another_day_says_when(hall):
    booking = book(hall, at(10, day=MONDAY))
    with pytest.raises(ValidationError) as other_day:
        check_in(office=hall.office, code=booking.code, now=at(10))
    assert "07.12.2026" in other_day.value.messages[0]
    assert not Ticket.objects.exists()


def test_cancelled_unknown_or_other_office_codes_create_nothing(hall):
    booking = book(hall, at(10))
    cancel_booking(token=booking.cancel_token, now=NOW)
    with pytest.raises(ValidationError) as cancelled:
        check_in(office=hall.office, code=booking.code, now=at(9, 50))
    assert error_code(cancelled) == "cancelled" and "скасовано" in cancelled.value.messages[0]
    with pytest.raises(ValidationError) as unknown:
        check_in(office=hall.office, code="ZZZZ2222", now=at(9, 50))
    assert error_code(unknown) == "unknown"
    other = make_hall(groups=1, windows=1, letters="Я")
    live = book(hall, at(10, 30), phone="+380508888888")
    with pytest.raises(ValidationError):
        check_in(office=other.office, code=live.code, now=at(10))
    assert not Ticket.objects.exists()


# --- No-shows ----------------------------------------------------------------------------------------


def test_the_no_show_sweep_marks_overdue_bookings_once(hall):
    missed = book(hall, at(9, 30), phone="+380501000001")
    came = book(hall, at(9, 30), phone="+380501000002")
    later = book(hall, at(11), phone="+380501000003")
    check_in(office=hall.office, code=came.code, now=at(9, 20))
    assert mark_no_shows(now=at(9, 45)) == 0  # the check-in window is still open until 9:45
    assert mark_no_shows(now=at(9, 46)) == 1
    assert mark_no_shows(now=at(9, 47)) == 0
    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses == {
        missed.pk: BookingStatus.NO_SHOW,
        came.pk: BookingStatus.CHECKED_IN,
        later.pk: BookingStatus.BOOKED,
    }
    assert missed.history.first().status == BookingStatus.NO_SHOW
    with pytest.raises(ValidationError) as expired:
        check_in(office=hall.office, code=missed.code, now=at(9, 44))
    assert error_code(expired) == "expired"


def test_the_sweep_is_in_the_beat_schedule(settings):
    from equeue.tasks import mark_booking_no_shows

    entry = settings.CELERY_BEAT_SCHEDULE["queue-booking-no-shows"]
    assert entry["task"] == mark_booking_no_shows.name and entry["schedule"] <= 15 * 60


# --- The confirmation --------------------------------------------------------------------------------


@override_settings(
    CNAP_SMS_BACKEND="tests.notifications.test_notifications.RecordingSmsBackend",
    CNAP_SITE_URL="https://cnap.example.gov.ua",
)
def test_the_confirmation_carries_the_code_and_the_cancel_link_once_per_channel(hall):
    booking = book(hall, at(10, day=MONDAY), email="taras@example.com")
    rows = {row.channel: row for row in BookingMessage.objects.filter(booking=booking)}
    assert set(rows) == {"sms", "email"}
    assert rows["sms"].recipient == "+380*****4567" and rows["email"].recipient == "t***@example.com"
    for row in rows.values():
        outcome = actions_booking.deliver_booking_message(message_id=row.pk, final_attempt=False)
        assert outcome == DeliveryOutcome.SENT
        assert actions_booking.deliver_booking_message(message_id=row.pk, final_attempt=False) == "skipped"
    link = f"https://cnap.example.gov.ua/queue/booking/{booking.cancel_token}/cancel/"
    [(phone, text)] = RecordingSmsBackend.sent
    assert phone == "+380501234567" and booking.code in text and link in text and "07.12 10:00" in text
    assert text.startswith("Запис у ЦНАП") and sms_parts(text) <= 2
    [email] = mail.outbox
    assert email.to == ["taras@example.com"] and booking.code in email.body and link in email.body
    assert "07.12.2026 10:00" in email.subject
    assert "Тарас" not in text


@override_settings(CNAP_SMS_BACKEND="tests.notifications.test_notifications.FlakySmsBackend")
def test_a_gateway_that_fails_for_now_is_retried_then_sends(hall):
    FlakySmsBackend.failures = 1
    booking = book(hall, at(10, day=MONDAY))
    row = BookingMessage.objects.get(booking=booking)
    assert actions_booking.deliver_booking_message(message_id=row.pk, final_attempt=False) == DeliveryOutcome.RETRY
    row.refresh_from_db()
    assert row.status == NotificationStatus.PENDING and "gateway timeout" in row.last_error
    assert actions_booking.deliver_booking_message(message_id=row.pk, final_attempt=False) == DeliveryOutcome.SENT
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT and row.attempts == 2


# --- Retention ---------------------------------------------------------------------------------------


def test_contacts_of_old_visits_are_erased_with_their_history(hall, settings):
    from cnap.security.retention import apply_retention

    settings.CNAP_QUEUE_BOOKING_KEEP_DAYS = 90
    old = book(hall, at(10, day=MONDAY), email="old@example.com")
    recent = book(hall, at(11, day=MONDAY), phone="+380671234567")
    Booking.objects.filter(pk=old.pk).update(
        starts_at=at(10, day=dt.date(2026, 8, 3)), ends_at=at(10, 30, day=dt.date(2026, 8, 3))
    )
    removed = apply_retention(now=at(12))
    assert removed["queue_booking_contacts"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.name, old.phone, old.email) == ("", "", "")
    assert old.status == BookingStatus.BOOKED and old.code  # the row stays for the figures
    assert not old.history.exclude(name="").exists()
    assert recent.name == "Тарас Шевченко" and recent.phone == "+380671234567"
    assert recent.history.filter(name="Тарас Шевченко").exists()
    assert apply_retention(now=at(12))["queue_booking_contacts"] == 0
