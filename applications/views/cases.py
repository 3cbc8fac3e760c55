"""The case page and its actions: thin views over selectors.cases and actions.workflow/decisions."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cnap.accounts.permissions import can
from cnap.security.audit import Action, log_personal_data_access
from services.constants import ResultKind

from ..access import case_for, case_in_full, decision_for, may_act_on, may_reveal, printed_for, reveal_case
from ..actions import decisions, workflow
from ..actions.payments import prepaid_missing
from ..constants import ApplicationStatus, DecisionKind
from ..documents import decision_document, routing_slip_document
from ..forms.workflow import (
    DecisionForm,
    IssueForm,
    PaymentForm,
    RegistryActionForm,
    ResumeForm,
    RevealForm,
    SuspendForm,
    TransitionForm,
)
from ..models import PrintedDocument, RegistryAction
from ..selectors.cases import case_page
from ..transitions import Needs, get_move, role_allows


def case_viewer(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can(request.user, "view_applications"):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _report(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(exc) or _("You may not do this."))


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _to_case(pk):
    return redirect("applications:detail", pk=pk)


@require_GET
@case_viewer
def detail(request, pk: int):
    page = case_page(request=request, pk=pk)
    app = page.application
    revision = {"revision": app.revision}
    forms = {}
    for move in page.moves:
        if move.needs_(Needs.SUSPENSION):
            forms["suspend"] = SuspendForm(initial=revision)
        elif move.needs_(Needs.RESUME):
            forms["resume"] = ResumeForm(initial=revision)
        elif move.needs_(Needs.ISSUE):
            forms["issue"] = IssueForm(initial={**revision, "issued_to": app.applicant.display_name})
        elif move.needs_(Needs.REFUSAL_DECISION) or move.needs_(Needs.DECISION_OR_NOTE):
            if app.service_version.result_kind == ResultKind.REGISTRAR_ACTION:
                forms.setdefault("registry_action", RegistryActionForm(initial=revision, application=app))
            else:
                forms.setdefault("decision", DecisionForm(initial=revision, version=app.service_version))
    handover = get_move(ApplicationStatus.RESULT_READY, ApplicationStatus.ISSUED)
    if (
        app.status == ApplicationStatus.REFUSED
        and not app.issued_at
        and may_act_on(request.user, app)
        and role_allows(request.user, handover)
    ):
        forms["issue"] = IssueForm(initial={**revision, "issued_to": app.applicant.display_name})
    log_personal_data_access(
        request=request, action=Action.VIEW_CASE, application=app, detail="" if page.full else "minimised"
    )
    payments = list(app.payments.all())
    simple_moves = [
        move
        for move in page.moves
        if not (
            move.needs_(Needs.SUSPENSION)
            or move.needs_(Needs.RESUME)
            or move.needs_(Needs.ISSUE)
            or move.needs_(Needs.REFUSAL_DECISION)
        )
    ]
    return render(
        request,
        "applications/cases/detail.html",
        {
            "page": page,
            "application": app,
            "simple_moves": simple_moves,
            "forms": forms,
            "may_look_up": can(request.user, "look_up_registries") and page.works,
            "may_reveal": may_reveal(request.user, app) and not page.full,
            "reveal_form": RevealForm(),
            "payments": payments,
            "unpaid_prepaid": prepaid_missing(app, payments),
            "payment_form": PaymentForm(initial={"paid_on": timezone.localdate(), "method": "bank"})
            if may_act_on(request.user, app)
            else None,
            "registry_action": RegistryAction.objects.filter(application=app).first()
            if app.service_version.result_kind == ResultKind.REGISTRAR_ACTION
            else None,
            "today": timezone.localdate(),
            "statuses": ApplicationStatus,
        },
    )


@require_POST
@case_viewer
def move(request, pk: int):
    app = case_for(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_case(pk)
    try:
        app = workflow.transition(
            application=app,
            to_status=form.cleaned_data["to_status"],
            acting_user=request.user,
            comment=form.cleaned_data["comment"],
            expected_revision=form.cleaned_data["revision"],
        )
    except (ValidationError, PermissionDenied) as exc:
        _report(request, exc)
    else:
        messages.success(request, _("Done: the case is now «%(status)s».") % {"status": app.get_status_display()})
    return _to_case(pk)


@require_POST
@case_viewer
def suspend(request, pk: int):
    app = case_for(request.user, pk)
    form = SuspendForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_case(pk)
    try:
        workflow.suspend(
            application=app,
            reason=form.cleaned_data["reason"],
            legal_act=form.cleaned_data["legal_act"],
            started_on=form.cleaned_data["started_on"],
            acting_user=request.user,
            expected_revision=form.cleaned_data["revision"],
        )
    except (ValidationError, PermissionDenied) as exc:
        _report(request, exc)
    else:
        messages.success(request, _("The case is suspended."))
    return _to_case(pk)


@require_POST
@case_viewer
def resume(request, pk: int):
    app = case_for(request.user, pk)
    form = ResumeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_case(pk)
    try:
        app = workflow.resume(
            application=app,
            resumed_on=form.cleaned_data["resumed_on"],
            acting_user=request.user,
            expected_revision=form.cleaned_data["revision"],
        )
    except (ValidationError, PermissionDenied) as exc:
        _report(request, exc)
    else:
        messages.success(
            request, _("The case is resumed; due date %(due)s.") % {"due": app.due_date.strftime("%d.%m.%Y")}
        )
    return _to_case(pk)


@require_POST
@case_viewer
def decide(request, pk: int):
    app = case_for(request.user, pk)
    form = DecisionForm(request.POST, version=app.service_version)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_case(pk)
    try:
        decision = decisions.record_decision(
            application=app,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            grounds=list(form.cleaned_data["grounds"]) if form.cleaned_data["kind"] == DecisionKind.REFUSAL else [],
            decided_on=form.cleaned_data["decided_on"],
            acting_user=request.user,
            expected_revision=form.cleaned_data["revision"],
        )
    except (ValidationError, PermissionDenied) as exc:
        _report(request, exc)
    else:
        messages.success(request, _("Decision %(number)s is recorded.") % {"number": decision.number})
    return _to_case(pk)


@require_POST
@case_viewer
def issue(request, pk: int):
    app = case_for(request.user, pk)
    form = IssueForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_case(pk)
    try:
        workflow.issue_result(
            application=app,
            issued_to=form.cleaned_data["issued_to"],
            identity_document=form.cleaned_data["identity_document"],
            issued_at=form.cleaned_data["issued_at"],
            acting_user=request.user,
            expected_revision=form.cleaned_data["revision"],
        )
    except (ValidationError, PermissionDenied) as exc:
        _report(request, exc)
    else:
        messages.success(request, _("The handing over is recorded."))
    return _to_case(pk)


def _pdf(document: PrintedDocument, filename: str) -> FileResponse:
    response = FileResponse(
        document.file.open("rb"), content_type="application/pdf", as_attachment=True, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@case_viewer
def routing_slip_pdf(request, pk: int):
    app = case_in_full(request.user, pk)
    if app.sent_to_provider_at is None:
        raise Http404
    document = routing_slip_document(app, acting_user=request.user)
    log_personal_data_access(request=request, action=Action.PRINT_DOCUMENT, application=app, detail="routing slip")
    return _pdf(document, f"routing-slip-{app.number}.pdf")


@require_GET
@case_viewer
def decision_pdf(request, pk: int, decision_pk: int):
    app = case_in_full(request.user, pk)
    decision = decision_for(app, decision_pk)
    document = decision_document(decision, acting_user=request.user)
    log_personal_data_access(
        request=request, action=Action.PRINT_DOCUMENT, application=app, detail=f"decision {decision.number}"
    )
    return _pdf(document, f"decision-{decision.number}.pdf")


@require_GET
@case_viewer
def printed_document(request, pk: int, document_id):
    app = case_in_full(request.user, pk)
    document = printed_for(app, document_id)
    log_personal_data_access(request=request, action=Action.PRINT_DOCUMENT, application=app, detail=document.kind)
    return _pdf(document, f"{document.kind}-{app.number}.pdf")


@require_POST
@case_viewer
def payment(request, pk: int):
    from ..actions.payments import record_payment

    app = case_for(request.user, pk)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_case(pk)
    data = form.cleaned_data
    target = app.payments.filter(pk=data["payment"]).first()
    if target is None:
        raise Http404
    try:
        record_payment(
            payment=target,
            amount=data["amount"],
            paid_on=data["paid_on"],
            reference=data["reference"],
            method=data["method"],
            payer=data["payer"],
            acting_user=request.user,
        )
    except (ValidationError, PermissionDenied) as exc:
        _report(request, exc)
    else:
        messages.success(request, _("The payment is recorded."))
    return _to_case(pk)


@require_POST
@case_viewer
def registry_action(request, pk: int):
    app = case_for(request.user, pk)
    form = RegistryActionForm(request.POST, application=app)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_case(pk)
    data = form.cleaned_data
    try:
        decisions.record_registry_action(
            application=app,
            kind=data["kind"],
            register_name=data["register_name"],
            record_number=data["record_number"],
            recorded_on=data["recorded_on"],
            registrar=data["registrar"],
            grounds=list(data["grounds"]),
            extract=data["extract"],
            acting_user=request.user,
            expected_revision=data["revision"],
        )
    except (ValidationError, PermissionDenied) as exc:
        _report(request, exc)
    else:
        messages.success(request, _("The registrar's action is recorded."))
    return _to_case(pk)


@require_POST
@case_viewer
def reveal(request, pk: int):
    """A minimised case's full personal data for a while, for a role that may reveal it, with the
    reason stated (it goes into the personal-data access log)."""
    app = case_for(request.user, pk)
    if not may_reveal(request.user, app):
        return _to_case(pk)  # already shown in full, or a role that may not reveal: nothing to do
    form = RevealForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_case(pk)
    reveal_case(request, app, reason=form.cleaned_data["reason"])
    messages.success(request, _("The case's personal data is shown in full; your reason is in the access log."))
    return _to_case(pk)
