"""Applicants: validation of identifiers, search, and find-or-create (never a duplicate).

`validate_applicant_data(data)` checks and normalises a dict of `Applicant` fields (plus `consent`);
`get_or_create_applicant(...)` re-uses a known applicant by РНОКПП (persons), ЄДРПОУ (legal entities)
or, for a person without a РНОКПП, the identity document number.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ua import edrpou as edrpou_check
from stdnum.ua import rntrc as rntrc_check

from applications.constants import ApplicantKind, IdentityDocumentType
from applications.models import Applicant, normalize_for_search
from cnap.accounts.models import User
from cnap.core.history import record_author
from cnap.text import clean_text

__all__ = [
    "APPLICANT_FIELDS",
    "CONTACT_FIELDS",
    "find_applicants",
    "get_or_create_applicant",
    "rnokpp_birth_date",
    "validate_applicant_data",
    "validate_birth_date",
    "validate_document_number",
    "validate_edrpou",
    "validate_rnokpp",
    "validate_unzr",
]

#: The fields of `Applicant` that a registration form may fill.
APPLICANT_FIELDS = (
    "kind",
    "last_name",
    "first_name",
    "patronymic",
    "birth_date",
    "rnokpp",
    "no_rnokpp",
    "document_type",
    "document_number",
    "document_issued_by",
    "document_issued_on",
    "unzr",
    "name",
    "edrpou",
    "head_name",
    "address",
    "phone",
    "email",
    "notify_by_email",
    "notify_by_sms",
)
#: What a returning applicant may have changed since the last visit: updated on re-use.
CONTACT_FIELDS = ("address", "phone", "email", "notify_by_email", "notify_by_sms")
#: Identity fields filled on re-use only when the stored record has them blank.
FILL_IF_BLANK = (
    "patronymic",
    "birth_date",
    "document_type",
    "document_number",
    "document_issued_by",
    "document_issued_on",
    "unzr",
    "head_name",
)

EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
RNOKPP_EPOCH = dt.date(1899, 12, 31)
ID_CARD_RE = re.compile(r"^\d{9}$")
PASSPORT_BOOK_RE = re.compile(r"^[АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЮЯ]{2}\d{6}$")
UNZR_RE = re.compile(r"^(\d{8})-(\d{5})$")
# Latin letters that look like Cyrillic capitals in a typed passport series.
LATIN_LOOKALIKES = str.maketrans("ABCEHIKMOPTX", "АВСЕНІКМОРТХ")


def _digits(value) -> str:
    return re.sub(r"[\s-]", "", str(value or ""))


def rnokpp_birth_date(rnokpp: str) -> dt.date:
    """The date of birth encoded in a РНОКПП: its first five digits count days since 31.12.1899."""
    return RNOKPP_EPOCH + dt.timedelta(days=int(rnokpp[:5]))


def validate_rnokpp(value: str, *, birth_date: dt.date | None = None) -> str:
    """A valid РНОКПП (10 digits, check digit), matching `birth_date` when it is given."""
    number = _digits(value)
    try:
        rntrc_check.validate(number)
    except InvalidChecksum as exc:
        raise ValidationError(
            _("The RNOKPP %(value)s has a wrong check digit: check the number."),
            code="rnokpp_checksum",
            params={"value": number},
        ) from exc
    except (InvalidLength, InvalidFormat, StdnumError) as exc:
        raise ValidationError(_("The RNOKPP has 10 digits."), code="rnokpp_format") from exc
    if birth_date is not None and rnokpp_birth_date(number) != birth_date:
        raise ValidationError(
            _("The RNOKPP encodes the date of birth %(encoded)s, but %(entered)s is entered: check both."),
            code="rnokpp_birth_date",
            params={
                "encoded": rnokpp_birth_date(number).strftime("%d.%m.%Y"),
                "entered": birth_date.strftime("%d.%m.%Y"),
            },
        )
    return number


def validate_edrpou(value: str) -> str:
    number = _digits(value)
    try:
        edrpou_check.validate(number)
    except InvalidChecksum as exc:
        raise ValidationError(
            _("The EDRPOU code %(value)s has a wrong check digit: check the code."),
            code="edrpou_checksum",
            params={"value": number},
        ) from exc
    except (InvalidLength, InvalidFormat, StdnumError) as exc:
        raise ValidationError(_("The EDRPOU code has 8 digits."), code="edrpou_format") from exc
    return number


def validate_document_number(document_type: str, value: str) -> str:
    """The number of an identity document, normalised; formats of the two Ukrainian passports checked."""
    number = re.sub(r"\s", "", str(value or "")).upper()
    if document_type == IdentityDocumentType.ID_CARD:
        if not ID_CARD_RE.match(number):
            raise ValidationError(_("An ID card number has 9 digits."), code="id_card_format")
    elif document_type == IdentityDocumentType.PASSPORT_BOOK:
        number = number.translate(LATIN_LOOKALIKES)
        if not PASSPORT_BOOK_RE.match(number):
            raise ValidationError(
                _("A passport booklet number is two Cyrillic capital letters and six digits, e.g. КА123456."),
                code="passport_book_format",
            )
    elif len(number) < 3:
        raise ValidationError(_("Enter the document number."), code="document_number_short")
    return number


def validate_unzr(value: str, *, birth_date: dt.date | None = None) -> str:
    """A УНЗР: `YYYYMMDD-NNNNC`, the date part a real date (the date of birth, when it is known)."""
    unzr = re.sub(r"\s", "", str(value or ""))
    match = UNZR_RE.match(unzr)
    if not match:
        raise ValidationError(_("The UNZR is written as YYYYMMDD-NNNNC, e.g. 19850517-01234."), code="unzr_format")
    try:
        encoded = dt.datetime.strptime(match.group(1), "%Y%m%d").date()
    except ValueError as exc:
        raise ValidationError(_("The first eight digits of the UNZR are not a real date."), code="unzr_date") from exc
    if birth_date is not None and encoded != birth_date:
        raise ValidationError(
            _("The UNZR encodes the date of birth %(encoded)s, but %(entered)s is entered: check both."),
            code="unzr_birth_date",
            params={"encoded": encoded.strftime("%d.%m.%Y"), "entered": birth_date.strftime("%d.%m.%Y")},
        )
    return unzr


def validate_birth_date(value: dt.date) -> dt.date:
    if value > timezone.localdate():
        raise ValidationError(_("The date of birth cannot be in the future."), code="birth_date_future")
    if value < EARLIEST_BIRTH_DATE:
        raise ValidationError(_("The date of birth cannot be before 1900."), code="birth_date_too_early")
    return value


def _text(data: dict, field: str) -> str:
    return " ".join(str(data.get(field) or "").split())


def _as_date(value, field: str, errors: dict) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(str(value).strip(), fmt).date()
        except ValueError:
            continue
    errors.setdefault(field, []).append(ValidationError(_("Enter a valid date."), code="invalid_date"))
    return None


def validate_applicant_data(data: dict) -> dict:
    """Check and normalise applicant data; raise a `ValidationError` keyed by field.

    Returns a dict with every key of `APPLICANT_FIELDS` and `consent` (a bool).
    """
    errors: dict[str, list] = {}

    def error(field, exc_or_message, code="invalid"):
        if isinstance(exc_or_message, ValidationError):
            errors.setdefault(field, []).extend(exc_or_message.error_list)
        else:
            errors.setdefault(field, []).append(ValidationError(exc_or_message, code=code))

    data = dict(data)
    for field, value in list(data.items()):
        if isinstance(value, str):
            try:
                data[field] = clean_text(value)
            except ValidationError as exc:
                error(field, exc)  # the value stays: no second "enter the surname" for it
    kind = data.get("kind") or ApplicantKind.PERSON
    if kind not in ApplicantKind.values:
        error("kind", _("Choose a natural person or a legal entity."))
        kind = ApplicantKind.PERSON
    clean: dict[str, Any] = {field: "" for field in APPLICANT_FIELDS}
    clean.update(
        kind=kind,
        birth_date=None,
        document_issued_on=None,
        no_rnokpp=bool(data.get("no_rnokpp")),
        notify_by_email=bool(data.get("notify_by_email")),
        notify_by_sms=bool(data.get("notify_by_sms")),
        consent=bool(data.get("consent")),
    )
    for field in ("address", "phone", "email"):
        clean[field] = _text(data, field)
    if clean["email"]:
        try:
            validate_email(clean["email"])
        except ValidationError as exc:
            error("email", exc)
    if clean["notify_by_email"] and not clean["email"]:
        error("email", _("Enter the e-mail to notify the applicant by e-mail."), "email_required")
    if clean["notify_by_sms"] and not clean["phone"]:
        error("phone", _("Enter the phone to notify the applicant by SMS."), "phone_required")

    if kind == ApplicantKind.LEGAL_ENTITY:
        clean["name"] = _text(data, "name")
        clean["head_name"] = _text(data, "head_name")
        if not clean["name"]:
            error("name", _("Enter the name of the legal entity."), "required")
        if not _text(data, "edrpou"):
            error("edrpou", _("Enter the EDRPOU code."), "required")
        else:
            try:
                clean["edrpou"] = validate_edrpou(data["edrpou"])
            except ValidationError as exc:
                error("edrpou", exc)
    else:
        for field in ("last_name", "first_name", "patronymic", "document_issued_by"):
            clean[field] = _text(data, field)
        if not clean["last_name"]:
            error("last_name", _("Enter the surname."), "required")
        if not clean["first_name"]:
            error("first_name", _("Enter the first name."), "required")
        birth_date = _as_date(data.get("birth_date"), "birth_date", errors)
        if birth_date is not None:
            try:
                clean["birth_date"] = validate_birth_date(birth_date)
            except ValidationError as exc:
                error("birth_date", exc)
        clean["document_issued_on"] = _as_date(data.get("document_issued_on"), "document_issued_on", errors)
        known_birth_date = clean["birth_date"]
        if _text(data, "rnokpp"):
            if clean["no_rnokpp"]:
                error("rnokpp", _("Leave the RNOKPP empty for a person who refused it."), "rnokpp_refused")
            else:
                try:
                    clean["rnokpp"] = validate_rnokpp(data["rnokpp"], birth_date=known_birth_date)
                except ValidationError as exc:
                    error("rnokpp", exc)
        document_type = data.get("document_type") or ""
        if document_type and document_type not in IdentityDocumentType.values:
            error("document_type", _("Choose the identity document."), "invalid_choice")
            document_type = ""
        clean["document_type"] = document_type
        if _text(data, "document_number"):
            if not document_type:
                error("document_type", _("Choose the type of the identity document."), "required")
            else:
                try:
                    clean["document_number"] = validate_document_number(document_type, data["document_number"])
                except ValidationError as exc:
                    error("document_number", exc)
        if clean["no_rnokpp"] and not _text(data, "document_number"):
            error(
                "document_number",
                _("A person without an RNOKPP is identified by the passport: enter its number."),
                "document_required",
            )
        if not _text(data, "rnokpp") and not _text(data, "document_number") and "rnokpp" not in errors:
            error(
                "rnokpp",
                _("Enter the RNOKPP, or the identity document number if the person has no RNOKPP."),
                "identifier_required",
            )
        if _text(data, "unzr"):
            try:
                clean["unzr"] = validate_unzr(data["unzr"], birth_date=known_birth_date)
            except ValidationError as exc:
                error("unzr", exc)
    if errors:
        raise ValidationError(errors)
    return clean


def find_applicants(*, hromada, query: str, limit: int = 20, among: QuerySet | None = None) -> QuerySet:
    """Known applicants of `hromada` (only those `among`, when given) matching `query`: a tax number or
    document number (exact or prefix), or the name (typo-tolerant trigram similarity on PostgreSQL,
    substring on SQLite). The counter searches through applications/access.py, which says whom."""
    applicants = (Applicant.objects.all() if among is None else among).filter(hromada=hromada)
    text = (query or "").strip()
    if not text:
        return applicants.none()
    compact = re.sub(r"\s", "", text).upper()
    if compact.isdigit():
        return applicants.filter(
            Q(rnokpp__startswith=compact) | Q(edrpou__startswith=compact) | Q(document_number__startswith=compact)
        ).order_by("search_name", "pk")[:limit]
    needle = normalize_for_search(text)
    condition = Q(search_name__contains=needle) | Q(document_number=compact.translate(LATIN_LOOKALIKES))
    if connection.vendor == "postgresql" and len(needle) >= 3:
        from django.contrib.postgres.search import TrigramWordSimilarity

        return (
            applicants.annotate(similarity=TrigramWordSimilarity(needle, "search_name"))
            .filter(condition | Q(search_name__trigram_word_similar=needle))
            .order_by("-similarity", "search_name", "pk")[:limit]
        )
    return applicants.filter(condition).order_by("search_name", "pk")[:limit]


def _existing(hromada, clean: dict) -> Applicant | None:
    applicants = Applicant.objects.filter(hromada=hromada)
    if clean["kind"] == ApplicantKind.LEGAL_ENTITY:
        lookup = {"edrpou": clean["edrpou"]}
    elif clean["rnokpp"]:
        lookup = {"rnokpp": clean["rnokpp"]}
    else:
        lookup = {"kind": ApplicantKind.PERSON, "document_number": clean["document_number"], "rnokpp": ""}
    return applicants.filter(**lookup).order_by("pk").first()


def get_or_create_applicant(*, hromada, data: dict, acting_user: User) -> tuple[Applicant, bool]:
    """The known applicant with this РНОКПП/ЄДРПОУ (or document number, without a РНОКПП), with its
    contact details updated, or a new one. Consent is recorded only when `data["consent"]` is true."""
    clean = validate_applicant_data(data)
    consent = clean.pop("consent")
    now = timezone.now()
    with transaction.atomic():
        existing = _existing(hromada, clean)
        created = existing is None
        if existing is None:
            applicant = Applicant(hromada=hromada, **clean)
            if consent:
                applicant.consent_given_at = now
            record_author(applicant, acting_user)
            try:
                with transaction.atomic():
                    applicant.save()
            except IntegrityError:
                # Someone registered the same person a moment ago: re-use theirs.
                existing = _existing(hromada, clean)
                if existing is None:
                    raise
                applicant, created = existing, False
        else:
            applicant = existing
        if not created:
            changed = False
            for field in CONTACT_FIELDS:
                value = clean[field]
                if field in ("notify_by_email", "notify_by_sms") or value:
                    if getattr(applicant, field) != value:
                        setattr(applicant, field, value)
                        changed = True
            for field in FILL_IF_BLANK:
                if clean.get(field) and not getattr(applicant, field):
                    setattr(applicant, field, clean[field])
                    changed = True
            if consent and applicant.consent_given_at is None:
                applicant.consent_given_at = now
                changed = True
            if changed:
                record_author(applicant, acting_user)
                applicant.save()
    return applicant, created
