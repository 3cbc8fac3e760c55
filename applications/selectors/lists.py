"""Lists of cases for each role: presets, any combination of filters, search by number,
tax number or name, keyset pagination (no OFFSET, no COUNT over the table) and a CSV export.

Order: newest registration first, ``(-registered_at, -id)``, which the indexes in Application.Meta
cover per office, per hromada, per office and status and per provider and status. The next page is
asked for with the last row's ``(registered_at, id)`` and found with a row comparison
``(registered_at, id) < (…, …)`` that the index answers directly at any depth.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass

import django_filters
from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleLessThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cnap.accounts.models import Office, User
from cnap.forms import BoundedDateField, FastDateInput, FastInlineCheckboxes, FastSelect, FastTextInput
from cnap.workdays import WorkCalendar, office_calendar
from services.models import Provider, Service, ServiceVersion

from ..access import visible_cases
from ..constants import ApplicationStatus
from ..models import Applicant, Application, name_search_condition, normalize_for_search
from .lookups import filter_choices

__all__ = [
    "COUNT_LIMIT",
    "PERSONAL_PRESETS",
    "PRESETS",
    "Total",
    "total_found",
    "ApplicationFilter",
    "Page",
    "decode_cursor",
    "encode_cursor",
    "filtered_applications",
    "keyset_page",
    "search_condition",
]

PAGE_SIZE = 50
DUE_SOON_WORKING_DAYS = 3

PRESETS = {
    "mine": _("My work"),
    "office": _("The office's queue"),
    "provider": _("The provider's queue"),
    "due_soon": _("Due within 3 working days"),
    "overdue": _("Overdue"),
}

#: The user's own lists behind the counters of the home page (not among the pills of the list page).
PERSONAL_PRESETS = {
    "mine_due_today": _("My cases due today"),
    "mine_overdue": _("My overdue cases"),
    "returned": _("Cases returned to me"),
}

OPEN = Q(closed_at__isnull=True)
CLOCK_RUNNING = OPEN & ~Q(status__in=[ApplicationStatus.SUSPENDED, ApplicationStatus.DRAFT])


def _calendar_for(user) -> WorkCalendar:
    return office_calendar(user.office_id) if user.office_id else WorkCalendar()


def preset_condition(preset: str, user) -> Q:
    today = timezone.localdate()
    mine = Q(registered_by=user) | Q(assigned_to=user)
    if preset == "mine":
        return OPEN & mine
    if preset == "mine_due_today":
        return CLOCK_RUNNING & mine & Q(due_date=today)
    if preset == "mine_overdue":
        return CLOCK_RUNNING & mine & Q(due_date__lt=today)
    if preset == "returned":
        return Q(status=ApplicationStatus.RETURNED_FOR_REVISION, registered_by=user)
    if preset == "office":
        return Q(
            status__in=[
                ApplicationStatus.REGISTERED,
                ApplicationStatus.RETURNED_FOR_REVISION,
                ApplicationStatus.RESULT_READY,
            ]
        )
    if preset == "provider":
        return Q(status__in=[ApplicationStatus.SENT_TO_PROVIDER, ApplicationStatus.IN_PROGRESS])
    if preset == "due_soon":
        until = _calendar_for(user).add_working_days(today, DUE_SOON_WORKING_DAYS)
        return CLOCK_RUNNING & Q(due_date__gte=today, due_date__lte=until)
    if preset == "overdue":
        return CLOCK_RUNNING & Q(due_date__lt=today)
    return Q()


DIGITS = re.compile(r"\d")


def search_condition(text: str) -> Q:
    """Search by registration number (a part of it), РНОКПП (10 digits), ЄДРПОУ (8 digits) or the
    applicant's name (its words in any order, a part of a double surname, a former surname; any
    apostrophe, or none, and any case; trigram-indexed on PostgreSQL)."""
    text = " ".join((text or "").split())
    if not text:
        return Q()
    compact = text.replace(" ", "")
    if compact.isdigit() and len(compact) == 10:
        return _cases_of(Q(rnokpp=compact), _applicant_ids(Q(rnokpp=compact)))
    if compact.isdigit() and len(compact) == 8:
        return _cases_of(Q(edrpou=compact), _applicant_ids(Q(edrpou=compact)))
    if DIGITS.search(text):
        return Q(number__icontains=compact)
    needle = normalize_for_search(text)
    names = name_search_condition(needle)
    if connection.vendor == "postgresql" and len(needle) >= 4:
        # Similar spellings (a typo, і/и, є/е) only when the name as typed finds few applicants: a
        # common surname would otherwise pull in every similar one too.
        ids = _applicant_ids(names)
        if ids is None or len(ids) >= FUZZY_BELOW:
            return _cases_of(names, ids)
        similar = Q()
        for word in needle.split():
            similar &= Q(search_name__trigram_word_similar=word)
        names |= similar
    return _cases_of(names, _applicant_ids(names))


# Above this many matching applicants the search stays a subquery.
MAX_APPLICANT_IDS = 20000
# Below this many applicants matching the name as typed, similar names are searched too.
FUZZY_BELOW = 20


def _applicant_ids(condition: Q) -> list[int] | None:
    """The ids of the applicants matching ``condition``, or None if there are too many to list."""
    ids = list(Applicant.objects.filter(condition).values_list("id", flat=True)[: MAX_APPLICANT_IDS + 1])
    return ids if len(ids) <= MAX_APPLICANT_IDS else None


def _cases_of(condition: Q, ids: list[int] | None) -> Q:
    """Cases of the applicants matching ``condition`` (their ``ids`` when listed). Given the ids,
    PostgreSQL starts from them instead of joining every case of the office to a subquery (900 ms
    against 4 ms at a million cases, docs/benchmarks.md)."""
    if ids is None:
        return Q(applicant_id__in=Applicant.objects.filter(condition).values("id"))
    return Q(applicant_id__in=ids)


class DateInput(FastDateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-control form-control-sm", **(attrs or {})}, format="%Y-%m-%d")


def _select():
    return FastSelect(attrs={"class": "form-select form-select-sm"})


class BoundedDateFilter(django_filters.DateFilter):
    field_class = BoundedDateField


class ApplicationFilter(django_filters.FilterSet):
    """Any combination of status, service, provider, office, administrator, period and a search."""

    q = django_filters.CharFilter(
        label=_("Number, RNOKPP/EDRPOU or name"),
        method="filter_search",
        widget=FastTextInput(attrs={"class": "form-control form-control-sm", "type": "search"}),
    )
    # distinct=False: a DISTINCT made PostgreSQL sort every case of the office before the page's LIMIT.
    # Checkboxes: several statuses are ticked with the keyboard or a click, no Ctrl+click.
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=ApplicationStatus.choices,
        widget=FastInlineCheckboxes(attrs={"class": "form-check-input"}),
        distinct=False,
    )
    # Choices by id from the per-worker lookups (selectors/lookups.py), set for the user in __init__.
    service = django_filters.ChoiceFilter(label=_("Service"), widget=_select(), empty_label=_("any service"))
    provider = django_filters.ChoiceFilter(label=_("Provider"), widget=_select(), empty_label=_("any provider"))
    office = django_filters.ChoiceFilter(label=_("Office"), widget=_select(), empty_label=_("any office"))
    registered_by = django_filters.ChoiceFilter(label=_("Administrator"), widget=_select(), empty_label=_("anyone"))
    registered_from = BoundedDateFilter(label=_("Registered on or after"), method="filter_from", widget=DateInput())
    registered_to = BoundedDateFilter(label=_("Registered on or before"), method="filter_to", widget=DateInput())
    # When the case was closed (issued, refused, ...): the dashboards' closings open these lists.
    closed_from = BoundedDateFilter(label=_("Closed on or after"), method="filter_closed_from", widget=DateInput())
    closed_to = BoundedDateFilter(label=_("Closed on or before"), method="filter_closed_to", widget=DateInput())

    class Meta:
        model = Application
        fields = [
            "q",
            "status",
            "service",
            "provider",
            "office",
            "registered_by",
            "registered_from",
            "registered_to",
            "closed_from",
            "closed_to",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in filter_choices(user).items():
            self.filters[name].extra["choices"] = choices

    def filter_search(self, queryset, name, value):
        return queryset.filter(search_condition(value))

    def filter_from(self, queryset, name, value):
        start = timezone.make_aware(dt.datetime.combine(value, dt.time.min))
        return queryset.filter(registered_at__gte=start)

    def filter_to(self, queryset, name, value):
        end = timezone.make_aware(dt.datetime.combine(value + dt.timedelta(days=1), dt.time.min))
        return queryset.filter(registered_at__lt=end)

    def filter_closed_from(self, queryset, name, value):
        return queryset.filter(closed_at__gte=timezone.make_aware(dt.datetime.combine(value, dt.time.min)))

    def filter_closed_to(self, queryset, name, value):
        end = timezone.make_aware(dt.datetime.combine(value + dt.timedelta(days=1), dt.time.min))
        return queryset.filter(closed_at__lt=end)


def filtered_applications(*, user, data=None, preset: str = "") -> tuple[QuerySet[Application], ApplicationFilter]:
    """The user's visible cases narrowed by a preset and the filters in ``data`` (invalid filters are
    reported on the filter's form and ignored)."""
    base = visible_cases(user)
    if preset:
        base = base.filter(preset_condition(preset, user))
    filterset = ApplicationFilter(data or None, queryset=base, user=user)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    return queryset, filterset


