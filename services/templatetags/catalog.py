"""How a card's term, fee and choice lists read in templates and PDFs."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cnap.workdays import TermUnit

from ..constants import Channel, DeliveryMethod, FeeBase, FeeRounding

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
    if unit == TermUnit.MONTHS:
        return ngettext("%(n)d month", "%(n)d months", value) % {"n": value}
    if unit == TermUnit.WORKING_DAYS:
        return ngettext("%(n)d working day", "%(n)d working days", value) % {"n": value}
    return ngettext("%(n)d calendar day", "%(n)d calendar days", value) % {"n": value}


@register.filter
def term(version) -> str:
    return term_text(version.term_value, version.term_unit)


@register.filter
def min_wait(version) -> str:
    return term_text(version.min_wait_value, version.min_wait_unit) if version.min_wait_unit else ""


@register.filter
def stage_duration(stage) -> str:
    return term_text(stage.duration, stage.duration_unit)


def _fraction(value: Decimal) -> str:
    return number_format(value.normalize(), use_l10n=True)


@register.filter
def charge_rule(component) -> str:
    """«0,015 of the subsistence minimum ..., rounded to the kopeck» / «17,00 UAH»."""
    if component.base == FeeBase.FIXED:
        text = _("%(amount)s UAH") % {"amount": money(component.amount)}
    elif component.base == FeeBase.NMDG:
        text = _("%(share)s of the non-taxable minimum income of citizens") % {"share": _fraction(component.share)}
    else:
        text = _("%(share)s of the subsistence minimum for able-bodied persons") % {"share": _fraction(component.share)}
    if component.base != FeeBase.FIXED and component.rounding == FeeRounding.NEAREST_10:
        text += ", " + _("rounded to the nearest 10 UAH")
    return text


@register.filter
def fee_rule(version) -> str:
    """A one-line summary of a version's charges (lists, the catalog table)."""
    rows = list(version.fees.all())
    if not rows:
        return _("free of charge")
    parts = []
    for component in rows:
        label = f"{component.title}: {charge_rule(component)}"
        if component.option:
            label += f" ({component.get_option_display()})"
        parts.append(label)
    return "; ".join(parts)


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
