"""The Django admin of cases: for a superuser looking into the data, not for doing the work.

Cases are written by the actions (registration, workflow, decisions, registry lookups): here they are
read-mostly. What an action owns (number, journal, status and its timestamps, due dates, fees,
decisions, the timeline) is read-only; nothing is added or deleted here. Lists never count the whole
table (it can hold millions of rows): no full result count, and the paginator counts at most
``COUNT_CAP`` rows.

The personal-data access log is registered by cnap/security/admin.py (append-only, no add/change/delete).
The counters are derived data: not registered."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cnap.core.admin_tools import BigTableAdmin, ReadOnlyAdminMixin
from cnap.core.history import record_author
from cnap.security.admin import LogsPersonalDataAccess
from cnap.security.audit import Action
from cnap.security.scope import Reach, policy_for

from .access import in_scope, reachable_applicants, viewer_of
from .models import (
    Applicant,
    Application,
    Decision,
    PrintedDocument,
    RegistrationJournal,
    Scan,
    StatusChange,
    SubmittedDocument,
    Suspension,
    normalize_for_search,
)

# ----------------------------------------------------------------------------------------------- applicants


@admin.register(Applicant)
class ApplicantAdmin(LogsPersonalDataAccess, SimpleHistoryAdmin, BigTableAdmin):
    """Known applicants; they are created by registration (never here) and never deleted (cases point at them)."""

    access_action = Action.VIEW_APPLICANT
    list_display = ["display_name", "kind", "masked_tax_id", "hromada", "created_at"]
    list_filter = ["kind", "hromada"]
    list_select_related = ["hromada"]
    search_fields = ["search_name"]
    search_help_text = _("A tax number (RNOKPP, EDRPOU), an identity document number, or a name or part of it.")
    ordering = ["-id"]
    sortable_by = []
    readonly_fields = ["hromada", "kind", "consent_given_at", "created_at", "updated_at"]
    exclude = ["search_name"]

    def access_log_kwargs(self, obj) -> dict:
        return {"applicant": obj}

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if policy_for(viewer_of(request.user)).reach is Reach.ALL:
            return queryset  # also applicants whose cases are gone or not yet made
        return queryset.filter(pk__in=reachable_applicants(request.user).values("pk"))

    def get_search_results(self, request, queryset, search_term):
        """Exact tax or document numbers (indexed); names as the search column keeps them (lower case, no
        apostrophes), so a plain LIKE serves and the trigram index on PostgreSQL answers it."""
        term = " ".join(search_term.split())
        if not term:
            return queryset, False
        if term.isdigit():
            return queryset.filter(Q(rnokpp=term) | Q(edrpou=term) | Q(document_number=term)), False
        return queryset.filter(search_name__contains=normalize_for_search(term)), False

    @admin.display(description=_("tax number"))
    def masked_tax_id(self, obj) -> str:
        return obj.masked_tax_id

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# -------------------------------------------------------------------------------------------------- journals


@admin.register(RegistrationJournal)
class RegistrationJournalAdmin(SimpleHistoryAdmin):
    list_display = ["prefix", "name", "office", "is_default", "is_active"]
    list_filter = ["is_active", "office"]
    list_select_related = ["office"]
    search_fields = ["prefix", "name"]
    fields = ["office", "name", "prefix", "is_default", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        # A journal stays in its office: its numbers were given there.
        return ["office"] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: cases point at their journal


# ---------------------------------------------------------------------------------------------- applications


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class SubmittedDocumentInline(ReadOnlyInline):
    model = SubmittedDocument
    fields = ["order", "name", "kind", "copies", "sheets", "required_document"]


class ScanInline(ReadOnlyInline):
    """No file link: scans are private files, served only by the permission-checked case view."""

    model = Scan
    fields = ["original_name", "content_type", "size", "sha256", "uploaded_at", "uploaded_by", "removed_at"]


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ["changed_at", "from_status", "to_status", "changed_by", "comment"]
    ordering = ["changed_at", "id"]


class SuspensionInline(ReadOnlyInline):
    model = Suspension
    fields = ["started_on", "resumed_on", "reason", "legal_act", "created_by", "resumed_by"]


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ["number", "kind", "decided_on", "decided_by", "grounds_text", "text"]


class PrintedDocumentInline(ReadOnlyInline):
    model = PrintedDocument
    fields = ["kind", "decision", "sha256", "created_at", "created_by"]


# Fields of a case the actions own: never edited here.
APPLICATION_ACTION_FIELDS = [
    "number",
    "journal",
    "year",
    "sequence",
    "office",
    "hromada",
    "service",
    "service_version",
    "provider",
    "applicant",
    "channel",
    "status",
    "status_changed_at",
    "registered_at",
    "registered_by",
    "assigned_to",
    "due_date",
    "initial_due_date",
    "suspended_working_days",
    "is_overdue",
    "fee_amount",
    "fee_late",
    "sent_to_provider_at",
    "result_ready_at",
    "closed_at",
    "issued_at",
    "issued_to",
    "issued_identity_document",
    "issued_by",
    "revision",
]
# What a superuser may still correct by hand (recorded in the history with their name).
APPLICATION_EDITABLE_FIELDS = [
    "representative",
    "power_of_attorney_number",
    "power_of_attorney_date",
    "power_of_attorney_issued_by",
    "result_delivery",
    "comment",
]


@admin.register(Application)
class ApplicationAdmin(LogsPersonalDataAccess, SimpleHistoryAdmin, BigTableAdmin):
    list_display = ["number", "office", "service", "status", "registered_at", "due_date"]
    list_filter = ["status", "office"]
    list_select_related = ["office", "service"]
    search_fields = ["number"]
    search_help_text = _("A registration number or a part of it, e.g. ЦНАП1-2026-000123 or 000123.")
    ordering = ["-id"]
    sortable_by = ["number"]
    raw_id_fields = ["representative"]
    fields = [*APPLICATION_ACTION_FIELDS, *APPLICATION_EDITABLE_FIELDS]
    readonly_fields = APPLICATION_ACTION_FIELDS
    inlines = [
        SubmittedDocumentInline,
        ScanInline,
        StatusChangeInline,
        SuspensionInline,
        DecisionInline,
        PrintedDocumentInline,
    ]

    def access_log_kwargs(self, obj) -> dict:
        return {"application": obj}

    def get_queryset(self, request):
        return in_scope(request.user, super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        """By number: numbers are upper case, so a case-sensitive LIKE serves (the trigram index on
        PostgreSQL answers it; ``icontains`` would wrap the column in UPPER() and scan)."""
        term = " ".join(search_term.split()).upper()
        if not term:
            return queryset, False
        return queryset.filter(number__contains=term), False

    def has_add_permission(self, request) -> bool:
        return False  # registration happens at the counter (or by accepting an e-application)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        if change and form.changed_data:
            obj.revision += 1  # the optimistic lock of the case forms sees the change
            record_author(obj, request.user)
        super().save_model(request, obj, form, change)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin, BigTableAdmin):
    list_display = ["number", "kind", "decided_on", "application", "decided_by"]
    list_filter = ["kind"]
    list_select_related = ["application", "decided_by"]
    search_fields = ["=number"]
    ordering = ["-id"]
    sortable_by = []
    fields = ["application", "number", "kind", "decided_on", "decided_by", "grounds_text", "text", "created_at"]

    def get_queryset(self, request):
        return in_scope(request.user, super().get_queryset(request), case_field="application__")

    readonly_fields = fields
