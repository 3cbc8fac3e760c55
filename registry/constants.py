"""Choices of the registry lookups."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistryName(models.TextChoices):
    """The registries reached through Trembita: the keys of the one declarative list,
    :mod:`cnap.exchange.registries` (a test keeps the two equal; the labels come from there)."""

    EDDR_PERSON = "eddr_person", _("Unified State Demographic Register (person)")
    EDR_SUBJECT = "edr_subject", _("Unified State Register of legal entities")
    DRRP_RIGHTS = "drrp_rights", _("State Register of Real Property Rights")
    DZK_PARCEL = "dzk_parcel", _("State Land Cadastre (land parcel)")
    RTG_RESIDENCE = "rtg_residence", _("Register of the territorial community (residence)")
    MVS_PASSPORT = "mvs_passport", _("Passport status (Ministry of Internal Affairs)")


class EvidenceState(models.TextChoices):
    """The signed ASiC container of a completed lookup, fetched from our ШБО after the answer."""

    NONE = "", _("not fetched")
    STORED = "stored", _("stored")
    FAILED = "failed", _("not fetched yet: will be tried again")
    GAVE_UP = "gave_up", _("could not be fetched")


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
