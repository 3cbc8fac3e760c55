"""Building blocks for the admin of the apps' big tables (cases, lookups, notifications)."""

from functools import cached_property
from typing import Any

from django.contrib import admin
from django.core.paginator import Paginator

#: The most rows a changelist counts: beyond it the admin shows this many (narrow with a filter or search).
COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """Counts at most ``COUNT_CAP`` + 1 rows (``SELECT COUNT(*) FROM (... LIMIT n)``), never the whole table."""

    @cached_property
    def count(self) -> int:
        object_list: Any = self.object_list
        if hasattr(object_list, "query"):
            return object_list[: COUNT_CAP + 1].count()
        return len(object_list)


class BigTableAdmin(admin.ModelAdmin):
    """Lists never count the whole table (it can hold millions of rows)."""

    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50


class ReadOnlyAdminMixin:
    """No add, change or delete: the actions write these rows."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
