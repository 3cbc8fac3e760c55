"""Catalog pages: thin views over `selectors` (reads) and `actions` (writes)."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cnap.accounts.permissions import can

from . import actions, selectors
from .constants import VersionStatus
from .fees import MissingSubsistenceMinimum, fee_table
from .forms import (
    CatalogFilter,
    CopyServiceForm,
    NewServiceForm,
    PublishForm,
    ServiceForm,
    VersionForm,
    formset_rows,
    part_formsets,
)
from .models import Service, ServiceVersion
from .permissions import can_manage_catalog

PAGE_SIZE = 50


def catalog_reader(view):
    """Any staff role reads the catalog (anonymous users are sent to log in by the middleware)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can(request.user, "view_catalog"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def catalog_manager(view):
    """Only catalog managers (and superusers) change the catalog: everyone else gets 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_manage_catalog(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _apply_publication_errors(form, exc: ValidationError) -> None:
    """What stops publishing, each message with the card field it is about."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        if field in form.fields:
            form.add_error(field, errors)
            continue
        try:
            model = Service if field == "national_id" else ServiceVersion
            label = str(model._meta.get_field(field).verbose_name)
        except FieldDoesNotExist:  # a list of rows (stages, fees...)
            label = field
        for error in errors:
            for message in error.messages:
                form.add_error(None, f"{label[:1].upper()}{label[1:]}: {message}")


# ---------------------------------------------------------------------------------------------
# Reading


@catalog_reader
def catalog_list(request):
    filters = CatalogFilter(request.GET or None, queryset=Service.objects.none())
    values = filters.form.cleaned_data if filters.is_bound and filters.form.is_valid() else {}
    services = selectors.catalog_list(
        search=values.get("q") or "",
        category=values.get("category") or "",
        provider=values.get("provider"),
        office=values.get("office"),
        user=request.user,
    )
    page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "services": page.object_list,
        "can_edit": can_manage_catalog(request.user),
        "query_string": _without_page(request),
    }
    template = "services/_catalog_rows.html" if request.htmx else "services/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _fee_context(version: ServiceVersion | None, today) -> dict:
    if version is None:
        return {}
    try:
        return {"fee_rows": fee_table(version, on_date=today)}
    except MissingSubsistenceMinimum as exc:
        return {"fee_error": str(exc)}


def _card(request, service: Service):
    version_pk = request.GET.get("version")
    try:
        return selectors.service_card(service, version_pk=int(version_pk) if version_pk else None)
    except (ValueError, ServiceVersion.DoesNotExist):
        raise Http404 from None


@catalog_reader
def service_detail(request, pk: int):
    service = get_object_or_404(Service.objects.select_related("provider").prefetch_related("offices"), pk=pk)
    card = _card(request, service)
    if card.version is None:
        raise Http404
    managing = can_manage_catalog(request.user)
    if not managing and not card.version.is_published:
        raise Http404
    today = timezone.localdate()
    context = {
        "service": service,
        "card": card,
        "version": card.version,
        "versions": card.versions if managing else [v for v in card.versions if v.is_published],
        "can_edit": managing,
        "today": today,
        **_fee_context(card.version, today),
    }
    return render(request, "services/detail.html", context)


