"""The administrative fee of a service version.

A fee is stored as a rule (free, a fixed amount, or a fraction of the subsistence minimum for
able-bodied persons on 1 January of the year) and computed here. A missing subsistence minimum
for the year is an error, not a silent fall-back to an earlier year: charging last year's amount
would be wrong money, and the catalog manager has to enter the new figure.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .constants import FeeKind
from .models import ServiceVersion, SubsistenceMinimum

KOPECK = Decimal("0.01")


class MissingSubsistenceMinimum(LookupError):
    """No subsistence minimum is recorded for the year a fee is computed for."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _("No subsistence minimum is recorded for %(year)s: add it to the catalog first.") % {"year": year}
        )


def subsistence_minimum(year: int) -> Decimal:
    amount = SubsistenceMinimum.objects.filter(year=year).values_list("amount", flat=True).first()
    if amount is None:
        raise MissingSubsistenceMinimum(year)
    return amount


def compute_fee(version: ServiceVersion, *, on_date: date, late: bool = False) -> Decimal:
    """The fee due for an application filed on `on_date`, in hryvnias, rounded to kopecks.

    `late` selects the late-filing fraction where the version has one (otherwise the ordinary one).
    Raises `MissingSubsistenceMinimum` when the fee depends on a year with no recorded minimum.
    """
    if version.fee_kind == FeeKind.FREE:
        return Decimal("0.00")
    if version.fee_kind == FeeKind.FIXED:
        return (version.fee_amount or Decimal(0)).quantize(KOPECK, rounding=ROUND_HALF_UP)
    fraction = version.fee_fraction
    if late and version.fee_fraction_late is not None:
        fraction = version.fee_fraction_late
    base = subsistence_minimum(on_date.year)
    return (base * fraction).quantize(KOPECK, rounding=ROUND_HALF_UP)
