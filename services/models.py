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

from cnap.workdays import TermUnit, validate_term

from .constants import (
    Channel,
    DeliveryMethod,
    DocumentKind,
    FeeKind,
    ServiceCategory,
    StageAction,
    VersionStatus,
)
from .search import normalize
from .validators import validate_edrpou, validate_ua_iban


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
    # 3. Fee.
    fee_kind = models.CharField(_("fee"), max_length=24, choices=FeeKind.choices, default=FeeKind.FREE)
    fee_amount = models.DecimalField(
        _("fixed fee, UAH"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    fee_fraction = models.DecimalField(
        _("fee, fraction of the subsistence minimum"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00001"))],
    )
    fee_fraction_late = models.DecimalField(
        _("fee for late filing, fraction of the subsistence minimum"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00001"))],
    )
    late_filing_note = models.TextField(_("when the filing is late"), blank=True)
    payment_iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_ua_iban])
    payment_recipient = models.CharField(_("payment recipient"), max_length=300, blank=True)
    payment_recipient_edrpou = models.CharField(
        _("recipient's EDRPOU code"), max_length=8, blank=True, validators=[validate_edrpou]
    )
    payment_purpose = models.CharField(_("purpose of payment"), max_length=500, blank=True)
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
        errors.update(self._fee_errors())
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

    def _fee_errors(self) -> dict:
        errors = {}
        required = _("Required for this kind of fee.")
        not_used = _("Leave empty for this kind of fee.")
        if self.fee_kind == FeeKind.FREE:
            for field in ("fee_amount", "fee_fraction", "fee_fraction_late"):
                if getattr(self, field) is not None:
                    errors[field] = [not_used]
        elif self.fee_kind == FeeKind.FIXED:
            if self.fee_amount is None:
                errors["fee_amount"] = [required]
            for field in ("fee_fraction", "fee_fraction_late"):
                if getattr(self, field) is not None:
                    errors[field] = [not_used]
        elif self.fee_kind == FeeKind.SUBSISTENCE_FRACTION:
            if self.fee_fraction is None:
                errors["fee_fraction"] = [required]
            if self.fee_amount is not None:
                errors["fee_amount"] = [not_used]
        if self.fee_kind != FeeKind.FREE:
            for field in ("payment_iban", "payment_recipient"):
                if not getattr(self, field).strip():
                    errors[field] = [_("Required for a paid service.")]
        return errors


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
    history = HistoricalRecords()

    class Meta(VersionPart.Meta):
        verbose_name = _("ground for refusal")
        verbose_name_plural = _("grounds for refusal")

    def __str__(self):
        return self.text[:80]
