"""The fee engine: what a case costs, computed from the charges stored in the catalog.

A service version lists its charges (`FeeComponent`): each is a payment slot with its payee, IBAN and
budget classification code, a base (a fixed amount, the subsistence minimum for able-bodied persons on
1 January of the year, or the non-taxable minimum income of citizens for state duty), a share of it,
and the rounding its law prescribes (to the kopeck, or to the nearest 10 hryvnias for the fees of the
registers of legal entities and of real property rights). Tiers (late filing, urgency) and add-ons are
rows of the same slot with an `option`; exemptions (`FeeExemption`) remove slots for a category of
persons who show the proving document. The rules and their legal sources are in docs/legal-sources.md.

A missing subsistence minimum for the year is an error, not a silent fall-back to an earlier year:
charging last year's amount would be wrong money, and the catalog manager has to enter the new figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .constants import FeeBase, FeeOption, FeeRounding
from .models import FeeComponent, FeeExemption, ServiceVersion, SubsistenceMinimum

KOPECK = Decimal("0.01")
TEN = Decimal("10")
ZERO = Decimal("0.00")
#: The non-taxable minimum income of citizens as the base of state duty: 17 UAH (Tax Code of Ukraine,
#: section XX, subsection 1, item 5: for fees and duties the НМДГ is taken at 17 UAH).
NMDG = Decimal("17.00")

__all__ = [
    "NMDG",
    "Charge",
    "MissingSubsistenceMinimum",
    "charges",
    "compute_fee",
    "fee_options",
    "has_option",
    "round_amount",
    "subsistence_minimum",
]


class MissingSubsistenceMinimum(LookupError):
    """No subsistence minimum is recorded for the year a fee is computed for."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _("No subsistence minimum is recorded for %(year)s: add it to the catalog first.") % {"year": year}
        )


@dataclass(frozen=True)
class Charge:
    """One payment a case owes (or is exempt from)."""

    slot: int
    component: FeeComponent
    amount: Decimal
    exemption: FeeExemption | None = None

    @property
    def due(self) -> Decimal:
        return ZERO if self.exemption else self.amount


def subsistence_minimum(year: int, cache: dict | None = None) -> Decimal:
    if cache is not None and year in cache:
        return cache[year]
    amount = SubsistenceMinimum.objects.filter(year=year).values_list("amount", flat=True).first()
    if amount is None:
        raise MissingSubsistenceMinimum(year)
    if cache is not None:
        cache[year] = amount
    return amount


def round_amount(value: Decimal, rounding: str) -> Decimal:
    """To the kopeck, or to the nearest 10 UAH (half up: 165.00 → 170, 164.99 → 160)."""
    if rounding == FeeRounding.NEAREST_10:
        return ((value / TEN).quantize(Decimal(1), rounding=ROUND_HALF_UP) * TEN).quantize(KOPECK)
    return value.quantize(KOPECK, rounding=ROUND_HALF_UP)


def component_amount(component: FeeComponent, *, on_date: date, minimums: dict | None = None) -> Decimal:
    if component.base == FeeBase.FIXED:
        return round_amount(component.amount or ZERO, component.rounding)
    base = NMDG if component.base == FeeBase.NMDG else subsistence_minimum(on_date.year, minimums)
    return round_amount(base * component.share, component.rounding)


def _components(version: ServiceVersion) -> list[FeeComponent]:
    return list(version.fees.all())


def fee_options(version: ServiceVersion) -> list[str]:
    """The options (tiers, add-ons) a version's charges know, in the order of the choices."""
    present = {c.option for c in _components(version) if c.option}
    return [value for value in FeeOption.values if value in present]


def has_option(version: ServiceVersion, option: str) -> bool:
    return option in fee_options(version)


def charges(
    version: ServiceVersion,
    *,
    on_date: date,
    options: Iterable[str] = (),
    exemption: FeeExemption | None = None,
    minimums: dict | None = None,
) -> list[Charge]:
    """The payments of a case filed on ``on_date`` with the chosen ``options``, one per slot.

    In each slot the row of a chosen option wins (the first by order), else the row without an option;
    a slot with neither is not charged. ``exemption`` (one of the version's) zeroes the slots it covers.
    Raises ``MissingSubsistenceMinimum`` when a charge depends on a year with no recorded minimum.
    """
    chosen = set(options)
    by_slot: dict[int, list[FeeComponent]] = {}
    for component in _components(version):
        by_slot.setdefault(component.slot, []).append(component)
    result = []
    for slot in sorted(by_slot):
        rows = by_slot[slot]
        picked = next((c for c in rows if c.option and c.option in chosen), None)
        if picked is None:
            picked = next((c for c in rows if not c.option), None)
        if picked is None:
            continue
        amount = component_amount(picked, on_date=on_date, minimums=minimums)
        covered = exemption if exemption is not None and exemption.covers(slot) else None
        result.append(Charge(slot=slot, component=picked, amount=amount, exemption=covered))
    return result


def compute_fee(
    version: ServiceVersion,
    *,
    on_date: date,
    late: bool = False,
    options: Iterable[str] = (),
    exemption: FeeExemption | None = None,
    minimums: dict | None = None,
) -> Decimal:
    """The total due for an application filed on ``on_date`` (``late`` is the late-filing option).
    ``minimums``: a dict the subsistence minimums read are kept in, to share between several calls."""
    chosen = set(options) | ({FeeOption.LATE.value} if late else set())
    due = charges(version, on_date=on_date, options=chosen, exemption=exemption, minimums=minimums)
    return sum((charge.due for charge in due), ZERO)


def fee_table(
    version: ServiceVersion, *, on_date: date, minimums: dict | None = None
) -> list[tuple[FeeComponent, Decimal]]:
    """Every charge row of a version (all tiers and add-ons) with its amount on ``on_date``: what the
    cards print."""
    minimums = {} if minimums is None else minimums
    return [(c, component_amount(c, on_date=on_date, minimums=minimums)) for c in _components(version)]
