"""Messages to applicants about their cases: one row per event and channel."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationEvent(models.TextChoices):
    REGISTERED = "registered", _("application registered")
    RESULT_READY = "result_ready", _("result ready")
    REFUSED = "refused", _("refused")
    OVERDUE = "overdue", _("term extended (apology)")


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class Notification(models.Model):
    """A message to the applicant about their case (notifications/actions.py). One row per
    event and channel: the unique constraint makes each event go out once per channel, however many
    times it is queued or its task runs. The text is rendered when it is sent; only the masked
    recipient is kept here."""

    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("application"),
    )
    event = models.CharField(_("event"), max_length=20, choices=NotificationEvent.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    recipient = models.CharField(_("recipient"), max_length=100, help_text=_("Masked for display."))
    expected_date = models.DateField(_("new expected date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        db_table = "applications_notification"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["application", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "event", "channel"], name="one_notification_per_event"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="notification_status")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.event} {self.channel}: {self.status}"
