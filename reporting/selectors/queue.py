"""The queue dashboard of the head of the CNAP and the community head, and the list of tickets behind
each figure.

Counts (tickets per hour and group, served, no-shows, booked and walk-in, the share called within the
group's target wait, average times) come from the summary table QueueStats (reporting/queue_stats.py):
one query over ``(office_id, date)``, whatever the period. Medians and 90th percentiles cannot be summed
from summary rows: they are read from the tickets of the period, by PostgreSQL's ``percentile_cont``
(three queries: by group, by window, overall; an index range scan on ``(office_id, date, status)``), and,
on SQLite (``make run``), computed in Python with the same linear interpolation over one
``values_list`` (about 2,000 tickets a day per office: a month is some 40,000 short tuples).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Aggregate, DurationField, ExpressionWrapper, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from cnap.accounts.models import Office
from equeue.constants import AT_WINDOW_STATUSES, TicketStatus
from equeue.models import ServiceGroup, Ticket, Window

from ..models import QueueStats
from ..queue_stats import QUEUE_MEASURES
from .dashboard import chart_label_lines

__all__ = [
    "OUTCOMES",
    "QueueDashboard",
    "TicketFilters",
    "filter_tickets",
    "percentile",
    "queue_dashboard",
    "ticket_list_url",
]

#: The lists behind the figures: ``outcome`` of the ticket list.
OUTCOMES = ("issued", "called", "served", "no_show", "redirected", "waiting", "at_window")
KINDS = ("booked", "walk_in", "priority")
TARGETS = ("within", "over")


def percentile(values: Iterable[float], fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont``: the value at ``fraction`` of the sorted values, linearly
    interpolated between the two nearest (None for no values)."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class PercentileCont(Aggregate):
    """``percentile_cont(fraction) WITHIN GROUP (ORDER BY <seconds of a duration>)`` (PostgreSQL)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s))"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


WAITED = ExpressionWrapper(F("called_at") - F("issued_at"), output_field=DurationField())
SERVED_FOR = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())


def ticket_list_url(**params) -> str:
    query = {key: value for key, value in params.items() if value not in (None, "", [])}
    url = reverse("reporting:queue_tickets")
    return f"{url}?{urlencode(query)}" if query else url


@dataclass
class Times:
    """Medians and 90th percentiles, in seconds (None when nothing was measured)."""

    wait_median: float | None = None
    wait_p90: float | None = None
    service_median: float | None = None
    service_p90: float | None = None


@dataclass
class QueueFigures:
    issued: int = 0
    booked: int = 0
    priority: int = 0
    called: int = 0
    called_within_target: int = 0
    served: int = 0
    no_show: int = 0
    redirected: int = 0
    wait_seconds_sum: int = 0
    service_seconds_sum: int = 0
    times: Times = field(default_factory=Times)

    def add(self, row: dict) -> None:
        for name in QUEUE_MEASURES:
            setattr(self, name, getattr(self, name) + (row.get(name) or 0))

    @property
    def walk_in(self) -> int:
        return self.issued - self.booked

    @property
    def within_target_percent(self) -> float | None:
        return round(100 * self.called_within_target / self.called, 1) if self.called else None

    @property
    def no_show_percent(self) -> float | None:
        return round(100 * self.no_show / self.called, 1) if self.called else None

    @property
    def average_wait(self) -> float | None:
        return self.wait_seconds_sum / self.called if self.called else None

    @property
    def average_service(self) -> float | None:
        return self.service_seconds_sum / self.served if self.served else None


@dataclass
class QueueRow:
    key: int
    name: str
    figures: QueueFigures
    filters: dict  # the ticket list's filter for this row (period and office included)
    target_minutes: int | None = None

    def link(self, outcome: str = "", **more) -> str:
        return ticket_list_url(**self.filters, outcome=outcome, **more)

    @property
    def link_issued(self) -> str:
        return self.link("issued")

    @property
    def link_served(self) -> str:
        return self.link("served")

    @property
    def link_no_show(self) -> str:
        return self.link("no_show")

    @property
    def link_booked(self) -> str:
        return self.link("issued", kind="booked")

    @property
    def link_walk_in(self) -> str:
        return self.link("issued", kind="walk_in")

    @property
    def link_waits(self) -> str:
        return self.link("called", sort="wait")

    @property
    def link_service(self) -> str:
        return self.link("served", sort="service")

    @property
    def link_over_target(self) -> str:
        return self.link("called", target="over", sort="wait")


