"""The dashboards of the community head and the head of the CNAP, read from the summary
tables only (reporting/stats.py): never from the applications table.

Queries per dashboard, whatever the data size or the period (the view adds the session and the user):
offices in scope (1), registered today/week/month (1, DailyStats) and year (1, MonthlyStats), the period
by office × service × provider × administrator (2: DailyStats for the partial months at the edges,
MonthlyStats for the whole months between), the trend (2, the same split), the open cases (1, OpenStats),
names of services, providers and administrators (3).

Expected plans (PostgreSQL, for `make bench`, 1 M applications, 5 years, 10 offices): each stats query is
an index range scan on ``(office_id, date)`` / ``(office_id, month)`` (daily_stats_office_date,
monthly_stats_office_month) feeding a HashAggregate; a 5-year period reads ~60 months of MonthlyStats
(a few thousand rows a month) plus at most 2 × 30 days of DailyStats; OpenStats holds one row per
(office, service, provider, administrator, status, due date) of the open cases only. No sequential scan
of applications_application. :func:`bench_dashboard` is what the bench calls.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.db.models.functions import TruncWeek
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils import timezone
from django.utils.http import urlencode

from applications.access import viewer_of
from applications.constants import CLOSED_STATUSES, ApplicationStatus
from applications.models import Application
from applications.selectors.lookups import report_names
from cnap.accounts.models import Office
from cnap.security.scope import office_condition

from ..models import DailyStats, MonthlyStats, OpenStats
from ..stats import MEASURES

__all__ = [
    "Dashboard",
    "dashboard_data",
    "dashboard_offices",
    "list_url",
    "month_start",
    "split_period",
]

GRANULARITIES = ("day", "week", "month")
#: Longer periods are drawn by month whatever was asked (a daily trend of years is unreadable anyway).
MAX_DAILY_TREND_DAYS = 400
OPEN_STATUSES = [s for s in ApplicationStatus.values if s not in CLOSED_STATUSES and s != ApplicationStatus.DRAFT]


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def split_period(start: dt.date, end: dt.date) -> tuple[list[tuple[dt.date, dt.date]], tuple[dt.date, dt.date] | None]:
    """([start, end] as daily ranges at the edges, (first whole month, first month after) or None)."""
    first_whole = start if start.day == 1 else next_month(start)
    after_last_whole = month_start(end + dt.timedelta(days=1))
    if first_whole >= after_last_whole:
        return [(start, end)], None
    edges = []
    if start < first_whole:
        edges.append((start, first_whole - dt.timedelta(days=1)))
    if after_last_whole <= end:
        edges.append((after_last_whole, end))
    return edges, (first_whole, after_last_whole)


def dashboard_offices(user) -> list[Office]:
    """The offices whose figures the user may see, by the access scope (cnap/security/scope.py): a head of
    the CNAP their office, a community head the whole hromada, a superuser every office (their own
    hromada's when they have one). Figures carry no personal data; the lists behind them are scoped again."""
    reached = office_condition(viewer_of(user), office="pk", hromada="hromada_id")
    offices = Office.objects.filter(reached).select_related("hromada").order_by("kind", "name")
    if user.is_superuser and user.hromada_id:
        offices = offices.filter(hromada_id=user.hromada_id)
    return list(offices)


def list_url(preset: str = "", **params) -> str:
    """The application list behind a figure: ``applications:list_<preset>`` (or ``?preset=``) and filters."""
    query = {key: value for key, value in params.items() if value not in (None, "", [])}
    url, as_parameter = _list_path(preset, get_urlconf())
    if as_parameter:
        query = {"preset": preset, **query}
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


@functools.lru_cache(maxsize=64)
def _list_path(preset: str, _urlconf) -> tuple[str, bool]:
    """(the list's path, whether the preset goes as a parameter): reversed once per process and URL conf (a
    dashboard links ~300 figures)."""
    try:
        return (reverse(f"applications:list_{preset}") if preset else reverse("applications:list")), False
    except NoReverseMatch:
        try:
            url = reverse("applications:list")
        except NoReverseMatch:
            url = "/applications/"
        return url, bool(preset)


@dataclass
class Figures:
    """Measures summed over some rows, with the ratios the page shows."""

    registered: int = 0
    fees: Decimal = Decimal(0)
    completed: int = 0
    completed_on_time: int = 0
    processing_days_sum: int = 0
    legal_term_days_sum: int = 0
    issued: int = 0
    refused: int = 0
    left_without_consideration: int = 0
    withdrawn: int = 0
    unclaimed: int = 0
    open: int = 0
    overdue: int = 0

    def add(self, row: dict) -> None:
        for name in (*MEASURES, "open", "overdue"):
            if name in row and row[name]:
                setattr(self, name, getattr(self, name) + row[name])

    @property
    def completed_late(self) -> int:
        return self.completed - self.completed_on_time

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.completed_on_time / self.completed, 1) if self.completed else None

    @property
    def average_days(self) -> float | None:
        return round(self.processing_days_sum / self.completed, 1) if self.completed else None

    @property
    def average_term_days(self) -> float | None:
        return round(self.legal_term_days_sum / self.completed, 1) if self.completed else None


