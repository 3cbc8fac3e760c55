"""SMS: a pluggable backend and the arithmetic of message parts.

A backend is any class named by the dotted path in ``settings.CNAP_SMS_BACKEND`` (default
``notifications.sms.LoggingSmsBackend``) with a no-argument constructor and one method::

    send(phone: str, text: str) -> str   # the provider's message id

It raises ``SmsTemporaryError`` when trying again later may succeed (network, timeout, HTTP 5xx,
rate limit) and ``SmsPermanentError`` when it will not (invalid number, rejected text, no credit
that a retry can fix). Anything else it raises is treated as permanent. docs/notifications.md
describes how a hromada plugs its provider in."""

import logging
import math
import uuid

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


# GSM 03.38: the basic character set (one septet each) and the extension table (escape + one septet).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_MULTI = 160, 153  # septets in one part; per part of a concatenated message
UCS2_SINGLE, UCS2_MULTI = 70, 67  # UTF-16 code units likewise


class SmsError(Exception):
    """Base of the errors a backend raises."""


class SmsTemporaryError(SmsError):
    """Sending failed, and a later attempt may succeed."""


class SmsPermanentError(SmsError):
    """Sending failed for good: do not retry."""


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENDED for char in text)


def sms_length(text: str) -> tuple[str, int]:
    """("gsm7", septets) or ("ucs2", UTF-16 code units): what the parts are counted in."""
    if is_gsm7(text):
        return "gsm7", sum(2 if char in GSM7_EXTENDED else 1 for char in text)
    return "ucs2", len(text.encode("utf-16-le")) // 2


def sms_parts(text: str) -> int:
    """How many SMS parts the text takes: 160 GSM-7 characters (extension characters count twice)
    or 70 UCS-2 characters in one part; 153 or 67 per part once it is split."""
    encoding, length = sms_length(text)
    single, multi = (GSM7_SINGLE, GSM7_MULTI) if encoding == "gsm7" else (UCS2_SINGLE, UCS2_MULTI)
    if length <= single:
        return 1
    return math.ceil(length / multi)


def mask_phone(phone: str) -> str:
    """+380501234567 → +380*****4567: enough for staff to recognise it, not enough to dial."""
    digits = "".join(char for char in phone if char.isdigit())
    if len(digits) <= 4:
        return "*" * len(digits)
    keep_head = 3 if len(digits) > 9 else 0
    plus = "+" if phone.strip().startswith("+") else ""
    return f"{plus}{digits[:keep_head]}{'*' * (len(digits) - keep_head - 4)}{digits[-4:]}"


def get_sms_backend():
    """A new instance of the configured backend."""
    return import_string(settings.CNAP_SMS_BACKEND)()


def send_sms(phone: str, text: str) -> str:
    return get_sms_backend().send(phone, text)


class LoggingSmsBackend:
    """The default: sends nothing, writes the message to the log (the phone number masked)."""

    def send(self, phone: str, text: str) -> str:
        message_id = f"log-{uuid.uuid4().hex}"
        logger.info("SMS %s to %s (%d part(s)): %s", message_id, mask_phone(phone), sms_parts(text), text)
        return message_id
