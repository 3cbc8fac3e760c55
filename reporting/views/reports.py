"""The reports page: the open-data download and the monthly report (XLSX, PDF). GET only."""

from __future__ import annotations

import datetime as dt
import io

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cnap.accounts.permissions import can
from cnap.forms import EARLIEST_DATE, LATEST_DATE, BoundedDateField

from ..selectors.dashboard import dashboard_offices
from ..selectors.reports import monthly_report, monthly_report_pdf, monthly_report_xlsx, open_data_rows, write_open_data


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(attrs={"class": "form-control form-control-sm"}, format="%Y-%m-%d")


class OpenDataForm(forms.Form):
    date_from = BoundedDateField(label=gettext_lazy("From"), widget=DateInput())
    date_to = BoundedDateField(label=gettext_lazy("To"), widget=DateInput())
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("csv", "CSV"), ("json", "JSON")],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(gettext_lazy("The start of the period is after its end."))
        return data


class MonthForm(forms.Form):
    month = forms.CharField(
        label=gettext_lazy("Month"),
        widget=forms.TextInput(attrs={"type": "month", "class": "form-control form-control-sm"}),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("xlsx", "XLSX"), ("pdf", "PDF")],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def clean_month(self):
        try:
            month = dt.datetime.strptime(self.cleaned_data["month"], "%Y-%m").date()
        except ValueError as exc:
            raise forms.ValidationError(gettext_lazy("Enter a month as YYYY-MM.")) from exc
        if not EARLIEST_DATE <= month <= LATEST_DATE:
            raise forms.ValidationError(
                gettext_lazy("Enter a month between %(first)s and %(last)s.")
                % {"first": f"{EARLIEST_DATE:%m.%Y}", "last": f"{LATEST_DATE:%m.%Y}"}
            )
        return month


def _scope_title(offices) -> str:
    if len(offices) == 1:
        return f"{offices[0].hromada} · {offices[0]}"
    return str(offices[0].hromada) if offices else ""


@require_GET
def reports(request):
    if not can(request.user, "view_reports"):
        raise PermissionDenied
    offices = dashboard_offices(request.user)
    office_ids = [office.pk for office in offices]
    today = timezone.localdate()
    open_form = OpenDataForm(request.GET if request.GET.get("download") == "open_data" else None)
    month_form = MonthForm(request.GET if request.GET.get("download") == "monthly" else None)

    if open_form.is_bound and open_form.is_valid():
        data = open_form.cleaned_data
        out = io.StringIO()
        write_open_data(
            open_data_rows(date_from=data["date_from"], date_to=data["date_to"], office_ids=office_ids),
            data["format"],
            out,
        )
        content_type = "text/csv; charset=utf-8" if data["format"] == "csv" else "application/json; charset=utf-8"
        response = HttpResponse(out.getvalue().encode("utf-8"), content_type=content_type)
        name = f"administrative-services-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}.{data['format']}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    if month_form.is_bound and month_form.is_valid():
        month = month_form.cleaned_data["month"]
        report = monthly_report(month=month, office_ids=office_ids, title=_scope_title(offices))
        if month_form.cleaned_data["format"] == "xlsx":
            body = monthly_report_xlsx(report)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            body = monthly_report_pdf(report)
            content_type = "application/pdf"
        response = HttpResponse(body, content_type=content_type)
        extension = month_form.cleaned_data["format"]
        response["Content-Disposition"] = f'attachment; filename="monthly-report-{month:%Y-%m}.{extension}"'
        return response

    if not open_form.is_bound:
        open_form = OpenDataForm(initial={"date_from": today.replace(day=1), "date_to": today, "format": "csv"})
    if not month_form.is_bound:
        previous = today.replace(day=1) - dt.timedelta(days=1)
        month_form = MonthForm(initial={"month": previous.strftime("%Y-%m"), "format": "xlsx"})
    return render(
        request,
        "reporting/reports/reports.html",
        {"open_form": open_form, "month_form": month_form, "offices": offices},
    )
