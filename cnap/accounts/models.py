from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.ua import edrpou as edrpou_check

from .constants import OFFICE_ROLES, OfficeKind, Role


def validate_edrpou(value: str) -> None:
    try:
        edrpou_check.validate(value)
    except StdnumValidationError as exc:
        raise ValidationError(
            _("%(value)s is not a valid EDRPOU code (8 digits with a check digit)."),
            params={"value": value},
            code="invalid_edrpou",
        ) from exc


class Hromada(models.Model):
    """A territorial community: the owner of the offices of one deployment."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    council_name = models.CharField(_("council"), max_length=255, blank=True)
    edrpou = models.CharField(_("EDRPOU of the council"), max_length=8, blank=True, validators=[validate_edrpou])
    katottg = models.CharField(_("KATOTTG code"), max_length=19, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hromada")
        verbose_name_plural = _("hromadas")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    """A point of service: the CNAP itself, a territorial unit, a remote workplace or a mobile CNAP."""

    hromada = models.ForeignKey(Hromada, on_delete=models.PROTECT, related_name="offices", verbose_name=_("hromada"))
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("Short code used in registration numbers, e.g. CNAP1."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OfficeKind.choices, default=OfficeKind.CNAP)
    address = models.CharField(_("address"), max_length=255, blank=True)
    schedule = models.TextField(_("working hours"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["hromada", "kind", "name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class OfficeDayOff(models.Model):
    """A day the office does not work besides weekends (e.g. a local decision)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="days_off", verbose_name=_("office"))
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("office day off")
        verbose_name_plural = _("office days off")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["office", "date"], name="unique_office_day_off")]

    def __str__(self) -> str:
        return f"{self.office} {self.date:%d.%m.%Y}"


class User(AbstractUser):
    """A staff member. Citizens never log in."""

    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)
    position = models.CharField(_("position"), max_length=255, blank=True)
    hromada = models.ForeignKey(
        Hromada,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("hromada"),
    )
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("office"),
    )
    history = HistoricalRecords(excluded_fields=["last_login", "password"])

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    @property
    def short_name(self) -> str:
        """Surname and initials, as documents sign: «Шевченко Т. Г.»."""
        initials = " ".join(f"{part[0]}." for part in (self.first_name, self.patronymic) if part)
        return f"{self.last_name} {initials}".strip() or self.username

    def clean(self) -> None:
        super().clean()
        if self.role in OFFICE_ROLES and not self.office_id:
            raise ValidationError({"office": _("This role works in an office: choose one.")})
        if self.office is not None:
            self.hromada_id = self.office.hromada_id
        if self.role == Role.COMMUNITY_HEAD and not self.hromada_id:
            raise ValidationError({"hromada": _("A community head belongs to a hromada.")})

    def save(self, *args, **kwargs) -> None:
        if self.office is not None and not self.hromada_id:
            self.hromada_id = self.office.hromada_id
        super().save(*args, **kwargs)

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.role in roles
