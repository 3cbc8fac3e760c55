"""Registry lookups through Trembita: each one a row, whatever its fate."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import RegistryName, RegistryRequestState


class RegistryRequest(models.Model):
    """A lookup in a registry through Trembita: the source of truth for the task that runs it. Written in
    the same transaction as what asked; a sweeper re-sends stale pending ones."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="registry_requests",
        verbose_name=_("application"),
    )
    applicant = models.ForeignKey(
        "applications.Applicant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registry_requests",
        verbose_name=_("applicant"),
    )
    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    registry = models.CharField(_("registry"), max_length=30, choices=RegistryName.choices)
    query = models.JSONField(_("query"))
    state = models.CharField(
        _("state"), max_length=20, choices=RegistryRequestState.choices, default=RegistryRequestState.PENDING
    )
    message = models.TextField(_("message"), blank=True)
    attempts = models.JSONField(_("attempts"), default=list, blank=True)
    response = models.JSONField(_("response"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    response_removed_at = models.DateTimeField(_("response removed under the retention rules"), null=True, blank=True)

    class Meta:
        db_table = "applications_registryrequest"
        verbose_name = _("registry request")
        verbose_name_plural = _("registry requests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "updated_at"], name="registry_request_state")]

    def __str__(self) -> str:
        return f"{self.get_registry_display()} {self.get_state_display()}"
