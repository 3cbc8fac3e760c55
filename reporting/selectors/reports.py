"""Reports: the national open-data set of provided services and the monthly report.

Open data follows the annex "Дані про надані адміністративні послуги" of the Resolution of the Cabinet
of Ministers No 835 of 21.10.2015. Natural persons are never named or identified: ``applicantName`` and
``applicantId`` are filled for legal entities only. The monthly report is read from the summary table MonthlyStats."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from applications.constants import ApplicantKind, ApplicationStatus, PartyRole
from applications.models import Application
from cnap.security.spreadsheet import spreadsheet_safe
from services.models import Service, ServiceVersion

from ..models import MonthlyStats
from ..stats import MEASURES

__all__ = [
    "OPEN_DATA_FIELDS",
    "MonthlyReport",
    "QueueLine",
    "monthly_report",
    "monthly_report_xlsx",
    "open_data_rows",
    "write_open_data",
]

OPEN_DATA_FIELDS = (
    "uid",
    "registrationDateTime",
    "code",
    "title",
    "authorityId",
    "authorityName",
    "applicantType",
    "applicantName",
    "applicantId",
    "status",
    "providDate",
    "amount",
    "currency",
    "issuedDate",
)

# Values of the data set, in Ukrainian whatever the interface language (the schema's own words).
STATUS_WORDS: dict[str, str] = {
    ApplicationStatus.DRAFT: "Чернетка",
    ApplicationStatus.REGISTERED: "На виконанні",
    ApplicationStatus.SENT_TO_PROVIDER: "На виконанні",
    ApplicationStatus.IN_PROGRESS: "На виконанні",
    ApplicationStatus.RETURNED_FOR_REVISION: "Повернуто на доопрацювання",
    ApplicationStatus.SUSPENDED: "Зупинено",
    ApplicationStatus.RESULT_READY: "Виконано",
    ApplicationStatus.ISSUED: "Виконано",
    ApplicationStatus.REFUSED: "Відмовлено",
    ApplicationStatus.LEFT_WITHOUT_CONSIDERATION: "Залишено без розгляду",
    ApplicationStatus.WITHDRAWN: "Відкликано заявником",
    ApplicationStatus.UNCLAIMED: "Виконано (результат не отримано)",
}
APPLICANT_TYPES: dict[str, str] = {ApplicantKind.PERSON: "фізична особа", ApplicantKind.LEGAL_ENTITY: "юридична особа"}
#: Outcomes whose date is the providDate (the result, or the decision to refuse or not to consider).
PROVIDED_BY_CLOSING = frozenset({ApplicationStatus.REFUSED, ApplicationStatus.LEFT_WITHOUT_CONSIDERATION})


def _day_bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min), tz)
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min), tz)
    return start, end


def _local_iso(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _local_day(moment: dt.datetime | None) -> str | None:
    return timezone.localdate(moment).isoformat() if moment else None


def provided_in(start: dt.datetime, end: dt.datetime) -> Q:
    """Cases provided in [start, end): the result became ready, or (refused, left without consideration)
    the case was closed with that decision. ``providDate`` is that day."""
    return Q(result_ready_at__gte=start, result_ready_at__lt=end) | Q(
        result_ready_at__isnull=True,
        status__in=[str(s) for s in PROVIDED_BY_CLOSING],
        closed_at__gte=start,
        closed_at__lt=end,
    )


def open_data_rows(*, date_from: dt.date, date_to: dt.date, office_ids: Iterable[int] | None = None) -> Iterator[dict]:
    """One dict per case **provided** in [date_from, date_to] (local days), in OPEN_DATA_FIELDS order.

    The data set is «Дані про надані адміністративні послуги» and its ``providDate`` is required: a case
    is in the file of the period it was provided in (its result, refusal or decision to leave it without
    consideration), whenever it was registered; cases still open, withdrawn or drafts are not in it.
    ``amount`` is the fee paid (paid less refunded), not the fee due. Absent values are ``null`` in JSON
    (empty in CSV): the applicant's name and code for persons, the issue date before the result is handed.
    The applicant is the case's as submitted (a later change of the register's record changes no export)."""
    start, end = _day_bounds(date_from, date_to)
    cases = (
        Application.objects.filter(provided_in(start, end))
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("service", "service_version", "provider")
        .annotate(submitted=FilteredRelation("parties", condition=Q(parties__role=PartyRole.APPLICANT)))
        .annotate(
            applicant_kind=F("submitted__kind"),
            applicant_name=F("submitted__name"),
            applicant_edrpou=F("submitted__edrpou"),
        )
        .only(
            "number",
            "registered_at",
            "status",
            "fee_paid",
            "result_ready_at",
            "closed_at",
            "issued_at",
            "service__national_id",
            "service__local_code",
            "service_version__title",
            "provider__edrpou",
            "provider__name",
        )
        .order_by("registered_at", "id")
    )
    if office_ids is not None:
        cases = cases.filter(office_id__in=list(office_ids))
    for app in cases.iterator(chunk_size=2000):
        legal = app.applicant_kind == ApplicantKind.LEGAL_ENTITY
        provided = app.result_ready_at or app.closed_at
        yield {
            "uid": app.number,
            "registrationDateTime": _local_iso(app.registered_at),
            "code": app.service.national_id or app.service.local_code,
            "title": app.service_version.title,
            "authorityId": app.provider.edrpou,
            "authorityName": app.provider.name,
            "applicantType": APPLICANT_TYPES.get(app.applicant_kind, ""),
            "applicantName": (app.applicant_name or None) if legal else None,
            "applicantId": (app.applicant_edrpou or None) if legal else None,
            "status": STATUS_WORDS.get(app.status, app.status),
            "providDate": _local_day(provided),
            "amount": app.fee_paid.quantize(Decimal("0.01")),
            "currency": "UAH",
            "issuedDate": _local_day(app.issued_at),
        }


def _json_value(value):
    return float(value) if isinstance(value, Decimal) else value


def write_open_data(rows: Iterable[dict], fmt: str, out: io.TextIOBase) -> int:
    """Write the rows as CSV (UTF-8, a header row; a null is an empty cell) or JSON (an array of objects;
    nulls as null, amounts as numbers); return how many."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=OPEN_DATA_FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: ("" if v is None else f"{v:.2f}" if isinstance(v, Decimal) else v) for k, v in row.items()}
            )
            count += 1
    elif fmt == "json":
        out.write("[")
        for row in rows:
            data = {k: _json_value(v) for k, v in row.items()}
            out.write(("," if count else "") + "\n" + json.dumps(data, ensure_ascii=False))
            count += 1
        out.write("\n]\n" if count else "]\n")
    else:
        raise ValueError(f"unknown format {fmt!r}: csv or json")
    return count


