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