@dataclass
class QueueDashboard:
    offices: list[Office]
    office: Office | None
    date_from: dt.date
    date_to: dt.date
    today: dt.date
    total: QueueFigures = field(default_factory=QueueFigures)
    by_group: list[QueueRow] = field(default_factory=list)
    by_window: list[QueueRow] = field(default_factory=list)
    hours: list[int] = field(default_factory=list)
    #: group id -> issued per hour of ``hours``
    per_hour: dict[int, list[int]] = field(default_factory=dict)
    waiting_now: int | None = None
    at_windows_now: int | None = None

    @property
    def filters(self) -> dict:
        return {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "office": self.office.pk if self.office else None,
        }

    @property
    def total_row(self) -> QueueRow:
        return QueueRow(key=0, name="", figures=self.total, filters=self.filters)

    @property
    def link_waiting_now(self) -> str:
        return ticket_list_url(
            date_from=self.today, date_to=self.today, office=self.filters["office"], outcome="waiting"
        )

    @property
    def link_at_windows_now(self) -> str:
        return ticket_list_url(
            date_from=self.today, date_to=self.today, office=self.filters["office"], outcome="at_window"
        )

    def hour_rows(self) -> list[dict]:
        """The hour table: per hour, the tickets issued in each group (and the list behind each)."""
        rows = []
        for index, hour in enumerate(self.hours):
            cells = [(self.per_hour[row.key][index], row.link("issued", hour=hour)) for row in self.by_group]
            rows.append({"hour": hour, "cells": cells, "total": sum(count for count, _ in cells)})
        return rows

    def chart_data(self) -> dict:
        """What static/js/queue_dashboard.js draws (embedded with json_script)."""
        return {
            "hours": [f"{hour:02d}:00" for hour in self.hours],
            "groups": [
                {"label": row.name, "issued": self.per_hour.get(row.key, [0] * len(self.hours))}
                for row in self.by_group
            ],
            "waits": {
                "labels": [row.name for row in self.by_group],
                "label_lines": [chart_label_lines(row.name) for row in self.by_group],
                "median": [_minutes(row.figures.times.wait_median) for row in self.by_group],
                "p90": [_minutes(row.figures.times.wait_p90) for row in self.by_group],
                "target": [row.target_minutes for row in self.by_group],
            },
        }


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def period_tickets(office_ids: list[int], date_from: dt.date, date_to: dt.date) -> QuerySet[Ticket]:
    return Ticket.objects.filter(office_id__in=office_ids, date__gte=date_from, date__lte=date_to)


