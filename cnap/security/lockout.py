import logging
import math

from django.conf import settings
from django.shortcuts import render

from .client_ip import client_ip

logger = logging.getLogger("cnap.security")


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout answer: a page in the user's language saying how long to wait (HTTP 429)."""
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = math.ceil(cooloff.total_seconds() / 60) if cooloff else None
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    logger.warning("login locked out username=%r ip=%s", str(username)[:150], client_ip(request))
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
