"""The public booking page, its confirmation, the cancel link and the kiosk's code entry: no login,
Ukrainian, one submit one effect, clear messages, the visitor's own booking only."""

import datetime as dt
import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from equeue.constants import BookingStatus
from equeue.models import Booking, BookingMessage, OpeningHours, Ticket
from equeue.selectors_booking import booking_days, free_slots

from .factories import make_hall

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hall():
    hall = make_hall(groups=2, windows=1)
    for weekday in range(7):
        OpeningHours.objects.create(office=hall.office, weekday=weekday, opens_at=dt.time(9), closes_at=dt.time(11))
    return hall


def book_url(office):
    return reverse("equeue:book", kwargs={"office_code": office.code})


def last_day(hall):
    return booking_days(hall.office)[-1]


def submit(client, hall, *, slot="09:00", key=None, phone="+380501234567", day=None, group=0, **extra):
    day = day or last_day(hall)
    data = {
        "group": hall.groups[group].pk,
        "day": day.isoformat(),
        "slot": slot,
        "name": "Марія Коваль",
        "phone": phone,
        "email": "",
        "request_key": str(key or uuid.uuid4()),
        **extra,
    }
    return client.post(book_url(hall.office), data)


def test_choose_group_day_and_time_then_book(client, hall):
    start = client.get(book_url(hall.office), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Записатися на прийом" in start and "Група А" in start and 'name="slot"' not in start
    day = last_day(hall)
    with_days = client.get(book_url(hall.office), {"group": hall.groups[0].pk}).content.decode()
    assert f'data-day="{day.isoformat()}"' in with_days
    with_slots = client.get(book_url(hall.office), {"group": hall.groups[0].pk, "day": day.isoformat()})
    html = with_slots.content.decode()
    assert 'value="09:00"' in html and 'value="10:50"' in html and 'value="11:00"' not in html
    assert 'name="request_key"' in html and "data-once" in html

    answer = submit(client, hall, slot="09:10")
    assert answer.status_code == 302
    booking = Booking.objects.get()
    assert timezone.localtime(booking.starts_at).time() == dt.time(9, 10) and booking.phone == "+380501234567"
    done = client.get(answer["Location"]).content.decode()
    assert booking.code in done and day.strftime("%d.%m.%Y") + " 09:10" in done
    assert "+380*****4567" in done and "+380501234567" not in done
    assert BookingMessage.objects.filter(booking=booking).count() == 1


def test_a_double_submit_books_once(client, hall):
    key = uuid.uuid4()
    first = submit(client, hall, key=key)
    second = submit(client, hall, key=key)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Booking.objects.count() == 1


def test_a_full_slot_a_closed_day_and_a_bad_phone_get_clear_messages(client, hall):
    submit(client, hall, phone="+380501111111")
    full = submit(client, hall, phone="+380502222222")
    assert full.status_code == 200
    assert "Усі місця на 09:00 зайняті. Оберіть інший час." in full.content.decode()

    saturday = next(
        day for day in (timezone.localdate() + dt.timedelta(days=n) for n in range(1, 8)) if day.weekday() == 5
    )
    OpeningHours.objects.filter(office=hall.office, weekday=5).delete()
    closed = submit(client, hall, day=saturday, phone="+380503333333")
    assert f"{saturday:%d.%m.%Y} ЦНАП не приймає відвідувачів." in closed.content.decode()

    bad = submit(client, hall, phone="12-34", slot="09:20")
    assert "Введіть український номер телефону" in bad.content.decode()
    assert Booking.objects.count() == 1


def test_too_many_bookings_from_one_address_wait(client, hall, settings):
    settings.CNAP_QUEUE_BOOKING_RATE_LIMIT = 2
    for minute, phone in (("09:00", "+380501000001"), ("09:10", "+380501000002")):
        assert submit(client, hall, slot=minute, phone=phone).status_code == 302
    refused = submit(client, hall, slot="09:20", phone="+380501000003")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Забагато записів з цієї адреси" in refused.content.decode()
    assert Booking.objects.count() == 2


def test_the_cancel_link_asks_then_cancels(client, hall):
    submit(client, hall)
    booking = Booking.objects.get()
    url = reverse("equeue:booking_cancel", kwargs={"token": booking.cancel_token})
    page = client.get(url).content.decode()
    assert "Так, скасувати запис" in page and booking.code in page and "Марія" not in page
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED  # a GET (a link preview) cancels nothing
    done = client.post(url).content.decode()
    assert "Запис скасовано." in done
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert client.post(url).status_code == 200
    assert "09:00" in [slot.key for slot in free_slots(hall.groups[0], last_day(hall))]
    assert client.get(reverse("equeue:booking_cancel", kwargs={"token": "x" * 32})).status_code == 404


def test_the_kiosk_offers_the_code_entry_and_a_code_gives_a_ticket(client):
    hall = make_hall(groups=1, windows=1)  # no opening hours: the kiosk works at any time
    kiosk = client.get(reverse("equeue:kiosk", kwargs={"office_code": hall.office.code})).content.decode()
    entry_url = reverse("equeue:kiosk_check_in", kwargs={"office_code": hall.office.code})
    assert entry_url in kiosk and "Я записаний(-а)" in kiosk
    starts_at = timezone.now() + dt.timedelta(minutes=20)
    booking = Booking.objects.create(
        office=hall.office,
        group=hall.groups[0],
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=10),
        name="Марія",
        phone="+380501234567",
    )
    assert 'name="code"' in client.get(entry_url).content.decode()
    key = str(uuid.uuid4())
    answer = client.post(entry_url, {"code": booking.code.lower(), "issue_key": key})
    assert answer.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.booking == booking and ticket.booked_for == starts_at
    assert ticket.code in client.get(answer["Location"]).content.decode()
    again = client.post(entry_url, {"code": booking.code, "issue_key": key})
    assert again["Location"] == answer["Location"]
    used = client.post(entry_url, {"code": booking.code, "issue_key": str(uuid.uuid4())}).content.decode()
    assert f"Цей код уже використано: ваш талон — {ticket.code}." in used
    unknown = client.post(entry_url, {"code": "QQQQ2222", "issue_key": str(uuid.uuid4())}).content.decode()
    assert "У цьому ЦНАП немає запису з таким кодом." in unknown
    assert Ticket.objects.count() == 1


