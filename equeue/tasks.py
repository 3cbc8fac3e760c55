"""Celery tasks of the queue: take no objects, call actions, idempotent."""

import datetime as dt

from celery import shared_task

from notifications.actions import DeliveryOutcome, max_retries, retry_delay

from . import actions_booking
from .actions import close_past_days


@shared_task(name="equeue.tasks.close_past_queue_days", ignore_result=True)
def close_past_queue_days() -> int:
    """Nightly: the tickets of past days left open are closed (see `actions.close_past_days`)."""
    return close_past_days()


@shared_task(name=actions_booking.SEND_MESSAGE_TASK, bind=True, ignore_result=True, acks_late=True)
def send_booking_message(self, message_id: int) -> str:
    """Idempotent: a sent (or failed) confirmation is left alone. Transient failures (gateway or mail
    server unreachable) are retried with a doubling delay; after the last retry the row is marked failed."""
    limit = max_retries()
    outcome = actions_booking.deliver_booking_message(
        message_id=message_id, final_attempt=self.request.retries >= limit
    )
    if outcome == DeliveryOutcome.RETRY:
        raise self.retry(countdown=retry_delay(self.request.retries), max_retries=limit)
    return str(outcome)


@shared_task(ignore_result=True)
def mark_booking_no_shows() -> int:
    """Bookings not checked in by the end of their check-in window become no-shows (a rerun marks none),
    and confirmations whose task was lost are sent again."""
    for message_id in actions_booking.pending_message_ids(older_than=dt.timedelta(minutes=10)):
        send_booking_message.delay(message_id)
    return actions_booking.mark_no_shows()
