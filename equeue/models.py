"""The electronic queue of an office: service groups, windows, priority categories, opening hours, the
daily numbering, tickets and booked visits.

A ticket's number restarts every day per service group and has no gaps: `QueueDay` is the counter row,
locked while a number is taken. Who is called next is decided by `equeue.selectors` (the ordering rule,
in one place) under `SELECT ... FOR UPDATE SKIP LOCKED` in `equeue.actions.call_next`.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from notifications.models import NotificationChannel, NotificationStatus

from .constants import BookingChannel, BookingStatus, TicketStatus, Weekday

#: Letters of a booking code: no 0/O, 1/I/L, so it reads aloud and types without confusion.
BOOKING_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
BOOKING_CODE_LENGTH = 8


def new_booking_code() -> str:
    """A short code a citizen types at the kiosk: 8 of 31 signs, about 40 bits."""
    return "".join(secrets.choice(BOOKING_CODE_ALPHABET) for _ in range(BOOKING_CODE_LENGTH))


def new_cancel_token() -> str:
    """The secret of a booking's cancel link (never shown at the kiosk)."""
    return secrets.token_urlsafe(24)


class OpeningHours(models.Model):
    """When an office receives visitors on a weekday, with an optional break. Which days are working days
    (weekends, public holidays under martial law, the office's own days off) is `cnap.workdays`' rule;
    these are the hours within a working day."""

    office = models.ForeignKey(
        "accounts.Office", on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("office")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    break_starts_at = models.TimeField(_("break starts at"), null=True, blank=True)
    break_ends_at = models.TimeField(_("break ends at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["office", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["office", "weekday"], name="equeue_hours_unique_weekday"),
            models.CheckConstraint(condition=Q(opens_at__lt=models.F("closes_at")), name="equeue_hours_order"),
            models.CheckConstraint(
                condition=(Q(break_starts_at__isnull=True) & Q(break_ends_at__isnull=True))
                | (
                    Q(break_starts_at__gt=models.F("opens_at"))
                    & Q(break_ends_at__gt=models.F("break_starts_at"))
                    & Q(break_ends_at__lt=models.F("closes_at"))
                ),
                name="equeue_hours_break_inside",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"

    def clean(self) -> None:
        super().clean()
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("The office closes after it opens.")})
        if (self.break_starts_at is None) != (self.break_ends_at is None):
            raise ValidationError({"break_ends_at": _("A break has a start and an end.")})
        if self.break_starts_at and self.break_ends_at and self.opens_at and self.closes_at:
            if not (self.opens_at < self.break_starts_at < self.break_ends_at < self.closes_at):
                raise ValidationError({"break_starts_at": _("The break lies within the opening hours.")})


class ServiceGroup(models.Model):
    """A queue of an office: a letter on the tickets, the catalog services it covers, its timings."""

    office = models.ForeignKey(
        "accounts.Office", on_delete=models.CASCADE, related_name="queue_groups", verbose_name=_("office")
    )
    letter = models.CharField(
        _("letter"),
        max_length=2,
        validators=[RegexValidator(r"^[A-ZА-ЯЄІЇҐ]{1,2}$", _("One or two capital letters."))],
        help_text=_("Printed before the ticket number, e.g. А for «А-017»."),
    )
    name = models.CharField(_("name"), max_length=120)
    services = models.ManyToManyField(
        "services.Service", blank=True, related_name="queue_groups", verbose_name=_("services")
    )
    average_service_minutes = models.PositiveSmallIntegerField(
        _("average service time, minutes"), default=15, validators=[MinValueValidator(1), MaxValueValidator(480)]
    )
    target_wait_minutes = models.PositiveSmallIntegerField(
        _("target waiting time, minutes"), default=15, validators=[MinValueValidator(1), MaxValueValidator(480)]
    )
    calls_before_no_show = models.PositiveSmallIntegerField(
        _("calls before a no-show"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("A called ticket may be marked as a no-show after this many calls."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order on the kiosk"), default=0)
    history = HistoricalRecords(m2m_fields=[services])

    class Meta:
        verbose_name = _("service group")
        verbose_name_plural = _("service groups")
        ordering = ["office", "position", "letter"]
        constraints = [models.UniqueConstraint(fields=["office", "letter"], name="equeue_group_unique_letter")]

    def __str__(self) -> str:
        return f"{self.letter} {self.name}"


class Window(models.Model):
    """A workplace of an office where visitors are served: the groups it serves and who sits at it."""

    office = models.ForeignKey(
        "accounts.Office", on_delete=models.CASCADE, related_name="queue_windows", verbose_name=_("office")
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    label = models.CharField(_("label"), max_length=60, blank=True, help_text=_("Shown on the board, e.g. «Вікно 3»."))
    groups = models.ManyToManyField(ServiceGroup, blank=True, related_name="windows", verbose_name=_("service groups"))
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="queue_windows",
        verbose_name=_("administrator at the window"),
    )
    is_open = models.BooleanField(_("open"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[groups])

    class Meta:
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        ordering = ["office", "number"]
        constraints = [models.UniqueConstraint(fields=["office", "number"], name="equeue_window_unique_number")]

    def __str__(self) -> str:
        return self.label or str(_("Window %(number)s") % {"number": self.number})


class PriorityCategory(models.Model):
    """A group of persons the law entitles to be served out of turn, with the act and article that say so."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kiosk_label = models.CharField(_("label on the kiosk"), max_length=80, blank=True)
    legal_act = models.CharField(_("legal act"), max_length=300)
    article = models.CharField(_("article"), max_length=120, blank=True)
    source_url = models.URLField(_("source"), max_length=300, blank=True)
    is_verified = models.BooleanField(
        _("verified against the act"), default=False, help_text=_("Off while the citation awaits a check.")
    )
    note = models.TextField(_("note"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("priority category")
        verbose_name_plural = _("priority categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class QueueDay(models.Model):
    """The counter of one group's tickets on one day: locked while a number is taken, so numbers are
    consecutive and never repeat."""

    group = models.ForeignKey(ServiceGroup, on_delete=models.CASCADE, related_name="days", verbose_name=_("group"))
    date = models.DateField(_("date"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("queue day")
        verbose_name_plural = _("queue days")
        constraints = [models.UniqueConstraint(fields=["group", "date"], name="equeue_day_unique")]

    def __str__(self) -> str:
        return f"{self.group.letter} {self.date:%d.%m.%Y}: {self.last_number}"


class Booking(models.Model):
    """A visit booked for a time: checked in at the kiosk by its code, it becomes a ticket."""

    office = models.ForeignKey(
        "accounts.Office", on_delete=models.PROTECT, related_name="queue_bookings", verbose_name=_("office")
    )
    group = models.ForeignKey(
        ServiceGroup, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("service group")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    code = models.CharField(_("code"), max_length=12, unique=True, default=new_booking_code)
    cancel_token = models.CharField(_("cancel token"), max_length=64, unique=True, default=new_cancel_token)
    status = models.CharField(_("status"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    channel = models.CharField(_("channel"), max_length=10, choices=BookingChannel.choices, default=BookingChannel.WEB)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    #: The one-time key of the submit that made the booking (the form's, or the portal's reference): the
    #: same submit again finds this booking.
    request_key = models.UUIDField(_("request key"), null=True, blank=True, unique=True, editable=False)
    history = HistoricalRecords(excluded_fields=["cancel_token", "request_key"])

    class Meta:
        verbose_name = _("booked visit")
        verbose_name_plural = _("booked visits")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=models.F("ends_at")), name="equeue_booking_order"),
        ]
        indexes = [
            models.Index(fields=["group", "starts_at"], name="equeue_booking_slot"),
            models.Index(fields=["phone", "starts_at"], name="equeue_booking_phone"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.starts_at:%d.%m.%Y %H:%M}"


class Ticket(models.Model):
    """A visitor's place in a group's queue on one day, from the kiosk to the window and the case."""

    office = models.ForeignKey(
        "accounts.Office", on_delete=models.PROTECT, related_name="queue_tickets", verbose_name=_("office")
    )
    group = models.ForeignKey(
        ServiceGroup, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("service group")
    )
    date = models.DateField(_("date"))
    number = models.PositiveIntegerField(_("number"))
    code = models.CharField(_("ticket"), max_length=12, help_text=_("The number as printed, e.g. «А-017»."))
    status = models.CharField(
        _("status"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.WAITING, db_index=True
    )
    priority = models.ForeignKey(
        PriorityCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("priority category"),
    )
    booking = models.OneToOneField(
        Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="ticket", verbose_name=_("booked visit")
    )
    #: The booked time, copied from the booking so the ordering needs no join under the row lock.
    booked_for = models.DateTimeField(_("booked for"), null=True, blank=True)
    window = models.ForeignKey(
        Window, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets", verbose_name=_("window")
    )
    #: A redirect to one window: only that window calls the ticket.
    for_window = models.ForeignKey(
        Window,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directed_tickets",
        verbose_name=_("for window"),
    )
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="queue_tickets",
        verbose_name=_("served by"),
    )
    issued_at = models.DateTimeField(_("issued at"))
    #: The place in the queue: the time of issue; a redirected ticket keeps its first issue's time, so it
    #: does not go to the back of the other queue.
    queued_at = models.DateTimeField(_("in the queue since"))
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    #: The last call (a recall repeats it on the board).
    last_called_at = models.DateTimeField(_("last called at"), null=True, blank=True)
    started_at = models.DateTimeField(_("service started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(_("calls"), default=0)
    redirected_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="redirected_to",
        verbose_name=_("redirected from"),
    )
    #: The kiosk's one-time key of the tap that issued the ticket: a second tap finds this ticket.
    issue_key = models.UUIDField(_("issue key"), null=True, blank=True, unique=True, editable=False)
    history = HistoricalRecords(excluded_fields=["issue_key"])

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["date", "issued_at"]
        constraints = [
            # A redirected ticket keeps its number and code in another group: only first issues are numbered.
            models.UniqueConstraint(
                fields=["group", "date", "number"],
                condition=Q(redirected_from__isnull=True),
                name="equeue_ticket_unique_number",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="equeue_ticket_number_positive"),
        ]
        indexes = [
            models.Index(fields=["office", "date", "status"], name="equeue_ticket_office_day"),
            models.Index(
                fields=["group", "date", "queued_at"],
                condition=Q(status=TicketStatus.WAITING),
                name="equeue_ticket_waiting",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def waited(self):
        """How long the visitor waited in this queue for the call (None until called)."""
        if self.called_at is None:
            return None
        return self.called_at - self.issued_at

    @property
    def first_ticket(self) -> "Ticket":
        """The ticket the visit began with (before any redirect)."""
        first = self
        while first.redirected_from_id is not None:
            first = first.redirected_from  # type: ignore[assignment]
        return first

    @property
    def visit_waited(self):
        """How long the visitor waited from the first ticket of the visit to its first call."""
        return self.first_ticket.waited

    @property
    def visit_waited_minutes(self) -> int | None:
        waited = self.visit_waited
        return None if waited is None else round(waited.total_seconds() / 60)


class TicketCase(models.Model):
    """A case registered while serving a ticket: a visit may bring several cases, a case one visit."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="cases", verbose_name=_("ticket"))
    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="queue_visit",
        verbose_name=_("application"),
    )
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case of a ticket")
        verbose_name_plural = _("cases of tickets")

    def __str__(self) -> str:
        return f"{self.ticket} → {self.application_id}"


class BookingMessage(models.Model):
    """The confirmation of a booked visit, by SMS or e-mail: one row per booking and channel, so it goes
    out once however many times it is queued or its task runs (equeue.actions_booking). The text is
    rendered when it is sent; only the masked recipient is kept here."""

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="messages", verbose_name=_("booked visit")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    recipient = models.CharField(_("recipient"), max_length=100, help_text=_("Masked for display."))
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking confirmation")
        verbose_name_plural = _("booking confirmations")
        ordering = ["booking", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "channel"], name="equeue_booking_message_once"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="equeue_booking_message_status")]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.channel}: {self.status}"
