"""Registry lookups through Trembita: each one a row, whatever its fate."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import EvidenceState, RegistryName, RegistryRequestState


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
    # The exchange of the last attempt, as our ШБО and the registry's answered it.
    request_hash = models.CharField(_("request hash (security server)"), max_length=200, blank=True)
    transaction_id = models.CharField(_("transaction id (security server)"), max_length=100, blank=True)
    # Waiting: when the task was last handed to the broker, when the next attempt is due, who stopped waiting.
    enqueued_at = models.DateTimeField(_("sent to the queue"), null=True, blank=True)
    next_try_at = models.DateTimeField(_("next try"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped waiting at"), null=True, blank=True)
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stopped waiting"),
    )
    # Signed evidence: the ASiC container of the exchange (private storage).
    evidence = models.FileField(_("signed evidence (ASiC)"), upload_to="registry/evidence/%Y/%m/", blank=True)
    evidence_state = models.CharField(
        _("signed evidence"), max_length=10, choices=EvidenceState.choices, default=EvidenceState.NONE, blank=True
    )
    evidence_tries = models.PositiveSmallIntegerField(_("evidence download tries"), default=0)
    evidence_next_at = models.DateTimeField(_("next evidence download"), null=True, blank=True)
    evidence_error = models.CharField(_("evidence download error"), max_length=300, blank=True)

    class Meta:
        db_table = "applications_registryrequest"
        verbose_name = _("registry request")
        verbose_name_plural = _("registry requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "updated_at"], name="registry_request_state"),
            models.Index(fields=["state", "next_try_at"], name="registry_request_next_try"),
            models.Index(fields=["evidence_state", "evidence_next_at"], name="registry_request_evidence"),
        ]

    def __str__(self) -> str:
        return f"{self.get_registry_display()} {self.get_state_display()}"
