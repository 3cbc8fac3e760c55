"""Writing cases the way the actions do (row, StatusChange, stats call) for the dashboard tests."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from applications.constants import CLOSED_STATUSES, ApplicationStatus
from applications.models import StatusChange
from reporting import stats
from tests.applications.factories import ApplicationFactory

KYIV = timezone.get_default_timezone()


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=KYIV)


def registered(*, on: dt.date, due: dt.date, fee="0", hour=10, **kwargs):
    app = ApplicationFactory(
        registered_at=at(on, hour), due_date=due, initial_due_date=due, fee_amount=Decimal(fee), **kwargs
    )
    StatusChange.objects.create(
        application=app,
        from_status="",
        to_status=app.status,
        changed_at=app.registered_at,
        changed_by=app.registered_by,
    )
    stats.record_registration(app)
    return app


def moved(app, to_status, *, on: dt.date, hour=11, by=None, due=None):
    from_status = app.status
    now = at(on, hour)
    app.status = to_status
    app.status_changed_at = now
    app.revision += 1
    if due is not None:
        app.due_date = due
    if to_status == ApplicationStatus.RESULT_READY:
        app.result_ready_at = now
    if to_status == ApplicationStatus.ISSUED:
        app.issued_at = now
    if to_status in CLOSED_STATUSES:
        app.closed_at = now
        app.is_overdue = False
    app.save()
    StatusChange.objects.create(
        application=app,
        from_status=from_status,
        to_status=to_status,
        changed_at=now,
        changed_by=by or app.registered_by,
    )
    stats.record_status_change(app, from_status, to_status, now)
    return app
