from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """Opaque `cursor` links (`next`, `previous`); `page_size` up to 100."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("id",)
