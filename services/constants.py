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


class FeeBase(models.TextChoices):
    """What a charge is a share of (or a fixed amount)."""

    FIXED = "fixed", _("fixed amount")
    SUBSISTENCE_MINIMUM = "subsistence_minimum", _("subsistence minimum for able-bodied persons on 1 January")
    NMDG = "nmdg", _("non-taxable minimum income of citizens (17 UAH)")


class FeeRounding(models.TextChoices):
    """How the law rounds the computed amount."""

    KOPECK = "kopeck", _("to the kopeck")
    NEAREST_10 = "nearest_10", _("to the nearest 10 UAH")


class ChargeKind(models.TextChoices):
    """What the citizen pays: the card must say which."""

    ADMINISTRATIVE_FEE = "administrative_fee", _("administrative fee")
    STATE_DUTY = "state_duty", _("state duty")
    BLANK_COST = "blank_cost", _("cost of the blank form")
    SERVICE_PAYMENT = "service_payment", _("payment for the service")


class FeeOption(models.TextChoices):
    """Conditions that select another tier of a payment or add one (chosen at registration)."""

    LATE = "late", _("late filing")
    URGENT = "urgent", _("urgent processing")
    URGENT_2_WORKING_DAYS = "urgent_2wd", _("within 2 working days")
    URGENT_1_WORKING_DAY = "urgent_1wd", _("within 1 working day")
    URGENT_2_HOURS = "urgent_2h", _("within 2 hours")
    REPEAT = "repeat", _("repeated application")
    WITH_DRRP_DATA = "drrp_data", _("with data from the State Register of Real Property Rights")
    ELECTRONIC = "electronic", _("in electronic form")


class ResultKind(models.TextChoices):
    """Who decides: the provider by its decision, or a state registrar by an action in a national register."""

    DECISION = "decision", _("decision of the provider")
    REGISTRAR_ACTION = "registrar_action", _("action of a state registrar in a national register")


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
