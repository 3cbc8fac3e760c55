"""Applicants: their data checked once, found again (never duplicated), and changed only on purpose.

- `validate_applicant_data(data)` checks and normalises a dict of applicant fields (identifiers by
  `cnap.identifiers`); it fills the date of birth and the sex a valid РНОКПП encodes when they are
  blank, and `applicant_warnings(clean)` says where typed values differ from what the РНОКПП encodes.
- `find_known(hromada, clean)` is the register's record of the same person or entity: by РНОКПП, by
  ЄДРПОУ, or for a person without a РНОКПП by the identity document number.
- `differences(applicant, clean)`: what is typed and differs from that record. A registration never
  applies a difference silently: the caller says, field by field, to keep the register's value or to
  update it (`RegisterChoice`); unresolved differences refuse the registration (nothing saved).
- `record_party(...)` writes the register side of a registration; `update_applicant(...)` corrects a
  record. Every change is in the applicant's history with its author, the case it came from and the
  reason; a changed surname stays searchable (`Applicant.former_names`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.constants import ApplicantKind, IdentityDocumentType
from applications.models import Applicant, name_search_condition, normalize_for_search
from cnap import identifiers
from cnap.accounts.models import User
from cnap.core.history import record_author
from cnap.text import clean_text

__all__ = [
    "APPLICANT_FIELDS",
    "COMPARED_FIELDS",
    "Difference",
    "RegisterChoice",
    "applicant_warnings",
    "compare_with_register",
    "differences",
    "find_applicants",
    "find_known",
    "get_or_create_applicant",
    "record_party",
    "update_applicant",
    "validate_applicant_data",
    "validate_birth_date",
]

#: The fields of `Applicant` that a registration form may fill.
APPLICANT_FIELDS = (
    "kind",
    "last_name",
    "first_name",
    "patronymic",
    "birth_date",
    "sex",
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
#: What is compared with a known applicant's record (the keys it is found by are not: they are equal).
COMPARED_FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "birth_date",
    "sex",
    "document_type",
    "document_number",
    "document_issued_by",
    "document_issued_on",
    "unzr",
    "name",
    "head_name",
    "address",
    "phone",
    "email",
)
#: The applicant's wishes, as ticked at this visit: they follow the form.
PREFERENCE_FIELDS = ("notify_by_email", "notify_by_sms")

EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
REASON_AT_REGISTRATION = gettext_lazy("as typed at the registration of the case")
REASON_COMPLETED = gettext_lazy("completed at the registration of the case")


def validate_birth_date(value: dt.date) -> dt.date:
    if value > timezone.localdate():
        raise ValidationError(_("The date of birth cannot be in the future."), code="birth_date_future")
    if value < EARLIEST_BIRTH_DATE:
        raise ValidationError(_("The date of birth cannot be before 1900."), code="birth_date_too_early")
    return value


def _text(data: dict, name: str) -> str:
    return " ".join(str(data.get(name) or "").split())


def _as_date(value, name: str, errors: dict) -> dt.date | None:
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
    errors.setdefault(name, []).append(ValidationError(_("Enter a valid date."), code="invalid_date"))
    return None


def validate_applicant_data(data: dict) -> dict:
    """Check and normalise applicant data; raise a `ValidationError` keyed by field.

    Returns a dict with every key of `APPLICANT_FIELDS` and `consent` (a bool). A valid РНОКПП fills
    a blank date of birth and sex (a typed one that differs is kept: see `applicant_warnings`).
    """
    errors: dict[str, list] = {}

    def error(name, exc_or_message, code="invalid"):
        if isinstance(exc_or_message, ValidationError):
            errors.setdefault(name, []).extend(exc_or_message.error_list)
        else:
            errors.setdefault(name, []).append(ValidationError(exc_or_message, code=code))

    data = dict(data)
    for name, value in list(data.items()):
        if isinstance(value, str):
            try:
                data[name] = clean_text(value)
            except ValidationError as exc:
                error(name, exc)  # the value stays: no second "enter the surname" for it
    kind = data.get("kind") or ApplicantKind.PERSON
    if kind not in ApplicantKind.values:
        error("kind", _("Choose a natural person or a legal entity."))
        kind = ApplicantKind.PERSON
    clean: dict[str, Any] = {name: "" for name in APPLICANT_FIELDS}
    clean.update(
        kind=kind,
        birth_date=None,
        document_issued_on=None,
        no_rnokpp=bool(data.get("no_rnokpp")),
        notify_by_email=bool(data.get("notify_by_email")),
        notify_by_sms=bool(data.get("notify_by_sms")),
        consent=bool(data.get("consent")),
    )
    for name in ("address", "phone", "email"):
        clean[name] = _text(data, name)
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
                clean["edrpou"] = identifiers.clean_edrpou(data["edrpou"])
            except ValidationError as exc:
                error("edrpou", exc)
        if errors:
            raise ValidationError(errors)
        return clean

    for name in ("last_name", "first_name", "patronymic", "document_issued_by"):
        clean[name] = _text(data, name)
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
    sex = data.get("sex") or ""
    if sex and sex not in identifiers.Sex.values:
        error("sex", _("Choose the sex."), "invalid_choice")
        sex = ""
    clean["sex"] = sex
    clean["document_issued_on"] = _as_date(data.get("document_issued_on"), "document_issued_on", errors)
    if _text(data, "rnokpp"):
        if clean["no_rnokpp"]:
            error("rnokpp", _("Leave the RNOKPP empty for a person who refused it."), "rnokpp_refused")
        else:
            try:
                clean["rnokpp"] = identifiers.clean_rnokpp(data["rnokpp"])
            except ValidationError as exc:
                error("rnokpp", exc)
    if clean["rnokpp"]:
        if clean["birth_date"] is None and "birth_date" not in errors:
            clean["birth_date"] = identifiers.rnokpp_birth_date(clean["rnokpp"])
        if not clean["sex"]:
            clean["sex"] = identifiers.rnokpp_sex(clean["rnokpp"])
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
                clean["document_number"] = identifiers.clean_document_number(document_type, data["document_number"])
            except ValidationError as exc:
                error("document_number", exc)
    elif document_type:
        error(
            "document_number",
            _("Enter the number of the %(document)s.") % {"document": IdentityDocumentType(document_type).label},
            "document_number_required",
        )
    if clean["no_rnokpp"] and not _text(data, "document_number") and "document_number" not in errors:
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
            clean["unzr"] = identifiers.clean_unzr(data["unzr"])
        except ValidationError as exc:
            error("unzr", exc)
        else:
            encoded = identifiers.unzr_birth_date(clean["unzr"])
            if birth_date is not None and encoded != birth_date:
                error(
                    "unzr",
                    _("The UNZR encodes the date of birth %(encoded)s, but %(entered)s is entered: check both.")
                    % {"encoded": encoded.strftime("%d.%m.%Y"), "entered": birth_date.strftime("%d.%m.%Y")},
                    "unzr_birth_date",
                )
    if errors:
        raise ValidationError(errors)
    return clean


def applicant_warnings(clean: dict) -> list[str]:
    """What the administrator should look at again, without refusing: a typed date of birth or sex that
    is not what the РНОКПП encodes (it happens: the registry, not the person, may be wrong)."""
    warnings: list[str] = []
    rnokpp = clean.get("rnokpp")
    if not rnokpp or clean.get("kind") == ApplicantKind.LEGAL_ENTITY:
        return warnings
    encoded = identifiers.rnokpp_birth_date(rnokpp)
    if encoded and clean.get("birth_date") and clean["birth_date"] != encoded:
        warnings.append(
            _("The RNOKPP encodes the date of birth %(encoded)s, but %(entered)s is entered: check the document.")
            % {"encoded": encoded.strftime("%d.%m.%Y"), "entered": clean["birth_date"].strftime("%d.%m.%Y")}
        )
    sex = identifiers.rnokpp_sex(rnokpp)
    if clean.get("sex") and clean["sex"] != sex:
        warnings.append(
            _("The RNOKPP encodes the sex «%(encoded)s», but «%(entered)s» is chosen: check the document.")
            % {"encoded": identifiers.Sex(sex).label, "entered": identifiers.Sex(clean["sex"]).label}
        )
    return warnings


# The register ------------------------------------------------------------------------------------------


def find_known(hromada, clean: dict, *, lock: bool = False) -> Applicant | None:
    """The register's record of the person or entity in `clean` (validated data), if there is one."""
    applicants = Applicant.objects.filter(hromada=hromada)
    if clean["kind"] == ApplicantKind.LEGAL_ENTITY:
        lookup = {"edrpou": clean["edrpou"]}
    elif clean["rnokpp"]:
        lookup = {"rnokpp": clean["rnokpp"]}
    elif clean["document_number"]:
        lookup = {"kind": ApplicantKind.PERSON, "document_number": clean["document_number"], "rnokpp": ""}
    else:
        return None
    if lock:
        applicants = applicants.select_for_update()
    return applicants.filter(**lookup).order_by("pk").first()


