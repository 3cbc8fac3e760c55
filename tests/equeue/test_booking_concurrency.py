"""Bookings sent at the same moment on PostgreSQL (a thread and a connection each): the last place of a
slot is taken once, the per-phone limit holds, the same submit twice books once."""

import datetime as dt
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from equeue.actions_booking import book_visit
from equeue.models import Booking, OpeningHours

from .factories import at, make_hall

MONDAY = dt.date(2026, 12, 7)
NOW = at(8)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_bookings_respect_capacity_limit_and_the_one_time_key(settings):
    assert connection.vendor == "postgresql"
    settings.CNAP_QUEUE_BOOKINGS_PER_CONTACT_PER_DAY = 2
    hall = make_hall(groups=1, windows=1)  # capacity 1
    for weekday in range(5):
        OpeningHours.objects.create(office=hall.office, weekday=weekday, opens_at=dt.time(9), closes_at=dt.time(17))
    group = hall.groups[0]
    shared_key = uuid.uuid4()
    jobs = (
        # six visitors want 10:00
        [(at(10, day=MONDAY), f"+38050100000{n}", None) for n in range(6)]
        # one visitor's form sent twice at once
        + [(at(11, day=MONDAY), "+380672222222", shared_key)] * 2
        # one phone tries three different times (limit 2)
        + [(at(hour, day=MONDAY), "+380673333333", None) for hour in (12, 14, 15)]
    )
    barrier = threading.Barrier(len(jobs))
    made, refused, errors = [], [], []

    def submit(starts_at, phone, key):
        try:
            barrier.wait()
            booking, created = book_visit(
                office=hall.office, group=group, starts_at=starts_at, name="Т", phone=phone, request_key=key, now=NOW
            )
            made.append((booking.pk, created))
        except ValidationError as exc:
            refused.append(exc.error_list[0].code)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Booking.objects.filter(starts_at=at(10, day=MONDAY)).count() == 1
    assert Booking.objects.filter(request_key=shared_key).count() == 1
    assert Booking.objects.filter(phone="+380673333333").count() == 2
    assert sorted(refused) == ["full"] * 5 + ["limit"]
    assert sum(1 for _pk, created in made if created) == 4 and len(made) == 5