def ticket_times(tickets: QuerySet[Ticket], *, in_database: bool | None = None) -> dict[tuple[str, int | None], Times]:
    """Medians and 90th percentiles of the waiting and service times of ``tickets``, by group
    (``("group", id)``), by window (``("window", id)``) and overall (``("total", None)``): by
    ``percentile_cont`` in the database on PostgreSQL (``in_database`` defaults to that), else in Python."""
    waited = Q(called_at__isnull=False)
    served = Q(status=TicketStatus.DONE, started_at__isnull=False, finished_at__isnull=False)
    result: dict[tuple[str, int | None], Times] = defaultdict(Times)
    if in_database is None:
        in_database = connection.vendor == "postgresql"
    if in_database:
        aggregates = {
            "wait_median": PercentileCont(WAITED, 0.5, filter=waited),
            "wait_p90": PercentileCont(WAITED, 0.9, filter=waited),
            "service_median": PercentileCont(SERVED_FOR, 0.5, filter=served),
            "service_p90": PercentileCont(SERVED_FOR, 0.9, filter=served),
        }
        base = tickets.filter(waited | served).order_by()
        for dim in ("group", "window"):
            for row in base.values(f"{dim}_id").annotate(**aggregates):
                result[(dim, row[f"{dim}_id"])] = Times(**{name: row[name] for name in aggregates})
        result[("total", None)] = Times(**base.aggregate(**aggregates))
        return dict(result)
    waits: dict[tuple, list[float]] = defaultdict(list)
    services: dict[tuple, list[float]] = defaultdict(list)
    rows = tickets.filter(waited).values_list(
        "group_id", "window_id", "status", "issued_at", "called_at", "started_at", "finished_at"
    )
    for group_id, window_id, status, issued_at, called_at, started_at, finished_at in rows.iterator(chunk_size=5000):
        keys = (("group", group_id), ("window", window_id), ("total", None))
        waited_seconds = (called_at - issued_at).total_seconds() if called_at else 0.0
        for key in keys:
            waits[key].append(waited_seconds)
        if status == TicketStatus.DONE and started_at and finished_at:
            for key in keys:
                services[key].append((finished_at - started_at).total_seconds())
    for key in set(waits) | set(services):
        result[key] = Times(
            wait_median=percentile(waits[key], 0.5),
            wait_p90=percentile(waits[key], 0.9),
            service_median=percentile(services[key], 0.5),
            service_p90=percentile(services[key], 0.9),
        )
    return dict(result)


def queue_dashboard(
    *,
    offices: list[Office],
    date_from: dt.date,
    date_to: dt.date,
    office: Office | None = None,
    today: dt.date | None = None,
) -> QueueDashboard:
    """Every figure of the queue dashboard for ``offices`` (or the one ``office`` among them)."""
    today = today or timezone.localdate()
    board = QueueDashboard(offices=offices, office=office, date_from=date_from, date_to=date_to, today=today)
    office_ids = [office.pk] if office else [o.pk for o in offices]
    sums = {name: Sum(name) for name in QUEUE_MEASURES}
    rows = list(
        QueueStats.objects.filter(office_id__in=office_ids, date__gte=date_from, date__lte=date_to)
        .values("group_id", "window_id", "hour")
        .annotate(**sums)
        .order_by()
    )
    by_group: dict[int, QueueFigures] = defaultdict(QueueFigures)
    by_window: dict[int, QueueFigures] = defaultdict(QueueFigures)
    issued_by_hour: dict[tuple[int, int], int] = defaultdict(int)
    for row in rows:
        board.total.add(row)
        by_group[row["group_id"]].add(row)
        if row["window_id"] is not None:
            by_window[row["window_id"]].add(row)
        issued_by_hour[(row["group_id"], row["hour"])] += row["issued"] or 0

    times = ticket_times(period_tickets(office_ids, date_from, date_to))
    board.total.times = times.get(("total", None), Times())
    many = len(office_ids) > 1
    groups = {g.pk: g for g in ServiceGroup.objects.filter(pk__in=list(by_group)).select_related("office")}
    windows = {w.pk: w for w in Window.objects.filter(pk__in=list(by_window)).select_related("office")}

    def label(obj) -> str:
        return f"{obj.office} · {obj}" if many else str(obj)

    for pk, figures in by_group.items():
        figures.times = times.get(("group", pk), Times())
        group = groups.get(pk)
        board.by_group.append(
            QueueRow(
                key=pk,
                name=label(group) if group else str(pk),
                figures=figures,
                filters={**board.filters, "group": pk},
                target_minutes=group.target_wait_minutes if group else None,
            )
        )
    board.by_group.sort(key=lambda r: (groups[r.key].office_id, groups[r.key].position, groups[r.key].letter))
    for pk, figures in by_window.items():
        figures.times = times.get(("window", pk), Times())
        window = windows.get(pk)
        board.by_window.append(
            QueueRow(
                key=pk,
                name=label(window) if window else str(pk),
                figures=figures,
                filters={**board.filters, "window": pk},
            )
        )
    board.by_window.sort(key=lambda r: (windows[r.key].office_id, windows[r.key].number))

    hours = sorted({hour for (_group, hour), n in issued_by_hour.items() if n})
    board.hours = list(range(hours[0], hours[-1] + 1)) if hours else []
    board.per_hour = {
        row.key: [issued_by_hour.get((row.key, hour), 0) for hour in board.hours] for row in board.by_group
    }

    if date_from <= today <= date_to:
        live = Ticket.objects.filter(office_id__in=office_ids, date=today)
        board.waiting_now = live.filter(status=TicketStatus.WAITING).count()
        board.at_windows_now = live.filter(status__in=AT_WINDOW_STATUSES).count()
    return board