@dataclass(frozen=True)
class Difference:
    """A field typed differently from the register's record: the values as they are shown."""

    field: str
    label: str
    stored: str
    typed: str


def _shown(applicant_field, value) -> str:
    if value in (None, ""):
        return ""
    if applicant_field.choices:
        return str(dict(applicant_field.flatchoices).get(value, value))
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def differences(applicant: Applicant, clean: dict) -> list[Difference]:
    """Fields typed (not blank) with a value other than the record's (not blank either). A blank on
    either side is no conflict: a blank typed value takes the record's, a blank record is completed."""
    found = []
    for name in COMPARED_FIELDS:
        typed, stored = clean.get(name), getattr(applicant, name)
        if typed in (None, "") or stored in (None, "") or typed == stored:
            continue
        model_field = cast(models.Field, Applicant._meta.get_field(name))
        found.append(
            Difference(
                field=name,
                label=str(model_field.verbose_name),
                stored=_shown(model_field, stored),
                typed=_shown(model_field, typed),
            )
        )
    return found


@dataclass(frozen=True)
class RegisterChoice:
    """What to do with the differences between the typed data and a known applicant's record: the
    fields to `update` in the register and those to `keep` as they are there. `keep_all` keeps every
    field without asking (e-applications: a portal's data never rewrites the register). `reason` goes
    into the record's history."""

    update: frozenset[str] = field(default_factory=frozenset)
    keep: frozenset[str] = field(default_factory=frozenset)
    keep_all: bool = False
    reason: str = ""

    def unresolved(self, found: Iterable[Difference]) -> list[Difference]:
        if self.keep_all:
            return []
        return [d for d in found if d.field not in self.update and d.field not in self.keep]


