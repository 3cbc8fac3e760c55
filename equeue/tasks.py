"""Celery tasks of the queue: take no objects, call actions, idempotent."""

from celery import shared_task

from .actions import close_past_days


@shared_task(name="equeue.tasks.close_past_queue_days", ignore_result=True)
def close_past_queue_days() -> int:
    """Nightly: the tickets of past days left open are closed (see `actions.close_past_days`)."""
    return close_past_days()
