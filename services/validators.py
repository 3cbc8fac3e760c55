"""Validators for catalog fields (check digits through python-stdnum)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import iban
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ua import edrpou


def validate_edrpou(value: str) -> None:
    """An 8-digit ЄДРПОУ code with a valid check digit."""
    try:
        edrpou.validate(value)
    except StdnumError:
        raise ValidationError(
            _("Enter a valid EDRPOU code: 8 digits with a correct check digit."), code="invalid_edrpou"
        ) from None


def validate_ua_iban(value: str) -> None:
    """A Ukrainian IBAN (UA, 29 characters) with valid check digits."""
    compact = iban.compact(value)
    try:
        iban.validate(compact)
    except StdnumError:
        raise ValidationError(_("Enter a valid IBAN."), code="invalid_iban") from None
    if not compact.startswith("UA") or len(compact) != 29:
        raise ValidationError(_("Enter a Ukrainian IBAN: UA followed by 27 characters."), code="invalid_iban")


def validate_budget_code(value: str) -> None:
    """A code of the budget classification of revenues: 8 digits (e.g. 22012600)."""
    if not (len(value) == 8 and value.isdigit()):
        raise ValidationError(_("Enter the 8-digit budget classification code."), code="invalid_budget_code")
