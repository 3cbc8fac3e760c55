"""How a card's term, fee and choice lists read in templates and PDFs."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cnap.workdays import TermUnit

from ..constants import Channel, DeliveryMethod, FeeKind

register = template.Library()

_CHOICES = {"channels": Channel, "result_delivery": DeliveryMethod}


def term_text(value: int | None, unit: str) -> str:
    if unit == TermUnit.SAME_DAY:
        return _("on the day of application")
    if unit == TermUnit.NEXT_WORKING_DAY:
        return _("no later than the next working day")
    if value is None:
        return str(TermUnit(unit).label) if unit in TermUnit.values else ""
    if unit == TermUnit.HOURS:
        return ngettext("%(n)d hour", "%(n)d hours", value) % {"n": value}
    if unit == TermUnit.WORKING_DAYS:
        return ngettext("%(n)d working day", "%(n)d working days", value) % {"n": value}
    return ngettext("%(n)d calendar day", "%(n)d calendar days", value) % {"n": value}


@register.filter
def term(version) -> str:
    return term_text(version.term_value, version.term_unit)


@register.filter
def stage_duration(stage) -> str:
    return term_text(stage.duration, stage.duration_unit)


def _fraction(value: Decimal) -> str:
    return number_format(value.normalize(), use_l10n=True)


@register.filter
def fee_rule(version) -> str:
    if version.fee_kind == FeeKind.FREE:
        return _("free of charge")
    if version.fee_kind == FeeKind.FIXED:
        return _("%(amount)s UAH") % {"amount": money(version.fee_amount)}
    text = _("%(fraction)s of the subsistence minimum for able-bodied persons") % {
        "fraction": _fraction(version.fee_fraction)
    }
    if version.fee_fraction_late is not None:
        text += "; " + _("for late filing %(fraction)s") % {"fraction": _fraction(version.fee_fraction_late)}
    return text


@register.filter
def money(value) -> str:
    if value is None:
        return ""
    return number_format(Decimal(value).quantize(Decimal("0.01")), decimal_pos=2, use_l10n=True, force_grouping=True)


@register.filter
def choice_labels(values, kind: str) -> str:
    choices = _CHOICES[kind]
    labels = {value: label for value, label in choices.choices}
    return ", ".join(str(labels.get(value, value)) for value in values or [])
