"""Rate limits in the cache (Redis in production and tests): per token, and per address for the public
catalog. The rates are read from `settings.CNAP_API_RATES` on each request, so a deployment (or a
test) can change them."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from cnap.security.client_ip import client_ip

from .models import ApiClient


class _SettingsRateThrottle(SimpleRateThrottle):
    cache_format = "api-throttle:%(scope)s:%(ident)s"

    def get_rate(self):
        return settings.CNAP_API_RATES[self.scope]


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
