"""Test support for the second factor: a confirmed TOTP device per user and its current code.

Used by tests/conftest.py: ``Client.force_login`` gives an OTP-verified session, and the browser
helper ``login_as`` types the current code on the verification page."""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_totp_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    return device


def totp_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current time step's, or the next one's when the current
    step was already used (django-otp refuses a code twice; its tolerance admits one step ahead)."""
    device.refresh_from_db()
    while True:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        if totp.t() > device.last_t:
            break
        if totp.t() + 1 > device.last_t:
            totp.time += device.step
            break
        time.sleep(1)
    return f"{totp.token():0{device.digits}d}"


def verify_client_session(client, user) -> None:
    """Marks the test client's session as verified by the user's TOTP device (django_otp.login)."""
    device = confirmed_totp_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
