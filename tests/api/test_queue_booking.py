"""The API of booked visits: free slots of a group on a day, booking (idempotent by external_id),
cancelling by the token; a client reaches its own hromada's groups and bookings only."""

import datetime as dt

import pytest
from django.urls import reverse

from api.actions import create_api_client
from equeue.constants import BookingChannel, BookingStatus
from equeue.models import Booking, BookingMessage, OpeningHours
from equeue.selectors_booking import booking_days
from tests.equeue.factories import make_hall

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(office):
    hall = make_hall(office=office, groups=1, windows=1)
    for weekday in range(7):
        OpeningHours.objects.create(office=office, weekday=weekday, opens_at=dt.time(9), closes_at=dt.time(12))
    return hall


@pytest.fixture
def day(hall):
    return booking_days(hall.office)[-1]  # the last bookable day: in the future whatever the time now


def slots(client, auth, group, day):
    return client.get(reverse("api:queue_slots", args=[group.pk]), {"date": day.isoformat()}, **auth)


def create(client, auth, payload):
    return client.post(reverse("api:queue_bookings"), payload, content_type="application/json", **auth)


def test_free_slots_then_book_then_cancel(client, auth, hall, day):
    group = hall.groups[0]
    listed = slots(client, auth, group, day)
    assert listed.status_code == 200
    body = listed.json()
    assert len(body) == 18  # 9:00–12:00 in slots of 10 minutes
    assert body[0]["capacity"] == 1 and body[0]["free"] == 1
    first = body[0]["starts_at"]

    payload = {"group": group.pk, "starts_at": first, "name": "Олена", "phone": "0671234567", "external_id": "p-1"}
    made = create(client, auth, payload)
    assert made.status_code == 201, made.json()
    booking = Booking.objects.get()
    assert made.json()["code"] == booking.code and made.json()["cancel_token"] == booking.cancel_token
    assert booking.channel == BookingChannel.API and booking.phone == "+380671234567"
    assert BookingMessage.objects.filter(booking=booking, channel="sms").exists()

    again = create(client, auth, payload)  # a retried request: the same booking
    assert again.status_code == 200 and again.json()["code"] == booking.code
    assert Booking.objects.count() == 1
    assert first not in [slot["starts_at"] for slot in slots(client, auth, group, day).json()]

    full = create(client, auth, {**payload, "external_id": "p-2", "phone": "0679999999"})
    assert full.status_code == 400
    assert full.json()["error"]["fields"]["starts_at"] == ["Усі місця на 09:00 зайняті. Оберіть інший час."]

    cancelled = client.post(reverse("api:queue_booking_cancel", args=[booking.cancel_token]), **auth)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == BookingStatus.CANCELLED
    assert client.post(reverse("api:queue_booking_cancel", args=[booking.cancel_token]), **auth).status_code == 200
    assert first in [slot["starts_at"] for slot in slots(client, auth, group, day).json()]


def test_a_closed_day_has_no_slots_and_bad_input_names_the_field(client, auth, hall, day):
    group = hall.groups[0]
    OpeningHours.objects.filter(office=hall.office).delete()
    assert slots(client, auth, group, day).json() == []
    response = client.get(reverse("api:queue_slots", args=[group.pk]), {"date": "tomorrow"}, **auth)
    assert response.status_code == 400 and "date" in response.json()["error"]["fields"]
    refused = create(client, auth, {"group": group.pk, "starts_at": f"{day}T09:00:00+02:00", "name": "О", "phone": ""})
    assert refused.status_code == 400
    assert Booking.objects.count() == 0


def test_no_token_401_and_another_hromada_404(client, auth, hall, day, other_office):
    group = hall.groups[0]
    assert slots(client, {}, group, day).status_code == 401
    _foreign_client, foreign_token = create_api_client(hromada=other_office.hromada, name="Чужий портал")
    foreign = {"HTTP_AUTHORIZATION": f"Token {foreign_token}"}
    assert slots(client, foreign, group, day).status_code == 404
    first = slots(client, auth, group, day).json()[0]["starts_at"]
    made = create(client, auth, {"group": group.pk, "starts_at": first, "name": "О", "email": "o@example.com"})
    token = made.json()["cancel_token"]
    assert client.post(reverse("api:queue_booking_cancel", args=[token]), **foreign).status_code == 404
    assert (
        create(client, foreign, {"group": group.pk, "starts_at": first, "name": "О", "phone": "0501111111"}).status_code
        == 404
    )
    assert Booking.objects.get().status == BookingStatus.BOOKED


def test_moments_at_the_ends_of_the_calendar_are_400_not_500(client, auth, hall):
    group = hall.groups[0]
    for day in ("9999-12-31", "0001-01-01"):
        assert slots(client, auth, group, dt.date.fromisoformat(day)).json() == []
    for moment in ("9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+14:00"):
        refused = create(client, auth, {"group": group.pk, "starts_at": moment, "name": "О", "phone": "0501234567"})
        assert refused.status_code == 400, moment
    assert not Booking.objects.exists()
