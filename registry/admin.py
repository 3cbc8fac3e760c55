from django.contrib import admin

from cnap.core.admin_tools import BigTableAdmin, ReadOnlyAdminMixin
from cnap.security.admin import LogsPersonalDataAccess
from cnap.security.audit import Action

from .models import RegistryRequest
from .selectors import visible_registry_requests


@admin.register(RegistryRequest)
class RegistryRequestAdmin(LogsPersonalDataAccess, ReadOnlyAdminMixin, BigTableAdmin):
    access_action = Action.VIEW_REGISTRY_RESPONSE
    list_display = ["created_at", "registry", "state", "office", "application", "finished_at"]
    list_filter = ["state", "registry"]
    list_select_related = ["office", "application"]
    search_fields = ["=application__number"]
    ordering = ["-created_at"]
    sortable_by = []

    def access_log_kwargs(self, obj) -> dict:
        return {"registry_request": obj}

    def get_queryset(self, request):
        """Through the access scope (the admin is for superusers, who see all; no one else more)."""
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=visible_registry_requests(request.user).values("pk"))