def test_staff_see_the_day_s_bookings_of_their_office_only(client):
    from cnap.accounts.constants import Role
    from tests.factories import UserFactory

    own, other = make_hall(groups=1, windows=1), make_hall(groups=1, windows=1, letters="Я")
    starts_at = timezone.now() + dt.timedelta(minutes=30)
    for hall, name in ((own, "Марія Коваль"), (other, "Петро Чужий")):
        Booking.objects.create(
            office=hall.office,
            group=hall.groups[0],
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=10),
            name=name,
            phone="+380501234567",
        )
    url = reverse("equeue:bookings")
    client.force_login(own.user)
    assert url in client.get(reverse("equeue:windows")).content.decode()
    page = client.get(url, {"day": timezone.localdate(starts_at).isoformat()}).content.decode()
    assert "Марія Коваль" in page and "+380501234567" in page and "Петро Чужий" not in page
    other_day = client.get(url, {"day": "2020-01-01"}).content.decode()
    assert "Марія Коваль" not in other_day and 'data-testid="bookings-empty"' in other_day
    client.force_login(UserFactory(role=Role.PROVIDER_OFFICER, office=own.office))
    assert client.get(url).status_code == 403


HOSTILE = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "-1", "0", "1e400", "\x00", "99:99", "23:59:59.999"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


@given(group=HOSTILE, day=HOSTILE, slot=HOSTILE, phone=HOSTILE, code=HOSTILE)
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_hostile_input_to_the_public_pages_is_never_a_500(hall, group, day, slot, phone, code):
    cache.clear()
    client = Client(raise_request_exception=False)
    url = book_url(hall.office)
    assert client.get(url, {"group": group, "day": day}).status_code == 200
    assert client.get(url, {"group": hall.groups[0].pk, "day": day}).status_code == 200
    posted = client.post(url, {"group": hall.groups[0].pk, "day": day, "slot": slot, "name": "Т", "phone": phone})
    assert posted.status_code in (200, 302, 400)
    entry = reverse("equeue:kiosk_check_in", kwargs={"office_code": hall.office.code})
    assert client.post(entry, {"code": code, "issue_key": slot}).status_code == 200
    staff = Client(raise_request_exception=False)
    staff.force_login(hall.user)
    assert staff.get(reverse("equeue:bookings"), {"day": day}).status_code == 200
    assert not Booking.objects.exclude(phone__startswith="+380").exists()


def test_staff_cancel_a_visit_for_a_visitor_once_and_only_in_their_reach(client):
    from cnap.core.submissions import FIELD

    own, other = make_hall(groups=1, windows=1), make_hall(groups=1, windows=1, letters="Я")
    starts_at = timezone.now() + dt.timedelta(hours=2)
    mine, foreign = (
        Booking.objects.create(
            office=hall.office,
            group=hall.groups[0],
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=10),
            name="Марія",
            phone="+380501234567",
        )
        for hall in (own, other)
    )
    client.force_login(own.user)
    listing = client.get(reverse("equeue:bookings"), {"day": timezone.localdate(starts_at).isoformat()})
    assert 'data-testid="booking-staff-cancel"' in listing.content.decode()
    token = str(uuid.uuid4())
    url = reverse("equeue:booking_staff_cancel", kwargs={"booking_id": mine.pk})
    answer = client.post(url, {FIELD: token})
    assert answer.status_code == 302
    mine.refresh_from_db()
    assert mine.status == BookingStatus.CANCELLED
    assert mine.history.first().history_user == own.user
    assert client.post(url, {FIELD: token}).status_code == 302  # the same form again: nothing more
    assert mine.history.filter(status=BookingStatus.CANCELLED).count() == 1
    assert client.post(reverse("equeue:booking_staff_cancel", kwargs={"booking_id": foreign.pk})).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == BookingStatus.BOOKED
