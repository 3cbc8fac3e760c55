"""The queue's pages: the public kiosk and board of an office (no login, no personal data) and the
window panel of the staff who serve visitors. Thin: the rules are in actions and selectors."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cnap.accounts.permissions import can
from cnap.core import origins, ratelimit, submissions
from cnap.pdf import render_pdf
from cnap.security.client_ip import client_ip

from . import actions, selectors
from .constants import Weekday
from .forms import OpeningHoursForm, ServiceGroupForm, WindowForm
from .models import OpeningHours, PriorityCategory, ServiceGroup, Ticket, Window

KIOSK_COOKIE = "cnap_kiosk"
TICKET_SALT = "equeue.kiosk-ticket"
#: A kiosk's ticket link is good for the day it was issued.
TICKET_LINK_SECONDS = 24 * 3600


def ukrainian(view):
    """The hall's screens speak Ukrainian, whatever the browser of the kiosk or TV asks for."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with translation.override("uk"):
            return view(request, *args, **kwargs)

    return wrapper


def _public(response: HttpResponse) -> HttpResponse:
    # same-origin, not no-referrer: with no-referrer the browser posts the kiosk's form with "Origin: null",
    # which the CSRF check refuses.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _office_or_404(office_code: str):
    office = selectors.public_office(office_code)
    if office is None:
        raise Http404
    return office


def ticket_link_token(ticket: Ticket) -> str:
    return signing.TimestampSigner(salt=TICKET_SALT).sign(str(ticket.pk))


def _ticket_from_token(office, token: str) -> Ticket:
    try:
        pk = int(signing.TimestampSigner(salt=TICKET_SALT).unsign(token, max_age=TICKET_LINK_SECONDS))
    except (signing.BadSignature, ValueError):
        raise Http404 from None
    return get_object_or_404(Ticket.objects.select_related("group", "priority"), pk=pk, office=office)


def _kiosk_key(request, office) -> str:
    """The kiosk as the rate limit counts it: its browser's long-lived cookie and its address."""
    kiosk = request.COOKIES.get(KIOSK_COOKIE, "")[:64]
    raw = f"{client_ip(request) or ''}|{kiosk}"
    return f"kiosk:{office.pk}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


def _parse_uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value or ""))
    except ValueError:
        return None