def compare_with_register(*, hromada, data: dict) -> tuple[Applicant | None, list[Difference], list[str]]:
    """For the counter's form: the known applicant matching `data`, the differences, the warnings (all
    empty when the data are not valid: their errors are shown instead)."""
    try:
        clean = validate_applicant_data(data)
    except ValidationError:
        return None, [], []
    known = find_known(hromada, clean)
    return known, differences(known, clean) if known else [], applicant_warnings(clean)


def unresolved_differences(*, hromada, clean: dict, choice: RegisterChoice) -> list[Difference]:
    known = find_known(hromada, clean)
    return choice.unresolved(differences(known, clean)) if known else []


def _save(applicant: Applicant, *, acting_user: User, reason: str, application_id: int | None) -> None:
    record_author(applicant, acting_user, reason=reason)
    applicant._history_application_id = application_id  # type: ignore[attr-defined]  # read by a history signal
    applicant.save()


def _apply(applicant: Applicant, changes: dict) -> list[str]:
    """Set the changed values; a changed surname is kept in `former_names`. Returns the changed fields."""
    changed = []
    for name, value in changes.items():
        old = getattr(applicant, name)
        if old == value:
            continue
        if name == "last_name" and old:
            former = [n for n in applicant.former_names.split(", ") if n]
            if old not in former:
                applicant.former_names = ", ".join([*former, old])[:500]
        setattr(applicant, name, value)
        changed.append(name)
    return changed