def _pdf_response(request, pk: int, template: str, filename: str) -> HttpResponse:
    from cnap.pdf import render_pdf

    service = get_object_or_404(Service.objects.select_related("provider").prefetch_related("offices"), pk=pk)
    card = _card(request, service)
    if card.version is None or (not card.version.is_published and not can_manage_catalog(request.user)):
        raise Http404
    today = timezone.localdate()
    offices = list(service.offices.all())
    # The header names the user's office, else the first office that offers the service.
    office = getattr(request.user, "office", None) or (offices[0] if offices else None)
    context = {
        "service": service,
        "version": card.version,
        "offices": offices,
        "hromada_name": office.hromada.name if office else "",
        "office_name": office.name if office else "",
        "office_address": office.address if office else "",
        "today": today,
        **_fee_context(card.version, today),
    }
    pdf = render_pdf(template, context)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{filename}-{service.local_code}-v{card.version.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@catalog_reader
def info_card_pdf(request, pk: int):
    return _pdf_response(request, pk, "services/pdf/info_card.html", "info-card")


@catalog_reader
def tech_card_pdf(request, pk: int):
    return _pdf_response(request, pk, "services/pdf/tech_card.html", "tech-card")


# ---------------------------------------------------------------------------------------------
# Changing (catalog managers)


@catalog_manager
def service_create(request):
    form = NewServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service = actions.create_service(
                local_code=data["local_code"],
                national_id=data["national_id"],
                category=data["category"],
                provider=data["provider"],
                offices=data["offices"],
                title=data["title"],
                term_value=data["term_value"],
                term_unit=data["term_unit"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The service is created as a draft: fill in its card and publish it."))
            return redirect("services:draft_edit", pk=service.pk)
    return render(request, "services/form.html", {"form": form, "title": _("New service")})


@catalog_manager
def service_settings(request, pk: int):
    service = get_object_or_404(Service, pk=pk)
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        offices = data.pop("offices")
        try:
            actions.update_service(service=service, offices=offices, acting_user=request.user, **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("services:detail", pk=service.pk)
    return render(request, "services/form.html", {"form": form, "service": service, "title": _("Service settings")})


@catalog_manager
@require_POST
def draft_start(request, pk: int):
    service = get_object_or_404(Service, pk=pk)
    try:
        actions.copy_version_to_draft(service=service, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("services:detail", pk=pk)
    return redirect("services:draft_edit", pk=pk)


def _draft_or_404(service: Service) -> ServiceVersion:
    draft = (
        service.versions.filter(status=VersionStatus.DRAFT)
        .prefetch_related("documents", "stages", "refusal_grounds")
        .first()
    )
    if draft is None:
        raise Http404
    return draft


@catalog_manager
def draft_edit(request, pk: int):
    service = get_object_or_404(Service.objects.select_related("provider"), pk=pk)
    draft = _draft_or_404(service)
    data = request.POST if request.method == "POST" else None
    form = VersionForm(data, instance=draft)
    formsets = part_formsets(draft, data)
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in formsets.values()):
        try:
            actions.update_draft(
                version=draft,
                acting_user=request.user,
                **{name: rows for name, rows in ((n, formset_rows(f)) for n, f in formsets.items())},
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The draft is saved."))
            if "publish" in request.POST:
                return redirect("services:publish", pk=pk)
            return redirect("services:draft_edit", pk=pk)
    context = {"service": service, "draft": draft, "form": form, "formsets": formsets}
    return render(request, "services/draft_edit.html", context)


@catalog_manager
def publish(request, pk: int):
    service = get_object_or_404(Service, pk=pk)
    draft = _draft_or_404(service)
    form = PublishForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            version = actions.publish_version(
                version=draft, valid_from=form.cleaned_data["valid_from"], acting_user=request.user
            )
        except ValidationError as exc:
            _apply_publication_errors(form, exc)
        else:
            messages.success(
                request,
                _("Version %(number)s is published, in force from %(date)s.")
                % {"number": version.number, "date": version.valid_from.strftime("%d.%m.%Y")},
            )
            return redirect("services:detail", pk=pk)
    return render(request, "services/publish.html", {"service": service, "draft": draft, "form": form})


@catalog_manager
@require_POST
def draft_discard(request, pk: int):
    service = get_object_or_404(Service, pk=pk)
    try:
        actions.discard_draft(version=_draft_or_404(service), acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The draft is deleted."))
    return redirect("services:detail", pk=pk)


@catalog_manager
def service_copy(request, pk: int):
    service = get_object_or_404(Service, pk=pk)
    form = CopyServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            copy = actions.copy_service(
                service=service, new_local_code=form.cleaned_data["new_local_code"], acting_user=request.user
            )
        except ValidationError as exc:
            errors = exc.error_dict if hasattr(exc, "error_dict") else {}
            form.add_error("new_local_code", errors.get("local_code") or exc.messages)
        else:
            messages.success(request, _("The copy is created as a draft."))
            return redirect("services:draft_edit", pk=copy.pk)
    return render(request, "services/form.html", {"form": form, "service": service, "title": _("Copy the service")})
