"""The dashboards' summary tables: kept current event by event, rebuilt from the raw rows.

reporting/receivers.py calls, in the transaction of the action that wrote the case (the case app's
events, applications/events.py):

* :func:`record_registration` after a case is registered (``registered``);
* :func:`record_status_change` after each move (``status_changed``).

Each call is a few ``INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n`` statements (PostgreSQL,
and SQLite >= 3.24 in the embedded mode): no read-modify-write, so concurrent actions never lose an
increment. Rows are touched in a fixed order (open rows sorted by key, then the day, then the month), so
two actions cannot deadlock on them.

:func:`rebuild_stats` (``manage.py rebuild_stats``, nightly beat job) recomputes every table from
``Application`` and ``StatusChange`` under an EXCLUSIVE table lock (PostgreSQL): actions running
meanwhile wait for the rebuild to commit and then add their own increments, so nothing is lost or
counted twice. The rules below are the same in both paths; tests/reporting/test_stats_property.py
checks that after any sequence of events the incremental tables equal a rebuild.

Rules:

* registered: on the local date of ``registered_at`` (drafts do not count until registered);
* fees: what was paid (the case's ``Payment`` rows), on the day it was paid, less refunds on the day
  they were refunded: a case refused for non-payment adds nothing;
* completed (first result: ``result_ready`` or ``refused``): on the local date of the move; on time
  when that date is not after ``due_date`` (the due date the law allows, suspensions included);
  processing days = that date minus the registration date; days allowed = ``due_date`` minus the
  registration date (calendar days);
* issued / refused / left without consideration / withdrawn / unclaimed: on the date of the move
  that closed the case;
* open cases (OpenStats): by status and due date, with ``NO_DEADLINE`` for suspended cases (their
  clock does not run; the due date moves on resumption), so "overdue now" = open rows with ``due_date < today``.
  The ``is_overdue`` flag on the case (set by the daily mark_overdue job and by the workflow) is not
  used here: the counter follows the calendar by itself.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, Count, DateField, F, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from applications.constants import CLOSED_STATUSES, ApplicationStatus, PaymentState
from applications.models import Application, Payment, StatusChange

from .models import DailyStats, MonthlyStats, OpenStats

__all__ = [
    "CLOCK_IDLE_STATUSES",
    "COMPLETED_STATUSES",
    "NO_DEADLINE",
    "rebuild_stats",
    "record_payment",
    "record_registration",
    "record_status_change",
    "stats_snapshot",
]

#: The due date an open case counts under while its clock does not run: never overdue.
NO_DEADLINE = dt.date(9999, 12, 31)
# The same rule as the list's overdue preset (applications/selectors/lists.py: open, clock running).
CLOCK_IDLE_STATUSES = frozenset({ApplicationStatus.SUSPENDED})
#: Reaching one of these is the case's result (the moment on-time and processing days are measured).
COMPLETED_STATUSES = frozenset({ApplicationStatus.RESULT_READY, ApplicationStatus.REFUSED})
#: Final status -> the measure counting the closings.
CLOSING_MEASURES = {
    ApplicationStatus.ISSUED: "issued",
    ApplicationStatus.REFUSED: "refused",
    ApplicationStatus.LEFT_WITHOUT_CONSIDERATION: "left_without_consideration",
    ApplicationStatus.WITHDRAWN: "withdrawn",
    ApplicationStatus.UNCLAIMED: "unclaimed",
}
MEASURES = (
    "registered",
    "fees",
    "completed",
    "completed_on_time",
    "processing_days_sum",
    "legal_term_days_sum",
    *CLOSING_MEASURES.values(),
)
DIMENSIONS = ("office_id", "service_id", "provider_id", "registered_by_id")
_CLOSED = frozenset(str(s) for s in CLOSED_STATUSES)
_NOT_COUNTED = _CLOSED | {ApplicationStatus.DRAFT}


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment, timezone.get_default_timezone())


def _dims(app) -> dict:
    return {name: getattr(app, name) for name in DIMENSIONS}


def _open_due(status: str, app) -> dt.date:
    return NO_DEADLINE if status in CLOCK_IDLE_STATUSES else app.due_date


def _upsert(model, key: dict, deltas: dict) -> None:
    """Add ``deltas`` to the row of ``model`` with ``key`` (created with the deltas if missing)."""
    meta = model._meta
    measures = [f.name for f in meta.concrete_fields if f.name not in ("id", *key) and f.attname not in key]
    columns = [meta.get_field(name).column for name in key] + [meta.get_field(name).column for name in measures]
    values = list(key.values()) + [deltas.get(name, 0) for name in measures]
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    key_columns = ", ".join(qn(meta.get_field(name).column) for name in key)
    updates = ", ".join(
        f"{qn(meta.get_field(name).column)} = {table}.{qn(meta.get_field(name).column)} + excluded."
        f"{qn(meta.get_field(name).column)}"
        for name in deltas
    )
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(values))}) "
        f"ON CONFLICT ({key_columns}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def _add_flow(app, day: dt.date, deltas: dict) -> None:
    dims = _dims(app)
    _upsert(DailyStats, {"date": day, **dims}, deltas)
    _upsert(MonthlyStats, {"month": day.replace(day=1), **dims}, deltas)


def _add_open(changes: list[tuple[str, dt.date, int]], app) -> None:
    dims = _dims(app)
    for status, due_date, delta in sorted(changes):
        _upsert(OpenStats, {**dims, "status": str(status), "due_date": due_date}, {"count": delta})


def record_registration(application) -> None:
    """Count a newly registered case. Call in the registering transaction, after the case is saved."""
    app = application
    if app.status == ApplicationStatus.DRAFT:
        return
    _add_flow(app, _local_date(app.registered_at), {"registered": 1})
    if app.fee_paid:  # paid at the counter: on the day each payment was made
        for payment in app.payments.filter(state=PaymentState.PAID).order_by("paid_on", "slot"):
            _add_flow(app, payment.paid_on, {"fees": payment.paid_amount})
    if app.status not in _CLOSED:
        _add_open([(app.status, _open_due(app.status, app), 1)], app)


def record_payment(application, amount: Decimal, day: dt.date) -> None:
    """A payment recorded on a case (``amount`` < 0 for a refund), counted on the day it was made."""
    if application.status != ApplicationStatus.DRAFT and amount:
        _add_flow(application, day, {"fees": amount})


def record_status_change(application, from_status: str, to_status: str, changed_at: dt.datetime) -> None:
    """Count one move of a case (``application`` as saved after the move). Call in the same transaction.

    The registration itself (``from_status`` empty) is counted by :func:`record_registration`; a draft
    that becomes registered is counted as a registration here."""
    app = application
    from_status, to_status = str(from_status or ""), str(to_status)
    if not from_status or from_status == to_status:
        return
    if from_status == ApplicationStatus.DRAFT:
        record_registration(app)
        return

    changes = []
    if from_status not in _CLOSED:
        changes.append((from_status, _open_due(from_status, app), -1))
    if to_status not in _NOT_COUNTED:
        changes.append((to_status, _open_due(to_status, app), 1))
    if changes:
        _add_open(changes, app)

    day = _local_date(changed_at)
    deltas: dict = {}
    if to_status in COMPLETED_STATUSES and from_status not in COMPLETED_STATUSES:
        registered_on = _local_date(app.registered_at)
        deltas.update(
            completed=1,
            completed_on_time=int(day <= app.due_date),
            processing_days_sum=(day - registered_on).days,
            legal_term_days_sum=(app.due_date - registered_on).days,
        )
    if to_status in _CLOSED and from_status not in _CLOSED:
        deltas[CLOSING_MEASURES[to_status]] = 1
    if deltas:
        _add_flow(app, day, deltas)


# Rebuild -------------------------------------------------------------------------------------------


def _empty() -> dict:
    return dict.fromkeys(MEASURES, 0)


def compute_stats() -> tuple[dict, dict, dict]:
    """(daily, monthly, open) recomputed from the raw rows, as {key tuple: {measure: value}}."""
    tz = timezone.get_default_timezone()
    daily: dict = defaultdict(_empty)

    registrations = (
        Application.objects.exclude(status=ApplicationStatus.DRAFT)
        .annotate(day=TruncDate("registered_at", tzinfo=tz))
        .values("day", *DIMENSIONS)
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in registrations.iterator(chunk_size=5000):
        daily[(row["day"], *(row[d] for d in DIMENSIONS))]["registered"] += row["n"]

    app_dims = [f"application__{d}" for d in DIMENSIONS]
    payments = Payment.objects.exclude(application__status=ApplicationStatus.DRAFT)
    paid = (
        payments.filter(state__in=[PaymentState.PAID, PaymentState.REFUNDED])
        .values("paid_on", *app_dims)
        .annotate(total=Sum("paid_amount"))
        .order_by()
    )
    for row in paid:
        daily[(row["paid_on"], *(row[d] for d in app_dims))]["fees"] += row["total"] or Decimal(0)
    refunded = (
        payments.filter(state=PaymentState.REFUNDED)
        .values("refunded_on", *app_dims)
        .annotate(total=Sum("paid_amount"))
        .order_by()
    )
    for row in refunded:
        daily[(row["refunded_on"], *(row[d] for d in app_dims))]["fees"] -= row["total"] or Decimal(0)
    moves = StatusChange.objects.exclude(from_status="").exclude(from_status=ApplicationStatus.DRAFT)
    completions = (
        moves.filter(to_status__in=COMPLETED_STATUSES)
        .exclude(from_status__in=COMPLETED_STATUSES)
        .annotate(
            day=TruncDate("changed_at", tzinfo=tz),
            registered_on=TruncDate("application__registered_at", tzinfo=tz),
        )
        .values("day", "registered_on", "application__due_date", *app_dims)
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in completions.iterator(chunk_size=5000):
        day, registered_on, due, n = row["day"], row["registered_on"], row["application__due_date"], row["n"]
        measures = daily[(day, *(row[d] for d in app_dims))]
        measures["completed"] += n
        measures["completed_on_time"] += n if day <= due else 0
        measures["processing_days_sum"] += n * (day - registered_on).days
        measures["legal_term_days_sum"] += n * (due - registered_on).days

    closings = (
        moves.filter(to_status__in=_CLOSED)
        .exclude(from_status__in=_CLOSED)
        .annotate(day=TruncDate("changed_at", tzinfo=tz))
        .values("day", "to_status", *app_dims)
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in closings.iterator(chunk_size=5000):
        daily[(row["day"], *(row[d] for d in app_dims))][CLOSING_MEASURES[row["to_status"]]] += row["n"]

    monthly: dict = defaultdict(_empty)
    for (day, *dims), measures in daily.items():
        target = monthly[(day.replace(day=1), *dims)]
        for name, value in measures.items():
            target[name] += value

    open_cases = (
        Application.objects.exclude(status__in=_NOT_COUNTED)
        .annotate(
            key_due=Case(
                When(status__in=CLOCK_IDLE_STATUSES, then=Value(NO_DEADLINE)),
                default=F("due_date"),
                output_field=DateField(),
            )
        )
        .values(*DIMENSIONS, "status", "key_due")
        .annotate(n=Count("id"))
        .order_by()
    )
    open_rows = {(*(row[d] for d in DIMENSIONS), row["status"], row["key_due"]): row["n"] for row in open_cases}
    return dict(daily), dict(monthly), open_rows


def _dims_kwargs(values) -> dict:
    return dict(zip(DIMENSIONS, values, strict=True))


@transaction.atomic
def rebuild_stats() -> dict[str, int]:
    """Recompute every summary table from the raw rows; returns how many rows each table got."""
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (DailyStats, MonthlyStats, OpenStats))
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
    daily, monthly, open_rows = compute_stats()
    for model in (DailyStats, MonthlyStats, OpenStats):
        model.objects.all().delete()
    DailyStats.objects.bulk_create(
        (DailyStats(date=key[0], **_dims_kwargs(key[1:]), **measures) for key, measures in daily.items()),
        batch_size=5000,
    )
    MonthlyStats.objects.bulk_create(
        (MonthlyStats(month=key[0], **_dims_kwargs(key[1:]), **measures) for key, measures in monthly.items()),
        batch_size=5000,
    )
    OpenStats.objects.bulk_create(
        (
            OpenStats(**_dims_kwargs(key[:4]), status=key[4], due_date=key[5], count=n)
            for key, n in open_rows.items()
            if n
        ),
        batch_size=5000,
    )
    return {"daily": len(daily), "monthly": len(monthly), "open": sum(1 for n in open_rows.values() if n)}


def stats_snapshot() -> tuple[dict, dict, dict]:
    """The summary tables' contents in the shape of :func:`compute_stats` (rows of zeros left out)."""

    def flows(model, period_field):
        result = {}
        for row in model.objects.values(period_field, *DIMENSIONS, *MEASURES):
            measures = {name: row[name] for name in MEASURES}
            if any(measures.values()):
                result[(row[period_field], *(row[d] for d in DIMENSIONS))] = measures
        return result

    open_rows = {
        (*(row[d] for d in DIMENSIONS), row["status"], row["due_date"]): row["count"]
        for row in OpenStats.objects.values(*DIMENSIONS, "status", "due_date", "count")
        if row["count"]
    }
    return flows(DailyStats, "date"), flows(MonthlyStats, "month"), open_rows


def normalized(stats: tuple[dict, dict, dict]) -> tuple[dict, dict, dict]:
    """``stats`` without all-zero rows, fees as Decimal: two snapshots compare with ``==``."""
    daily, monthly, open_rows = stats

    def clean(rows):
        return {
            key: {**m, "fees": Decimal(m["fees"]).quantize(Decimal("0.01"))}
            for key, m in rows.items()
            if any(m.values())
        }

    return clean(daily), clean(monthly), {key: n for key, n in open_rows.items() if n}
