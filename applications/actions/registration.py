"""Registering an application at the counter: journals, gap-free numbers, due dates, documents, scans,
the applicant as submitted.

Numbering: a `JournalCounter` row per journal and year is locked with
``SELECT ... FOR UPDATE`` inside the transaction that registers, so concurrent registrations queue
on that row, each takes ``last_number + 1`` and a rolled-back registration gives its number back:
the numbers of committed applications are 1..N without gaps or duplicates. On SQLite the
embedded mode opens transactions as ``IMMEDIATE``, which serialises writers the same way.

One submit, one case: given the form's one-time token, the registration claims it first in its
transaction; a second submit with the same token (a double click, a retry, a concurrent duplicate)
gets the case the first one registered (cnap/core/submissions.py).

The applicant: the data are validated once, here. A known applicant (same РНОКПП, ЄДРПОУ, or document
number without a РНОКПП) is re-used; where the typed data differ from the register's record the caller
must say what to keep (`RegisterChoice`), or the registration is refused with the differences. The case
keeps the applicant (and the representative) as submitted (`CaseParty`): what was typed, blanks filled
from the register.

Scans come staged (`staged_scans`: uploaded with an earlier, failed submit of the form; they become the
case's scans in the registering transaction) or as files (`scans`: validated, written before the
transaction and deleted again if the registration fails, so a failed registration leaves no file behind;
callers should not wrap that in an outer transaction).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import events
from applications.constants import ApplicationStatus, PartyRole
from applications.models import (
    PARTY_FIELDS,
    Applicant,
    Application,
    CaseParty,
    JournalCounter,
    RegistrationJournal,
    Scan,
    StagedUpload,
    StatusChange,
    SubmittedDocument,
)
from applications.scans import (
    ALLOWED_SCAN_TYPES,
    CheckedUpload,
    check_total_size,
    check_upload,
    sniff_content_type,
    store_upload,
)
from cnap.accounts.models import User
from cnap.core import submissions
from cnap.core.history import record_author
from cnap.workdays import compute_due_date, office_calendar
from services.checks import earliest_start
from services.constants import Channel, DeliveryMethod, DocumentKind, FeeOption
from services.fees import MissingSubsistenceMinimum, charges
from services.models import Service, ServiceVersion
from services.selectors import services_offered_by, version_in_force

from .applicants import RegisterChoice, find_known, record_party, unresolved_differences, validate_applicant_data
from .payments import payments_for

__all__ = [
    "ALLOWED_SCAN_TYPES",
    "REGISTRATION",
    "default_journal",
    "format_number",
    "next_number",
    "register_application",
    "sniff_content_type",
]

#: The purpose of the registration form's one-time token.
REGISTRATION = "register_application"


def format_number(prefix: str, year: int, sequence: int) -> str:
    """`ЦНАП1-2026-000123`."""
    return f"{prefix}-{year}-{sequence:06d}"


def default_journal(*, office) -> RegistrationJournal:
    """The office's default journal (else its first active one). An office without any journal gets
    one on its first registration: named "Journal of registration of applications", prefix = the
    office's code, marked default (an integrator may add more journals later in the admin)."""
    journal = (
        RegistrationJournal.objects.filter(office=office, is_active=True).order_by("-is_default", "prefix").first()
    )
    if journal is not None:
        return journal
    prefix = office.code
    if RegistrationJournal.objects.filter(prefix=prefix).exclude(office=office).exists():
        prefix = f"{office.code}-{office.pk}"[:20]
    try:
        with transaction.atomic():
            return RegistrationJournal.objects.create(
                office=office, name=_("Journal of registration of applications"), prefix=prefix, is_default=True
            )
    except IntegrityError:
        # Created by a concurrent first registration in the same office.
        return RegistrationJournal.objects.get(office=office, prefix=prefix)


