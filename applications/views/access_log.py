from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cnap.accounts.permissions import can

from ..forms.access_log import AccessLogFilterForm
from ..selectors.access_log import access_log_scope, access_log_staff, filter_access_log, with_subjects

PAGE_SIZE = 50


@require_GET
def access_log(request):
    """The personal-data access log for the head of ЦНАП, with filters. Tax numbers are never shown."""
    if not can(request.user, "view_access_log"):
        raise PermissionDenied
    form = AccessLogFilterForm(request.GET or None, staff=access_log_staff(request.user))
    rows = access_log_scope(request.user)
    if form.is_bound and form.is_valid():
        rows = filter_access_log(rows, **form.cleaned_data)
    elif form.is_bound:
        rows = rows.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_subjects(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "applications/access_log.html", context)
