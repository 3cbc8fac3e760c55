"""Choices of the registry lookups."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistryName(models.TextChoices):
    """The registries reached through Trembita; keys of cnap.exchange.conf services."""

    EDDR_PERSON = "eddr_person", _("Unified State Demographic Register (person)")
    EDR_SUBJECT = "edr_subject", _("Unified State Register of legal entities")
    DRRP_RIGHTS = "drrp_rights", _("State Register of Real Property Rights")
    DZK_PARCEL = "dzk_parcel", _("State Land Cadastre (land parcel)")
    RTG_RESIDENCE = "rtg_residence", _("Register of the territorial community (residence)")


class RegistryRequestState(models.TextChoices):
    PENDING = "pending", _("waiting")
    RUNNING = "running", _("in progress")
    SUCCEEDED = "succeeded", _("received")
    NOT_FOUND = "not_found", _("not found")
    FAILED = "failed", _("failed")
    UNAVAILABLE = "unavailable", _("registry unavailable")


REGISTRY_FINAL_STATES = frozenset(
    {
        RegistryRequestState.SUCCEEDED,
        RegistryRequestState.NOT_FOUND,
        RegistryRequestState.FAILED,
        RegistryRequestState.UNAVAILABLE,
    }
)
