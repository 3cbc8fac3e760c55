"""Staff sessions: the second factor (TOTP) on every staff page and an absolute session lifetime.

Installed after AuthenticationMiddleware, django_otp's OTPMiddleware and LoginRequiredMiddleware."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import resolve_url

# URL names a logged-in user may open before the second factor: logging out and the 2FA pages.
OTP_EXEMPT_URL_NAMES = frozenset({"logout", "two_factor_setup", "two_factor_verify"})
# The REST API authenticates every request by its token: its DRF views need no staff second factor.
# Plain Django pages under /api/ (the staff inbox of e-applications) do.
API_PREFIX = "/api/"
LOGIN_AT_SESSION_KEY = "cnap_login_at"


def has_confirmed_device(user) -> bool:
    from django_otp import devices_for_user

    return any(True for _ in devices_for_user(user, confirmed=True))


def otp_exempt(request, view_func) -> bool:
    """Pages that a logged-in user may see without a verified second factor: views marked
    @login_not_required (the login page, the public status page, /healthz, the language switch),
    logout and the 2FA pages themselves, static files and the REST API's views (token auth)."""
    if getattr(view_func, "login_required", True) is False:
        return True
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name in OTP_EXEMPT_URL_NAMES and not match.namespace:
        return True
    if request.path_info.startswith(API_PREFIX) and getattr(view_func, "cls", None) is not None:
        return True  # a Django REST framework view (as_view() sets .cls)
    return request.path_info.startswith(settings.STATIC_URL or "/static/")


def _redirect(request, url_name: str):
    response = redirect_to_login(request.get_full_path(), resolve_url(url_name), "next")
    if request.headers.get("HX-Request") == "true":
        # htmx would swap the 2FA page into a fragment: ask it to load the page instead.
        hx = HttpResponse(status=204)
        hx["HX-Redirect"] = response["Location"]
        return hx
    return response


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and "Cache-Control" not in response
            and not request.path_info.startswith(settings.STATIC_URL or "/static/")
        ):
            # staff pages carry personal data: no copy in the browser's or a proxy's cache (ASVS 8.2.1)
            response["Cache-Control"] = "private, no-store"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        now = int(time.time())
        login_at = request.session.get(LOGIN_AT_SESSION_KEY)
        if login_at is None:
            request.session[LOGIN_AT_SESSION_KEY] = now
        elif now - int(login_at) > settings.CNAP_SESSION_MAX_SECONDS:
            logout(request)
            return _redirect(request, settings.LOGIN_URL)
        if not settings.CNAP_REQUIRE_2FA or otp_exempt(request, view_func):
            return None
        if user.is_verified():
            return None
        return _redirect(request, "two_factor_verify" if has_confirmed_device(user) else "two_factor_setup")


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header (settings.PERMISSIONS_POLICY): no camera, microphone, location."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response