# The list of tickets behind a figure --------------------------------------------------------------


@dataclass(frozen=True)
class TicketFilters:
    date_from: dt.date
    date_to: dt.date
    office: Office | None = None
    group: int | None = None
    window: int | None = None
    hour: int | None = None
    outcome: str = ""
    kind: str = ""
    target: str = ""
    sort: str = ""


def _target_condition(tickets: QuerySet[Ticket], within: bool) -> Q:
    """Called within (or over) their group's target wait: one condition per group of the tickets."""
    condition = Q(pk__in=[])
    targets = ServiceGroup.objects.filter(pk__in=tickets.values("group_id")).values_list("pk", "target_wait_minutes")
    for group_id, minutes in targets:
        limit = F("issued_at") + dt.timedelta(minutes=minutes)
        condition |= Q(group_id=group_id) & (Q(called_at__lte=limit) if within else Q(called_at__gt=limit))
    return Q(called_at__isnull=False) & condition


def filter_tickets(offices: list[Office], filters: TicketFilters) -> QuerySet[Ticket]:
    """The tickets behind a figure of the dashboard, among the ``offices`` the user may see (the same
    rules as the summary: issued, booked, walk-in and priority are first issues)."""
    office_ids = [filters.office.pk] if filters.office else [o.pk for o in offices]
    tickets = period_tickets(office_ids, filters.date_from, filters.date_to)
    if filters.group:
        tickets = tickets.filter(group_id=filters.group)
    if filters.window:
        tickets = tickets.filter(window_id=filters.window)
    if filters.hour is not None:
        local_hour = ExtractHour("issued_at", tzinfo=timezone.get_default_timezone())
        tickets = tickets.annotate(local_hour=local_hour).filter(local_hour=filters.hour)
    outcome = filters.outcome
    if outcome == "issued" or filters.kind:
        tickets = tickets.filter(redirected_from__isnull=True)
    if outcome == "called":
        tickets = tickets.filter(called_at__isnull=False)
    elif outcome == "served":
        tickets = tickets.filter(status=TicketStatus.DONE)
    elif outcome == "no_show":
        tickets = tickets.filter(status=TicketStatus.NO_SHOW)
    elif outcome == "redirected":
        tickets = tickets.filter(status=TicketStatus.REDIRECTED)
    elif outcome == "waiting":
        tickets = tickets.filter(status=TicketStatus.WAITING)
    elif outcome == "at_window":
        tickets = tickets.filter(status__in=AT_WINDOW_STATUSES)
    if filters.kind == "booked":
        tickets = tickets.filter(booking__isnull=False)
    elif filters.kind == "walk_in":
        tickets = tickets.filter(booking__isnull=True)
    elif filters.kind == "priority":
        tickets = tickets.filter(priority__isnull=False)
    if filters.target in TARGETS:
        tickets = tickets.filter(_target_condition(tickets, within=filters.target == "within"))
    tickets = tickets.select_related("office", "group", "window", "priority", "served_by").prefetch_related(
        "cases__application"
    )
    if filters.sort == "wait":
        return tickets.annotate(wait_for=WAITED).order_by(F("wait_for").desc(nulls_last=True), "pk")
    if filters.sort == "service":
        return tickets.annotate(served_for=SERVED_FOR).order_by(F("served_for").desc(nulls_last=True), "pk")
    return tickets.order_by("-date", "issued_at", "pk")