@login_not_required
@ukrainian
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def kiosk(request, office_code: str):
    """The touchscreen in the hall: a button per service group (and, optionally, a priority category);
    a tap issues a ticket. Nothing personal is asked."""
    office = _office_or_404(office_code)
    error = ""
    status = 200
    if request.method == "POST":
        issue_key = _parse_uuid(request.POST.get("issue_key"))
        earlier = Ticket.objects.filter(issue_key=issue_key, office=office).first() if issue_key else None
        if earlier is not None:  # the same tap again: the ticket it issued
            return redirect("equeue:kiosk_ticket", office_code=office.code, token=ticket_link_token(earlier))
        retry_after = ratelimit.hit(
            _kiosk_key(request, office),
            limit=settings.CNAP_QUEUE_KIOSK_RATE_LIMIT,
            window=settings.CNAP_QUEUE_KIOSK_RATE_WINDOW,
        )
        if retry_after:
            response = render(
                request,
                "equeue/kiosk_busy.html",
                {"office": office, "retry_seconds": retry_after},
                status=429,
            )
            response.headers["Retry-After"] = str(retry_after)
            return _public(response)
        group = ServiceGroup.objects.filter(office=office, pk=_int(request.POST.get("group"))).first()
        priority = None
        if request.POST.get("priority"):
            priority = PriorityCategory.objects.filter(pk=_int(request.POST.get("priority")), is_active=True).first()
        if group is None or (request.POST.get("priority") and priority is None):
            error, status = _("Choose a service on the screen."), 400
        else:
            try:
                ticket = actions.issue_ticket(office=office, group=group, priority=priority, issue_key=issue_key)
            except ValidationError as exc:
                error, status = " ".join(exc.messages), 200
            else:
                return redirect("equeue:kiosk_ticket", office_code=office.code, token=ticket_link_token(ticket))
    groups = selectors.kiosk_groups(office)
    closed = selectors.closed_reason(office)
    context = {
        "office": office,
        "groups": groups,
        "categories": selectors.priority_categories(),
        "closed": closed,
        "error": error,
        "issue_key": uuid.uuid4(),
    }
    response = render(request, "equeue/kiosk.html", context, status=status)
    if KIOSK_COOKIE not in request.COOKIES:
        response.set_cookie(
            KIOSK_COOKIE,
            secrets.token_urlsafe(16),
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return _public(response)


def _int(value) -> int | None:
    try:
        number = int(str(value or "").strip())
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


@login_not_required
@ukrainian
@require_safe
@never_cache
def kiosk_ticket(request, office_code: str, token: str):
    """The ticket just issued: its number, the people ahead, the expected wait, the printable copy."""
    office = _office_or_404(office_code)
    ticket = _ticket_from_token(office, token)
    context = {"office": office, "ticket": ticket, "estimate": selectors.estimate(ticket), "token": token}
    return _public(render(request, "equeue/kiosk_ticket.html", context))


@login_not_required
@ukrainian
@require_safe
def ticket_pdf(request, office_code: str, token: str):
    """The ticket for an 80 mm receipt printer."""
    office = _office_or_404(office_code)
    ticket = _ticket_from_token(office, token)
    context = {
        "office": office,
        "ticket": ticket,
        "estimate": selectors.estimate(ticket),
        "issued_at": timezone.localtime(ticket.issued_at),
    }
    pdf = render_pdf("equeue/pdf/ticket.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ticket-{ticket.code}.pdf"'
    response["Cache-Control"] = "no-store"
    return _public(response)


@login_not_required
@ukrainian
@require_safe
@never_cache
def board(request, office_code: str):
    """The hall's screen: the numbers called and their windows, refreshed by polling the feed."""
    office = _office_or_404(office_code)
    calls = selectors.board_calls(office)
    context = {"office": office, "calls": calls, "version": selectors.board_version(calls)}
    return _public(render(request, "equeue/board.html", context))


@login_not_required
@ukrainian
@require_safe
@never_cache
def board_feed(request, office_code: str):
    """The board's list (htmx polls it every 0.75 s); its version changes with each call."""
    office = _office_or_404(office_code)
    calls = selectors.board_calls(office)
    context = {"office": office, "calls": calls, "version": selectors.board_version(calls)}
    return _public(render(request, "equeue/_board_calls.html", context))


def _operator(request) -> None:
    if not can(request.user, "operate_queue"):
        raise PermissionDenied


@require_safe
def windows(request):
    """The windows the user may work at."""
    _operator(request)
    context = {
        "windows": selectors.operable_windows(request.user).prefetch_related("groups").order_by("office", "number")
    }
    return render(request, "equeue/windows.html", context)


def _window_or_404(request, window_id: int):
    _operator(request)
    window = selectors.operable_windows(request.user).filter(pk=window_id).first()
    if window is None:
        raise Http404
    return window


@require_safe
def window(request, window_id: int):
    """The panel of a window: the visitor at it and the moves, the people waiting for it."""
    window = _window_or_404(request, window_id)
    if request.GET.get("part") == "waiting":  # the panel's waiting counts, polled
        return render(request, "equeue/_waiting.html", {"waiting": selectors.waiting_counts(window)})
    groups, targets = selectors.redirect_targets(window)
    context = {
        "window": window,
        "ticket": selectors.current_ticket(window),
        "waiting": selectors.waiting_counts(window),
        "redirect_groups": groups,
        "redirect_windows": targets,
        "has_groups": window.groups.filter(is_active=True).exists(),
    }
    return render(request, "equeue/window.html", context)


MOVES = {
    "call": actions.call_next,
    "recall": actions.recall,
    "no_show": actions.mark_no_show,
    "start": actions.start_service,
    "finish": actions.finish,
    "register": actions.begin_registration,
    "open": actions.open_window,
    "close": actions.close_window,
}


@require_POST
def window_act(request, window_id: int):
    """One move at the window (field ``do``), once per form (its one-time token)."""
    window = _window_or_404(request, window_id)
    panel = reverse("equeue:window", kwargs={"window_id": window.pk})
    move = request.POST.get("do", "")
    if move not in MOVES and move != "redirect":
        messages.error(request, _("Choose what to do."))
        return redirect(panel)
    token = submissions.posted_token(request.POST)
    try:
        with submissions.once(token=token, user=request.user, purpose=f"queue:{move}") as submission:
            if move == "redirect":
                result = actions.redirect(
                    window=window,
                    acting_user=request.user,
                    to_group=ServiceGroup.objects.filter(pk=_int(request.POST.get("to_group"))).first(),
                    to_window=selectors.operable_windows(request.user)
                    .filter(pk=_int(request.POST.get("to_window")))
                    .first(),
                )
            else:
                result = MOVES[move](window=window, acting_user=request.user)
            submission.result = str(getattr(result, "pk", "") or "-")
    except submissions.AlreadySubmitted as done:
        result = None
        if move == "register" and done.result.isdigit():
            result = Ticket.objects.filter(pk=int(done.result), window=window).first()
        if result is None:
            return redirect(panel)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(panel)
    if move == "call":
        if result is None:
            messages.info(request, _("No one is waiting for this window."))
        else:
            messages.success(request, _("Called %(code)s.") % {"code": result.code})
    elif move == "redirect":
        messages.success(request, _("Ticket %(code)s was sent on.") % {"code": result.code})
    elif move == "register":
        return redirect(_registration_url(request.user, result))
    return redirect(panel)


def _registration_url(user, ticket: Ticket) -> str:
    """The registration form, opened for the visitor with this ticket: the group's services first."""
    services = list(ticket.group.services.values_list("pk", flat=True))
    signed = origins.sign_origin(
        user=user, kind=actions.ORIGIN_KIND, object_id=ticket.pk, label=ticket.code, services=services
    )
    return reverse("applications:register") + "?" + urlencode({origins.FIELD: signed})


def _configurer(request):
    if not can(request.user, "configure_queue"):
        raise PermissionDenied
    return selectors.configurable_offices(request.user)


@require_safe
def settings_page(request):
    """The head of the CNAP's view of the queue's set-up: groups, windows, hours, per office."""
    _configurer(request)
    return render(request, "equeue/settings.html", {"offices": selectors.queue_settings(request.user)})


def group_edit(request, group_id: int | None = None):
    offices = _configurer(request)
    group = get_object_or_404(ServiceGroup, pk=group_id, office__in=offices) if group_id else None
    form = ServiceGroupForm(request.POST or None, instance=group, offices=offices)
    if request.method == "POST" and form.is_valid():
        actions.save_group(
            group=form.save(commit=False), services=form.cleaned_data["services"], acting_user=request.user
        )
        messages.success(request, _("Saved."))
        return redirect("equeue:settings")
    return render(request, "equeue/settings_form.html", {"form": form, "object": group, "kind": "group"})


def window_edit(request, window_id: int | None = None):
    offices = _configurer(request)
    window = get_object_or_404(Window, pk=window_id, office__in=offices) if window_id else None
    form = WindowForm(request.POST or None, instance=window, offices=offices)
    if request.method == "POST" and form.is_valid():
        actions.save_window(
            window=form.save(commit=False), groups=form.cleaned_data["groups"], acting_user=request.user
        )
        messages.success(request, _("Saved."))
        return redirect("equeue:settings")
    return render(request, "equeue/settings_form.html", {"form": form, "object": window, "kind": "window"})


def hours_edit(request, office_id: int):
    offices = _configurer(request)
    office = get_object_or_404(offices, pk=office_id)
    current = {row.weekday: row for row in OpeningHours.objects.filter(office=office)}
    forms = []
    for weekday in Weekday.values:
        row = current.get(weekday)
        initial = {name: getattr(row, name) for name in HOURS_FIELDS} if row else {}
        forms.append(OpeningHoursForm(request.POST or None, prefix=f"day{weekday}", initial=initial, weekday=weekday))
    if request.method == "POST" and all(form.is_valid() for form in forms):
        days = {
            form.weekday: (
                {name: form.cleaned_data[name] for name in HOURS_FIELDS} if form.cleaned_data["opens_at"] else None
            )
            for form in forms
        }
        actions.set_opening_hours(office=office, days=days, acting_user=request.user)
        messages.success(request, _("Saved."))
        return redirect("equeue:settings")
    return render(request, "equeue/hours_form.html", {"office": office, "forms": forms})


HOURS_FIELDS = ("opens_at", "closes_at", "break_starts_at", "break_ends_at")
