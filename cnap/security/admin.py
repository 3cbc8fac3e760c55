from django.contrib import admin

from .audit import Action, log_personal_data_access
from .models import PersonalDataAccess


class LogsPersonalDataAccess:
    """A ModelAdmin mixin: opening a record with personal data in the admin is logged like on the staff
    pages. Set ``access_action`` and return the logged objects from ``access_log_kwargs``."""

    access_action = Action.VIEW_CASE

    def access_log_kwargs(self, obj) -> dict:
        return {}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", None) == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                log_personal_data_access(
                    request=request, action=self.access_action, detail="admin", **self.access_log_kwargs(obj)
                )
        return response


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Read-only: the access log is append-only (no add, change or delete, even for superusers)."""

    list_display = ["accessed_at", "user", "action", "application_number", "detail", "ip"]
    list_filter = ["action"]
    date_hierarchy = "accessed_at"
    search_fields = ["application_number", "user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "hromada"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