# Monthly report ------------------------------------------------------------------------------------


@dataclass
class ReportLine:
    code: str
    title: str
    registered: int = 0
    completed: int = 0
    completed_on_time: int = 0
    issued: int = 0
    refused: int = 0
    left_without_consideration: int = 0
    withdrawn: int = 0
    unclaimed: int = 0
    fees: Decimal = Decimal(0)

    @property
    def completed_late(self) -> int:
        return self.completed - self.completed_on_time


REPORT_COLUMNS = (
    "registered",
    "completed",
    "completed_on_time",
    "completed_late",
    "issued",
    "refused",
    "left_without_consideration",
    "withdrawn",
    "unclaimed",
    "fees",
)


@dataclass
class QueueLine:
    """A service group's queue in the month (times in minutes, None when nothing was measured)."""

    name: str
    issued: int = 0
    booked: int = 0
    walk_in: int = 0
    served: int = 0
    no_show: int = 0
    wait_median: float | None = None
    wait_p90: float | None = None
    service_median: float | None = None
    within_target_percent: float | None = None


QUEUE_COLUMNS = (
    "issued",
    "booked",
    "walk_in",
    "served",
    "no_show",
    "wait_median",
    "wait_p90",
    "service_median",
    "within_target_percent",
)


@dataclass
class MonthlyReport:
    month: dt.date
    title: str
    lines: list[ReportLine] = field(default_factory=list)
    total: ReportLine = field(default_factory=lambda: ReportLine(code="", title=""))
    queue: list[QueueLine] = field(default_factory=list)
    queue_total: QueueLine | None = None


def _queue_line(name: str, figures) -> QueueLine:
    def minutes(seconds):
        return None if seconds is None else round(seconds / 60, 1)

    return QueueLine(
        name=name,
        issued=figures.issued,
        booked=figures.booked,
        walk_in=figures.walk_in,
        served=figures.served,
        no_show=figures.no_show,
        wait_median=minutes(figures.times.wait_median),
        wait_p90=minutes(figures.times.wait_p90),
        service_median=minutes(figures.times.service_median),
        within_target_percent=figures.within_target_percent,
    )


