from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Hromada, Office, OfficeDayOff, User


@admin.register(Hromada)
class HromadaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "edrpou", "region"]
    search_fields = ["name", "edrpou"]


class OfficeDayOffInline(admin.TabularInline):
    model = OfficeDayOff
    extra = 0


@admin.register(Office)
class OfficeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "hromada", "is_active"]
    list_filter = ["kind", "hromada", "is_active"]
    search_fields = ["name", "code"]
    inlines = [OfficeDayOffInline]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "office", "is_active"]
    list_filter = ["role", "office", "is_active", "is_superuser"]
    search_fields = ["username", "last_name", "first_name", "email"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Workstation"), {"fields": ("patronymic", "role", "position", "hromada", "office")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Workstation"), {"fields": ("last_name", "first_name", "patronymic", "role", "office")}),
    )
