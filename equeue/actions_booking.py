"""Writes of booked visits: booking a slot, cancelling by the link's token, checking in at the kiosk
by the code, marking no-shows, and the confirmation sent by SMS or e-mail.

One submit, one effect: a booking carries the one-time key of the submit that made it (``request_key``,
unique), so the same form or the same portal request again finds it. A slot's last place cannot be taken
twice: bookings of one office are made one after the other under a lock of the office's row, which also
keeps the per-phone daily limit exact. A checked-in booking has one ticket (``Ticket.booking`` is
one-to-one) and a second tap of the same kiosk form gets that ticket back."""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cnap.accounts.models import Office, User
from cnap.core.history import record_author
from cnap.identifiers import clean_phone
from notifications.actions import (
    DeliveryOutcome,
    PermanentDeliveryError,
    TemporaryDeliveryError,
    mask_email,
    send_email_message,
    send_sms_message,
)
from notifications.models import NotificationChannel, NotificationStatus
from notifications.sms import mask_phone

from . import selectors_booking as slots
from .actions import issue_ticket
from .constants import BookingChannel, BookingStatus
from .models import Booking, BookingMessage, ServiceGroup, Ticket

logger = logging.getLogger(__name__)

#: The task that sends one confirmation (equeue/tasks.py), sent by name: tasks import actions.
SEND_MESSAGE_TASK = "equeue.tasks.send_booking_message"
#: A portal's reference becomes the booking's request key in this namespace (with the client's id).
API_KEY_NAMESPACE = uuid.UUID("6f1c2a52-3c0e-4d1e-9a57-2b8d4c1f0e11")


def api_request_key(*, client_id: int, external_id: str) -> uuid.UUID | None:
    """The request key of a portal's booking: the same reference from the same client, the same key."""
    external_id = (external_id or "").strip()
    if not external_id:
        return None
    return uuid.uuid5(API_KEY_NAMESPACE, f"{client_id}:{external_id}")


def _clean_contact(*, name: str, phone: str, email: str) -> tuple[str, str, str]:
    errors: dict[str, list[ValidationError]] = {}
    name = " ".join(str(name or "").split())
    if not name:
        errors["name"] = [ValidationError(_("Enter your name."), code="required")]
    elif len(name) > 150:
        errors["name"] = [ValidationError(_("The name is too long."), code="max_length")]
    phone, email = str(phone or "").strip(), str(email or "").strip()
    if phone:
        try:
            phone = clean_phone(phone)
        except ValidationError as exc:
            errors["phone"] = [exc]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [ValidationError(_("Enter a valid e-mail address."), code="invalid_email")]
    if not phone and not email and "phone" not in errors:
        errors["phone"] = [
            ValidationError(_("Give a phone number or an e-mail: the booking code is sent there."), code="contact")
        ]
    if errors:
        raise ValidationError(errors)
    return name, phone, email


def _slot_of(group: ServiceGroup, starts_at: dt.datetime, now: dt.datetime) -> slots.Slot:
    """The slot of ``group`` starting at ``starts_at``, if it can be booked; `ValidationError` saying why
    not otherwise."""
    if starts_at <= now:
        raise ValidationError(_("This time has passed. Choose another one."), code="past")
    # Compared before the local date is taken: a moment at the end of the calendar has none.
    far = starts_at > now + dt.timedelta(days=settings.CNAP_QUEUE_BOOKING_DAYS_AHEAD + 2)
    day = timezone.localdate(starts_at) if not far else None
    if day is None or day > slots.last_booking_day(now):
        raise ValidationError(
            _("Visits can be booked up to %(days)s days ahead.") % {"days": settings.CNAP_QUEUE_BOOKING_DAYS_AHEAD},
            code="too_far",
        )
    reason = slots.day_closed_reason(group.office, day)
    if reason:
        raise ValidationError(reason, code="closed")
    for slot in slots.day_slots(group, day, now=now):
        if slot.starts_at == starts_at:
            if slot.free <= 0:
                raise ValidationError(
                    _("All places at %(time)s are taken. Choose another time.") % {"time": slot.key}, code="full"
                )
            return slot
    raise ValidationError(
        _("The office does not receive visitors of this service at %(time)s. Choose a time from the list.")
        % {"time": timezone.localtime(starts_at).strftime("%H:%M")},
        code="outside_hours",
    )


