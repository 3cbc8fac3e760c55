"""Notifications to applicants: e-mail and SMS on registration, result ready,
refusal and an overdue term (an apology with the new expected date).

- `queue_notifications(*, application, event, expected_date=None)` writes one `Notification` row per
  channel the applicant agreed to (consent to personal-data processing, a contact, the channel's
  opt-in) and sends `send_notification` for each once the transaction commits. The unique
  constraint (application, event, channel) makes a second call a no-op.
- `deliver_notification(*, notification_id, final_attempt)` is the task's body: it locks the row, leaves
  a sent (or failed) one alone, renders the Ukrainian text and sends it; a transient failure is
  recorded and reported as RETRY, the last one (or a permanent one) marks the row failed.

Nothing here raises into the caller: a broker that is down leaves the rows pending (the sweeper
`resend_pending_notifications` picks them up), a mail server that is down is retried by the task.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import make_msgid
from urllib.parse import quote, urlencode, urlsplit

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from applications.models import Application

from .models import Notification, NotificationChannel, NotificationEvent, NotificationStatus
from .sms import SmsPermanentError, SmsTemporaryError, mask_phone, send_sms, sms_parts

logger = logging.getLogger(__name__)

__all__ = [
    "DeliveryOutcome",
    "PermanentDeliveryError",
    "TemporaryDeliveryError",
    "MAX_SMS_PARTS",
    "deliver_notification",
    "mask_email",
    "notification_channels",
    "queue_notifications",
    "render_email",
    "render_sms",
    "send_email_message",
    "send_sms_message",
    "status_url",
]

#: The task that sends one notification (notifications/tasks.py), sent by name: tasks import actions,
#: never the reverse.
SEND_NOTIFICATION_TASK = "notifications.tasks.send_notification"
MAX_SMS_PARTS = 2
TEMPLATE_DIR = "notifications"
DEFAULT_EMAIL_TIMEOUT = 20  # seconds, when settings.EMAIL_TIMEOUT is not set


class DeliveryOutcome(enum.StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # already sent or failed, or the row is gone
    RETRY = "retry"
    FAILED = "failed"


class TemporaryDeliveryError(Exception):
    pass


class PermanentDeliveryError(Exception):
    pass


def max_retries() -> int:
    return settings.CNAP_NOTIFICATION_MAX_RETRIES


def retry_delay(retries: int) -> int:
    """Seconds before retry number `retries + 1`: 60, 120, 240, ... capped at 30 minutes."""
    base = settings.CNAP_NOTIFICATION_RETRY_DELAY
    return min(base * 2**retries, 1800)


# --- Recipients ---------------------------------------------------------------------------------


def mask_email(email: str) -> str:
    """taras.shevchenko@example.com → t***@example.com."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def notification_channels(applicant) -> list[tuple[str, str]]:
    """(channel, masked recipient) for each channel this applicant may be notified by: only with
    consent to personal-data processing, a contact, and the channel's opt-in."""
    if applicant is None or not applicant.consent_given_at:
        return []
    channels: list[tuple[str, str]] = []
    if applicant.notify_by_email and applicant.email.strip():
        channels.append((NotificationChannel.EMAIL, mask_email(applicant.email.strip())))
    if applicant.notify_by_sms and applicant.phone.strip():
        channels.append((NotificationChannel.SMS, mask_phone(applicant.phone)))
    return channels


def _contact(applicant, channel: str) -> str:
    """The address to send to now, or "" if consent, contact or opt-in has gone since queueing."""
    for allowed_channel, _masked in notification_channels(applicant):
        if allowed_channel == channel:
            return (applicant.email if channel == NotificationChannel.EMAIL else applicant.phone).strip()
    return ""


# --- Queueing -----------------------------------------------------------------------------------


def queue_notifications(
    *, application: Application, event: str, expected_date: dt.date | None = None
) -> list[Notification]:
    """Create the rows for this event (once per channel, ever) and send their task on commit.
    Returns the rows created by this call."""
    event = NotificationEvent(event)
    channels = notification_channels(application.applicant)
    if not channels:
        return []
    existing = set(Notification.objects.filter(application=application, event=event).values_list("channel", flat=True))
    new = [
        Notification(
            application=application, event=event, channel=channel, recipient=masked, expected_date=expected_date
        )
        for channel, masked in channels
        if channel not in existing
    ]
    if not new:
        return []
    # ON CONFLICT DO NOTHING: a concurrent call that got there first does not break this transaction.
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    rows = list(
        Notification.objects.filter(
            application=application,
            event=event,
            channel__in=[row.channel for row in new],
            status=NotificationStatus.PENDING,
        )
    )
    for row in rows:
        _send_on_commit(row.pk)
    return rows