def next_number(*, journal: RegistrationJournal, year: int) -> tuple[int, str]:
    """The next (sequence, number) of `journal` in `year`. Must run inside the registering transaction:
    the counter row stays locked until it commits (the number is used) or rolls back (given back)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must be called inside the transaction that registers.")
    JournalCounter.objects.get_or_create(journal=journal, year=year)
    counter = JournalCounter.objects.select_for_update().get(journal=journal, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, format_number(journal.prefix, year, counter.last_number)


def _scan_items(scans) -> Iterable[tuple[object, int | None]]:
    for item in scans or ():
        if isinstance(item, dict):
            yield item["file"], item.get("document")
        elif isinstance(item, tuple | list):
            yield item[0], item[1] if len(item) > 1 else None
        else:
            yield item, None


def _positive(value, default=1) -> int | None:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= 999 else None


def _check_documents(version: ServiceVersion, documents: list[dict], errors: dict) -> list[dict]:
    required: dict[Any, Any] = {doc.pk: doc for doc in version.documents.all()}
    lines = []
    seen = set()
    problems = []
    for index, line in enumerate(documents or []):
        required_document = line.get("required_document")
        required_id = getattr(required_document, "pk", required_document)
        if required_id is not None and required_id != "":
            try:
                required_id = int(required_id)
            except (TypeError, ValueError):
                required_id = None
            doc = required.get(required_id)
            if doc is None:
                problems.append(
                    ValidationError(
                        _("Line %(line)s: this document is not one the service lists; add it as an extra document."),
                        code="document_not_listed",
                        params={"line": index + 1},
                    )
                )
                continue
            if doc.pk in seen:
                problems.append(
                    ValidationError(
                        _("%(name)s is listed twice."), code="document_duplicate", params={"name": doc.name}
                    )
                )
                continue
            seen.add(doc.pk)
            name = doc.name
            kind = line.get("kind") or doc.kind
            copies = _positive(line.get("copies"), doc.copies)
        else:
            doc = None
            name = " ".join(str(line.get("name") or "").split())
            if not name:
                problems.append(
                    ValidationError(
                        _("Line %(line)s: enter the name of the extra document."),
                        code="document_name_required",
                        params={"line": index + 1},
                    )
                )
                continue
            kind = line.get("kind") or DocumentKind.ORIGINAL
            copies = _positive(line.get("copies"))
        sheets = _positive(line.get("sheets"))
        if kind not in DocumentKind.values:
            problems.append(
                ValidationError(_("%(name)s: choose original or copy."), code="document_kind", params={"name": name})
            )
            continue
        if copies is None or sheets is None:
            problems.append(
                ValidationError(
                    _("%(name)s: copies and sheets are whole numbers from 1 to 999."),
                    code="document_counts",
                    params={"name": name},
                )
            )
            continue
        lines.append({"required_document": doc, "name": name[:500], "kind": kind, "copies": copies, "sheets": sheets})
    for doc in required.values():
        if doc.mandatory and doc.pk not in seen:
            problems.append(
                ValidationError(
                    _("The mandatory document is missing: %(name)s."),
                    code="mandatory_document_missing",
                    params={"name": doc.name},
                )
            )
    if not documents and not problems:
        problems.append(ValidationError(_("Tick the documents the applicant handed over."), code="no_documents"))
    if problems:
        errors["documents"] = problems
    return lines


def _prefixed(exc: ValidationError, prefix: str, errors: dict) -> None:
    for field, field_errors in exc.error_dict.items():
        errors.setdefault(f"{prefix}-{field}", []).extend(field_errors)


def register_application(
    *,
    office,
    service: Service,
    applicant: Applicant | dict,
    documents: list[dict],
    scans: list | None = None,
    staged_scans: list[StagedUpload] | None = None,
    channel: str = Channel.IN_PERSON,
    result_delivery: str = DeliveryMethod.IN_PERSON,
    late_filing: bool = False,
    fee_options=(),
    exemption=None,
    exemption_document: str = "",
    payments: dict | None = None,
    representative: Applicant | dict | None = None,
    power_of_attorney_number: str = "",
    power_of_attorney_date: dt.date | None = None,
    power_of_attorney_issued_by: str = "",
    comment: str = "",
    acting_user: User,
    registered_at: dt.datetime | None = None,
    journal: RegistrationJournal | None = None,
    applicant_choice: RegisterChoice | None = None,
    representative_choice: RegisterChoice | None = None,
    submission_token: uuid.UUID | None = None,
    origin: dict | None = None,
) -> Application:
    """Register one application in one transaction and return it (status `registered`).

    `applicant` / `representative`: a known `Applicant` of the office's hromada, or a dict of its fields
    (see `applicants.validate_applicant_data`; re-used by РНОКПП/ЄДРПОУ/document number, never
    duplicated). Where a dict differs from the known record, `applicant_choice` / `representative_choice`
    say which fields to update in the register and which to keep.
    `documents`: dicts ``{"required_document": RequiredDocument | pk | None, "name": str (extras),
    "kind": DocumentKind, "copies": int, "sheets": int}``; every mandatory document of the version in
    force must be there; a line with no `required_document` is an extra document and needs a name.
    `scans`: uploaded files, each either a file, ``(file, document_index)`` or ``{"file": f, "document":
    index}`` where the index points into `documents`. `staged_scans`: the acting user's staged uploads.
    `late_filing` / `fee_options`: the fee options chosen (late filing, urgency, add-ons: services.constants
    .FeeOption); `exemption`: a FeeExemption of the version (or its pk) claimed with `exemption_document`;
    `payments`: {slot: {"amount", "paid_on", "reference", "method", "payer"}} already paid at the counter.
    `submission_token`: the form's one-time token; a token already used returns the case it registered.
    `origin`: where the registration started (cnap.core.origins, read and checked by the view), passed on
    with the `registered` event (a queue ticket links the case to itself).
    Raises `ValidationError` keyed by field (`service`, `documents`, `scans`, `channel`, `result_delivery`,
    `fee`, `power_of_attorney_number`, `applicant-<field>`, `representative-<field>`, `applicant-differences`,
    `representative-differences`) and saves nothing.
    """
    registered_at = registered_at or timezone.now()
    on_date = timezone.localdate(registered_at)
    errors: dict[str, list] = {}
    hromada = office.hromada

    # 1. The service, its version in force, its fee and term.
    version = None
    if service is None:
        errors["service"] = [ValidationError(_("Choose the service."), code="required")]
    elif not services_offered_by(office, on_date=on_date).filter(pk=service.pk).exists():
        errors["service"] = [
            ValidationError(
                _("This office does not offer this service (or it has no version in force)."),
                code="service_not_offered",
            )
        ]
    else:
        version = version_in_force(service, on_date)
    fee = Decimal("0.00")
    due_date = earliest_on = None
    fee_charges = []
    options = sorted({str(o) for o in fee_options or ()} | ({FeeOption.LATE.value} if late_filing else set()))
    if version is not None:
        if exemption is not None and not hasattr(exemption, "covers"):
            exemption = version.fee_exemptions.filter(pk=exemption).first()
        if exemption is not None and exemption.version_id != version.pk:
            errors.setdefault("fee", []).append(
                ValidationError(_("This exemption is not one of the service's."), code="foreign_exemption")
            )
            exemption = None
        if exemption is not None and not (exemption_document or "").strip():
            errors.setdefault("fee", []).append(
                ValidationError(
                    _("Enter the document that proves the exemption: %(document)s.")
                    % {"document": exemption.proving_document},
                    code="exemption_document",
                )
            )
        try:
            fee_charges = charges(version, on_date=on_date, options=options, exemption=exemption)
            fee = sum((c.due for c in fee_charges), Decimal("0.00"))
        except MissingSubsistenceMinimum as exc:
            errors.setdefault("service", []).append(ValidationError(str(exc), code="missing_subsistence_minimum"))
        try:
            calendar = office_calendar(office)
            start = earliest_start(version, registered_at, calendar)
            if start != registered_at:
                earliest_on = timezone.localdate(start)
            due_date = compute_due_date(
                registered_at=start,
                term_value=version.term_value,
                term_unit=version.term_unit,
                calendar=calendar,
            )
        except ValueError:
            errors.setdefault("service", []).append(
                ValidationError(_("The term of this service is not valid in the catalog."), code="invalid_term")
            )
        if channel not in Channel.values or (version.channels and channel not in version.channels):
            errors["channel"] = [ValidationError(_("This service is not filed this way."), code="invalid_channel")]
        if result_delivery not in DeliveryMethod.values or (
            version.result_delivery and result_delivery not in version.result_delivery
        ):
            errors["result_delivery"] = [
                ValidationError(_("The result of this service is not given this way."), code="invalid_delivery")
            ]
        document_lines = _check_documents(version, documents, errors)
    else:
        document_lines = []

    # 2. The applicant and the representative: validated (the one place they are), compared with the register.
    choices = {
        PartyRole.APPLICANT: applicant_choice or RegisterChoice(),
        PartyRole.REPRESENTATIVE: representative_choice or RegisterChoice(),
    }
    parties: dict[str, Applicant | dict | None] = {}
    for prefix, party in ((PartyRole.APPLICANT, applicant), (PartyRole.REPRESENTATIVE, representative)):
        if isinstance(party, Applicant):
            if party.hromada_id != hromada.pk:
                errors.setdefault(prefix, []).append(ValidationError(_("Unknown applicant."), code="other_hromada"))
            parties[prefix] = party
        elif isinstance(party, dict):
            try:
                clean = validate_applicant_data(party)
            except ValidationError as exc:
                _prefixed(exc, prefix, errors)
                continue
            if unresolved_differences(hromada=hromada, clean=clean, choice=choices[prefix]):
                errors[f"{prefix}-differences"] = [_differs()]
            parties[prefix] = clean
        elif party is not None or prefix == PartyRole.APPLICANT:
            errors.setdefault(prefix, []).append(ValidationError(_("Enter the applicant."), code="required"))
    power_of_attorney_number = " ".join(str(power_of_attorney_number or "").split())
    if representative is not None and not power_of_attorney_number:
        errors["power_of_attorney_number"] = [
            ValidationError(
                _("A representative acts by a power of attorney: enter its number."), code="power_of_attorney"
            )
        ]

    # 3. The scans: size and type from the content, before anything is written.
    scan_errors: list = []
    checked_scans: list[tuple[CheckedUpload, int | None]] = []
    for upload, document_index in _scan_items(scans):
        if document_index is not None and not (0 <= int(document_index) < len(documents or [])):
            scan_errors.append(ValidationError(_("A scan refers to an unknown document."), code="scan_document"))
            continue
        try:
            checked_scans.append((check_upload(upload), document_index))
        except ValidationError as exc:
            scan_errors.append(exc)
    try:
        check_total_size([checked.size for checked, _index in checked_scans] + [u.size for u in staged_scans or ()])
    except ValidationError as exc:
        scan_errors.extend(exc.error_list)
    if scan_errors:
        errors["scans"] = scan_errors
    if errors or version is None:  # no version in force is one of the errors
        raise ValidationError(errors)

    # 4. Write the scan files, then everything else in one transaction; on failure remove the files.
    stored: list[tuple[CheckedUpload, int | None, str]] = []
    try:
        for checked, document_index in checked_scans:
            stored.append((checked, document_index, store_upload(checked, when=registered_at)))
        with submissions.once(token=submission_token, user=acting_user, purpose=REGISTRATION) as submission:
            application = _create(
                office=office,
                hromada=hromada,
                service=service,
                version=version,
                parties=parties,
                choices=choices,
                power_of_attorney_number=power_of_attorney_number,
                power_of_attorney_date=power_of_attorney_date,
                power_of_attorney_issued_by=" ".join(str(power_of_attorney_issued_by or "").split()),
                channel=channel,
                result_delivery=result_delivery,
                fee=fee,
                fee_charges=fee_charges,
                fee_options=options,
                exemption_document=(exemption_document or "").strip(),
                paid=payments,
                late_filing=FeeOption.LATE.value in options
                and any(c.component.option == FeeOption.LATE for c in fee_charges),
                due_date=due_date,
                earliest_on=earliest_on,
                comment=(comment or "").strip(),
                registered_at=registered_at,
                acting_user=acting_user,
                journal=journal,
                document_lines=document_lines,
                stored_scans=stored,
                staged_scans=staged_scans or [],
                origin=origin,
            )
            submission.result = str(application.pk)
    except submissions.AlreadySubmitted as done:
        for _checked, _index, name in stored:
            default_storage.delete(name)
        return Application.objects.get(pk=done.result)
    except BaseException:
        for _checked, _index, name in stored:
            default_storage.delete(name)
        raise
    return application


def _differs() -> ValidationError:
    return ValidationError(
        _("The typed data differ from the applicant's record: choose what to keep."), code="differs_from_register"
    )


def _snapshot(application: Application, role: str, applicant: Applicant, clean: dict | None) -> CaseParty:
    """The party as submitted: the typed values, blanks taken from the register's record."""
    values = {}
    for name in PARTY_FIELDS:
        typed = clean.get(name) if clean is not None else None
        values[name] = typed if typed not in (None, "") else getattr(applicant, name)
    return CaseParty(application=application, role=role, applicant=applicant, **values)


