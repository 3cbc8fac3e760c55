"""The monthly report's PDF fits its page: twelve columns on A4 landscape, no cell past the right
margin, even with long service titles and large figures (checked on WeasyPrint's laid-out boxes)."""

import datetime as dt
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from cnap import pdf
from reporting.selectors.reports import REPORT_COLUMNS, MonthlyReport, ReportLine, report_headers

LONG_TITLE = "Державна реєстрація речового права на нерухоме майно (у тому числі іпотеки) та його обтяження"


def laid_out(html: str):
    resources = pdf._resources()
    document = HTML(string=html, base_url=resources.base_url, url_fetcher=resources.url_fetcher)
    return document.render(stylesheets=[resources.stylesheet], font_config=resources.font_config)


def boxes(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from boxes(child)


def big_line(code: str, title: str, figure: int, fees: str) -> ReportLine:
    line = ReportLine(code=code, title=title)
    for name in REPORT_COLUMNS:
        if name != "completed_late":  # computed
            setattr(line, name, Decimal(fees) if name == "fees" else figure)
    return line


def test_the_table_stays_inside_a_landscape_page():
    report = MonthlyReport(month=dt.date(2026, 3, 1), title="ЦНАП Світанківської сільської ради")
    report.lines = [big_line(f"0010{n}", LONG_TITLE, 123456, "1234567.89") for n in range(12)]
    report.total = big_line("", "", 9999999, "99999999.99")
    with translation.override("uk"):
        html = render_to_string(
            "reporting/monthly_report_pdf.html",
            {"report": report, "headers": report_headers(), "columns": REPORT_COLUMNS},
        )
    document = laid_out(html)
    cells = 0
    for page in document.pages:
        page_box = page._page_box
        assert page_box.width > page_box.height  # landscape
        right = page_box.content_box_x() + page_box.width
        for box in boxes(page_box):
            if type(box).__name__ == "TableCellBox":
                cells += 1
                assert box.position_x + box.margin_width() <= right + 0.5, "a cell runs past the right margin"
    assert cells >= 12 * 13


def test_the_queue_table_stays_inside_the_page_too():
    from reporting.selectors.reports import QUEUE_COLUMNS, QueueLine, queue_headers

    def queue_line(name: str) -> QueueLine:
        return QueueLine(name, 123456, 12345, 111111, 120000, 3456, 1234.5, 2345.6, 345.6, 99.9)

    report = MonthlyReport(month=dt.date(2026, 3, 1), title="ЦНАП Світанківської сільської ради")
    report.lines = [big_line("00101", LONG_TITLE, 1, "1.00")]
    report.total = big_line("", "", 1, "1.00")
    report.queue = [queue_line(f"ЦНАП Світанок · {letter} {LONG_TITLE}") for letter in "АБВГДЕ"]
    report.queue_total = queue_line("")
    with translation.override("uk"):
        html = render_to_string(
            "reporting/monthly_report_pdf.html",
            {
                "report": report,
                "headers": report_headers(),
                "columns": REPORT_COLUMNS,
                "queue_headers": queue_headers(),
                "queue_columns": QUEUE_COLUMNS,
            },
        )
    document = laid_out(html)
    cells = 0
    for page in document.pages:
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width
        for box in boxes(page_box):
            if type(box).__name__ == "TableCellBox":
                cells += 1
                assert box.position_x + box.margin_width() <= right + 0.5, "a cell runs past the right margin"
    assert cells >= 12 * 3 + 10 * 8  # the cases' table and the queue's, every cell laid out
