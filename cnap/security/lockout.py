import logging
import math

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from .client_ip import client_ip

logger = logging.getLogger("cnap.security")


def seconds_left(username: str, ip: str | None) -> int | None:
    """How long the lockout of this user name from this address still lasts: the cool-off counted from
    the last failed attempt axes recorded (the whole cool-off if none is found)."""
    cooloff = settings.AXES_COOLOFF_TIME
    if not cooloff:
        return None
    from axes.models import AccessAttempt

    last = (
        AccessAttempt.objects.filter(username=username, ip_address=ip)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    total = int(cooloff.total_seconds())
    if last is None:
        return total
    return max(1, min(total, math.ceil((last + cooloff - timezone.now()).total_seconds())))


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout answer: a page in the user's language saying how long to wait (HTTP 429),
    with ``Retry-After`` in seconds."""
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))[:150]
    ip = client_ip(request)
    seconds = seconds_left(username, ip)
    logger.warning("login locked out username=%r ip=%s", username, ip)
    minutes = math.ceil(seconds / 60) if seconds else None
    response = render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