def _create(
    *,
    office,
    hromada,
    service,
    version,
    parties,
    choices,
    journal,
    registered_at,
    acting_user,
    document_lines,
    stored_scans,
    staged_scans,
    fee,
    fee_charges,
    fee_options,
    exemption_document,
    paid,
    late_filing,
    due_date,
    earliest_on,
    origin=None,
    **fields,
) -> Application:
    # The register: known applicants are locked (their changes wait for the case's id, for their history);
    # new ones are created now.
    records: dict[str, tuple[Applicant, bool]] = {}
    for role, party in parties.items():
        if party is None or isinstance(party, Applicant):
            continue
        known = find_known(hromada, party, lock=True)
        if known is not None:
            records[role] = (known, False)
            continue
        try:
            records[role] = record_party(hromada=hromada, clean=party, choice=choices[role], acting_user=acting_user)
        except ValidationError as exc:
            raise ValidationError({f"{role}-differences": exc.error_list}) from exc

    def register_record(role):
        party = parties.get(role)
        return records[role][0] if role in records else party

    journal = journal or default_journal(office=office)
    if journal.office_id != office.pk:
        raise ValidationError({"journal": _("This journal belongs to another office.")})
    year = timezone.localtime(registered_at).year
    sequence, number = next_number(journal=journal, year=year)
    application = Application(
        number=number,
        journal=journal,
        year=year,
        sequence=sequence,
        office=office,
        hromada=hromada,
        service=service,
        service_version=version,
        provider_id=service.provider_id,
        applicant=register_record(PartyRole.APPLICANT),
        representative=register_record(PartyRole.REPRESENTATIVE),
        status=ApplicationStatus.REGISTERED,
        status_changed_at=registered_at,
        registered_at=registered_at,
        registered_by=acting_user,
        due_date=due_date,
        initial_due_date=due_date,
        fee_amount=fee,
        fee_late=late_filing,
        fee_options=fee_options,
        earliest_result_on=earliest_on,
        **fields,
    )
    record_author(application, acting_user)
    application.save()

    # The register's changes, in the applicant's history with this case; then the case's own copy.
    for role, party in parties.items():
        if party is None:
            continue
        if isinstance(party, Applicant):
            application.parties.add(_snapshot(application, role, party, None), bulk=False)
            continue
        record, created = records[role]
        if created:
            Applicant.history.filter(id=record.pk, source_application__isnull=True).update(
                source_application=application
            )
        else:
            try:
                record, _created = record_party(
                    hromada=hromada,
                    clean=party,
                    choice=choices[role],
                    acting_user=acting_user,
                    application_id=application.pk,
                )
            except ValidationError as exc:
                raise ValidationError({f"{role}-differences": exc.error_list}) from exc
        party_copy = _snapshot(application, role, record, party)
        record_author(party_copy, acting_user)
        party_copy.save()

    rows = payments_for(application, fee_charges, exemption_document=exemption_document, paid=paid)
    for payment in rows:
        record_author(payment, acting_user)
        payment.recorded_by = acting_user if payment.state == "paid" else None
        payment.recorded_at = registered_at if payment.state == "paid" else None
        payment.save()
    paid_total = sum((p.paid_amount or Decimal(0) for p in rows if p.state == "paid"), Decimal(0))
    if paid_total:
        application.fee_paid = paid_total
        application.save(update_fields=["fee_paid"])
    saved_documents = []
    for order, line in enumerate(document_lines, start=1):
        document = SubmittedDocument(application=application, order=order, **line)
        record_author(document, acting_user)
        document.save()
        saved_documents.append(document)
    for checked, document_index, name in stored_scans:
        Scan.objects.create(
            id=checked.id,
            application=application,
            document=saved_documents[document_index] if document_index is not None else None,
            file=name,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_at=registered_at,
            uploaded_by=acting_user,
        )
    _attach_staged(application, staged_scans, acting_user=acting_user, at=registered_at)
    StatusChange.objects.create(
        application=application,
        from_status="",
        to_status=ApplicationStatus.REGISTERED,
        changed_at=registered_at,
        changed_by=acting_user,
    )
    events.application_registered(application, origin=origin)
    from .legal_suspensions import apply_to_new_case

    return apply_to_new_case(application, acting_user)


def _attach_staged(application: Application, staged: list[StagedUpload], *, acting_user, at) -> None:
    """The staged uploads become the case's scans (same id, same file); each can be attached once."""
    if not staged:
        return
    ids = [upload.pk for upload in staged]
    locked = list(StagedUpload.objects.select_for_update().filter(pk__in=ids, user=acting_user))
    if len(locked) != len(set(ids)):
        raise ValidationError(
            {
                "scans": [
                    _("A scan attached before is no longer available (it expired or was removed): attach it again.")
                ]
            }
        )
    for upload in locked:
        Scan.objects.create(
            id=upload.pk,
            application=application,
            file=upload.file.name,
            original_name=upload.original_name,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            uploaded_at=at,
            uploaded_by=acting_user,
        )
    StagedUpload.objects.filter(pk__in=ids).delete()