@dataclass
class Row:
    key: int
    name: str
    figures: Figures
    filters: dict  # the application list's filter for this row
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def links(self) -> dict[str, str]:
        """The row's four links to the lists behind its figures (what ``list_url`` gives for each), built with
        one encoding of the row's filters: a dashboard has ~80 rows."""
        filters = _query(self.filters)
        registered = _query({"registered_from": self.date_from, "registered_to": self.date_to}, dates=True)
        # Refusals count on the day the case was refused (closed), not the day it was registered.
        closed = _query({"closed_from": self.date_from, "closed_to": self.date_to}, dates=True)
        return {
            "registered": _joined("", filters, registered),
            "refused": _joined("", _query({"status": ApplicationStatus.REFUSED}), filters, closed),
            "open": _joined("", _query({"status": OPEN_STATUSES}), filters),
            "overdue": _joined("overdue", filters),
        }

    @property
    def link_registered(self) -> str:
        return self.links()["registered"]

    @property
    def link_refused(self) -> str:
        return self.links()["refused"]

    @property
    def link_open(self) -> str:
        return self.links()["open"]

    @property
    def link_overdue(self) -> str:
        return self.links()["overdue"]


def _query(params: dict, *, dates: bool = False) -> str:
    """``params`` without the empty ones, url-encoded as ``list_url`` encodes them (dates as ISO)."""
    kept = {
        key: (value.isoformat() if dates else value) for key, value in params.items() if value not in (None, "", [])
    }
    return urlencode(kept, doseq=True) if kept else ""


def _joined(preset: str, *parts: str) -> str:
    """``list_url(preset, **params)`` from already encoded parts of its query, in the order given."""
    url, as_parameter = _list_path(preset, get_urlconf())
    query = "&".join(part for part in ((_query({"preset": preset}) if as_parameter else ""), *parts) if part)
    return f"{url}?{query}" if query else url


@dataclass
class TrendPoint:
    start: dt.date
    label: str
    registered: int = 0
    completed: int = 0
    refused: int = 0
    fees: Decimal = Decimal(0)


@dataclass
class Dashboard:
    offices: list[Office]
    office: Office | None
    date_from: dt.date
    date_to: dt.date
    granularity: str
    today: dt.date
    registered_today: int = 0
    registered_week: int = 0
    registered_month: int = 0
    registered_year: int = 0
    total: Figures = field(default_factory=Figures)
    by_office: list[Row] = field(default_factory=list)
    by_service: list[Row] = field(default_factory=list)
    by_provider: list[Row] = field(default_factory=list)
    by_administrator: list[Row] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)

    # Links to the lists behind the headline figures.
    def _scope(self) -> dict:
        return {"office": self.office.pk if self.office else None}

    def link_registered(self, start: dt.date, end: dt.date | None = None) -> str:
        return list_url(
            registered_from=start.isoformat(), registered_to=(end or self.today).isoformat(), **self._scope()
        )

    @property
    def link_today(self) -> str:
        return self.link_registered(self.today)

    @property
    def link_week(self) -> str:
        return self.link_registered(self.today - dt.timedelta(days=self.today.weekday()))

    @property
    def link_month(self) -> str:
        return self.link_registered(month_start(self.today))

    @property
    def link_year(self) -> str:
        return self.link_registered(self.today.replace(month=1, day=1))

    @property
    def link_period(self) -> str:
        return self.link_registered(self.date_from, self.date_to)

    @property
    def link_open(self) -> str:
        return list_url(status=OPEN_STATUSES, **self._scope())

    @property
    def link_overdue(self) -> str:
        return list_url("overdue", **self._scope())

    def link_closed(self, status: str) -> str:
        """The cases closed with ``status`` in the period: what the closings (issued, refused) count
        (on the day of the move that closed the case, whenever the case was registered)."""
        return list_url(
            status=status,
            closed_from=self.date_from.isoformat(),
            closed_to=self.date_to.isoformat(),
            **self._scope(),
        )

    @property
    def link_refused(self) -> str:
        return self.link_closed(ApplicationStatus.REFUSED)

    @property
    def link_issued(self) -> str:
        return self.link_closed(ApplicationStatus.ISSUED)

    def chart_data(self) -> dict:
        """What static/js/dashboard.js draws (embedded with json_script)."""

        def top(rows, limit=10):
            return {
                "labels": [row.name for row in rows[:limit]],
                # The axis shows each name from its start, on up to three short lines (a long name was
                # cut at its start by the chart); the tooltip shows it whole.
                "label_lines": [chart_label_lines(row.name) for row in rows[:limit]],
                "registered": [row.figures.registered for row in rows[:limit]],
                "completed": [row.figures.completed for row in rows[:limit]],
                "overdue": [row.figures.overdue for row in rows[:limit]],
            }

        return {
            "trend": {
                "labels": [point.label for point in self.trend],
                "registered": [point.registered for point in self.trend],
                "completed": [point.completed for point in self.trend],
                "refused": [point.refused for point in self.trend],
            },
            "by_service": top(self.by_service),
            "by_office": top(self.by_office),
        }


