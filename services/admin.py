"""The catalog in the Django admin, with history. Published versions are read-only here too."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Provider,
    ProviderOfficer,
    RefusalGround,
    RequiredDocument,
    Service,
    ServiceVersion,
    SubsistenceMinimum,
    TechCardStage,
)


@admin.register(SubsistenceMinimum)
class SubsistenceMinimumAdmin(SimpleHistoryAdmin):
    list_display = ["year", "amount", "legal_basis"]


class ProviderOfficerInline(admin.TabularInline):
    """The staff who work for the provider (users of the role provider officer)."""

    model = ProviderOfficer
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "edrpou", "phone", "hromada"]
    search_fields = ["name", "short_name", "edrpou"]
    list_filter = ["hromada"]
    inlines = [ProviderOfficerInline]


@admin.register(ProviderOfficer)
class ProviderOfficerAdmin(SimpleHistoryAdmin):
    list_display = ["user", "provider"]
    list_select_related = ["user", "provider"]
    search_fields = ["user__username", "user__last_name", "provider__name", "provider__edrpou"]
    raw_id_fields = ["user"]


class VersionInline(admin.TabularInline):
    model = ServiceVersion
    fields = ["number", "title", "status", "valid_from", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ["local_code", "national_id", "category", "provider", "is_active"]
    list_filter = ["category", "is_active", "provider"]
    search_fields = ["local_code", "national_id", "versions__title", "provider__name"]
    filter_horizontal = ["offices"]
    list_select_related = ["provider"]
    inlines = [VersionInline]


class _PartInline(admin.TabularInline):
    extra = 0

    def _editable(self, obj):
        return obj is None or obj.is_draft

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class DocumentInline(_PartInline):
    model = RequiredDocument


class StageInline(_PartInline):
    model = TechCardStage


class RefusalGroundInline(_PartInline):
    model = RefusalGround


@admin.register(ServiceVersion)
class ServiceVersionAdmin(SimpleHistoryAdmin):
    list_display = ["service", "number", "title", "status", "valid_from", "published_at"]
    list_filter = ["status", "service__category"]
    search_fields = ["title", "service__local_code"]
    list_select_related = ["service"]
    readonly_fields = ["status", "published_at", "published_by", "created_at", "updated_at"]
    raw_id_fields = ["service"]
    inlines = [DocumentInline, StageInline, RefusalGroundInline]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_draft:
            return False  # published versions are frozen: make a new draft instead
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.is_draft:
            return False
        return super().has_delete_permission(request, obj)


for model in (RequiredDocument, TechCardStage, RefusalGround):
    admin.site.register(model, SimpleHistoryAdmin)
