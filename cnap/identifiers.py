"""Ukrainian identifiers: the one place their formats and check digits are checked.

Forms, actions, the API, registry lookups and model-field validators all import from here, so a
number is accepted or refused the same way, with the same message, wherever it is typed.

- РНОКПП (``rnokpp``): 10 digits, check digit by python-stdnum (``stdnum.ua.rntrc``); the first five
  digits count the days from 31.12.1899 to the date of birth, the ninth is odd for men and even for
  women.
- ЄДРПОУ (``edrpou``): 8 digits, check digit by python-stdnum (``stdnum.ua.edrpou``).
- УНЗР (``unzr``, the record number in the Unified State Demographic Register, printed on the ID
  card): ``YYYYMMDD-NNNNC``, the date of birth, a four-digit serial and a check digit. The ID card is
  the passport of a citizen of Ukraine in card form (CMU resolution No 302 of 25.03.2015, its sample
  and technical description); the State Migration Service explains that the last digit of the УНЗР
  is computed by the method for check digits of the machine-readable zone of passports (ДМС via
  mvs.gov.ua, «Унікальний номер запису в ЄДДР: що це та де шукати», 14.11.2023). That method is ICAO
  Doc 9303 Part 3 §4.9, applied in Ukraine by CMU resolution No 636 of 28.06.1997 «Про порядок
  заповнення машинозчитуваної зони паспортних та візових документів»: the digits are multiplied by
  the repeating weights 7, 3, 1, the products summed, and the remainder of the sum divided by 10 is
  the check digit.
- Identity documents, the number by type: the ID card 9 digits; the passport booklet two Cyrillic
  capitals and six digits (КВ123456); the passport for travelling abroad two Latin capitals and six
  digits (FA123456); a residence permit 9 digits (the card issued since 2018) or, for an older
  booklet, two Cyrillic capitals and six digits.
- Cadastral number of a land parcel: ``NNNNNNNNNN:NN:NNN:NNNN``.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ua import edrpou as _edrpou
from stdnum.ua import rntrc as _rntrc

__all__ = [
    "RNOKPP_EPOCH",
    "IdentityDocumentType",
    "Sex",
    "clean_cadastral_number",
    "clean_document_number",
    "clean_edrpou",
    "clean_phone",
    "clean_rnokpp",
    "clean_unzr",
    "compact",
    "rnokpp_birth_date",
    "rnokpp_sex",
    "unzr_birth_date",
    "unzr_check_digit",
    "validate_edrpou",
]


class IdentityDocumentType(models.TextChoices):
    ID_CARD = "id_card", _("passport (ID card)")
    PASSPORT_BOOK = "passport_book", _("passport (booklet)")
    FOREIGN_PASSPORT = "foreign_passport", _("passport for travelling abroad")
    RESIDENCE_PERMIT = "residence_permit", _("residence permit")
    OTHER = "other", _("other document")


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


RNOKPP_EPOCH = dt.date(1899, 12, 31)
UNZR_RE = re.compile(r"^(\d{8})-(\d{4})(\d)$")
CADASTRAL_RE = re.compile(r"^\d{10}:\d{2}:\d{3}:\d{4}$")
NINE_DIGITS_RE = re.compile(r"^\d{9}$")
CYRILLIC_SERIES_RE = re.compile(r"^[АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЮЯ]{2}\d{6}$")
LATIN_SERIES_RE = re.compile(r"^[A-Z]{2}\d{6}$")
# Letters that look the same in both alphabets, typed in the wrong keyboard layout.
LATIN_TO_CYRILLIC = str.maketrans("ABCEHIKMOPTX", "АВСЕНІКМОРТХ")
CYRILLIC_TO_LATIN = str.maketrans("АВСЕНІКМОРТХ", "ABCEHIKMOPTX")
UNZR_EXAMPLE = "19850517-01236"


def compact(value) -> str:
    """The value without spaces (and without dashes, for purely numeric identifiers)."""
    return re.sub(r"\s", "", str(value or ""))


def _digits(value) -> str:
    return re.sub(r"[\s-]", "", str(value or ""))


# РНОКПП ------------------------------------------------------------------------------------------------


def clean_rnokpp(value) -> str:
    """A valid РНОКПП, spaces removed; `ValidationError` (`rnokpp_format`, `rnokpp_checksum`) otherwise."""
    number = _digits(value)
    if not re.fullmatch(r"\d{10}", number):
        raise ValidationError(_("The RNOKPP has 10 digits."), code="rnokpp_format")
    try:
        _rntrc.validate(number)
    except InvalidChecksum:
        raise ValidationError(
            _("The RNOKPP %(value)s has a wrong check digit: check the number."),
            code="rnokpp_checksum",
            params={"value": number},
        ) from None
    except StdnumError:
        raise ValidationError(_("The RNOKPP has 10 digits."), code="rnokpp_format") from None
    return number


def rnokpp_birth_date(rnokpp: str) -> dt.date | None:
    """The date of birth a (valid) РНОКПП encodes: its first five digits count days since 31.12.1899."""
    days = int(rnokpp[:5])
    return RNOKPP_EPOCH + dt.timedelta(days=days) if days else None


def rnokpp_sex(rnokpp: str) -> str:
    """The sex a (valid) РНОКПП encodes: the ninth digit is odd for men, even for women."""
    return Sex.MALE if int(rnokpp[8]) % 2 else Sex.FEMALE


# ЄДРПОУ ------------------------------------------------------------------------------------------------


def clean_edrpou(value) -> str:
    """A valid ЄДРПОУ code, spaces removed; `ValidationError` (`edrpou_format`, `edrpou_checksum`)."""
    number = _digits(value)
    if not re.fullmatch(r"\d{8}", number):
        raise ValidationError(_("The EDRPOU code has 8 digits."), code="edrpou_format")
    try:
        _edrpou.validate(number)
    except InvalidChecksum:
        raise ValidationError(
            _("The EDRPOU code %(value)s has a wrong check digit: check the code."),
            code="edrpou_checksum",
            params={"value": number},
        ) from None
    except StdnumError:
        raise ValidationError(_("The EDRPOU code has 8 digits."), code="edrpou_format") from None
    return number


def validate_edrpou(value) -> None:
    """Model-field validator: the stored value itself must be a valid code (no spaces)."""
    if value != clean_edrpou(value):
        raise ValidationError(_("The EDRPOU code has 8 digits."), code="edrpou_format")


# УНЗР --------------------------------------------------------------------------------------------------


def unzr_check_digit(twelve_digits: str) -> str:
    """The check digit of the УНЗР's first twelve digits: weights 7, 3, 1 repeated, sum modulo 10."""
    weights = (7, 3, 1)
    return str(sum(int(digit) * weights[index % 3] for index, digit in enumerate(twelve_digits)) % 10)


