from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .actions import accept_e_application, revoke_api_client
from .models import ApiClient, ApiRequestLog, EApplication, new_token


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "hromada", "token_prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    list_filter = ["hromada"]
    search_fields = ["name", "token_prefix"]
    fields = ["name", "hromada", "token_prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["token_prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead: the request log keeps pointing at the client

    def save_model(self, request, obj, form, change):
        if not change:
            token = new_token()
            obj.set_token(token)
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            messages.warning(
                request,
                _("The token of %(name)s, shown only this once (only its hash is kept): %(token)s")
                % {"name": obj.name, "token": token},
            )
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Revoke the tokens of the selected clients"))
    def revoke(self, request, queryset):
        for client in queryset.filter(revoked_at__isnull=True):
            revoke_api_client(client=client, acting_user=request.user)
        self.message_user(request, _("Revoked."))


@admin.register(ApiRequestLog)
class ApiRequestLogAdmin(admin.ModelAdmin):
    list_display = ["at", "client", "method", "path", "status_code"]
    list_filter = ["client", "status_code"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EApplication)
class EApplicationAdmin(admin.ModelAdmin):
    list_display = ["id", "received_at", "client", "office", "service", "state", "application"]
    list_filter = ["state", "office"]
    readonly_fields = [field.name for field in EApplication._meta.fields]
    actions = ["accept"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Accept and register the selected e-applications"))
    def accept(self, request, queryset):
        for e_application in queryset:
            try:
                application = accept_e_application(e_application=e_application, acting_user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                details = "; ".join(getattr(exc, "messages", [str(exc)]))
                self.message_user(request, f"{e_application.pk}: {details}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Registered as %(number)s at %(time)s.")
                    % {"number": application.number, "time": timezone.localtime().strftime("%H:%M")},
                )
