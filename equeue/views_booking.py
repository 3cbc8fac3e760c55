"""Booked visits' public pages: booking a time (no login; name and a contact only), the confirmation
with the code, cancelling by the link in the message, and checking in at the kiosk by the code. Thin:
the rules are in actions_booking and selectors_booking.

These pages show a visitor their own booking only (after the submit, or by the secret of the cancel
link); the code entry at the kiosk shows the ticket it issues and nothing of the person."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from cnap.accounts.permissions import can
from cnap.core import ratelimit, submissions
from cnap.security.client_ip import client_ip

from . import actions_booking, selectors_booking
from .models import Booking
from .views import _kiosk_key, _office_or_404, _parse_uuid, _public, ticket_link_token, ukrainian

BOOKING_SALT = "equeue.booking-done"
#: The confirmation page's link is good for a day (the code is in the message too).
BOOKING_LINK_SECONDS = 24 * 3600


class BookingForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    slot = forms.CharField(max_length=5)


def booking_link_token(booking: Booking) -> str:
    return signing.TimestampSigner(salt=BOOKING_SALT).sign(str(booking.pk))


#: The days a page accepts in its query (others are no day at all): room for any visit, and for a day
#: before and after.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2999, 12, 31)


def _day(value) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def _slot_start(day: dt.date, value: str) -> dt.datetime | None:
    try:
        moment = dt.time.fromisoformat(str(value or ""))
    except ValueError:
        return None
    return timezone.make_aware(dt.datetime.combine(day, moment))


def _address_key(request, office) -> str:
    raw = client_ip(request) or ""
    return f"booking:{office.pk}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


@login_not_required
@ukrainian
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def book(request, office_code: str):
    """Choose the service group, then the day, then a free time, and give a name and a contact."""
    office = _office_or_404(office_code)
    source = request.POST if request.method == "POST" else request.GET
    groups = selectors_booking.bookable_groups(office)
    group = next((g for g in groups if str(g.pk) == str(source.get("group", ""))), None)
    days = selectors_booking.booking_days(office) if group else []
    day = _day(source.get("day"))
    if day not in days and request.method != "POST":  # a posted day is the action's to judge: it says why not
        day = None
    form = BookingForm(request.POST if request.method == "POST" else None)
    error, status = "", 200
    if request.method == "POST":
        request_key = _parse_uuid(request.POST.get("request_key"))
        earlier = Booking.objects.filter(request_key=request_key, office=office).first() if request_key else None
        if earlier is not None:  # the same form again: the booking it made
            return redirect("equeue:booking_done", office_code=office.code, token=booking_link_token(earlier))
        retry_after = ratelimit.hit(
            _address_key(request, office),
            limit=settings.CNAP_QUEUE_BOOKING_RATE_LIMIT,
            window=settings.CNAP_QUEUE_BOOKING_RATE_WINDOW,
        )
        if retry_after:
            error, status = _("Too many bookings from this address. Please try again later."), 429
        elif group is None or day is None:
            error, status = _("Choose the service and a day from the lists."), 400
        elif form.is_valid():
            starts_at = _slot_start(day, form.cleaned_data["slot"])
            try:
                if starts_at is None:
                    raise ValidationError(_("Choose a time from the list."), code="slot")
                booking, _created = actions_booking.book_visit(
                    office=office,
                    group=group,
                    starts_at=starts_at,
                    name=form.cleaned_data["name"],
                    phone=form.cleaned_data["phone"],
                    email=form.cleaned_data["email"],
                    request_key=request_key,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        for problem in errors:
                            form.add_error(field if field in form.fields else None, problem)
                else:
                    error = " ".join(exc.messages)
            else:
                return redirect("equeue:booking_done", office_code=office.code, token=booking_link_token(booking))
    context = {
        "office": office,
        "groups": groups,
        "group": group,
        "days": days,
        "day": day if day in days else None,
        "slots": selectors_booking.free_slots(group, day) if group and day in days else [],
        "form": form,
        "error": error,
        "request_key": uuid.uuid4(),
    }
    response = render(request, "equeue/book.html", context, status=status)
    if status == 429:
        response.headers["Retry-After"] = str(retry_after)
    return _public(response)


@login_not_required
@ukrainian
@never_cache
@require_safe
def booking_done(request, office_code: str, token: str):
    """The booking just made: its code, time and the way to cancel it."""
    office = _office_or_404(office_code)
    try:
        pk = int(signing.TimestampSigner(salt=BOOKING_SALT).unsign(token, max_age=BOOKING_LINK_SECONDS))
    except (signing.BadSignature, ValueError):
        raise Http404 from None
    booking = get_object_or_404(Booking.objects.select_related("group"), pk=pk, office=office)
    context = {
        "office": office,
        "booking": booking,
        "starts_at": timezone.localtime(booking.starts_at),
        "messages_sent": list(booking.messages.values_list("recipient", flat=True)),
    }
    return _public(render(request, "equeue/booking_done.html", context))


@login_not_required
@ukrainian
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def booking_cancel(request, token: str):
    """The cancel link of the message: the booking's time and a button that cancels it."""
    booking = selectors_booking.booking_by_cancel_token(token)
    if booking is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            booking = actions_booking.cancel_booking(token=token)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    context = {
        "office": booking.office,
        "booking": booking,
        "starts_at": timezone.localtime(booking.starts_at),
        "error": error,
    }
    return _public(render(request, "equeue/booking_cancel.html", context))


