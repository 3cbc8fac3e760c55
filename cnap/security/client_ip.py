"""The client's address, as django-axes and the personal-data access log record it."""

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or, behind ``CNAP_PROXY_COUNT`` reverse proxies, the address the outermost
    trusted proxy saw (counted from the right of X-Forwarded-For, so a client cannot forge it)."""
    proxies = settings.CNAP_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
