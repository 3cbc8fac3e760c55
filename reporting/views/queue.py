"""The queue dashboard and the list of tickets behind its figures: thin over reporting/selectors/queue.py.
Read-only: GET only; the readers of the case dashboard (heads of the CNAP, community heads), over the
offices the access scope gives them."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cnap.forms import BoundedDateField
from equeue.constants import TicketStatus

from ..selectors.dashboard import dashboard_offices, month_start
from ..selectors.queue import KINDS, OUTCOMES, TARGETS, TicketFilters, filter_tickets, queue_dashboard
from .dashboard import MAX_PERIOD_DAYS, DashboardFilterForm, DateInput, _quick_periods, dashboard_reader

PAGE_SIZE = 50


def _minutes(delta) -> float:
    return round(delta.total_seconds() / 60, 1)


class QueueFilterForm(DashboardFilterForm):
    """The period and the office (the queue has no trend granularity)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["granularity"]


@dashboard_reader
def queue_dashboard_view(request):
    offices = dashboard_offices(request.user)
    form = QueueFilterForm(request.GET, offices=offices)
    errors = None
    if not form.is_valid():
        errors = form.errors
        form = QueueFilterForm({}, offices=offices)
        form.is_valid()
    data = form.cleaned_data
    board = queue_dashboard(
        offices=offices, office=data["office"], date_from=data["date_from"], date_to=data["date_to"]
    )
    return render(
        request,
        "reporting/dashboard/queue.html",
        {
            "form": form,
            "errors": errors,
            "board": board,
            "chart_data": board.chart_data(),
            "quick_periods": _quick_periods(board.today),
        },
    )


def _choices(values, labels) -> list[tuple[str, str]]:
    return [("", "—")] + [(value, labels[value]) for value in values]


OUTCOME_LABELS = {
    "issued": _("Issued"),
    "called": _("Called"),
    "served": _("Served"),
    "no_show": _("Did not come"),
    "redirected": _("Sent on"),
    "waiting": _("Waiting now"),
    "at_window": _("At a window now"),
}
KIND_LABELS = {"booked": _("Booked"), "walk_in": _("Walk-in"), "priority": _("Out of turn")}
TARGET_LABELS = {"within": _("Within the target wait"), "over": _("Over the target wait")}
SORT_LABELS = {"wait": _("Longest wait first"), "service": _("Longest service first")}


class TicketListForm(forms.Form):
    date_from = BoundedDateField(label=_("On or after"), required=False, widget=DateInput())
    date_to = BoundedDateField(label=_("On or before"), required=False, widget=DateInput())
    office = forms.IntegerField(label=_("Office"), required=False, widget=forms.Select)
    group = forms.IntegerField(required=False, widget=forms.HiddenInput)
    window = forms.IntegerField(required=False, widget=forms.HiddenInput)
    hour = forms.IntegerField(required=False, min_value=0, max_value=23, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Tickets"), required=False, choices=_choices(OUTCOMES, OUTCOME_LABELS))
    kind = forms.ChoiceField(label=_("Visit"), required=False, choices=_choices(KINDS, KIND_LABELS))
    target = forms.ChoiceField(label=_("Waiting time"), required=False, choices=_choices(TARGETS, TARGET_LABELS))
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=_choices(tuple(SORT_LABELS), SORT_LABELS))

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.offices = {office.pk: office for office in offices}
        self.fields["office"].widget.choices = [("", _("All offices"))] + [(o.pk, str(o)) for o in offices]
        for name in ("office", "outcome", "kind", "target", "sort"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["date_to"] = data.get("date_to") or today
        data["date_from"] = data.get("date_from") or month_start(data["date_to"])
        if data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start of the period is after its end."))
        if (data["date_to"] - data["date_from"]).days > MAX_PERIOD_DAYS:
            raise forms.ValidationError(_("Choose a period of at most ten years."))
        # An office outside the user's scope is ignored (never an error telling it exists).
        data["office"] = self.offices.get(data.get("office") or 0)
        return data

    def filters(self) -> TicketFilters:
        data = self.cleaned_data
        return TicketFilters(
            **{name: data.get(name) or None for name in ("office", "group", "window")},
            **{
                "date_from": data["date_from"],
                "date_to": data["date_to"],
                "hour": data.get("hour"),
                "outcome": data.get("outcome") or "",
                "kind": data.get("kind") or "",
                "target": data.get("target") or "",
                "sort": data.get("sort") or "",
            },
        )


@dashboard_reader
def queue_tickets(request):
    """The tickets behind a figure of the queue dashboard: number, group, window, times, outcome, the
    administrator and the cases registered; no visitor's personal data (a booking's name is not shown)."""
    offices = dashboard_offices(request.user)
    form = TicketListForm(request.GET, offices=offices)
    if form.is_valid():
        tickets = filter_tickets(offices, form.filters())
    else:
        tickets = filter_tickets(
            offices, TicketFilters(date_from=timezone.localdate(), date_to=timezone.localdate())
        ).none()
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for ticket in page.object_list:
        ticket.waited_minutes = _minutes(ticket.called_at - ticket.issued_at) if ticket.called_at else None
        done = ticket.status == TicketStatus.DONE and ticket.started_at and ticket.finished_at
        ticket.service_minutes = _minutes(ticket.finished_at - ticket.started_at) if done else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reporting/dashboard/queue_tickets.html",
        {"form": form, "page": page, "query": query.urlencode(), "offices": offices},
    )
