"""Lists of cases: presets, filters, search, keyset pages and the CSV export (thin over selectors.lists)."""

import csv

from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cnap.accounts.permissions import can
from cnap.security.audit import Action, log_personal_data_access
from cnap.security.spreadsheet import spreadsheet_safe

from ..selectors.lists import PERSONAL_PRESETS, PRESETS, filtered_applications, keyset_page, list_rows, total_found

CSV_CHUNK = 2000


def _applicant_name(app) -> str:
    applicant = app.applicant
    return applicant.display_name


def _staff_name(user) -> str:
    return (user.full_name or user.username) if user else ""


class _Echo:
    def write(self, value):
        return value


def _csv_response(queryset, filename: str) -> StreamingHttpResponse:
    headers = [
        _("Registration number"),
        _("Registered"),
        _("Status"),
        _("Service"),
        _("Provider"),
        _("Applicant"),
        _("RNOKPP/EDRPOU"),
        _("Due date"),
        _("Overdue"),
        _("Office"),
        _("Administrator"),
        _("Provider officer"),
    ]
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff" + writer.writerow(headers)
        for app in list_rows(queryset).iterator(chunk_size=CSV_CHUNK):
            yield writer.writerow(
                spreadsheet_safe(cell)
                for cell in [
                    app.number,
                    timezone.localtime(app.registered_at).strftime("%d.%m.%Y %H:%M"),
                    app.get_status_display(),
                    app.service_version.title,
                    app.provider.name,
                    _applicant_name(app),
                    app.applicant.masked_tax_id,
                    app.due_date.strftime("%d.%m.%Y"),
                    _("yes") if app.is_overdue else "",
                    str(app.office),
                    _staff_name(app.registered_by),
                    _staff_name(app.assigned_to),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _render_list(request, *, preset: str, url_name: str):
    queryset, filterset = filtered_applications(user=request.user, data=request.GET, preset=preset)
    if request.GET.get("format") == "csv":
        log_personal_data_access(request=request, action=Action.EXPORT_LIST, detail=url_name)
        return _csv_response(queryset, f"applications-{timezone.localdate():%Y%m%d}.csv")
    page = keyset_page(queryset, after=request.GET.get("after"))
    total = total_found(queryset)
    query = request.GET.copy()
    query.pop("after", None)
    query.pop("format", None)
    next_query = None
    if page.next_cursor:
        next_query = query.copy()
        next_query["after"] = page.next_cursor
    csv_query = query.copy()
    csv_query["format"] = "csv"
    presets = [(key, label) for key, label in PRESETS.items() if _preset_allowed(request.user, key)]
    return render(
        request,
        "applications/lists/list.html",
        {
            "page": page,
            "total": total,
            "filter": filterset,
            "preset": preset,
            "preset_label": PRESETS.get(preset) or PERSONAL_PRESETS.get(preset) or _("Applications"),
            "presets": presets,
            "url_name": url_name,
            "query": query.urlencode(),
            "next_query": next_query.urlencode() if next_query else "",
            "csv_query": csv_query.urlencode(),
            "is_first_page": not request.GET.get("after"),
            "today": timezone.localdate(),
        },
    )


def _preset_allowed(user, preset: str) -> bool:
    if preset == "provider":
        return can(user, "work_provider_queue")
    if preset == "office":
        return user.is_superuser or bool(user.office_id)
    return True


@require_GET
def application_list(request, preset: str = ""):
    if not can(request.user, "view_applications"):
        raise PermissionDenied
    if preset and preset not in PRESETS and preset not in PERSONAL_PRESETS:
        raise Http404
    url_name = f"applications:list_{preset}" if preset else "applications:list"
    return _render_list(request, preset=preset, url_name=url_name)


@require_GET
def provider_queue(request):
    if not can(request.user, "work_provider_queue"):
        raise PermissionDenied
    return _render_list(request, preset="provider", url_name="applications:provider_queue")
