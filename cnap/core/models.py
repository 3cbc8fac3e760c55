from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """Written by a periodic task: proves that beat, the broker and a worker all work."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    hostname = models.CharField(_("worker"), max_length=255)
    seen_at = models.DateTimeField(_("seen at"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.hostname} {self.seen_at:%d.%m.%Y %H:%M:%S}"


class FormSubmission(models.Model):
    """The one-time token of a form whose submit creates something (a case, a decision, a move): the
    first submit claims it in its own transaction, a second submit of the same form (a double click, a
    retry, a concurrent duplicate) finds it and answers with what the first one made (cnap/core/submissions.py)."""

    token = models.UUIDField(_("token"), primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    purpose = models.CharField(_("form"), max_length=50)
    result = models.CharField(_("what it made"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.purpose} {self.token}"