def book_visit(
    *,
    office: Office,
    group: ServiceGroup,
    starts_at: dt.datetime,
    name: str,
    phone: str = "",
    email: str = "",
    channel: str = BookingChannel.WEB,
    request_key: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> tuple[Booking, bool]:
    """Book a visit to ``group`` at ``starts_at``; returns the booking and whether it is new (the same
    ``request_key`` gives back the booking it made). Raises `ValidationError` (keyed by field for the
    contact; codes ``group``, ``past``, ``too_far``, ``closed``, ``outside_hours``, ``full``, ``limit``)
    and saves nothing. The confirmation with the code and the cancel link is sent once it commits."""
    now = now or timezone.now()
    if request_key is not None:
        earlier = Booking.objects.filter(request_key=request_key).first()
        if earlier is not None:
            return earlier, False
    name, phone, email = _clean_contact(name=name, phone=phone, email=email)
    if group.office_id != office.pk or group not in slots.bookable_groups(office):
        raise ValidationError(_("Visits to this service cannot be booked."), code="group")
    with transaction.atomic():
        Office.objects.select_for_update().filter(pk=office.pk).first()
        if request_key is not None:  # the same submit committed while this one waited for the lock
            earlier = Booking.objects.filter(request_key=request_key).first()
            if earlier is not None:
                return earlier, False
        slot = _slot_of(group, starts_at, now)
        limit = settings.CNAP_QUEUE_BOOKINGS_PER_CONTACT_PER_DAY
        if slots.contact_bookings_of_day(phone=phone, email=email, day=timezone.localdate(starts_at)) >= limit:
            raise ValidationError(
                _("No more than %(limit)s visits can be booked for one day with one phone number or e-mail.")
                % {"limit": limit},
                code="limit",
            )
        booking = Booking.objects.create(
            office=office,
            group=group,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            name=name,
            phone=phone,
            email=email,
            channel=channel,
            request_key=request_key,
        )
        queue_confirmation(booking=booking)
    return booking, True


def cancel_booking(*, token: str, acting_user: User | None = None, now: dt.datetime | None = None) -> Booking:
    """Cancel the booking of the cancel link's ``token`` (cancelling it again changes nothing): by the
    visitor, or by ``acting_user`` of the office for a visitor who asked. A visit already checked in,
    or whose time has passed, cannot be cancelled any more."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.select_for_update().filter(cancel_token=token).first() if token else None
        if booking is None:
            raise ValidationError(_("This booking does not exist."), code="unknown")
        if booking.status == BookingStatus.CANCELLED:
            return booking
        if booking.status == BookingStatus.CHECKED_IN:
            raise ValidationError(_("You have already checked in for this visit."), code="checked_in")
        if booking.status == BookingStatus.NO_SHOW or booking.starts_at <= now:
            raise ValidationError(_("The time of this visit has passed."), code="expired")
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        record_author(booking, acting_user).save(update_fields=["status", "cancelled_at"])
    return booking


def normalize_code(code: str) -> str:
    """A code as typed: spaces and dashes dropped, capital letters."""
    return "".join(char for char in str(code or "") if char.isalnum()).upper()[:12]


def check_in(
    *, office: Office, code: str, issue_key: uuid.UUID | None = None, now: dt.datetime | None = None
) -> Ticket:
    """The visitor with ``code`` arrived: their booking becomes a ticket of its group, called at its
    booked time (``booked_for``). Only on the booking's day, from `CHECK_IN_EARLY` before its time to
    `CHECK_IN_LATE` after it; an unknown, cancelled, expired or used code raises `ValidationError` and
    creates nothing. The same kiosk form (``issue_key``) tapped again gives back the same ticket."""
    now = now or timezone.now()
    code = normalize_code(code)
    if issue_key is not None:
        earlier = Ticket.objects.filter(issue_key=issue_key, office=office).first()
        if earlier is not None:
            return earlier
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update().select_related("group").filter(office=office, code=code).first()
            if code
            else None
        )
        if booking is None:
            raise ValidationError(
                _("No booking with this code in this office. Check the code in your message."), code="unknown"
            )
        if booking.status == BookingStatus.CANCELLED:
            raise ValidationError(_("This booking was cancelled. Take a ticket in the live queue."), code="cancelled")
        if booking.status == BookingStatus.CHECKED_IN:
            ticket = Ticket.objects.filter(booking=booking).first()
            raise ValidationError(
                _("This code has already been used: your ticket is %(ticket)s.")
                % {"ticket": ticket.code if ticket else "—"},
                code="used",
            )
        opens, closes = slots.check_in_window(booking)
        if booking.status == BookingStatus.NO_SHOW or now > closes:
            raise ValidationError(
                _("The time of your booking has passed. Take a ticket in the live queue."), code="expired"
            )
        if now < opens:
            local_opens = timezone.localtime(opens)
            if local_opens.date() != timezone.localdate(now):
                message = _("Your visit is booked for %(day)s. Please come on that day.") % {
                    "day": timezone.localtime(booking.starts_at).strftime("%d.%m.%Y %H:%M")
                }
            else:
                message = _("It is too early: check in from %(time)s.") % {"time": local_opens.strftime("%H:%M")}
            raise ValidationError(message, code="too_early")
        return issue_ticket(office=office, group=booking.group, booking=booking, issue_key=issue_key, now=now)


def mark_no_shows(*, now: dt.datetime | None = None) -> int:
    """Bookings not checked in by the end of their check-in window become no-shows; returns how many
    (a second run finds none)."""
    now = now or timezone.now()
    marked = 0
    for pk in slots.overdue_bookings(now=now).values_list("pk", flat=True)[:5000]:
        with transaction.atomic():
            booking = Booking.objects.select_for_update().filter(pk=pk, status=BookingStatus.BOOKED).first()
            if booking is None:
                continue
            booking.status = BookingStatus.NO_SHOW
            booking.save(update_fields=["status"])
            marked += 1
    return marked


# --- The confirmation -----------------------------------------------------------------------------


def cancel_url(booking: Booking) -> str:
    return settings.CNAP_SITE_URL.rstrip("/") + reverse("equeue:booking_cancel", kwargs={"token": booking.cancel_token})


def queue_confirmation(*, booking: Booking) -> list[BookingMessage]:
    """One confirmation per contact the visitor gave, sent by its task once the transaction commits."""
    channels = []
    if booking.phone:
        channels.append((NotificationChannel.SMS, mask_phone(booking.phone)))
    if booking.email:
        channels.append((NotificationChannel.EMAIL, mask_email(booking.email)))
    BookingMessage.objects.bulk_create(
        [BookingMessage(booking=booking, channel=channel, recipient=masked) for channel, masked in channels],
        ignore_conflicts=True,
    )
    rows = list(BookingMessage.objects.filter(booking=booking, status=NotificationStatus.PENDING))
    for row in rows:
        _send_on_commit(row.pk)
    return rows


def _send_on_commit(message_id: int) -> None:
    def enqueue() -> None:
        current_app.send_task(SEND_MESSAGE_TASK, (message_id,))

    transaction.on_commit(enqueue, robust=True)


def _context(booking: Booking) -> dict:
    return {
        "booking": booking,
        "office": booking.office,
        "group": booking.group,
        "starts_at": timezone.localtime(booking.starts_at),
        "cancel_url": cancel_url(booking),
        "early": int(slots.CHECK_IN_EARLY.total_seconds() // 60),
        "late": int(slots.CHECK_IN_LATE.total_seconds() // 60),
    }


def render_message(booking: Booking, channel: str) -> tuple[str, str]:
    """(subject, text) of the confirmation in Ukrainian; the SMS has no subject."""
    with translation.override("uk"):
        context = _context(booking)
        if channel == NotificationChannel.SMS:
            return "", " ".join(render_to_string("equeue/booking_sms.txt", context).split())
        subject = " ".join(render_to_string("equeue/booking_subject.txt", context).split())
        body = render_to_string("equeue/booking_email.txt", context).strip()
        return subject, re.sub(r"\n\s*\n(\s*\n)+", "\n\n", body) + "\n"


def deliver_booking_message(*, message_id: int, final_attempt: bool) -> DeliveryOutcome:
    """Send one confirmation unless it was sent (or given up on) already; the row stays locked while
    sending, so the same task delivered twice at once sends once."""
    with transaction.atomic(durable=True):
        message = (
            BookingMessage.objects.select_for_update(of=("self",))
            .select_related("booking__office", "booking__group")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.status != NotificationStatus.PENDING:
            return DeliveryOutcome.SKIPPED
        booking = message.booking
        message.attempts += 1
        subject, text = render_message(booking, message.channel)
        try:
            if message.channel == NotificationChannel.SMS:
                provider_id = send_sms_message(phone=booking.phone, text=text)
            else:
                provider_id = send_email_message(
                    address=booking.email,
                    subject=subject,
                    body=text,
                    reply_to=booking.office.email or "",
                    id_seed=f"b{message.pk}",
                )
        except TemporaryDeliveryError as exc:
            message.last_error = str(exc)[:2000]
            outcome = DeliveryOutcome.FAILED if final_attempt else DeliveryOutcome.RETRY
        except PermanentDeliveryError as exc:
            message.last_error = str(exc)[:2000]
            outcome = DeliveryOutcome.FAILED
        except Exception as exc:  # a bug or an unknown gateway error: record it, do not loop
            logger.exception("Booking confirmation %s could not be sent", message_id)
            message.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
            outcome = DeliveryOutcome.FAILED
        else:
            message.status = NotificationStatus.SENT
            message.sent_at = timezone.now()
            message.provider_message_id = provider_id[:255]
            message.last_error = ""
            outcome = DeliveryOutcome.SENT
        if outcome == DeliveryOutcome.FAILED:
            message.status = NotificationStatus.FAILED
        message.save(update_fields=["attempts", "status", "sent_at", "provider_message_id", "last_error"])
        return outcome


def pending_message_ids(*, older_than: dt.timedelta) -> list[int]:
    """Confirmations still pending after ``older_than`` (their task was lost: the broker was down)."""
    cutoff = timezone.now() - older_than
    return list(
        BookingMessage.objects.filter(status=NotificationStatus.PENDING, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    )
