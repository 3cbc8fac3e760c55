"""The dashboards: thin over reporting/selectors/dashboard.py. Read-only: GET only."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from cnap.accounts.permissions import can
from cnap.forms import BoundedDateField, FastDateInput, FastSelect

from ..selectors.dashboard import (
    GRANULARITIES,
    dashboard_data,
    dashboard_offices,
    month_start,
    overdue_by_office_and_person,
)

MAX_PERIOD_DAYS = 366 * 10


def dashboard_reader(view):
    """Heads of the CNAP and community heads (and superusers); everyone else gets 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can(request.user, "view_dashboard"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return require_GET(wrapper)


class DateInput(FastDateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(attrs={"class": "form-control form-control-sm"}, format="%Y-%m-%d")


class DashboardFilterForm(forms.Form):
    date_from = BoundedDateField(label=_("On or after"), required=False, widget=DateInput())
    date_to = BoundedDateField(label=_("On or before"), required=False, widget=DateInput())
    # An office outside the user's scope is ignored (the whole scope is shown), never an error that
    # would tell the office exists.
    office = forms.IntegerField(label=_("Office"), required=False, widget=FastSelect)
    granularity = forms.ChoiceField(
        label=_("Trend by"),
        required=False,
        choices=[("day", _("day")), ("week", _("week")), ("month", _("month"))],
        widget=FastSelect(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.offices = {office.pk: office for office in offices}
        self.fields["office"].widget.choices = [("", _("All offices"))] + [(o.pk, str(o)) for o in offices]
        self.fields["office"].widget.attrs["class"] = "form-select form-select-sm"

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["date_to"] = data.get("date_to") or today
        data["date_from"] = data.get("date_from") or month_start(data["date_to"])
        if data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start of the period is after its end."))
        if (data["date_to"] - data["date_from"]).days > MAX_PERIOD_DAYS:
            raise forms.ValidationError(_("Choose a period of at most ten years."))
        try:
            data["office"] = self.offices.get(int(data.get("office") or 0))
        except (TypeError, ValueError):
            data["office"] = None
        if data.get("granularity") not in GRANULARITIES:
            data["granularity"] = "day"
        return data


def _quick_periods(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    return [
        (_("Today"), today, today),
        (_("This week"), today - dt.timedelta(days=today.weekday()), today),
        (_("This month"), month_start(today), today),
        (_("This year"), today.replace(month=1, day=1), today),
    ]


@dashboard_reader
def dashboard(request):
    offices = dashboard_offices(request.user)
    form = DashboardFilterForm(request.GET, offices=offices)
    errors = None
    if not form.is_valid():  # show the default period, with the message about what was wrong
        errors = form.errors
        form = DashboardFilterForm({}, offices=offices)
        form.is_valid()
    data = form.cleaned_data
    board = dashboard_data(
        offices=offices,
        office=data["office"],
        date_from=data["date_from"],
        date_to=data["date_to"],
        granularity=data["granularity"],
    )
    return render(
        request,
        "reporting/dashboard/dashboard.html",
        {
            "form": form,
            "errors": errors,
            "board": board,
            "chart_data": board.chart_data(),
            "quick_periods": _quick_periods(board.today),
            "read_only": not can(request.user, "register_applications"),
        },
    )


@dashboard_reader
def overdue(request):
    """The head's page: overdue open cases by office and by person (registering administrator and the
    provider officer working the case)."""
    offices = dashboard_offices(request.user)
    groups = overdue_by_office_and_person(offices=offices)
    return render(request, "reporting/dashboard/overdue.html", {"groups": groups, "offices": offices})