def _send_on_commit(notification_id: int) -> None:
    def enqueue() -> None:
        current_app.send_task(SEND_NOTIFICATION_TASK, (notification_id,))

    enqueue.__qualname__ = f"send_notification({notification_id})"
    # robust: a broker that is down is logged, not raised into the request; the row stays pending.
    transaction.on_commit(enqueue, robust=True)


# --- Texts --------------------------------------------------------------------------------------


def status_url(application: Application) -> str:
    """The public status page of the case, as the receipt's QR code encodes it."""
    query = urlencode({"number": application.number, "code": application.access_code})
    return f"{_site_url()}/status/?{query}"


def _site_url() -> str:
    return settings.CNAP_SITE_URL.rstrip("/")


def _sms_status_url(application: Application) -> str:
    """The same link with letters left as they are (phones link IRIs; %-escaped Cyrillic would
    triple the length of the message)."""

    def part(value: str) -> str:
        return "".join(char if not char.isascii() else quote(char, safe="-_.~") for char in value)

    return f"{_site_url()}/status/?number={part(application.number)}&code={part(application.access_code)}"


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


def _context(application: Application, expected_date: dt.date | None) -> dict:
    office = application.office
    return {
        "number": application.number,
        "service_title": application.service_version.title,
        "office": office,
        "due_date": application.due_date,
        "expected_date": expected_date or application.due_date,
        "url": status_url(application),
        "status_page": f"{_site_url()}/status/",
    }


def render_email(application: Application, event: str, *, expected_date: dt.date | None = None) -> Email:
    with translation.override("uk"):
        context = _context(application, expected_date)
        subject = render_to_string(f"{TEMPLATE_DIR}/{event}_subject.txt", context)
        body = render_to_string(f"{TEMPLATE_DIR}/{event}_email.txt", context)
    return Email(subject=" ".join(subject.split()), body=_tidy(body))


def render_sms(application: Application, event: str, *, expected_date: dt.date | None = None) -> str:
    """The SMS text, at most MAX_SMS_PARTS parts: with the full link when it fits, else with the
    bare status page address (the code is on the receipt)."""
    with translation.override("uk"):
        context = _context(application, expected_date)
        for url in (_sms_status_url(application), context["status_page"]):
            text = " ".join(render_to_string(f"{TEMPLATE_DIR}/{event}_sms.txt", {**context, "url": url}).split())
            if sms_parts(text) <= MAX_SMS_PARTS:
                break
    return text


def _tidy(text: str) -> str:
    """Template text → message: lines stripped, at most one blank line in a row."""
    lines, blank = [], False
    for line in (raw.strip() for raw in text.strip().splitlines()):
        if line or not blank:
            lines.append(line)
        blank = not line
    return "\n".join(lines) + "\n"


# --- Sending ------------------------------------------------------------------------------------


def send_email_message(*, address: str, subject: str, body: str, reply_to: str = "", id_seed: str) -> str:
    """Send one e-mail; returns its Message-ID. Raises `TemporaryDeliveryError` when a later attempt may
    succeed (server down, 4xx) and `PermanentDeliveryError` when it will not."""
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or DEFAULT_EMAIL_TIMEOUT
    message_id = make_msgid(idstring=id_seed, domain=urlsplit(_site_url()).hostname or "localhost")
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[address],
        reply_to=[reply_to] if reply_to else None,
        headers={"Message-ID": message_id},
        connection=get_connection(timeout=timeout),
    )
    try:
        sent = message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _msg in exc.recipients.values()]
        if any(400 <= code < 500 for code in codes):
            raise TemporaryDeliveryError(f"SMTP: recipient refused for now ({codes})") from exc
        raise PermanentDeliveryError(f"SMTP: recipient refused ({codes})") from exc
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise TemporaryDeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        raise PermanentDeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
    except smtplib.SMTPServerDisconnected as exc:
        raise TemporaryDeliveryError(f"SMTP: server disconnected ({exc})") from exc
    except smtplib.SMTPException as exc:
        raise PermanentDeliveryError(f"SMTP: {exc.__class__.__name__}: {exc}") from exc
    except OSError as exc:  # connection refused, timeout, DNS: the server may be back later
        raise TemporaryDeliveryError(f"SMTP connection: {exc.__class__.__name__}: {exc}") from exc
    if not sent:
        raise TemporaryDeliveryError("The mail backend accepted no message.")
    return message_id


