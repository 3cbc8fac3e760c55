"""The catalog of administrative services.

A `Service` is the stable identity of a catalog entry (codes, provider, offices). Everything its
information and technological cards say lives in a `ServiceVersion`: a draft is edited, then
published with the date it comes into force; a published version is never changed in place,
because applications keep the version they were registered under.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cnap.sandbox import validate_template
from cnap.workdays import TermUnit, validate_term

from .constants import (
    Channel,
    ChargeKind,
    DeliveryMethod,
    DocumentKind,
    FeeBase,
    FeeOption,
    FeeRounding,
    ResultKind,
    ServiceCategory,
    StageAction,
    VersionStatus,
)
from .search import normalize
from .validators import validate_budget_code, validate_edrpou, validate_ua_iban


class PublishedVersionError(ValidationError):
    """Raised on an attempt to change a published version or its parts."""

    def __init__(self, message=None):
        super().__init__(
            message or _("A published version cannot be changed: copy it to a new draft."),
            code="published",
        )


class SubsistenceMinimum(models.Model):
    """The subsistence minimum for able-bodied persons on 1 January of a year (the fee base)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=[MinValueValidator(2000)])
    amount = models.DecimalField(
        _("amount, UAH"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("subsistence minimum")
        verbose_name_plural = _("subsistence minimums")

    def __str__(self):
        return f"{self.year}: {self.amount}"


class Provider(models.Model):
    """A суб'єкт надання: the authority that decides on applications."""

    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    edrpou = models.CharField(_("EDRPOU code"), max_length=8, unique=True, validators=[validate_edrpou])
    address = models.CharField(_("address"), max_length=300, blank=True)
    schedule = models.TextField(_("working hours"), blank=True)
    phone = models.CharField(_("phone"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    hromada = models.ForeignKey(
        "accounts.Hromada",
        verbose_name=_("hromada"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="providers",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self):
        return self.short_name or self.name


class ProviderOfficer(models.Model):
    """A staff member (role provider officer) who works for a provider. The link lives in the catalog, so the
    accounts know nothing of it; read it with ``services.selectors.provider_id_of(user)``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="provider_officer",
        verbose_name=_("staff member"),
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="officers", verbose_name=_("provider")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("provider officer")
        verbose_name_plural = _("provider officers")

    def __str__(self):
        return f"{self.user} — {self.provider}"


class Service(models.Model):
    """The stable identity of a catalog entry; its content is in `versions`."""

    local_code = models.CharField(_("local code"), max_length=32, unique=True)
    national_id = models.CharField(
        _("national register id"),
        max_length=16,
        blank=True,
        db_index=True,
        help_text=_("Identifier in the Register of administrative services, e.g. 00106."),
    )
    category = models.CharField(_("category"), max_length=32, choices=ServiceCategory.choices)
    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="services"
    )
    offices = models.ManyToManyField("accounts.Office", verbose_name=_("offices"), blank=True, related_name="services")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[offices])

    class Meta:
        ordering = ["local_code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self):
        return self.local_code


def _validate_choice_list(value, choices, label) -> None:
    allowed = {choice for choice, _label in choices}
    if not isinstance(value, list) or any(item not in allowed for item in value):
        raise ValidationError(
            _("%(label)s: choose among %(allowed)s."),
            code="invalid_choice",
            params={"label": label, "allowed": ", ".join(sorted(allowed))},
        )


def validate_delivery(value) -> None:
    _validate_choice_list(value, DeliveryMethod.choices, "result_delivery")


def validate_channels(value) -> None:
    _validate_choice_list(value, Channel.choices, "channels")


class ServiceVersion(models.Model):
    """One version of a service's information and technological cards."""

    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version number"))
    status = models.CharField(_("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # 1. What the service is.
    title = models.CharField(_("title"), max_length=500)
    search_text = models.TextField(_("search text"), editable=False, blank=True)
    purpose = models.TextField(_("short description"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True, help_text=_("Acts with articles."))
    # 2. Term.
    term_value = models.PositiveIntegerField(_("term"), null=True, blank=True)
    term_unit = models.CharField(_("term unit"), max_length=20, choices=TermUnit.choices)
    term_note = models.CharField(_("term note"), max_length=500, blank=True)
    # 3. Fee: the charges are `fees` (FeeComponent rows) and `fee_exemptions`; this is the card's note.
    late_filing_note = models.TextField(_("when the filing is late"), blank=True)
    fee_note = models.TextField(_("note on payment"), blank=True)
    # 4. Documents and how they are submitted.
    documents_note = models.TextField(_("how documents are submitted"), blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True, validators=[validate_channels])
    # 5. Result.
    result = models.TextField(_("result"), blank=True)
    result_delivery = models.JSONField(
        _("ways to receive the result"), default=list, blank=True, validators=[validate_delivery]
    )
    storage_days = models.PositiveIntegerField(
        _("storage of unclaimed results, days"), default=30, validators=[MinValueValidator(1)]
    )
    decision_template = models.TextField(_("decision template"), blank=True)
    result_kind = models.CharField(
        _("who decides"), max_length=20, choices=ResultKind.choices, default=ResultKind.DECISION
    )
    # A waiting period the law sets before the result (e.g. marriage: not earlier than one month).
    min_wait_value = models.PositiveIntegerField(_("minimum wait"), null=True, blank=True)
    min_wait_unit = models.CharField(_("minimum wait unit"), max_length=20, choices=TermUnit.choices, blank=True)
    term_justification = models.TextField(
        _("why the stages may take longer than the term"),
        blank=True,
        help_text=_("Required to publish when the stages of the technological card add up to more than the term."),
    )
    # 6. The complaint route (Law «Про адміністративну процедуру», art. 70, 75, 78).
    complaint_body = models.CharField(_("body that considers complaints"), max_length=500, blank=True)
    complaint_address = models.CharField(_("its address"), max_length=500, blank=True)
    complaint_term = models.CharField(_("time limit for a complaint"), max_length=300, blank=True)
    complaint_court = models.CharField(_("court"), max_length=500, blank=True)
    # 7. The approving act (CMU resolution No 44, p. 1): printed as «ЗАТВЕРДЖЕНО» on both cards.
    approved_by = models.CharField(_("approved by (body)"), max_length=500, blank=True)
    approval_act = models.CharField(_("approving act (kind and number)"), max_length=300, blank=True)
    approval_date = models.DateField(_("date of the approving act"), null=True, blank=True)
    # Where each fact of the card comes from: {"fees": "Закон ... ст. 36; ...", "national_id": "...", ...}.
    sources = models.JSONField(_("sources of the facts"), default=dict, blank=True)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        ordering = ["service", "-number"]
        verbose_name = _("service version")
        verbose_name_plural = _("service versions")
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="services_version_number_unique"),
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(status="draft"),
                name="services_one_draft_per_service",
                violation_error_message=_("This service already has a draft."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(valid_from__isnull=False),
                name="services_published_has_valid_from",
            ),
        ]
        indexes = [models.Index(fields=["service", "status", "valid_from"], name="services_version_force_idx")]

    def __str__(self):
        return f"{self.service_id} v{self.number}: {self.title}"

    def save(self, *args, **kwargs):
        if self.was_published:
            raise PublishedVersionError()
        self.search_text = normalize(self.title)
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def delete(self, *args, **kwargs):
        if self.was_published or self.is_published:
            raise PublishedVersionError(_("A published version cannot be deleted."))
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.__dict__.get("status")
        return instance

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def was_published(self) -> bool:
        """True when the row as stored in the database is published."""
        return getattr(self, "_stored_status", None) == VersionStatus.PUBLISHED

    def clean(self):
        if self.was_published:
            raise PublishedVersionError()
        errors = {}
        try:
            validate_term(self.term_value, self.term_unit, value_field="term_value", unit_field="term_unit")
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if self.min_wait_value is not None or self.min_wait_unit:
            try:
                validate_term(
                    self.min_wait_value, self.min_wait_unit, value_field="min_wait_value", unit_field="min_wait_unit"
                )
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if self.decision_template:
            try:
                validate_template(self.decision_template)
            except ValidationError as exc:
                errors["decision_template"] = exc.messages
        if self.status == VersionStatus.PUBLISHED:
            for field in ("legal_basis", "result"):
                if not getattr(self, field).strip():
                    errors.setdefault(field, []).append(_("Required to publish."))
            if not self.channels:
                errors.setdefault("channels", []).append(_("Choose at least one channel."))
            if not self.result_delivery:
                errors.setdefault("result_delivery", []).append(_("Choose at least one way."))
            if self.valid_from is None:
                errors.setdefault("valid_from", []).append(_("Required to publish."))
        if errors:
            raise ValidationError(errors)


class VersionPart(models.Model):
    """A row belonging to a version: frozen once the version is published."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def save(self, *args, allow_published=False, **kwargs):
        # `allow_published`: only for an import that creates a published version with its rows.
        if not allow_published:
            self._check_version_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_version_editable()
        return super().delete(*args, **kwargs)

    def _check_version_editable(self):
        if (
            self.version_id
            and ServiceVersion.objects.filter(pk=self.version_id, status=VersionStatus.PUBLISHED).exists()
        ):
            raise PublishedVersionError()

    def clean(self):
        self._check_version_editable()


class RequiredDocument(VersionPart):
    version = models.ForeignKey(
        ServiceVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="documents"
    )
    name = models.CharField(_("document"), max_length=500)
    kind = models.CharField(
        _("original or copy"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.ORIGINAL
    )
    copies = models.PositiveSmallIntegerField(_("copies"), default=1, validators=[MinValueValidator(1)])
    mandatory = models.BooleanField(_("mandatory"), default=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta(VersionPart.Meta):
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")

    def __str__(self):
        return self.name


class TechCardStage(VersionPart):
    version = models.ForeignKey(
        ServiceVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="stages"
    )
    name = models.CharField(_("stage"), max_length=500)
    responsible_position = models.CharField(_("responsible position"), max_length=300)
    unit = models.CharField(_("structural unit"), max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=1, choices=StageAction.choices, default=StageAction.EXECUTES)
    duration = models.PositiveIntegerField(_("duration"), null=True, blank=True)
    duration_unit = models.CharField(_("duration unit"), max_length=20, choices=TermUnit.choices)
    history = HistoricalRecords()

    class Meta(VersionPart.Meta):
        verbose_name = _("technological card stage")
        verbose_name_plural = _("technological card stages")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        validate_term(self.duration, self.duration_unit, value_field="duration", unit_field="duration_unit")


class RefusalGround(VersionPart):
    version = models.ForeignKey(
        ServiceVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="refusal_grounds"
    )
    text = models.TextField(_("ground for refusal"))
    citation = models.CharField(
        _("legal ground (act, article, part, point)"),
        max_length=500,
        blank=True,
        help_text=_("E.g. Law No 1871-IX, art. 8, part 1, point 2."),
    )
    history = HistoricalRecords()

    class Meta(VersionPart.Meta):
        verbose_name = _("ground for refusal")
        verbose_name_plural = _("grounds for refusal")

    def __str__(self):
        return self.text[:80]


class FeeComponent(VersionPart):
    """One charge of a service: a payment with its own payee, or another tier of one.

    The charges of a case are chosen by ``slot``: in each slot, the row whose ``option`` was chosen at
    registration (late filing, urgency, ...) if there is one, else the row without an option. A slot
    whose rows all have an option is an add-on (e.g. the State Register of Real Property Rights data
    in a land cadastre extract). ``services.fees`` computes the amounts.
    """

    version = models.ForeignKey(
        ServiceVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="fees"
    )
    slot = models.PositiveSmallIntegerField(_("payment No"), default=1, validators=[MinValueValidator(1)])
    option = models.CharField(_("applies when"), max_length=20, choices=FeeOption.choices, blank=True)
    charge_kind = models.CharField(
        _("kind of charge"), max_length=24, choices=ChargeKind.choices, default=ChargeKind.ADMINISTRATIVE_FEE
    )
    title = models.CharField(_("charge"), max_length=300)
    base = models.CharField(_("base"), max_length=24, choices=FeeBase.choices, default=FeeBase.SUBSISTENCE_MINIMUM)
    share = models.DecimalField(
        _("share of the base"),
        max_digits=10,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00001"))],
    )
    amount = models.DecimalField(
        _("fixed amount, UAH"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    rounding = models.CharField(_("rounding"), max_length=12, choices=FeeRounding.choices, default=FeeRounding.KOPECK)
    prepaid = models.BooleanField(
        _("paid before filing"), default=True, help_text=_("The proof of payment is handed in with the application.")
    )
    payee = models.CharField(_("payee"), max_length=300)
    payee_edrpou = models.CharField(_("payee's EDRPOU code"), max_length=8, validators=[validate_edrpou])
    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_ua_iban])
    budget_code = models.CharField(
        _("budget classification code"), max_length=8, blank=True, validators=[validate_budget_code]
    )
    purpose = models.CharField(_("purpose of payment"), max_length=300, blank=True)
    legal_source = models.CharField(_("legal source (act, article)"), max_length=500)
    history = HistoricalRecords()

    class Meta(VersionPart.Meta):
        ordering = ["slot", "order", "pk"]
        verbose_name = _("charge")
        verbose_name_plural = _("charges")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        required = _("Required for this base.")
        not_used = _("Leave empty for this base.")
        if self.base == FeeBase.FIXED:
            if self.amount is None:
                errors["amount"] = [required]
            if self.share is not None:
                errors["share"] = [not_used]
        else:
            if self.share is None:
                errors["share"] = [required]
            if self.amount is not None:
                errors["amount"] = [not_used]
        if errors:
            raise ValidationError(errors)


class FeeExemption(VersionPart):
    """Who pays nothing (or not one of the payments), and the document that proves it."""

    version = models.ForeignKey(
        ServiceVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="fee_exemptions"
    )
    title = models.CharField(_("who is exempt"), max_length=500)
    proving_document = models.CharField(_("document that proves it"), max_length=500)
    slots = models.JSONField(
        _("payments it exempts from"), default=list, blank=True, help_text=_("Payment numbers; empty: all of them.")
    )
    legal_source = models.CharField(_("legal source (act, article)"), max_length=500)
    history = HistoricalRecords()

    class Meta(VersionPart.Meta):
        verbose_name = _("fee exemption")
        verbose_name_plural = _("fee exemptions")

    def __str__(self):
        return self.title

    def covers(self, slot: int) -> bool:
        return not self.slots or slot in self.slots