def clean_unzr(value) -> str:
    """A valid УНЗР; `ValidationError` (`unzr_format`, `unzr_date`, `unzr_checksum`) otherwise."""
    unzr = compact(value)
    if re.fullmatch(r"\d{13}", unzr):
        unzr = f"{unzr[:8]}-{unzr[8:]}"
    match = UNZR_RE.match(unzr)
    if not match:
        raise ValidationError(
            _("The UNZR is written as YYYYMMDD-NNNNC, e.g. %(example)s."),
            code="unzr_format",
            params={"example": UNZR_EXAMPLE},
        )
    try:
        dt.datetime.strptime(match.group(1), "%Y%m%d")
    except ValueError:
        raise ValidationError(_("The first eight digits of the UNZR are not a real date."), code="unzr_date") from None
    if unzr_check_digit(match.group(1) + match.group(2)) != match.group(3):
        raise ValidationError(
            _("The UNZR %(value)s has a wrong check digit: check the number."),
            code="unzr_checksum",
            params={"value": unzr},
        )
    return unzr


def unzr_birth_date(unzr: str) -> dt.date:
    """The date of birth a (valid) УНЗР starts with."""
    return dt.datetime.strptime(unzr[:8], "%Y%m%d").date()


# Identity documents ------------------------------------------------------------------------------------


