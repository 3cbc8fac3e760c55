"""A real Celery worker: the confirmation of a booking is sent once the booking commits (once, however
often its task is delivered), and the periodic sweep marks the visits nobody checked in for."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from cnap.core.models import WorkerHeartbeat
from cnap.core.tasks import ping_database
from equeue.actions_booking import book_visit
from equeue.constants import BookingStatus
from equeue.models import Booking, BookingMessage, OpeningHours
from equeue.selectors_booking import booking_days, free_slots
from equeue.tasks import mark_booking_no_shows, send_booking_message
from notifications.models import NotificationStatus
from tests.helpers import wait_for

from .factories import make_hall

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_real_worker_sends_the_confirmation_once_and_sweeps_no_shows(start_worker):
    hall = make_hall(groups=1, windows=1)
    for weekday in range(7):
        OpeningHours.objects.create(office=hall.office, weekday=weekday, opens_at=dt.time(9), closes_at=dt.time(11))
    group = hall.groups[0]
    day = booking_days(hall.office)[-1]
    booking, _created = book_visit(
        office=hall.office,
        group=group,
        starts_at=free_slots(group, day)[0].starts_at,
        name="Марія",
        phone="0501234567",
    )  # autocommit: its task is sent at once
    missed = Booking.objects.create(
        office=hall.office,
        group=group,
        starts_at=timezone.now() - dt.timedelta(hours=2),
        ends_at=timezone.now() - dt.timedelta(hours=1, minutes=50),
        name="Не прийшов",
        phone="+380671112233",
    )
    start_worker(queues="default")
    row = BookingMessage.objects.get(booking=booking)
    wait_for(lambda: BookingMessage.objects.get(pk=row.pk).status == NotificationStatus.SENT, what="the SMS sent")
    first = BookingMessage.objects.get(pk=row.pk)
    assert first.provider_message_id.startswith("log-") and first.attempts == 1

    send_booking_message.delay(row.pk)  # a redelivered task sends nothing
    mark_booking_no_shows.delay()
    mark_booking_no_shows.delay()
    marker = f"booking-{uuid.uuid4().hex[:8]}"
    ping_database.delay(marker)
    wait_for(lambda: WorkerHeartbeat.objects.filter(name=marker).exists(), what="the tasks to be consumed")

    again = BookingMessage.objects.get(pk=row.pk)
    assert (again.attempts, again.provider_message_id) == (1, first.provider_message_id)
    missed.refresh_from_db()
    booking.refresh_from_db()
    assert missed.status == BookingStatus.NO_SHOW and booking.status == BookingStatus.BOOKED
    assert missed.history.filter(status=BookingStatus.NO_SHOW).count() == 1
