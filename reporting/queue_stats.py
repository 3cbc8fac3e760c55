"""The queue's summary table (QueueStats): kept current ticket by ticket, rebuilt from the tickets.

A row is one (office, service group, window, date, hour of issue); its measures are recomputed from the
tickets of that bucket (a few dozen at most), never incremented, so a refresh is idempotent and cannot
drift. ``reporting/receivers.py`` refreshes a ticket's buckets in the transaction of the queue action
that saved it, when the ticket is issued and when it ends (served, no-show, sent on, cancelled): the
ticket's own bucket (its window) and the same hour's bucket without a window (where it counted while it
waited). Refreshes of one group take the group's row lock (``FOR NO KEY UPDATE``: issuing a ticket, which
only references the group, is not held up), so two windows finishing at once each see the other's
ticket. :func:`rebuild_queue_stats` (with ``rebuild_stats``, nightly) recomputes the whole table.

Rules (one place, :func:`measure`):

* a ticket counts on its ``date`` in the local hour it was issued; a ticket sent on to another group is
  a new row issued at the moment it was sent (its wait there runs from then);
* issued, booked, priority: first issues only (``redirected_from`` empty): one per visitor;
* waiting time: ``called_at - issued_at`` of every called ticket; within the target when it is at most
  the group's ``target_wait_minutes``; the share is over the called tickets (a no-show was called too);
* service time: ``finished_at - started_at`` of the tickets served (status done).

Medians and 90th percentiles cannot be summed from rows: reporting/selectors/queue.py reads them from
the tickets of the period (``percentile_cont`` on PostgreSQL, the same interpolation in Python elsewhere).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from equeue.constants import TicketStatus
from equeue.models import ServiceGroup, Ticket

from .models import QueueStats

__all__ = ["FINAL_STATUSES", "QUEUE_MEASURES", "measure", "rebuild_queue_stats", "refresh_ticket_buckets"]

#: A ticket in one of these is over: its figures will not change.
FINAL_STATUSES = frozenset({TicketStatus.DONE, TicketStatus.NO_SHOW, TicketStatus.REDIRECTED, TicketStatus.CANCELLED})
QUEUE_MEASURES = (
    "issued",
    "booked",
    "priority",
    "called",
    "called_within_target",
    "served",
    "no_show",
    "redirected",
    "wait_seconds_sum",
    "service_seconds_sum",
)
_FIELDS = (
    "office_id",
    "group_id",
    "window_id",
    "date",
    "status",
    "redirected_from_id",
    "booking_id",
    "priority_id",
    "issued_at",
    "called_at",
    "started_at",
    "finished_at",
    "group__target_wait_minutes",
)


def _hour(moment: dt.datetime) -> int:
    return timezone.localtime(moment, timezone.get_default_timezone()).hour


def measure(rows: Iterable[dict]) -> dict[tuple, dict[str, int]]:
    """{(office_id, group_id, window_id, date, hour): measures} of ticket rows (dicts of ``_FIELDS``)."""
    buckets: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(QUEUE_MEASURES, 0))
    for row in rows:
        m = buckets[(row["office_id"], row["group_id"], row["window_id"], row["date"], _hour(row["issued_at"]))]
        if row["redirected_from_id"] is None:
            m["issued"] += 1
            m["booked"] += row["booking_id"] is not None
            m["priority"] += row["priority_id"] is not None
        if row["called_at"] is not None:
            waited = max(0, round((row["called_at"] - row["issued_at"]).total_seconds()))
            m["called"] += 1
            m["wait_seconds_sum"] += waited
            m["called_within_target"] += waited <= row["group__target_wait_minutes"] * 60
        status = row["status"]
        if status == TicketStatus.DONE:
            m["served"] += 1
            if row["started_at"] and row["finished_at"]:
                m["service_seconds_sum"] += max(0, round((row["finished_at"] - row["started_at"]).total_seconds()))
        elif status == TicketStatus.NO_SHOW:
            m["no_show"] += 1
        elif status == TicketStatus.REDIRECTED:
            m["redirected"] += 1
    return dict(buckets)


def _hour_bounds(day: dt.date, hour: int) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)), timezone.get_default_timezone())
    return start, start + dt.timedelta(hours=1)


def refresh_ticket_buckets(ticket: Ticket) -> None:
    """Recompute the summary rows ``ticket`` counts in: its window's and the windowless one of its hour.
    Call inside the transaction that saved the ticket."""
    ServiceGroup.objects.select_for_update(no_key=True).filter(pk=ticket.group_id).values_list("pk").first()
    hour = _hour(ticket.issued_at)
    start, end = _hour_bounds(ticket.date, hour)
    windows = {ticket.window_id, None}
    rows = Ticket.objects.filter(group_id=ticket.group_id, date=ticket.date, issued_at__gte=start, issued_at__lt=end)
    computed = measure(row for row in rows.values(*_FIELDS) if row["window_id"] in windows)
    stale = QueueStats.objects.filter(group_id=ticket.group_id, date=ticket.date, hour=hour)
    for window_id in windows:
        (stale.filter(window__isnull=True) if window_id is None else stale.filter(window_id=window_id)).delete()
    QueueStats.objects.bulk_create(
        QueueStats(office_id=k[0], group_id=k[1], window_id=k[2], date=k[3], hour=k[4], **m)
        for k, m in computed.items()
        if k[2] in windows
    )


def compute_queue_stats(date_from: dt.date | None = None) -> dict[tuple, dict[str, int]]:
    """Every summary row recomputed from the tickets (on or after ``date_from``)."""
    tickets = Ticket.objects.order_by()
    if date_from is not None:
        tickets = tickets.filter(date__gte=date_from)
    return measure(tickets.values(*_FIELDS).iterator(chunk_size=5000))


@transaction.atomic
def rebuild_queue_stats() -> int:
    """Recompute the queue's summary table from the tickets; returns how many rows it got. Running it
    twice gives the same table."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(QueueStats._meta.db_table)} IN EXCLUSIVE MODE")
    computed = compute_queue_stats()
    QueueStats.objects.all().delete()
    QueueStats.objects.bulk_create(
        (
            QueueStats(office_id=k[0], group_id=k[1], window_id=k[2], date=k[3], hour=k[4], **m)
            for k, m in computed.items()
        ),
        batch_size=5000,
    )
    return len(computed)


def queue_stats_snapshot() -> dict[tuple, dict[str, int]]:
    """The table's contents in the shape of :func:`measure` (for the tests' comparison with a rebuild)."""
    return {
        (r["office_id"], r["group_id"], r["window_id"], r["date"], r["hour"]): {n: r[n] for n in QUEUE_MEASURES}
        for r in QueueStats.objects.values("office_id", "group_id", "window_id", "date", "hour", *QUEUE_MEASURES)
    }