def clean_document_number(document_type: str, value) -> str:
    """The number of an identity document of `document_type`, normalised (no spaces, capitals, letters
    of the right alphabet); `ValidationError` naming the format when it does not fit the type."""
    number = compact(value).upper()
    if not number:
        raise ValidationError(_("Enter the document number."), code="document_number_required")
    if document_type == IdentityDocumentType.ID_CARD:
        if not NINE_DIGITS_RE.match(number):
            raise ValidationError(_("An ID card number has 9 digits."), code="id_card_format")
    elif document_type == IdentityDocumentType.PASSPORT_BOOK:
        number = number.translate(LATIN_TO_CYRILLIC)
        if not CYRILLIC_SERIES_RE.match(number):
            raise ValidationError(
                _("A passport booklet number is two Cyrillic capital letters and six digits, e.g. КА123456."),
                code="passport_book_format",
            )
    elif document_type == IdentityDocumentType.FOREIGN_PASSPORT:
        number = number.translate(CYRILLIC_TO_LATIN)
        if not LATIN_SERIES_RE.match(number):
            raise ValidationError(
                _("A passport for travelling abroad has two Latin capital letters and six digits, e.g. FA123456."),
                code="foreign_passport_format",
            )
    elif document_type == IdentityDocumentType.RESIDENCE_PERMIT:
        if not NINE_DIGITS_RE.match(number):
            number = number.translate(LATIN_TO_CYRILLIC)
            if not CYRILLIC_SERIES_RE.match(number):
                raise ValidationError(
                    _(
                        "A residence permit number has 9 digits (a card) or two Cyrillic capital letters and "
                        "six digits (an older booklet)."
                    ),
                    code="residence_permit_format",
                )
    elif len(number) < 3:
        raise ValidationError(_("Enter the document number."), code="document_number_short")
    return number


def clean_passport(value) -> str:
    """A Ukrainian passport as the passport-status lookup takes it: a booklet (two Cyrillic capital letters and
    six digits, Latin look-alikes accepted) or an ID card (9 digits)."""
    number = compact(value).upper().replace("-", "")
    if NINE_DIGITS_RE.match(number):
        return number
    number = number.translate(LATIN_TO_CYRILLIC)
    if CYRILLIC_SERIES_RE.match(number):
        return number
    raise ValidationError(
        _("A passport is written as two Cyrillic letters and 6 digits (АА 123456), an ID card as 9 digits."),
        code="passport_format",
    )


# Land --------------------------------------------------------------------------------------------------


def clean_cadastral_number(value) -> str:
    number = compact(value)
    if not CADASTRAL_RE.match(number):
        raise ValidationError(
            _("A cadastral number is written as NNNNNNNNNN:NN:NNN:NNNN, e.g. 3222481201:01:012:0034."),
            code="cadastral_format",
        )
    return number


# Phone -------------------------------------------------------------------------------------------------


def clean_phone(value) -> str:
    """A Ukrainian phone number as +380XXXXXXXXX (typed as 0XX..., 380XX... or +380XX..., with spaces,
    dashes or brackets); `ValidationError` (`phone_format`) otherwise."""
    digits = re.sub(r"[\s\-()]", "", str(value or ""))
    if digits.startswith("+"):
        digits = digits[1:]
    if re.fullmatch(r"0\d{9}", digits):
        digits = "38" + digits
    if not re.fullmatch(r"380\d{9}", digits):
        raise ValidationError(_("Enter a Ukrainian phone number, e.g. +380501234567."), code="phone_format")
    return "+" + digits
