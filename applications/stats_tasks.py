"""Daily jobs of the dashboards and deadline control (beat: CELERY_BEAT_SCHEDULE in cnap/settings/base.py).
Imported by applications/tasks.py so the worker registers them. Both are idempotent."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def mark_overdue_daily() -> dict:
    """Mark overdue cases, list those due soon, notify staff and heads (once a day)."""
    from applications.actions.deadlines import mark_overdue, send_deadline_notices

    report = mark_overdue()
    sent = send_deadline_notices(report)
    return {"newly_overdue": len(report.newly_overdue), "due_soon": len(report.due_soon), "sent": sent}


@shared_task(acks_late=True, ignore_result=True)
def rebuild_stats_nightly() -> dict:
    """Recompute the dashboards' summary tables from the raw rows."""
    from applications.stats import rebuild_stats

    return rebuild_stats()