def add_queue_figures(report: MonthlyReport, office_ids: Iterable[int]) -> None:
    """The month's queue by service group (the queue dashboard's figures for the month)."""
    from cnap.accounts.models import Office

    from .dashboard import next_month
    from .queue import queue_dashboard

    offices = list(Office.objects.filter(pk__in=list(office_ids)).order_by("kind", "name"))
    if not offices:
        return
    month_end = next_month(report.month) - dt.timedelta(days=1)
    board = queue_dashboard(offices=offices, date_from=report.month, date_to=month_end, today=month_end)
    report.queue = [_queue_line(row.name, row.figures) for row in board.by_group]
    if report.queue:
        report.queue_total = _queue_line("", board.total)


def monthly_report(*, month: dt.date, office_ids: Iterable[int], title: str = "") -> MonthlyReport:
    """By service: registered, completed (on time / late) and outcomes in ``month`` (two queries); the
    electronic queue by service group."""
    month = month.replace(day=1)
    office_ids = list(office_ids)
    sums = {name: Sum(name) for name in MEASURES}
    sums_by_service = (
        MonthlyStats.objects.filter(month=month, office_id__in=list(office_ids))
        .values("service_id")
        .annotate(**sums)
        .order_by()
    )
    rows = {row["service_id"]: row for row in sums_by_service}
    latest_title = ServiceVersion.objects.filter(service=OuterRef("pk")).order_by("-number").values("title")[:1]
    services = Service.objects.filter(pk__in=list(rows)).annotate(title=Subquery(latest_title)).order_by("local_code")
    report = MonthlyReport(month=month, title=title)
    for service in services:
        line = ReportLine(code=service.national_id or service.local_code, title=service.title or "")
        for name in REPORT_COLUMNS:
            if name in rows[service.pk]:
                setattr(line, name, rows[service.pk][name] or 0)
                setattr(report.total, name, getattr(report.total, name) + (rows[service.pk][name] or 0))
        report.lines.append(line)
    add_queue_figures(report, office_ids)
    return report


def report_headers() -> list[str]:
    from django.utils.translation import gettext as _

    return [
        _("Code"),
        _("Service"),
        _("Registered"),
        _("Completed"),
        _("On time"),
        _("Late"),
        _("Issued"),
        _("Refused"),
        _("Left without consideration"),
        _("Withdrawn"),
        _("Unclaimed"),
        _("Fees, UAH"),
    ]


def queue_headers() -> list[str]:
    from django.utils.translation import gettext as _

    return [
        _("Service group"),
        _("Tickets issued"),
        _("Booked"),
        _("Walk-in"),
        _("Served"),
        _("Did not come"),
        _("Waiting, median, min"),
        _("Waiting, 90th percentile, min"),
        _("Service, median, min"),
        _("Within the target, %"),
    ]


def monthly_report_xlsx(report: MonthlyReport) -> bytes:
    from django.utils.translation import gettext as _
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = report.month.strftime("%Y-%m")
    sheet.append([report.title])
    sheet.append([_("Month"), report.month.strftime("%m.%Y")])
    sheet.append([])
    sheet.append(report_headers())
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for line in [*report.lines, report.total]:
        values = [getattr(line, name) for name in REPORT_COLUMNS]
        values[-1] = float(values[-1])
        title = line.title if line is not report.total else _("Total")
        sheet.append([spreadsheet_safe(line.code), spreadsheet_safe(title), *values])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["B"].width = 60
    queue = workbook.create_sheet(_("Queue"))
    queue.append([report.title])
    queue.append([_("Month"), report.month.strftime("%m.%Y")])
    queue.append([])
    queue.append(queue_headers())
    for cell in queue[4]:
        cell.font = Font(bold=True)
    queue_lines: list[QueueLine] = [*report.queue, report.queue_total] if report.queue_total else []
    for queue_line in queue_lines:
        title = queue_line.name if queue_line is not report.queue_total else _("Total")
        queue.append([spreadsheet_safe(title), *(getattr(queue_line, name) for name in QUEUE_COLUMNS)])
    if queue_lines:
        for cell in queue[queue.max_row]:
            cell.font = Font(bold=True)
    else:
        queue.append([_("No data for this period.")])
    queue.column_dimensions["A"].width = 50
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def monthly_report_pdf(report: MonthlyReport) -> bytes:
    from cnap.pdf import render_pdf

    return render_pdf(
        "reporting/monthly_report_pdf.html",
        {
            "report": report,
            "headers": report_headers(),
            "columns": REPORT_COLUMNS,
            "queue_headers": queue_headers(),
            "queue_columns": QUEUE_COLUMNS,
        },
    )