#: A chart axis label's line length (characters) and lines.
CHART_LABEL_WIDTH = 32
CHART_LABEL_LINES = 3


def chart_label_lines(name: str) -> list[str]:
    """`name` wrapped for a chart axis: words on lines of at most CHART_LABEL_WIDTH characters, at most
    CHART_LABEL_LINES lines, the last ending with "…" when the name is longer."""
    import textwrap

    lines = textwrap.wrap(name or "", width=CHART_LABEL_WIDTH, break_long_words=True) or [""]
    if len(lines) > CHART_LABEL_LINES:
        lines = lines[:CHART_LABEL_LINES]
        lines[-1] = lines[-1][: CHART_LABEL_WIDTH - 1].rstrip() + "…"
    return lines


_SUMS = {name: Sum(name) for name in MEASURES}
_DIMS = ("office_id", "service_id", "provider_id", "registered_by_id")


def _edge_filter(edges: list[tuple[dt.date, dt.date]]) -> Q:
    condition = Q(pk__in=[])
    for start, end in edges:
        condition |= Q(date__gte=start, date__lte=end)
    return condition


def _rolled_up(parts, sums: list[str], names: tuple[str, ...], sum_params: list | None = None):
    """(dimension or None for the total, its value, {name: sum}) of the rows of the ``parts`` querysets (each
    selecting the dimensions and what ``sums`` adds up), grouped by each dimension of _DIMS and in total: one
    SQL statement, the grouping done by the database (PostgreSQL and SQLite alike)."""
    from django.core.exceptions import EmptyResultSet
    from django.db import connection

    inner, params = [], []
    for part in parts:
        try:
            sql, part_params = part.query.sql_with_params()
        except EmptyResultSet:  # e.g. a period of whole months: no edge days
            continue
        inner.append(sql)
        params += part_params
    if not inner:
        return
    selects = [f"SELECT '{dim}', {dim}, {', '.join(sums)} FROM rows GROUP BY {dim}" for dim in _DIMS]
    selects.append(f"SELECT '', NULL, {', '.join(sums)} FROM rows")
    per_select = list(sum_params or [])
    statement = f"WITH rows AS ({' UNION ALL '.join(inner)}) " + " UNION ALL ".join(selects)
    all_params = params + per_select * len(selects)
    with connection.cursor() as cursor:
        cursor.execute(statement, all_params)
        for dim, key, *values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            if row.get("fees") is not None and not isinstance(row["fees"], Decimal):
                row["fees"] = Decimal(str(row["fees"]))  # SQLite sums decimals as floats
            yield (dim or None), key, row


def _trend_key(day: dt.date, granularity: str) -> dt.date:
    if granularity == "month":
        return month_start(day)
    if granularity == "week":
        return day - dt.timedelta(days=day.weekday())
    return day


def _trend_label(start: dt.date, granularity: str) -> str:
    if granularity == "month":
        return start.strftime("%m.%Y")
    return start.strftime("%d.%m.%Y")


