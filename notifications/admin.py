from django.contrib import admin

from cnap.core.admin_tools import BigTableAdmin, ReadOnlyAdminMixin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ["created_at", "application", "event", "channel", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "event", "channel"]
    list_select_related = ["application"]
    search_fields = ["=application__number"]
    ordering = ["-id"]
    sortable_by = []
