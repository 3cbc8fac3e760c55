"""Rate limits in the cache (Redis in production and tests): per token, and per address for the public
catalog. The rates are read from `settings.CNAP_API_RATES` on each request, so a deployment (or a
test) can change them.

When the cache cannot be reached (Redis down), a limit must not turn every API call into a 500: the same
rates are then counted in this process's memory (a looser limit across several web processes, but a limit),
and a warning is logged once a minute at most."""

import logging
import time

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.throttling import SimpleRateThrottle

from cnap.security.client_ip import client_ip

from .models import ApiClient

logger = logging.getLogger(__name__)

#: The in-process fallback counter (per process; used only while the shared cache fails).
LOCAL_CACHE = LocMemCache("api-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
_last_warning = [0.0]


class _SettingsRateThrottle(SimpleRateThrottle):
    cache_format = "api-throttle:%(scope)s:%(ident)s"

    def get_rate(self):
        return settings.CNAP_API_RATES[self.scope]

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # noqa: BLE001 - any cache failure: fall back, never answer 500 for it
            if time.monotonic() - _last_warning[0] > 60:
                _last_warning[0] = time.monotonic()
                logger.warning("API rate limits fall back to this process's memory: the cache failed (%r)", exc)
            self.cache = LOCAL_CACHE
            return super().allow_request(request, view)


class ApiClientThrottle(_SettingsRateThrottle):
    scope = "api_client"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class AnonymousThrottle(_SettingsRateThrottle):
    """Per client address, by the one rule of cnap/security/client_ip.py (never DRF's own reading of
    X-Forwarded-For, which a client could rotate to escape the limit)."""

    scope = "anonymous"

    def get_ident(self, request):
        return client_ip(request) or ""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