def dashboard_data(
    *,
    offices: list[Office],
    date_from: dt.date,
    date_to: dt.date,
    office: Office | None = None,
    granularity: str = "day",
    today: dt.date | None = None,
) -> Dashboard:
    """Every figure of the dashboard for ``offices`` (or the one ``office`` among them) and the period."""
    today = today or timezone.localdate()
    if (date_to - date_from).days > MAX_DAILY_TREND_DAYS:
        granularity = "month"
    board = Dashboard(
        offices=offices, office=office, date_from=date_from, date_to=date_to, granularity=granularity, today=today
    )
    office_ids = [office.pk] if office else [o.pk for o in offices]
    daily = DailyStats.objects.filter(office_id__in=office_ids)
    monthly = MonthlyStats.objects.filter(office_id__in=office_ids)

    # Registered today / this week / this month (days) and this year (whole months before this one).
    week_start = today - dt.timedelta(days=today.weekday())
    this_month = month_start(today)
    recent = daily.filter(date__gte=min(week_start, this_month), date__lte=today).aggregate(
        today=Sum("registered", filter=Q(date=today)),
        week=Sum("registered", filter=Q(date__gte=week_start)),
        month=Sum("registered", filter=Q(date__gte=this_month)),
    )
    earlier_months = monthly.filter(month__gte=today.replace(month=1, day=1), month__lt=this_month).aggregate(
        n=Sum("registered")
    )
    board.registered_today = recent["today"] or 0
    board.registered_week = recent["week"] or 0
    board.registered_month = recent["month"] or 0
    board.registered_year = board.registered_month + (earlier_months["n"] or 0)

    # The period and the open cases rolled up by each dimension and in total, summed by the database in one
    # query each (a CTE with one GROUP BY per dimension): edges from DailyStats, whole months from MonthlyStats.
    edges, months = split_period(date_from, date_to)
    parts = [daily.filter(_edge_filter(edges)).values(*_DIMS, *MEASURES).order_by()]
    if months:
        whole = monthly.filter(month__gte=months[0], month__lt=months[1])
        parts.append(whole.values(*_DIMS, *MEASURES).order_by())
    rollups: dict[str, dict[int, Figures]] = {d: defaultdict(Figures) for d in _DIMS}
    sums = [f"SUM({name}) AS {name}" for name in MEASURES]
    for dim, key, values in _rolled_up(parts, sums, MEASURES):
        (board.total if dim is None else rollups[dim][key]).add(values)
    open_part = OpenStats.objects.filter(office_id__in=office_ids).values(*_DIMS, "count", "due_date").order_by()
    open_sums = ["SUM(count) AS open", "SUM(CASE WHEN due_date < %s THEN count ELSE 0 END) AS overdue"]
    for dim, key, values in _rolled_up([open_part], open_sums, ("open", "overdue"), [today]):
        (board.total if dim is None else rollups[dim][key]).add(values)

    # Trend.
    points: dict[dt.date, TrendPoint] = {}

    def add_point(day: dt.date, row: dict) -> None:
        key = _trend_key(day, granularity)
        point = points.setdefault(key, TrendPoint(start=key, label=_trend_label(key, granularity)))
        point.registered += row["registered"] or 0
        point.completed += row["completed"] or 0
        point.refused += row["refused"] or 0
        point.fees += row["fees"] or 0

    trend_sums = {name: Sum(name) for name in ("registered", "completed", "refused", "fees")}
    if granularity == "month":
        for row in daily.filter(_edge_filter(edges)).values("date").annotate(**trend_sums).order_by():
            add_point(row["date"], row)
        month_rows = monthly.filter(month__gte=months[0], month__lt=months[1]) if months else monthly.none()
        for row in month_rows.values("month").annotate(**trend_sums).order_by():
            add_point(row["month"], row)
    else:
        in_period = daily.filter(date__gte=date_from, date__lte=date_to)
        period: Any = (
            in_period.annotate(period=TruncWeek("date")).values("period")
            if granularity == "week"
            else in_period.values("date")
        )
        for row in period.annotate(**trend_sums).order_by():
            day = row.get("period") or row["date"]
            add_point(day.date() if isinstance(day, dt.datetime) else day, row)
    # Every period of the range appears, empty ones too.
    key = _trend_key(date_from, granularity)
    while key <= date_to:
        points.setdefault(key, TrendPoint(start=key, label=_trend_label(key, granularity)))
        key = next_month(key) if granularity == "month" else key + dt.timedelta(days=7 if granularity == "week" else 1)
    board.trend = [points[key] for key in sorted(points)]

    names = report_names()  # per-worker lookups, dropped in every worker when a service, provider or user changes
    office_names = {o.pk: str(o) for o in offices}

    def rows_for(dim, filter_name, name_of):
        result = [
            Row(
                key=pk,
                name=name_of(pk),
                figures=figures,
                filters={filter_name: pk, **board._scope()},
                date_from=date_from,
                date_to=date_to,
            )
            for pk, figures in rollups[dim].items()
        ]
        return sorted(result, key=lambda row: (-row.figures.registered, -row.figures.open, row.name))

    def service_name(pk):
        return names.services.get(pk, str(pk))

    board.by_office = rows_for("office_id", "office", lambda pk: office_names.get(pk, str(pk)))
    for office_row in board.by_office:
        office_row.filters = {"office": office_row.key}
    board.by_service = rows_for("service_id", "service", service_name)
    board.by_provider = rows_for(
        "provider_id",
        "provider",
        lambda pk: names.providers.get(pk, str(pk)),
    )
    board.by_administrator = rows_for("registered_by_id", "registered_by", lambda pk: names.staff.get(pk, str(pk)))
    return board


