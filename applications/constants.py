"""Choices of the applications app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("natural person")
    LEGAL_ENTITY = "legal_entity", _("legal entity")


class IdentityDocumentType(models.TextChoices):
    ID_CARD = "id_card", _("passport (ID card)")
    PASSPORT_BOOK = "passport_book", _("passport (booklet)")
    FOREIGN_PASSPORT = "foreign_passport", _("passport for travelling abroad")
    RESIDENCE_PERMIT = "residence_permit", _("residence permit")
    OTHER = "other", _("other document")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    REGISTERED = "registered", _("registered")
    SENT_TO_PROVIDER = "sent_to_provider", _("sent to the provider")
    IN_PROGRESS = "in_progress", _("in progress")
    RETURNED_FOR_REVISION = "returned_for_revision", _("returned for revision")
    SUSPENDED = "suspended", _("suspended")
    RESULT_READY = "result_ready", _("result ready")
    ISSUED = "issued", _("issued")
    REFUSED = "refused", _("refused")
    LEFT_WITHOUT_CONSIDERATION = "left_without_consideration", _("left without consideration")
    WITHDRAWN = "withdrawn", _("withdrawn")
    UNCLAIMED = "unclaimed", _("unclaimed")


# A case in one of these is finished: no due date is watched any more.
CLOSED_STATUSES = frozenset(
    {
        ApplicationStatus.ISSUED,
        ApplicationStatus.REFUSED,
        ApplicationStatus.LEFT_WITHOUT_CONSIDERATION,
        ApplicationStatus.WITHDRAWN,
        ApplicationStatus.UNCLAIMED,
    }
)
# The clock does not run while a case is in one of these.
CLOCK_STOPPED_STATUSES = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.SUSPENDED})


class DecisionKind(models.TextChoices):
    APPROVAL = "approval", _("approval")
    REFUSAL = "refusal", _("refusal")


class PrintedDocumentKind(models.TextChoices):
    RECEIPT = "receipt", _("receipt (description of the incoming package)")
    ROUTING_SLIP = "routing_slip", _("routing slip")
    DECISION = "decision", _("decision")


class PaymentState(models.TextChoices):
    NOT_DUE = "not_due", _("not due")
    AWAITING = "awaiting", _("awaiting payment")
    PAID = "paid", _("paid")
    EXEMPT = "exempt", _("exempt")
    REFUNDED = "refunded", _("refunded")


class PaymentMethod(models.TextChoices):
    BANK = "bank", _("bank transfer (banking app, internet bank)")
    TERMINAL = "terminal", _("card at the office's terminal")
    CASH = "cash", _("cash at a bank or post office")
    ONLINE = "online", _("online (Diia portal)")


class RegistryActionKind(models.TextChoices):
    """What a state registrar did in the national register (the result of a registrar's service)."""

    RECORD = "record", _("registration action recorded in the register")
    REFUSAL = "refusal", _("refusal of the state registrar")