@login_not_required
@ukrainian
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def kiosk_check_in(request, office_code: str):
    """«I have a booking»: the code from the message turns the booking into a ticket."""
    office = _office_or_404(office_code)
    error, status = "", 200
    if request.method == "POST":
        issue_key = _parse_uuid(request.POST.get("issue_key"))
        retry_after = ratelimit.hit(
            "checkin:" + _kiosk_key(request, office),
            limit=settings.CNAP_QUEUE_KIOSK_RATE_LIMIT,
            window=settings.CNAP_QUEUE_KIOSK_RATE_WINDOW,
        )
        if retry_after:
            response = render(
                request, "equeue/kiosk_busy.html", {"office": office, "retry_seconds": retry_after}, status=429
            )
            response.headers["Retry-After"] = str(retry_after)
            return _public(response)
        try:
            ticket = actions_booking.check_in(office=office, code=request.POST.get("code", ""), issue_key=issue_key)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return redirect("equeue:kiosk_ticket", office_code=office.code, token=ticket_link_token(ticket))
    context = {"office": office, "error": error, "issue_key": uuid.uuid4()}
    return _public(render(request, "equeue/kiosk_check_in.html", context, status=status))


@require_safe
def bookings(request):
    """The visits booked for a day at the offices the user reaches: for those who serve visitors."""
    if not can(request.user, "operate_queue"):
        raise PermissionDenied
    day = _day(request.GET.get("day")) or timezone.localdate()
    context = {
        "day": day,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "bookings": selectors_booking.visible_bookings(request.user, day),
    }
    return render(request, "equeue/bookings.html", context)


@require_http_methods(["POST"])
def booking_staff_cancel(request, booking_id: int):
    """Cancel a visit for a visitor who asked (by phone, at the desk), once per form."""
    if not can(request.user, "operate_queue"):
        raise PermissionDenied
    booking = get_object_or_404(selectors_booking.staff_bookings(request.user), pk=booking_id)
    listing = reverse("equeue:bookings") + "?day=" + timezone.localdate(booking.starts_at).isoformat()
    try:
        with submissions.once(
            token=submissions.posted_token(request.POST), user=request.user, purpose="queue:booking_cancel"
        ) as submission:
            actions_booking.cancel_booking(token=booking.cancel_token, acting_user=request.user)
            submission.result = str(booking.pk)
    except submissions.AlreadySubmitted:
        return redirect(listing)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(listing)
    messages.success(request, _("The visit at %(time)s is cancelled.") % {"time": _hhmm(booking.starts_at)})
    return redirect(listing)


def _hhmm(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")