def record_party(
    *, hromada, clean: dict, choice: RegisterChoice, acting_user: User, application_id: int | None = None
) -> tuple[Applicant, bool]:
    """The register side of a registration (call inside the registering transaction, with validated
    data): a new applicant, or the known one completed where it is blank and updated in the fields the
    choice says. Raises `ValidationError` (code `differs_from_register`) if a difference is unresolved.
    Returns (applicant, created)."""
    consent = clean.get("consent", False)
    values = {name: clean[name] for name in APPLICANT_FIELDS}
    now = timezone.now()
    applicant = find_known(hromada, clean, lock=True)
    if applicant is None:
        applicant = Applicant(hromada=hromada, **values)
        if consent:
            applicant.consent_given_at = now
        try:
            with transaction.atomic():
                _save(applicant, acting_user=acting_user, reason=str(REASON_AT_REGISTRATION), application_id=None)
            return applicant, True
        except IntegrityError:
            # Someone registered the same person a moment ago: re-use theirs (compared like any record).
            applicant = find_known(hromada, clean, lock=True)
            if applicant is None:
                raise
    found = differences(applicant, clean)
    if choice.unresolved(found):
        raise ValidationError(
            _("The typed data differ from the applicant's record: choose what to keep."), code="differs_from_register"
        )
    updates = {d.field: values[d.field] for d in found if d.field in choice.update and not choice.keep_all}
    completed = {
        name: values[name]
        for name in COMPARED_FIELDS
        if values[name] not in (None, "") and getattr(applicant, name) in (None, "")
    }
    preferences = {} if choice.keep_all else {name: values[name] for name in PREFERENCE_FIELDS}
    changed = _apply(applicant, {**completed, **preferences, **updates})
    if consent and applicant.consent_given_at is None:
        applicant.consent_given_at = now
        changed.append("consent_given_at")
    if changed:
        reason = choice.reason.strip() if updates and choice.reason.strip() else ""
        reason = reason or str(REASON_AT_REGISTRATION if updates else REASON_COMPLETED)
        _save(applicant, acting_user=acting_user, reason=reason, application_id=application_id)
    return applicant, False


def get_or_create_applicant(
    *, hromada, data: dict, acting_user: User, choice: RegisterChoice | None = None
) -> tuple[Applicant, bool]:
    """Validate `data` and record it in the register (see `record_party`), in one transaction."""
    clean = validate_applicant_data(data)
    with transaction.atomic():
        return record_party(hromada=hromada, clean=clean, choice=choice or RegisterChoice(), acting_user=acting_user)


#: What a correction of an applicant's record may change (the keys it is found by stay).
CORRECTABLE_FIELDS = (*COMPARED_FIELDS, "no_rnokpp")


def update_applicant(
    *, applicant: Applicant, changes: dict, reason: str, acting_user: User, application=None
) -> list[str]:
    """Correct an applicant's record (`changes`: validated values of `CORRECTABLE_FIELDS`), with a
    reason and the case it comes from in its history. Returns the changed fields."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the data are corrected.")}, code="reason_required")
    with transaction.atomic():
        locked = Applicant.objects.select_for_update().get(pk=applicant.pk)
        changed = _apply(locked, {k: v for k, v in changes.items() if k in CORRECTABLE_FIELDS})
        if changed:
            _save(locked, acting_user=acting_user, reason=reason, application_id=getattr(application, "pk", None))
    applicant.refresh_from_db()
    return changed


# Search ------------------------------------------------------------------------------------------------


def find_applicants(*, hromada, query: str, limit: int = 20, among: QuerySet | None = None) -> QuerySet:
    """Known applicants of `hromada` (only those `among`, when given) matching `query`: a tax number or
    document number (exact or prefix), or the name (any word order, part of a double surname, a former
    surname; typo-tolerant trigram similarity on PostgreSQL). The counter searches through
    applications/access.py, which says whom."""
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
    condition = name_search_condition(text) | Q(document_number=compact.translate(identifiers.LATIN_TO_CYRILLIC))
    if connection.vendor == "postgresql" and len(needle) >= 3:
        from django.contrib.postgres.search import TrigramWordSimilarity

        similar = Q()
        for word in needle.split():
            similar &= Q(search_name__trigram_word_similar=word)
        return (
            applicants.annotate(similarity=TrigramWordSimilarity(needle, "search_name"))
            .filter(condition | similar)
            .order_by("-similarity", "search_name", "pk")[:limit]
        )
    return applicants.filter(condition).order_by("search_name", "pk")[:limit]