LIST_FIELDS = (
    "id",
    "number",
    "registered_at",
    "status",
    "due_date",
    "is_overdue",
    "closed_at",
    "office_id",
    "service_version_id",
    "service_id",
    "provider_id",
    "registered_by_id",
    "assigned_to_id",
    "applicant__kind",
    "applicant__last_name",
    "applicant__first_name",
    "applicant__patronymic",
    "applicant__name",
    "applicant__rnokpp",
    "applicant__edrpou",
)
STAFF_NAME_FIELDS = ("last_name", "first_name", "patronymic", "username")


def list_rows(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """The rows of a list page: the applications table joined to the applicant only. The small
    tables (offices, versions, providers, staff) come by id in separate queries: an eight-table join
    cost PostgreSQL 20-30 ms of planning per page at a million rows (docs/benchmarks.md)."""
    return (
        queryset.select_related("applicant")
        .only(*LIST_FIELDS)
        .prefetch_related(
            Prefetch("office", queryset=Office.objects.only("short_name", "name")),
            Prefetch("service_version", queryset=ServiceVersion.objects.only("title")),
            Prefetch("service", queryset=Service.objects.only("local_code")),
            Prefetch("provider", queryset=Provider.objects.only("name", "short_name")),
            Prefetch("registered_by", queryset=User.objects.only(*STAFF_NAME_FIELDS)),
            Prefetch("assigned_to", queryset=User.objects.only(*STAFF_NAME_FIELDS)),
        )
        .order_by("-registered_at", "-id")
    )


PAGE_FIELDS = (
    "id",
    "number",
    "registered_at",
    "status",
    "due_date",
    "closed_at",
    "office_id",
    "service_version_id",
    "provider_id",
    "applicant__kind",
    "applicant__last_name",
    "applicant__first_name",
    "applicant__patronymic",
    "applicant__name",
)


def page_rows(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """The rows of a list page, as the page shows them: the application's columns and the applicant's name in
    one query; the office, the service's title and the provider by id from the per-worker lookups
    (selectors/lookups.py), not by a query each."""
    return queryset.select_related("applicant").only(*PAGE_FIELDS).order_by("-registered_at", "-id")


def encode_cursor(application: Application) -> str:
    raw = f"{application.registered_at.isoformat()}|{application.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[dt.datetime, int] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        text, pk = raw.split("|")
        moment = dt.datetime.fromisoformat(text)
        if timezone.is_naive(moment):
            return None
        return moment, int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


@dataclass
class Page:
    rows: list[Application]
    next_cursor: str | None


#: Lists count what they found up to this many; above it they say «more than» (a count of a million
#: rows would cost more than the page itself).
COUNT_LIMIT = 1000


@dataclass(frozen=True)
class Total:
    count: int
    more: bool  # True: more than `count` were found (the count stopped at COUNT_LIMIT)


def total_found(queryset: QuerySet, *, limit: int = COUNT_LIMIT) -> Total:
    """How many rows `queryset` has, counted up to `limit`: ``SELECT count(*) FROM (… LIMIT limit+1)``,
    which stops reading as soon as it has passed the limit."""
    found = queryset.order_by().values("pk")[: limit + 1].count()
    return Total(count=min(found, limit), more=found > limit)


def keyset_page(queryset: QuerySet[Application], *, after: str | None = None, size: int | None = None) -> Page:
    """One page of ``queryset`` newest first, after the row the cursor names."""
    size = size or PAGE_SIZE
    rows = page_rows(queryset)
    position = decode_cursor(after)
    if position is not None:
        moment, pk = position
        rows = rows.filter(TupleLessThan(Tuple(F("registered_at"), F("id")), (moment, pk)))
    fetched = list(rows[: size + 1])
    more = len(fetched) > size
    fetched = fetched[:size]
    return Page(rows=fetched, next_cursor=encode_cursor(fetched[-1]) if more and fetched else None)
