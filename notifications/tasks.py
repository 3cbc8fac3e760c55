"""Celery tasks of the notifications: they call notifications/actions.py."""

import datetime as dt

from celery import shared_task

from . import actions as notifications


@shared_task(name=notifications.SEND_NOTIFICATION_TASK, bind=True, ignore_result=True, acks_late=True)
def send_notification(self, notification_id: int) -> str:
    """Idempotent: a sent (or failed) notification is left alone; the row is locked while sending.
    Transient failures (mail server unreachable, SmsTemporaryError) are retried with a doubling
    delay; after the last retry the row is marked failed with the error."""
    limit = notifications.max_retries()
    outcome = notifications.deliver_notification(
        notification_id=notification_id, final_attempt=self.request.retries >= limit
    )
    if outcome == notifications.DeliveryOutcome.RETRY:
        raise self.retry(countdown=notifications.retry_delay(self.request.retries), max_retries=limit)
    return str(outcome)


@shared_task(ignore_result=True)
def resend_pending_notifications(older_than_minutes: int = 120) -> int:
    """The sweeper: re-sends the task of notifications still pending long after they were queued
    (a broker that was down at commit). Safe to run while their tasks are alive: sending is idempotent."""
    ids = notifications.pending_notification_ids(older_than=dt.timedelta(minutes=older_than_minutes))
    for notification_id in ids:
        send_notification.delay(notification_id)
    return len(ids)
