"""Retention of booked visits' contacts (cnap/security/retention.py runs this step): the name, phone
and e-mail of a visit that ended more than ``CNAP_QUEUE_BOOKING_KEEP_DAYS`` ago are erased, in the
booking and in its history; the rows stay (times, group, status) for the queue's figures. They are
kept only to receive the visitor and send the code, so the case data's five years do not apply."""

import datetime as dt

from django.conf import settings
from django.db import transaction

from .models import Booking

BATCH = 500


def remove_expired_contacts(*, cutoff: dt.datetime, now: dt.datetime) -> int:
    keep_until = now - dt.timedelta(days=settings.CNAP_QUEUE_BOOKING_KEEP_DAYS)
    history = Booking.history.model  # type: ignore[attr-defined]
    removed = 0
    while True:
        with transaction.atomic(durable=True):  # each batch committed on its own
            ids = list(
                Booking.objects.select_for_update(skip_locked=True)
                .filter(ends_at__lt=keep_until)
                .exclude(name="", phone="", email="")
                .order_by("pk")
                .values_list("pk", flat=True)[:BATCH]
            )
            if not ids:
                return removed
            Booking.objects.filter(pk__in=ids).update(name="", phone="", email="")
            history.objects.filter(id__in=ids).update(name="", phone="", email="")
            removed += len(ids)
