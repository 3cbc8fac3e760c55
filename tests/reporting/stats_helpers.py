"""Writing cases the way the actions do (row, StatusChange, stats call) for the dashboard tests."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from applications.constants import CLOSED_STATUSES, ApplicationStatus, PaymentState
from applications.models import Payment, StatusChange
from reporting import stats
from tests.applications.factories import ApplicationFactory

KYIV = timezone.get_default_timezone()


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=KYIV)


def registered(*, on: dt.date, due: dt.date, fee="0", hour=10, paid=True, **kwargs):
    """A registered case; a fee (paid at the counter on the day unless ``paid=False``) is a Payment row."""
    fee = Decimal(fee)
    app = ApplicationFactory(
        registered_at=at(on, hour),
        due_date=due,
        initial_due_date=due,
        fee_amount=fee,
        fee_paid=fee if paid else Decimal(0),
        **kwargs,
    )
    if fee:
        Payment.objects.create(
            application=app,
            slot=1,
            title="Адміністративний збір",
            charge_kind="administrative_fee",
            payee="ГУК у Київ.обл/тг/22012500",
            payee_edrpou="37955989",
            iban="UA598999980000031417919000001",
            amount_due=fee,
            state=PaymentState.PAID if paid else PaymentState.AWAITING,
            paid_amount=fee if paid else None,
            paid_on=on if paid else None,
            reference="ПН-1" if paid else "",
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
