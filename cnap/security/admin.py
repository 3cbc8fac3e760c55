from django.contrib import admin

from applications.models import PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Read-only: the access log is append-only (no add, change or delete, even for superusers)."""

    list_display = ["accessed_at", "user", "action", "application", "detail", "ip"]
    list_filter = ["action"]
    date_hierarchy = "accessed_at"
    search_fields = ["application__number", "user__username"]
    list_select_related = ["user", "application"]
    raw_id_fields = ["user", "application", "applicant", "registry_request", "scan"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
