"""Choices of the service catalog."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceCategory(models.TextChoices):
    RESIDENCE = "residence", _("Residence registration")
    CIVIL_STATUS = "civil_status", _("Civil status registration")
    BUSINESS = "business", _("Business registration")
    REAL_ESTATE = "real_estate", _("Real estate rights")
    LAND = "land", _("Land relations")
    SOCIAL = "social", _("Social protection")
    IDENTITY = "identity", _("Identity documents")
    CONSTRUCTION = "construction", _("Construction and urban planning")
    MUNICIPAL = "municipal", _("Municipal services")
    TAX = "tax", _("Taxes")
    MILITARY = "military", _("Military registration")
    OTHER = "other", _("Other")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class FeeKind(models.TextChoices):
    FREE = "free", _("free of charge")
    FIXED = "fixed", _("fixed amount")
    SUBSISTENCE_FRACTION = "subsistence_fraction", _("fraction of the subsistence minimum")


class DocumentKind(models.TextChoices):
    ORIGINAL = "original", _("original")
    COPY = "copy", _("copy")
    ORIGINAL_AND_COPY = "original_and_copy", _("original and copy")


class StageAction(models.TextChoices):
    """The action codes of a technological card (CMU resolution No 44)."""

    EXECUTES = "В", _("executes")
    PARTICIPATES = "У", _("participates")
    APPROVES = "П", _("agrees")
    CONFIRMS = "З", _("approves")


# Latin look-alikes and transliterations accepted on import.
STAGE_ACTION_ALIASES = {
    "B": "В",
    "V": "В",
    "U": "У",
    "Y": "У",
    "P": "П",
    "Z": "З",
    "3": "З",
}


class DeliveryMethod(models.TextChoices):
    IN_PERSON = "in_person", _("in person at the office")
    POST = "post", _("by post")
    EMAIL = "email", _("by e-mail")
    ELECTRONIC = "electronic", _("electronically (Diia portal / e-cabinet)")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    POST = "post", _("by post")
    ONLINE = "online", _("online")