# Deadline control ------------------------------------------------------------------------------------


@dataclass
class OverdueCase:
    application: object
    working_days_overdue: int


@dataclass
class PersonGroup:
    person: object  # a User, or None when nobody is assigned
    cases: list[OverdueCase]


@dataclass
class OfficeGroup:
    office: Office
    people: list[PersonGroup]

    @property
    def count(self) -> int:
        return sum(len(group.cases) for group in self.people)

    @property
    def link(self) -> str:
        return list_url("overdue", office=self.office.pk)


def overdue_applications(office_ids, today: dt.date | None = None):
    """Open cases past their due date whose clock runs: the partial index ``app_open_due`` answers it
    (``closed_at IS NULL AND due_date < today``). The same rule as the list's overdue preset."""

    today = today or timezone.localdate()
    return (
        Application.objects.filter(office_id__in=office_ids, closed_at__isnull=True, due_date__lt=today)
        .exclude(status__in=[ApplicationStatus.SUSPENDED, ApplicationStatus.DRAFT])
        .select_related("office", "service", "service_version", "provider", "registered_by", "assigned_to")
        .only(
            "id",
            "number",
            "status",
            "due_date",
            "registered_at",
            "office__id",
            "service__id",
            "service__local_code",
            "service_version__id",
            "service_version__title",
            "provider__id",
            "provider__name",
            "provider__short_name",
            *[f"{person}__{name}" for person in ("registered_by", "assigned_to") for name in _PERSON_FIELDS],
        )
        .order_by("office_id", "due_date", "id")
    )


_PERSON_FIELDS = ("id", "username", "first_name", "last_name", "patronymic", "email", "role")


def overdue_by_office_and_person(*, offices: list[Office], today: dt.date | None = None) -> list[OfficeGroup]:
    """The overdue cases of ``offices`` grouped by office, then by the person responsible now (the provider
    officer working the case, else the administrator who registered it). Three queries."""
    from cnap.accounts.models import OfficeDayOff
    from cnap.workdays import WorkCalendar, working_days_left

    today = today or timezone.localdate()
    office_ids = [office.pk for office in offices]
    days_off = defaultdict(list)
    for office_id, day in OfficeDayOff.objects.filter(office_id__in=office_ids).values_list("office_id", "date"):
        days_off[office_id].append(day)
    calendars = {pk: WorkCalendar(days_off=days_off[pk]) for pk in office_ids}
    by_office: dict[int, dict] = {}
    for app in overdue_applications(office_ids, today):
        person = app.assigned_to or app.registered_by
        people = by_office.setdefault(app.office_id, {})
        people.setdefault(person.pk if person else None, PersonGroup(person=person, cases=[])).cases.append(
            OverdueCase(app, -working_days_left(app.due_date, today, calendars[app.office_id]))
        )
    groups = []
    for office in offices:
        if office.pk in by_office:
            ranked = sorted(by_office[office.pk].values(), key=lambda g: (-len(g.cases), str(g.person or "")))
            groups.append(OfficeGroup(office=office, people=ranked))
    return groups
