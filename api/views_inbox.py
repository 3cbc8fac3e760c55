"""The staff inbox of e-applications sent by portals (thin views over api/selectors_inbox.py and
api.actions.accept_e_application / reject_e_application).

Administrators and starostas of an office accept (register) or reject its drafts; the head of the CNAP
sees them read-only; other roles get 403; another office's e-application answers 404.

These are staff pages (a session and the second factor, as everywhere: the staff-session middleware checks
them; under /api/ it leaves only the REST framework's token-authenticated views alone)."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cnap.forms import CleanTextMixin
from cnap.security.audit import Action, log_personal_data_access

from .actions import accept_e_application, reject_e_application
from .selectors_inbox import inbox_detail, inbox_e_application, inbox_page, may_decide_in_inbox, may_view_inbox

PAGE_SIZE = 50


class RejectForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for rejection"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The portal shows it to the applicant."),
        error_messages={"required": gettext_lazy("Give the reason: the portal shows it to the applicant.")},
    )


def inbox_view(view):
    """The inbox roles; others get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not may_view_inbox(user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@inbox_view
def inbox(request):
    page = inbox_page(request.user, request.GET.get("page"), per_page=PAGE_SIZE)
    return render(request, "api/inbox/list.html", {"page": page, "may_decide": may_decide_in_inbox(request.user)})


def _render_detail(request, pk, *, reject_form=None, status=200):
    detail = inbox_detail(request.user, pk)
    log_personal_data_access(
        request=request,
        action=Action.VIEW_APPLICANT,
        application=detail.e_application.application,
        detail=f"e-application {detail.e_application.pk}",
    )
    return render(
        request,
        "api/inbox/detail.html",
        {
            "detail": detail,
            "e_application": detail.e_application,
            "may_decide": may_decide_in_inbox(request.user),
            "reject_form": reject_form or RejectForm(),
        },
        status=status,
    )


@require_GET
@inbox_view
def detail(request, pk):
    return _render_detail(request, pk)


def _decider(request):
    if not may_decide_in_inbox(request.user):
        raise PermissionDenied


@require_POST
@inbox_view
def accept(request, pk):
    _decider(request)
    e_application = inbox_e_application(request.user, pk)
    try:
        application = accept_e_application(e_application=e_application, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _("The e-application was not registered and stays in the inbox:"))
        for message in exc.messages:
            messages.error(request, message)
        return redirect("api:inbox_detail", pk=e_application.pk)
    messages.success(
        request,
        format_html(
            '{} <strong data-testid="accepted-number">{}</strong>. <a href="{}" target="_blank" rel="noopener" '
            'data-testid="accepted-receipt"><i class="bi bi-printer"></i> {}</a>',
            _("Registered as"),
            application.number,
            reverse("applications:receipt", args=[application.pk]),
            _("Print the receipt"),
        ),
    )
    return redirect("applications:detail", pk=application.pk)


@require_POST
@inbox_view
def reject(request, pk):
    _decider(request)
    e_application = inbox_e_application(request.user, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, e_application.pk, reject_form=form, status=400)
    try:
        reject_e_application(e_application=e_application, reason=form.cleaned_data["reason"], acting_user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("api:inbox_detail", pk=e_application.pk)
    messages.success(request, _("The e-application was rejected; the portal shows the reason to the applicant."))
    return redirect("api:inbox")
