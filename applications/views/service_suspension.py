"""Suspend or resume ALL open cases of a service by a legal act (e.g. CMU Resolution No 165 under martial law).

Thin over applications.actions.legal_suspensions.suspend_service / resume_service; heads of the CNAP (their office's
cases) and provider officers (their provider's); everyone else 403."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from cnap.accounts.permissions import can

from ..actions import legal_suspensions
from ..forms.service_suspension import SUSPEND, ServiceSuspensionForm


@require_http_methods(["GET", "POST"])
def service_suspension(request):
    if not can(request.user, "suspend_services"):
        raise PermissionDenied
    form = ServiceSuspensionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == SUSPEND:
                done = legal_suspensions.suspend_service(
                    service=data["service"],
                    reason=data["reason"].strip(),
                    legal_act=data["legal_act"],
                    started_on=data["on_date"],
                    acting_user=request.user,
                )
            else:
                done = legal_suspensions.resume_service(
                    service=data["service"],
                    legal_act=data["legal_act"],
                    resumed_on=data["on_date"],
                    acting_user=request.user,
                )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not do this."))
        else:
            _report_success(request, data, done)
            return redirect("applications:service_suspension")
    return render(request, "applications/service_suspension.html", {"form": form})


def _report_success(request, data, done):
    count = len(done)
    values = {"count": count, "service": data["service"].local_code, "act": data["legal_act"]}
    if data["action"] == SUSPEND:
        text = ngettext(
            "%(count)d case of service %(service)s is suspended by «%(act)s».",
            "%(count)d cases of service %(service)s are suspended by «%(act)s».",
            count,
        )
        messages.success(request, text % values)
        return
    text = ngettext(
        "%(count)d case of service %(service)s suspended by «%(act)s» is resumed; "
        "its due date moved on by the working days lost.",
        "%(count)d cases of service %(service)s suspended by «%(act)s» are resumed; "
        "their due dates moved on by the working days lost.",
        count,
    )
    messages.success(request, text % values)
