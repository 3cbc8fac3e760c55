"""The public status page (/status/): a citizen with the receipt's number and access code (typed,
or from its QR code) sees where their case is. No login, no JavaScript, no personal data.

An unknown number and a wrong code get the same page, byte for byte; lookups are rate-limited per
client address (settings CNAP_STATUS_RATE_LIMIT per CNAP_STATUS_RATE_WINDOW seconds; the address by the
one rule of cnap/security/client_ip.py, so behind the reverse proxy each citizen has their own count)."""

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from applications.constants import ApplicationStatus
from applications.forms.status import StatusLookupForm
from applications.selectors.status import public_status as find_public_status
from cnap.core import ratelimit
from cnap.security.client_ip import client_ip
from services.constants import DeliveryMethod

logger = logging.getLogger(__name__)

PUBLIC_LANGUAGES = ("uk", "en")

# What each status means to the citizen, and what they should do next.
STATUS_TEXTS = {
    ApplicationStatus.REGISTERED: (
        _("Your application has been registered at the CNAP."),
        _("Nothing to do now. The CNAP passes it to the authority that decides on it within a working day."),
    ),
    ApplicationStatus.SENT_TO_PROVIDER: (
        _("Your application has been passed to the authority that decides on it."),
        _("Nothing to do now. Wait for the result by the due date."),
    ),
    ApplicationStatus.IN_PROGRESS: (
        _("The authority is considering your application."),
        _("Nothing to do now. Wait for the result by the due date."),
    ),
    ApplicationStatus.RETURNED_FOR_REVISION: (
        _("Your application was returned: something has to be corrected or added."),
        _("Call or visit the CNAP to learn what is needed."),
    ),
    ApplicationStatus.SUSPENDED: (
        _("Consideration of your application is suspended; the term does not run meanwhile."),
        _("If the CNAP asked you for documents, bring them. The due date moves when consideration resumes."),
    ),
    ApplicationStatus.RESULT_READY: (
        _("The result is ready."),
        _("Collect it at the office below. Bring your identity document and the receipt."),
    ),
    ApplicationStatus.ISSUED: (
        _("The result has been issued."),
        _("Nothing more to do."),
    ),
    ApplicationStatus.REFUSED: (
        _("A decision to refuse has been made on your application."),
        _("Collect the decision with its reasons at the office below. You may appeal it or apply again."),
    ),
    ApplicationStatus.LEFT_WITHOUT_CONSIDERATION: (
        _("Your application was left without consideration."),
        _("Call or visit the CNAP to learn why. You may apply again."),
    ),
    ApplicationStatus.WITHDRAWN: (
        _("Your application was withdrawn at your request."),
        _("Nothing more to do."),
    ),
    ApplicationStatus.UNCLAIMED: (
        _("The result was not collected within the storage period."),
        _("Call or visit the CNAP to learn how to get it now."),
    ),
}

# A refusal whose letter was handed over: nothing to collect any more.
REFUSAL_HANDED_OVER = (
    _("A decision to refuse was made on your application; it was handed over to you."),
    _("Nothing to collect. You may appeal the decision or apply again."),
)

# When the result is ready but not collected in person.
RESULT_DELIVERY_TEXTS = {
    DeliveryMethod.POST: _("The result will be sent to you by post."),
    DeliveryMethod.EMAIL: _("The result will be sent to you by e-mail."),
    DeliveryMethod.ELECTRONIC: _("The result will be available electronically (Diia portal / e-cabinet)."),
}


def _throttle(request) -> int:
    """Counts a lookup for the client's address; returns 0 if allowed, else the seconds to wait.
    A cache that is down lets lookups through (cnap/core/ratelimit.py)."""
    client = hashlib.sha256((client_ip(request) or "").encode()).hexdigest()[:32]
    return ratelimit.hit(
        f"status-lookups:{client}",
        limit=settings.CNAP_STATUS_RATE_LIMIT,
        window=settings.CNAP_STATUS_RATE_WINDOW,
    )


def _language(request) -> str:
    language = request.GET.get("lang", "")
    return language if language in PUBLIC_LANGUAGES else PUBLIC_LANGUAGES[0]


@login_not_required
@require_safe
@never_cache
def public_status(request):
    language = _language(request)
    with translation.override(language):
        response = _public_status(request, language)
    response.headers["Content-Language"] = language
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _public_status(request, language: str):
    form = StatusLookupForm(request.GET or None)
    context = {"language": language, "other_languages": [code for code in PUBLIC_LANGUAGES if code != language]}
    if not form.is_lookup:
        return render(request, "applications/status/page.html", {**context, "form": form})

    retry_after = _throttle(request)
    if retry_after:
        response = render(
            request,
            "applications/status/rate_limited.html",
            {**context, "retry_minutes": (retry_after + 59) // 60},
            status=429,
        )
        response.headers["Retry-After"] = str(retry_after)
        return response

    result = find_public_status(number=form.cleaned_data["number"], code=form.cleaned_data["code"])
    if result is None:
        # The same page whether the number is unknown or the code wrong: nothing typed is echoed back.
        not_found = {**context, "form": StatusLookupForm(), "not_found": True}
        return render(request, "applications/status/page.html", not_found)

    meaning, next_step = STATUS_TEXTS.get(result.status, ("", ""))
    if result.refusal_handed_over:
        meaning, next_step = REFUSAL_HANDED_OVER
    if result.result_ready and result.result_delivery in RESULT_DELIVERY_TEXTS:
        next_step = RESULT_DELIVERY_TEXTS[result.result_delivery]
    return render(
        request,
        "applications/status/page.html",
        {
            **context,
            "result": result,
            "meaning": meaning,
            "next_step": next_step,
            "show_collection": result.result_ready
            or (result.status == ApplicationStatus.REFUSED and not result.refusal_handed_over),
            "query": {"number": result.number, "code": form.cleaned_data["code"]},
        },
    )
