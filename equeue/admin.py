from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cnap.core.admin_tools import BigTableAdmin, ReadOnlyAdminMixin

from .models import Booking, BookingMessage, OpeningHours, PriorityCategory, ServiceGroup, Ticket, Window


@admin.register(OpeningHours)
class OpeningHoursAdmin(SimpleHistoryAdmin):
    list_display = ["office", "weekday", "opens_at", "closes_at", "break_starts_at", "break_ends_at"]
    list_filter = ["office"]


@admin.register(ServiceGroup)
class ServiceGroupAdmin(SimpleHistoryAdmin):
    list_display = ["office", "letter", "name", "average_service_minutes", "target_wait_minutes", "is_active"]
    list_filter = ["office", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["services"]


@admin.register(Window)
class WindowAdmin(SimpleHistoryAdmin):
    list_display = ["office", "number", "label", "operator", "is_open", "is_active"]
    list_filter = ["office", "is_open", "is_active"]
    filter_horizontal = ["groups"]
    raw_id_fields = ["operator"]


@admin.register(PriorityCategory)
class PriorityCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "legal_act", "article", "is_verified", "is_active"]
    list_filter = ["is_verified", "is_active"]


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ["date", "code", "office", "group", "status", "window", "issued_at", "called_at"]
    list_filter = ["status", "office"]
    list_select_related = ["office", "group", "window"]
    search_fields = ["=code"]
    ordering = ["-date", "-issued_at"]
    sortable_by = []


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ["starts_at", "code", "office", "group", "status", "channel"]
    list_filter = ["status", "channel", "office"]
    list_select_related = ["office", "group"]
    search_fields = ["=code"]
    ordering = ["-starts_at"]
    sortable_by = []


@admin.register(BookingMessage)
class BookingMessageAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ["created_at", "booking", "channel", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel"]
    list_select_related = ["booking"]
    search_fields = ["=booking__code"]
    ordering = ["-id"]
    sortable_by = []