def send_sms_message(*, phone: str, text: str) -> str:
    """Send one SMS through the configured gateway; returns the provider's id. Raises
    `TemporaryDeliveryError` / `PermanentDeliveryError` as the gateway's error says."""
    try:
        return str(send_sms(phone, text) or "")
    except SmsTemporaryError as exc:
        raise TemporaryDeliveryError(f"SMS: {exc}") from exc
    except SmsPermanentError as exc:
        raise PermanentDeliveryError(f"SMS: {exc}") from exc


def _send_email(application: Application, notification: Notification, address: str) -> str:
    email = render_email(application, notification.event, expected_date=notification.expected_date)
    return send_email_message(
        address=address,
        subject=email.subject,
        body=email.body,
        reply_to=application.office.email or "",
        id_seed=f"n{notification.pk}",
    )


def _send_sms(application: Application, notification: Notification, phone: str) -> str:
    text = render_sms(application, notification.event, expected_date=notification.expected_date)
    return send_sms_message(phone=phone, text=text)


SENDERS: dict[str, Callable[[Application, Notification, str], str]] = {
    NotificationChannel.EMAIL: _send_email,
    NotificationChannel.SMS: _send_sms,
}


def deliver_notification(*, notification_id: int, final_attempt: bool) -> DeliveryOutcome:
    """Send one notification unless it has been sent (or given up on) already. The row stays locked
    while sending, so the same task delivered twice at once sends once. Never raises."""
    try:
        with transaction.atomic(durable=True):  # outermost: the row is locked while sending, then committed
            notification = (
                Notification.objects.select_for_update()
                .select_related("application__applicant", "application__office", "application__service_version")
                .filter(pk=notification_id)
                .first()
            )
            if notification is None or notification.status != NotificationStatus.PENDING:
                return DeliveryOutcome.SKIPPED
            application = notification.application
            notification.attempts += 1
            address = _contact(application.applicant, notification.channel)
            try:
                if not address:
                    raise PermanentDeliveryError(
                        "The applicant no longer agrees to be notified by this channel or has no contact."
                    )
                message_id = SENDERS[notification.channel](application, notification, address)
            except TemporaryDeliveryError as exc:
                notification.last_error = str(exc)[:2000]
                outcome = DeliveryOutcome.FAILED if final_attempt else DeliveryOutcome.RETRY
            except PermanentDeliveryError as exc:
                notification.last_error = str(exc)[:2000]
                outcome = DeliveryOutcome.FAILED
            except Exception as exc:  # a bug or an unknown backend error: record it, do not loop
                logger.exception("Notification %s could not be sent", notification_id)
                notification.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
                outcome = DeliveryOutcome.FAILED
            else:
                notification.status = NotificationStatus.SENT
                notification.sent_at = timezone.now()
                notification.provider_message_id = message_id[:255]
                notification.last_error = ""
                outcome = DeliveryOutcome.SENT
            if outcome == DeliveryOutcome.FAILED:
                notification.status = NotificationStatus.FAILED
                logger.warning(
                    "Notification %s (%s, %s) failed after %s attempt(s): %s",
                    notification_id,
                    notification.event,
                    notification.channel,
                    notification.attempts,
                    notification.last_error,
                )
            notification.save(update_fields=["attempts", "status", "sent_at", "provider_message_id", "last_error"])
            return outcome
    except Exception:  # the database itself failed: let the task retry later
        logger.exception("Notification %s: could not record the attempt", notification_id)
        return DeliveryOutcome.FAILED if final_attempt else DeliveryOutcome.RETRY


def pending_notification_ids(*, older_than: dt.timedelta) -> list[int]:
    """Rows still pending after `older_than` (their task was lost, e.g. the broker was down at commit)."""
    cutoff = timezone.now() - older_than
    return list(
        Notification.objects.filter(status=NotificationStatus.PENDING, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    )
