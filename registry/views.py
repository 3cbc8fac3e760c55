"""Registry lookups from the registration form and the case page (htmx partials).

``registry_lookup`` (POST) makes a request and answers the result partial in its pending state, which polls
``registry_request`` (GET, by UUID, 404 outside the user's office) every second until the request is final.
A succeeded result shows the fields with checkboxes: on the registration form ``static/js/registry.js``
copies the ticked ones into the form's inputs; on the case page ``registry_apply`` (POST) copies them into the
applicant's record. Every render of a registry response is logged as personal-data access.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cnap.accounts.permissions import can
from cnap.security.audit import Action, log_personal_data_access

from .actions import apply_registry_data, request_lookup, stop_waiting
from .constants import REGISTRY_FINAL_STATES, EvidenceState, RegistryRequestState
from .selectors import (
    compare_fields,
    display_message,
    get_registry_request,
    lookup_options,
    masked_query,
    may_apply_registry_data,
    recent_requests_for,
    record_values,
    registry_fields,
    registry_summary,
    visible_applicant,
    visible_application,
    waiting_info,
)

RESULT_TEMPLATE = "registry/_result.html"
MODES = ("form", "case")


def _check_may_look_up(user) -> None:
    """Administrators, starostas and provider officers ask registries; others only see results."""
    if not can(user, "look_up_registries"):
        raise PermissionDenied


def _mode(value) -> str:
    return value if value in MODES else "form"


def _current_values(request, registry_request, mode: str) -> dict[str, str]:
    """What the answer is compared with: the applicant's record on the case page, the applicant's fields
    typed so far on the registration form (the result polls with them)."""
    if mode == "case":
        applicant = registry_request.applicant or (
            registry_request.application.applicant if registry_request.application_id else None
        )
        return record_values(applicant)
    data = request.GET if request.method == "GET" else request.POST
    return {key.removeprefix("applicant-"): value for key, value in data.items() if key.startswith("applicant-")}


def _render_result(request, *, registry_request=None, mode="form", errors=None, status=200, notice=""):
    context = {"mode": mode, "errors": errors or [], "notice": notice, "registry_request": registry_request}
    if registry_request is not None:
        final = registry_request.state in REGISTRY_FINAL_STATES
        succeeded = registry_request.state == RegistryRequestState.SUCCEEDED
        context.update(
            polling=not final,
            final=final,
            succeeded=succeeded,
            message=display_message(registry_request),
            waiting=waiting_info(registry_request),
            can_stop=can(request.user, "look_up_registries"),
            has_evidence=registry_request.evidence_state == EvidenceState.STORED,
            query_text=masked_query(registry_request),
            fields=compare_fields(registry_fields(registry_request), _current_values(request, registry_request, mode))
            if succeeded
            else [],
            summary=registry_summary(registry_request) if succeeded else [],
            can_apply=bool(
                succeeded
                and mode == "case"
                and (registry_request.applicant_id or registry_request.application_id)
                and may_apply_registry_data(request.user, registry_request)
            ),
        )
        if succeeded:
            log_personal_data_access(
                request=request, action=Action.VIEW_REGISTRY_RESPONSE, registry_request=registry_request
            )
    return render(request, RESULT_TEMPLATE, context, status=status)


@require_POST
def registry_lookup(request):
    """Ask a registry: ``registry_lookup`` ("registry.param"), ``registry_value``, optional
    ``registry_application`` / ``registry_applicant`` ids, ``registry_mode`` ("form" or "case"); or
    ``registry_retry_of`` (a request UUID) to ask the same again."""
    user = request.user
    _check_may_look_up(user)
    data = request.POST
    mode = _mode(data.get("registry_mode"))
    retry_of = data.get("registry_retry_of")
    if retry_of:
        previous = get_registry_request(user=user, request_id=retry_of)
        registry, query = previous.registry, dict(previous.query)
        application, applicant = previous.application, previous.applicant
        office = previous.office
    else:
        application = visible_application(user=user, application_id=data.get("registry_application"))
        applicant = visible_applicant(user=user, applicant_id=data.get("registry_applicant"))
        options = {option.value: option for option in lookup_options(category="")}
        option = options.get(data.get("registry_lookup") or "")
        if option is None:
            return _render_result(request, mode=mode, errors=[_("Choose what to look up.")])
        registry, query = option.registry, {option.param: data.get("registry_value", "")}
        office = application.office if application else user.office
        if office is None:
            return _render_result(request, mode=mode, errors=[_("Look up from a case: you do not work in an office.")])
    try:
        registry_request = request_lookup(
            registry=registry,
            query=query,
            office=office,
            acting_user=user,
            application=application,
            applicant=applicant,
        )
    except ValidationError as exc:
        return _render_result(request, mode=mode, errors=exc.messages)
    except PermissionDenied as exc:
        return _render_result(request, mode=mode, errors=[str(exc) or _("You may not make this lookup.")], status=403)
    return _render_result(request, registry_request=registry_request, mode=mode)


@require_GET
def registry_request(request, request_id):
    """The result partial of one request (polled while it runs)."""
    registry_request = get_registry_request(user=request.user, request_id=request_id)
    return _render_result(request, registry_request=registry_request, mode=_mode(request.GET.get("mode")))


@require_POST
def registry_apply(request, request_id):
    """Copy the ticked fields (``registry_fields``) of a succeeded lookup into the applicant's record."""
    registry_request = get_registry_request(user=request.user, request_id=request_id)
    try:
        apply_registry_data(
            registry_request=registry_request,
            fields=request.POST.getlist("registry_fields"),
            acting_user=request.user,
        )
    except ValidationError as exc:
        return _render_result(request, registry_request=registry_request, mode="case", errors=exc.messages)
    except PermissionDenied:
        raise
    return _render_result(
        request,
        registry_request=registry_request,
        mode="case",
        notice=_("The chosen fields were saved to the applicant's record."),
    )


@require_GET
def registry_history(request, application_id):
    """The latest lookups of a case, for the case page (loaded into the panel)."""
    application = visible_application(user=request.user, application_id=application_id)
    return render(
        request,
        "registry/_history.html",
        {"requests": recent_requests_for(application=application, limit=10), "application": application},
    )


@require_POST
def registry_stop(request, request_id):
    """Stop waiting for a lookup: no further attempt is made (the panel shows it as stopped)."""
    registry_request = get_registry_request(user=request.user, request_id=request_id)
    mode = _mode(request.POST.get("registry_mode"))
    try:
        registry_request = stop_waiting(registry_request=registry_request, acting_user=request.user)
    except ValidationError as exc:
        return _render_result(request, registry_request=registry_request, mode=mode, errors=exc.messages)
    return _render_result(request, registry_request=registry_request, mode=mode)


@require_GET
def registry_evidence(request, request_id):
    """The signed ASiC container of a lookup (for a court or an audit): the same scope as the response, and
    logged as access to it."""
    registry_request = get_registry_request(user=request.user, request_id=request_id)
    if registry_request.evidence_state != EvidenceState.STORED or not registry_request.evidence:
        raise Http404("No signed evidence for this lookup")
    log_personal_data_access(request=request, action=Action.VIEW_REGISTRY_RESPONSE, registry_request=registry_request)
    number = registry_request.application.number if registry_request.application_id else "lookup"
    filename = f"{number}-{registry_request.registry}-{registry_request.pk}.asice".replace("/", "-")
    return FileResponse(
        registry_request.evidence.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.etsi.asic-e+zip",
    )
