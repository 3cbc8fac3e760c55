"""Integrating systems (portals, e-queues) and what they send: API clients with hashed tokens, the
log of their requests, and e-applications waiting in the inbox until an administrator accepts them.

An e-application is not yet an `Application`: a case gets its number, journal, due date and history
only when it is registered, and registering is the administrator's act (`api.actions.accept_e_application`
calls the same `register_application` as the counter)."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from services.constants import DeliveryMethod

TOKEN_PREFIX_LENGTH = 8


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A random token: 43 URL-safe characters; its first 8 are stored in clear as the visible prefix."""
    return secrets.token_urlsafe(32)


class ApiClient(models.Model):
    """One integrating system of one hromada. Only the SHA-256 of its token is stored."""

    name = models.CharField(_("name"), max_length=200)
    hromada = models.ForeignKey(
        "accounts.Hromada", on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("hromada")
    )
    token_prefix = models.CharField(_("token prefix"), max_length=TOKEN_PREFIX_LENGTH, editable=False)
    token_hash = models.CharField(_("token hash (SHA-256)"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["hromada", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def set_token(self, token: str) -> None:
        self.token_prefix = token[:TOKEN_PREFIX_LENGTH]
        self.token_hash = hash_token(token)


class ApiRequestLog(models.Model):
    """One request of a client: who, when, method, path and the answer's status. Never a body or a
    query string (they may hold personal data)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="requests", verbose_name=_("client"))
    at = models.DateTimeField(_("when"))
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    status_code = models.PositiveSmallIntegerField(_("status"))

    class Meta:
        verbose_name = _("API request")
        verbose_name_plural = _("API requests")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client", "-at"], name="api_request_client_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.method} {self.path} {self.status_code}"


class EApplicationState(models.TextChoices):
    DRAFT = "draft", _("waiting for acceptance")
    ACCEPTED = "accepted", _("accepted and registered")
    REJECTED = "rejected", _("rejected")


class EApplication(models.Model):
    """An application sent by a portal: a draft until an administrator of its office accepts it
    (registering it: it gets its number) or rejects it (with a reason)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        ApiClient, on_delete=models.PROTECT, related_name="e_applications", verbose_name=_("client")
    )
    hromada = models.ForeignKey(
        "accounts.Hromada", on_delete=models.PROTECT, related_name="e_applications", verbose_name=_("hromada")
    )
    office = models.ForeignKey(
        "accounts.Office", on_delete=models.PROTECT, related_name="e_applications", verbose_name=_("office")
    )
    service = models.ForeignKey(
        "services.Service", on_delete=models.PROTECT, related_name="e_applications", verbose_name=_("service")
    )
    external_id = models.CharField(
        _("reference in the portal"),
        max_length=100,
        blank=True,
        help_text=_("The portal's own id: sending the same one again returns the e-application already received."),
    )
    applicant = models.JSONField(_("applicant"))
    documents = models.JSONField(_("documents"), default=list)
    result_delivery = models.CharField(
        _("way to receive the result"), max_length=20, choices=DeliveryMethod.choices, default=DeliveryMethod.IN_PERSON
    )
    comment = models.TextField(_("comment"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=EApplicationState.choices, default=EApplicationState.DRAFT
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="e_application",
        verbose_name=_("registered application"),
    )

    class Meta:
        verbose_name = _("e-application")
        verbose_name_plural = _("e-applications")
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "external_id"], condition=~Q(external_id=""), name="unique_e_application_external_id"
            ),
        ]
        indexes = [models.Index(fields=["office", "state", "received_at"], name="e_application_inbox")]

    def __str__(self) -> str:
        return str(self.application or self.id)
