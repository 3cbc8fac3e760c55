"""A citizen books a visit on the public page, then, on the day, checks in at the kiosk by the code
from the message and gets a ticket called at the booked time."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from equeue.constants import BookingStatus
from equeue.models import Booking, BookingMessage, OpeningHours, Ticket
from tests.equeue.factories import make_hall

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_a_working_monday(monkeypatch):
    """The server's clock (the live server runs in this process) set to the next Monday, 09:00 Kyiv, and
    running on from there: the office is open whatever day the test runs."""
    real_now = timezone.now
    start = real_now()
    local = timezone.localtime(start)
    monday = local.date() + dt.timedelta(days=7 - local.weekday())
    target = timezone.make_aware(dt.datetime.combine(monday, dt.time(9)))
    offset = target - start
    monkeypatch.setattr("django.utils.timezone.now", lambda: real_now() + offset)
    return monday


def test_book_a_visit_then_check_in_at_the_kiosk_by_the_code(browser_page, on_a_working_monday):
    hall = make_hall(groups=1, windows=1)
    group = hall.groups[0]
    group.name = "Реєстрація місця проживання"
    group.average_service_minutes = 20
    group.save()
    for weekday in range(5):
        OpeningHours.objects.create(
            office=hall.office,
            weekday=weekday,
            opens_at=dt.time(9),
            closes_at=dt.time(17),
            break_starts_at=dt.time(13),
            break_ends_at=dt.time(14),
        )
    page = browser_page

    # At home: the booking page.
    page.goto(f"/queue/{hall.office.code}/book/")
    assert page.locator("html").get_attribute("lang") == "uk"
    page.get_by_role("link", name="Реєстрація місця проживання").click()
    page.locator(f'[data-day="{on_a_working_monday.isoformat()}"]').click()
    slots = page.get_by_test_id("booking-slot")
    expect(slots.first).to_have_text("09:20")  # 09:00 has begun; 20-minute slots
    assert "13:00" not in slots.all_inner_texts() and "14:00" in slots.all_inner_texts()
    slots.first.click()
    page.get_by_label("Ваше ім’я").fill("Марія Коваль")
    page.get_by_label("Мобільний телефон (код надійде в SMS)").fill("050 123 45 67")
    page.get_by_test_id("booking-submit").click()
    code = page.get_by_test_id("booking-code").inner_text().strip()
    expect(page.get_by_test_id("booking-when")).to_contain_text(f"{on_a_working_monday:%d.%m.%Y} 09:20")
    expect(page.get_by_test_id("booking-done")).to_contain_text("+380*****4567")
    booking = Booking.objects.get()
    assert booking.code == code and booking.status == BookingStatus.BOOKED and booking.phone == "+380501234567"
    assert BookingMessage.objects.filter(booking=booking, channel="sms").count() == 1

    # At the office: the kiosk, «I have a booking», the code.
    page.goto(f"/queue/{hall.office.code}/kiosk/")
    page.get_by_test_id("kiosk-booked").click()
    expect(page.get_by_role("heading")).to_have_text("Введіть код із повідомлення")
    page.get_by_label("Код запису").fill("wrong000")
    page.get_by_test_id("check-in-submit").click()
    expect(page.get_by_test_id("check-in-error")).to_contain_text("немає запису з таким кодом")
    page.get_by_label("Код запису").fill(code.lower())
    page.get_by_test_id("check-in-submit").click()
    expect(page.get_by_test_id("ticket-code")).to_have_text(f"{group.letter}-001")
    ticket = Ticket.objects.get()
    booking.refresh_from_db()
    assert ticket.booking == booking and ticket.booked_for == booking.starts_at
    assert booking.status == BookingStatus.CHECKED_IN

    # The same code again creates nothing and says which ticket it gave.
    page.goto(f"/queue/{hall.office.code}/kiosk/booked/")
    page.get_by_label("Код запису").fill(code)
    page.get_by_test_id("check-in-submit").click()
    expect(page.get_by_test_id("check-in-error")).to_contain_text(f"ваш талон — {group.letter}-001")
    assert Ticket.objects.count() == 1
