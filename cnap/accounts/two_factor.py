"""The second factor for staff (docs/security.md): TOTP enrolment with a QR code, the verification step after
the password, and single-use backup codes (django-otp's static device), shown once."""

import logging
from base64 import b32encode

import segno
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnap.security.client_ip import client_ip

from .forms import OTPTokenForm

logger = logging.getLogger("cnap.security")

BACKUP_CODE_COUNT = 10
BACKUP_CODES_SESSION_KEY = "cnap_new_backup_codes"
TOTP_DEVICE_NAME = "TOTP"
BACKUP_DEVICE_NAME = "backup"


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def _with_next(url_name: str, request) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': _next_url(request)})}"


def issue_backup_codes(user) -> list[str]:
    """Replaces the user's backup codes with BACKUP_CODE_COUNT new single-use ones and returns them."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an authenticator app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@sensitive_post_parameters("otp_token")
@require_http_methods(["GET", "POST"])
def setup(request):
    """Enrolment: a new TOTP device, confirmed by the first code the app shows."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        if user.is_verified():
            messages.info(request, _("Two-factor login is already set up for your account."))
            return redirect("home")
        return redirect(_with_next("two_factor_verify", request))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session[BACKUP_CODES_SESSION_KEY] = issue_backup_codes(user)
            logger.info("2fa enrolled user=%s ip=%s", user.pk, client_ip(request))
            messages.success(request, _("Two-factor login is set up."))
            return redirect(_with_next("two_factor_backup_codes", request))
        form.add_error("otp_token", _("The code is wrong or has expired. Enter the code your app shows now."))
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_data_uri": qr.svg_data_uri(scale=5, border=2),
        "secret": secret_for_display(device),
        "next": _next_url(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@sensitive_post_parameters("otp_token")
@require_http_methods(["GET", "POST"])
def verify(request):
    """The step after the password: a code from the app, or one of the backup codes."""
    user = request.user
    if (
        not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        and not StaticDevice.objects.filter(user=user, confirmed=True).exists()
    ):
        return redirect(_with_next("two_factor_setup", request))
    if user.is_verified():
        return redirect(_next_url(request))
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["otp_token"]
        kind = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
        devices = [device for device in devices_for_user(user, confirmed=True) if isinstance(device, kind)]
        verified = None
        throttled = False
        for device in devices:
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            verified = verify_token(user, device.persistent_id, token)
            if verified is not None:
                break
        if verified is not None:
            otp_login(request, verified)
            request.session.cycle_key()  # a new session id once fully authenticated (ASVS 3.2.1)
            logger.info("2fa verified user=%s device=%s ip=%s", user.pk, kind.__name__, client_ip(request))
            if isinstance(verified, StaticDevice):
                left = verified.token_set.count()
                messages.warning(request, _("You used a backup code. Backup codes left: %(left)s.") % {"left": left})
            return redirect(_next_url(request))
        logger.warning("2fa refused user=%s ip=%s throttled=%s", user.pk, client_ip(request), throttled)
        if throttled:
            form.add_error("otp_token", _("Too many wrong codes. Wait a little and try again."))
        else:
            form.add_error("otp_token", _("The code is wrong or has expired."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@require_http_methods(["GET", "POST"])
def backup_codes(request):
    """The backup codes: shown once after enrolment or after generating new ones."""
    if request.method == "POST":
        request.session[BACKUP_CODES_SESSION_KEY] = issue_backup_codes(request.user)
        logger.info("2fa backup codes regenerated user=%s", request.user.pk)
        return redirect("two_factor_backup_codes")
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    device = StaticDevice.objects.filter(user=request.user, name=BACKUP_DEVICE_NAME).first()
    left = device.token_set.count() if device else 0
    context = {"codes": codes, "left": left, "next": _next_url(request)}
    return render(request, "accounts/two_factor_backup_codes.html", context)
