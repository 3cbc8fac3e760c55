"""Cases of the workstation: applicants, journals, applications and what is attached to them (documents and
scans, status changes, suspensions, decisions, printed documents).

Writes go through the modules of applications/actions/; these models hold data and invariants only."""

import re
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from services.constants import Channel, DeliveryMethod, DocumentKind

from .constants import (
    ApplicantKind,
    ApplicationStatus,
    DecisionKind,
    IdentityDocumentType,
    PaymentMethod,
    PaymentState,
    PrintedDocumentKind,
    RegistryActionKind,
)

# Trigram (pg_trgm) indexes on Applicant.search_name and Application.number are created by the
# migration 0002_trigram_indexes on PostgreSQL only, so the embedded SQLite mode still migrates.
APOSTROPHES = re.compile(r"['’ʼ`´‘]")


def normalize_for_search(text: str) -> str:
    """Lower case, no apostrophes, single spaces: «Мар’яна» and «Марʼяна» and «Марьяна»... all
    compare as typed. Used for the search columns that the trigram indexes cover."""
    return " ".join(APOSTROPHES.sub("", text or "").lower().split())


def new_access_code() -> str:
    """The code printed on the receipt that, with the number, opens the public status page."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L look-alikes
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Applicant(models.Model):
    """A person or a legal entity that applies; known applicants are re-used, never duplicated."""

    hromada = models.ForeignKey(
        "accounts.Hromada", on_delete=models.PROTECT, related_name="applicants", verbose_name=_("hromada")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ApplicantKind.choices, default=ApplicantKind.PERSON)
    # A natural person
    last_name = models.CharField(_("surname"), max_length=150, blank=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    rnokpp = models.CharField(_("RNOKPP (tax number)"), max_length=10, blank=True, db_index=True)
    no_rnokpp = models.BooleanField(
        _("refused a tax number for religious reasons"),
        default=False,
        help_text=_("Identified by the passport instead."),
    )
    document_type = models.CharField(
        _("identity document"), max_length=20, choices=IdentityDocumentType.choices, blank=True
    )
    document_number = models.CharField(_("document number"), max_length=20, blank=True, db_index=True)
    document_issued_by = models.CharField(_("issued by"), max_length=255, blank=True)
    document_issued_on = models.DateField(_("date of issue"), null=True, blank=True)
    unzr = models.CharField(_("UNZR"), max_length=14, blank=True)
    # A legal entity
    name = models.CharField(_("name of the legal entity"), max_length=500, blank=True)
    edrpou = models.CharField(_("EDRPOU"), max_length=8, blank=True, db_index=True)
    head_name = models.CharField(_("head"), max_length=255, blank=True)
    # Both
    address = models.CharField(_("address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    consent_given_at = models.DateTimeField(_("consent to personal data processing"), null=True, blank=True)
    notify_by_email = models.BooleanField(_("notify by e-mail"), default=False)
    notify_by_sms = models.BooleanField(_("notify by SMS"), default=False)
    search_name = models.CharField(_("name for search"), max_length=700, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_name"])

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        constraints = [
            models.UniqueConstraint(
                fields=["hromada", "rnokpp"], condition=~Q(rnokpp=""), name="unique_applicant_rnokpp"
            ),
            models.UniqueConstraint(
                fields=["hromada", "edrpou"], condition=~Q(edrpou=""), name="unique_applicant_edrpou"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs) -> None:
        self.search_name = normalize_for_search(self.display_name)
        super().save(*args, **kwargs)

    @property
    def is_person(self) -> bool:
        return self.kind == ApplicantKind.PERSON

    @property
    def display_name(self) -> str:
        if self.kind == ApplicantKind.LEGAL_ENTITY:
            return self.name
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    @property
    def tax_id(self) -> str:
        return self.edrpou if self.kind == ApplicantKind.LEGAL_ENTITY else self.rnokpp

    @property
    def masked_tax_id(self) -> str:
        """Only the last four digits, as receipts and logs show it."""
        tax_id = self.tax_id
        return f"{'*' * (len(tax_id) - 4)}{tax_id[-4:]}" if len(tax_id) > 4 else tax_id


class RegistrationJournal(models.Model):
    """A numbering scope of an office: numbers are gap-free per journal and year."""

    office = models.ForeignKey(
        "accounts.Office", on_delete=models.PROTECT, related_name="journals", verbose_name=_("office")
    )
    name = models.CharField(_("name"), max_length=255)
    prefix = models.CharField(_("prefix"), max_length=20, unique=True, help_text=_("E.g. CNAP1: CNAP1-2026-000123."))
    is_default = models.BooleanField(_("default for the office"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("registration journal")
        verbose_name_plural = _("registration journals")
        ordering = ["office", "prefix"]
        constraints = [
            models.UniqueConstraint(
                fields=["office"], condition=Q(is_default=True), name="one_default_journal_per_office"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} — {self.name}"


class JournalCounter(models.Model):
    """The last number given in a journal in a year. Locked (SELECT ... FOR UPDATE) in the
    transaction that registers, so a rolled-back registration gives its number back."""

    journal = models.ForeignKey(RegistrationJournal, on_delete=models.CASCADE, related_name="counters")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["journal", "year"], name="unique_journal_year")]

    def __str__(self) -> str:
        return f"{self.journal.prefix} {self.year}: {self.last_number}"


class Application(models.Model):
    """One applicant's request for one service: a case (справа)."""

    number = models.CharField(_("registration number"), max_length=40, unique=True)
    journal = models.ForeignKey(
        RegistrationJournal, on_delete=models.PROTECT, related_name="applications", verbose_name=_("journal")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("number in the journal"))
    office = models.ForeignKey(
        "accounts.Office", on_delete=models.PROTECT, related_name="applications", verbose_name=_("office")
    )
    hromada = models.ForeignKey(
        "accounts.Hromada", on_delete=models.PROTECT, related_name="applications", verbose_name=_("hromada")
    )
    service = models.ForeignKey(
        "services.Service", on_delete=models.PROTECT, related_name="applications", verbose_name=_("service")
    )
    service_version = models.ForeignKey(
        "services.ServiceVersion",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("service version"),
    )
    provider = models.ForeignKey(
        "services.Provider", on_delete=models.PROTECT, related_name="applications", verbose_name=_("provider")
    )
    applicant = models.ForeignKey(
        Applicant, on_delete=models.PROTECT, related_name="applications", verbose_name=_("applicant")
    )
    representative = models.ForeignKey(
        Applicant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="represented_applications",
        verbose_name=_("representative"),
    )
    power_of_attorney_number = models.CharField(_("power of attorney number"), max_length=50, blank=True)
    power_of_attorney_date = models.DateField(_("power of attorney date"), null=True, blank=True)
    power_of_attorney_issued_by = models.CharField(_("power of attorney issued by"), max_length=255, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.IN_PERSON)
    result_delivery = models.CharField(
        _("way to receive the result"),
        max_length=20,
        choices=DeliveryMethod.choices,
        default=DeliveryMethod.IN_PERSON,
    )
    status = models.CharField(
        _("status"), max_length=32, choices=ApplicationStatus.choices, default=ApplicationStatus.REGISTERED
    )
    status_changed_at = models.DateTimeField(_("status changed"))
    registered_at = models.DateTimeField(_("registered"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="registered_applications",
        verbose_name=_("registered by"),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_applications",
        verbose_name=_("provider officer"),
    )
    due_date = models.DateField(_("due date"))
    initial_due_date = models.DateField(_("due date at registration"))
    suspended_working_days = models.PositiveIntegerField(_("suspended working days"), default=0)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    fee_amount = models.DecimalField(_("fee due, UAH"), max_digits=12, decimal_places=2, default=0)
    fee_late = models.BooleanField(_("late filing fee"), default=False)
    fee_options = models.JSONField(_("fee options chosen"), default=list, blank=True)
    fee_paid = models.DecimalField(
        _("fee paid, UAH"), max_digits=12, decimal_places=2, default=0, help_text=_("Paid less refunded.")
    )
    earliest_result_on = models.DateField(
        _("not earlier than"), null=True, blank=True, help_text=_("The end of the waiting period the law sets.")
    )
    legal_suspension = models.ForeignKey(
        "applications.LegalActSuspension",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered while suspended by"),
    )
    access_code = models.CharField(_("access code"), max_length=12, default=new_access_code)
    comment = models.TextField(_("comment"), blank=True)
    sent_to_provider_at = models.DateTimeField(_("sent to the provider"), null=True, blank=True)
    result_ready_at = models.DateTimeField(_("result ready"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_to = models.CharField(_("issued to"), max_length=255, blank=True)
    issued_identity_document = models.CharField(_("identity document shown"), max_length=255, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_applications",
        verbose_name=_("issued by"),
    )
    # Optimistic lock: every change increments it; a form posted with an old value is refused.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    history = HistoricalRecords(excluded_fields=["access_code"])

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["journal", "year", "sequence"], name="unique_journal_sequence"),
        ]
        indexes = [
            models.Index(fields=["office", "-registered_at", "-id"], name="app_office_registered"),
            models.Index(fields=["hromada", "-registered_at", "-id"], name="app_hromada_registered"),
            models.Index(fields=["office", "status", "-registered_at", "-id"], name="app_office_status"),
            models.Index(fields=["provider", "status", "-registered_at", "-id"], name="app_provider_status"),
            models.Index(fields=["due_date"], name="app_open_due", condition=Q(closed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        if self.representative_id and not self.power_of_attorney_number:
            raise ValidationError(
                {"power_of_attorney_number": _("A representative acts by a power of attorney: enter its number.")}
            )


class SubmittedDocument(models.Model):
    """A line of the receipt: a document the applicant handed over."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="documents", verbose_name=_("application")
    )
    required_document = models.ForeignKey(
        "services.RequiredDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("required document"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("document"), max_length=500)
    kind = models.CharField(_("original or copy"), max_length=20, choices=DocumentKind.choices)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    sheets = models.PositiveSmallIntegerField(_("sheets"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("submitted document")
        verbose_name_plural = _("submitted documents")
        ordering = ["application", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_extra(self) -> bool:
        return self.required_document_id is None


def scan_path(instance: "Scan", filename: str) -> str:
    return f"scans/{instance.uploaded_at:%Y/%m}/{instance.id}"


class Scan(models.Model):
    """A scanned document: a private file, served only through a permission-checked view by UUID."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="scans", verbose_name=_("application")
    )
    document = models.ForeignKey(
        SubmittedDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scans",
        verbose_name=_("document"),
    )
    file = models.FileField(_("file"), upload_to=scan_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size, bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    removed_at = models.DateTimeField(_("removed under the retention rules"), null=True, blank=True)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class StatusChange(models.Model):
    """One move of a case on its timeline, with who, when and why. Append-only."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("application")
    )
    from_status = models.CharField(_("from"), max_length=32, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=32, choices=ApplicationStatus.choices)
    changed_at = models.DateTimeField(_("when"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["application", "changed_at", "id"]
        indexes = [models.Index(fields=["changed_at", "id"], name="status_change_time")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class Suspension(models.Model):
    """The clock of a case stopped, e.g. by a legal act (CMU No 165) or while documents are awaited."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="suspensions", verbose_name=_("application")
    )
    started_on = models.DateField(_("suspended from"))
    resumed_on = models.DateField(_("resumed on"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    legal_act = models.CharField(_("legal act"), max_length=255, blank=True)
    by_act = models.ForeignKey(
        "LegalActSuspension",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_suspensions",
        verbose_name=_("suspension by a legal act"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("suspended by")
    )
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resumed by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["application", "started_on"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.started_on}–{self.resumed_on or '…'}"


class Decision(models.Model):
    """The provider's decision on a case; a refusal cites grounds from the service's list."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("application")
    )
    number = models.CharField(_("decision number"), max_length=40, unique=True)
    kind = models.CharField(_("decision"), max_length=20, choices=DecisionKind.choices)
    decided_on = models.DateField(_("date of the decision"))
    text = models.TextField(_("text"))
    grounds = models.ManyToManyField(
        "services.RefusalGround", blank=True, related_name="+", verbose_name=_("grounds for refusal")
    )
    grounds_text = models.TextField(_("grounds for refusal as cited"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["application", "decided_on", "id"]

    def __str__(self) -> str:
        return self.number


class Payment(models.Model):
    """One payment a case owes: what is due (copied from the catalog's charge at registration, with its
    payee, IBAN and budget code), what was paid, or the exemption claimed with its proving document."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="payments", verbose_name=_("application")
    )
    slot = models.PositiveSmallIntegerField(_("payment No"))
    title = models.CharField(_("charge"), max_length=300)
    charge_kind = models.CharField(_("kind of charge"), max_length=24)
    payee = models.CharField(_("payee"), max_length=300)
    payee_edrpou = models.CharField(_("payee's EDRPOU code"), max_length=8)
    iban = models.CharField(_("IBAN"), max_length=34)
    budget_code = models.CharField(_("budget classification code"), max_length=8, blank=True)
    purpose = models.CharField(_("purpose of payment"), max_length=420, blank=True)
    legal_source = models.CharField(_("legal source"), max_length=500, blank=True)
    prepaid = models.BooleanField(_("paid before filing"), default=True)
    amount_due = models.DecimalField(_("due, UAH"), max_digits=12, decimal_places=2)
    state = models.CharField(_("state"), max_length=12, choices=PaymentState.choices)
    exemption = models.CharField(_("exemption claimed"), max_length=500, blank=True)
    exemption_document = models.CharField(_("document proving the exemption"), max_length=500, blank=True)
    paid_amount = models.DecimalField(_("paid, UAH"), max_digits=12, decimal_places=2, null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payer = models.CharField(_("payer"), max_length=300, blank=True)
    reference = models.CharField(_("payment reference or receipt number"), max_length=100, blank=True)
    method = models.CharField(_("method"), max_length=12, choices=PaymentMethod.choices, blank=True)
    refunded_on = models.DateField(_("refunded on"), null=True, blank=True)
    refund_note = models.CharField(_("refund"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["application", "slot"]
        constraints = [models.UniqueConstraint(fields=["application", "slot"], name="one_payment_per_slot")]

    def __str__(self) -> str:
        return f"{self.application_id} #{self.slot}: {self.get_state_display()}"


class RegistryAction(models.Model):
    """The result of a state registrar's service: the action in the national register (record or
    decision number and date, the extract) or the registrar's refusal with its legal grounds."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="registry_action", verbose_name=_("application")
    )
    kind = models.CharField(_("what the registrar did"), max_length=12, choices=RegistryActionKind.choices)
    register_name = models.CharField(_("register"), max_length=300)
    record_number = models.CharField(_("record or decision number"), max_length=100)
    recorded_on = models.DateField(_("date of the record or decision"))
    registrar = models.CharField(_("state registrar"), max_length=300)
    grounds = models.ManyToManyField(
        "services.RefusalGround", blank=True, related_name="+", verbose_name=_("grounds for refusal")
    )
    grounds_text = models.TextField(_("grounds for refusal as cited"), blank=True)
    extract = models.ForeignKey(
        Scan, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("extract")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("registrar's action")
        verbose_name_plural = _("registrar's actions")

    def __str__(self) -> str:
        return f"{self.register_name} {self.record_number}"


class LegalActSuspension(models.Model):
    """Terms suspended by a legal act (e.g. CMU resolution No 165): for the services and territory it
    names, for its period. While it holds, every open case of those services in an office of the territory
    is suspended, and cases registered then start suspended; when it ends they resume with their due dates
    moved on by the working days lost."""

    act = models.CharField(_("legal act"), max_length=500)
    reason = models.TextField(_("reason"))
    services = models.ManyToManyField("services.Service", related_name="+", verbose_name=_("services"))
    hromada = models.ForeignKey(
        "accounts.Hromada", on_delete=models.PROTECT, related_name="+", verbose_name=_("territory (hromada)")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (last day)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[services])

    class Meta:
        verbose_name = _("suspension by a legal act")
        verbose_name_plural = _("suspensions by legal acts")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.act

    def holds_on(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class PrintedDocument(models.Model):
    """The stored first copy of a printed document (receipt, routing slip, decision) and its SHA-256;
    reprints give the same document."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="printed_documents", verbose_name=_("application")
    )
    kind = models.CharField(_("document"), max_length=20, choices=PrintedDocumentKind.choices)
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("decision")
    )
    file = models.FileField(_("file"), upload_to="printed/%Y/%m/", max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("printed"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("printed by")
    )

    class Meta:
        verbose_name = _("printed document")
        verbose_name_plural = _("printed documents")
        ordering = ["application", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"],
                condition=Q(decision__isnull=True),
                name="one_printed_document_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.application_id}"


class DecisionCounter(models.Model):
    """The last decision number a provider gave in a year. Locked (SELECT ... FOR UPDATE) in the
    transaction that records the decision, so numbers are gap-free even when one rolls back."""

    provider = models.ForeignKey(
        "services.Provider", on_delete=models.CASCADE, related_name="+", verbose_name=_("provider")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("decision counter")
        verbose_name_plural = _("decision counters")
        constraints = [models.UniqueConstraint(fields=["provider", "year"], name="unique_decision_counter")]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.year}: {self.last_number}"
