"""The client's address: the one rule every part uses (the public status page's limit, the API's
throttles, django-axes' lockouts, the personal-data access log, the security log).

``settings.CNAP_PROXY_COUNT`` (from the environment) says how many reverse proxies stand in front of
the site, each appending the address it saw to ``X-Forwarded-For``. The last of them is
``REMOTE_ADDR``; the entries they appended are the rightmost ``CNAP_PROXY_COUNT``; the leftmost of
those (the rightmost hop the proxies did not take from the client) is the client. Anything further
left was sent by the client itself and is never trusted: a client cannot choose its address by
sending its own header. With no proxies (0, the default) the header is ignored."""

from __future__ import annotations

import ipaddress

from django.conf import settings

__all__ = ["client_ip"]


def _address(value: str) -> str | None:
    """The address in one X-Forwarded-For entry (maybe with a port: "192.0.2.1:5060", "[2001:db8::1]:80")."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = int(settings.CNAP_PROXY_COUNT or 0)
    if proxies <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not hops:
        return remote
    # fewer entries than proxies: the request entered behind the first proxy; its leftmost entry
    # was still appended by a trusted proxy
    candidate = hops[-proxies] if len(hops) >= proxies else hops[0]
    return _address(candidate) or remote
