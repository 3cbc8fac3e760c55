"""Celery tasks of the case app (beat: CELERY_BEAT_SCHEDULE in cnap/settings/base.py). Tasks take ids or
nothing, are idempotent and call actions."""

from celery import shared_task

from .actions.deadlines import mark_overdue, send_deadline_notices


@shared_task(acks_late=True, ignore_result=True)
def mark_overdue_daily() -> dict:
    """Mark overdue cases, list those due soon, notify staff and heads (once a day)."""
    report = mark_overdue()
    sent = send_deadline_notices(report=report)
    return {"newly_overdue": len(report.newly_overdue), "due_soon": len(report.due_soon), "sent": sent}
