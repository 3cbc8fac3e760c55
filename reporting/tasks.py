"""Celery tasks of the reporting app (beat: CELERY_BEAT_SCHEDULE in cnap/settings/base.py). Idempotent."""

from celery import shared_task

from .queue_stats import rebuild_queue_stats
from .stats import rebuild_stats


@shared_task(acks_late=True, ignore_result=True)
def rebuild_stats_nightly() -> dict:
    """Recompute the dashboards' summary tables from the raw rows."""
    return {**rebuild_stats(), "queue": rebuild_queue_stats()}
