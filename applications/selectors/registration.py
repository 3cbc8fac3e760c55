"""Reads for the registration counter: services of the office and the checklist (the cases, scans and
applicants a user may see: applications/access.py)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.functional import Promise

from services.constants import Channel, DeliveryMethod, FeeOption
from services.fees import MissingSubsistenceMinimum, compute_fee, fee_options, fee_table, has_option
from services.models import RequiredDocument, Service, ServiceVersion
from services.selectors import services_offered_by, version_in_force

__all__ = [
    "ChecklistRow",
    "ServiceChecklist",
    "office_services",
    "service_checklist",
]


#: The urgency tiers of a charge: the counter offers them as one choice.
URGENCY_OPTIONS = frozenset(
    {FeeOption.URGENT, FeeOption.URGENT_2_WORKING_DAYS, FeeOption.URGENT_1_WORKING_DAY, FeeOption.URGENT_2_HOURS}
)


def office_services(office, *, search: str = "", limit: int = 15) -> list[Service]:
    """The type-ahead: services the office offers with a version in force, matching `search`."""
    return list(services_offered_by(office, search=search)[:limit])


def suggested_services(office, ids: list[int], *, limit: int = 30) -> list[Service]:
    """The services offered first (those of the queue group the visitor came for), among those the
    office offers with a version in force, in the catalog's order."""
    if not ids:
        return []
    return list(services_offered_by(office).filter(pk__in=ids[:limit]))


@dataclass
class ChecklistRow:
    document: RequiredDocument
    ticked: bool
    kind: str
    copies: int
    sheets: int


@dataclass
class ServiceChecklist:
    service: Service
    version: ServiceVersion
    rows: list[ChecklistRow]
    fee: Decimal | None
    late_fee: Decimal | None
    fee_error: str
    has_late_fee: bool
    urgency_options: list[tuple[str, str, Decimal | None]]  # (option, label, amount): one of them at most
    extra_options: list[tuple[str, str, Decimal | None]]  # add-ons, any of them
    exemptions: list
    channel_choices: list[tuple[str, str | Promise]]
    delivery_choices: list[tuple[str, str | Promise]]


def service_checklist(office, service_pk, *, posted: dict | None = None) -> ServiceChecklist | None:
    """The document checklist of the version in force of a service the office offers (None if it does
    not); `posted` (document pk -> {"kind", "copies", "sheets"}) keeps what the administrator ticked."""
    try:
        service = services_offered_by(office).get(pk=service_pk)
    except (Service.DoesNotExist, ValueError, TypeError):
        return None
    version = version_in_force(service)
    if version is None:
        return None
    # The fee rows are read by the fee, the late fee, the fee table and the options below: once.
    prefetch_related_objects([version], "fees")
    rows = []
    for doc in version.documents.all():
        if posted is None:
            rows.append(ChecklistRow(doc, ticked=doc.mandatory, kind=doc.kind, copies=doc.copies, sheets=1))
        else:
            values = posted.get(doc.pk)
            rows.append(
                ChecklistRow(
                    doc,
                    ticked=values is not None,
                    kind=(values or {}).get("kind") or doc.kind,
                    copies=(values or {}).get("copies") or doc.copies,
                    sheets=(values or {}).get("sheets") or 1,
                )
            )
    today = timezone.localdate()
    minimums: dict = {}  # the subsistence minimums read for the fees below, read once
    fee = late_fee = None
    fee_error = ""
    try:
        fee = compute_fee(version, on_date=today, minimums=minimums)
        if has_option(version, FeeOption.LATE):
            late_fee = compute_fee(version, on_date=today, late=True, minimums=minimums)
    except MissingSubsistenceMinimum as exc:
        fee_error = str(exc)
    urgency: list[tuple[str, str, Decimal | None]] = []
    extra: list[tuple[str, str, Decimal | None]] = []
    amounts: dict[str, Decimal] = {}
    if not fee_error:
        for component, amount in fee_table(version, on_date=today, minimums=minimums):
            if component.option:
                amounts[component.option] = amounts.get(component.option, Decimal(0)) + amount
    for option in fee_options(version):
        if option == FeeOption.LATE:
            continue
        row = (option, str(FeeOption(option).label), amounts.get(option))
        (urgency if option in URGENCY_OPTIONS else extra).append(row)
    return ServiceChecklist(
        service=service,
        version=version,
        rows=rows,
        fee=fee,
        late_fee=late_fee,
        fee_error=fee_error,
        has_late_fee=has_option(version, FeeOption.LATE),
        urgency_options=urgency,
        extra_options=extra,
        exemptions=list(version.fee_exemptions.all()),
        channel_choices=[
            (value, label) for value, label in Channel.choices if value in (version.channels or Channel.values)
        ],
        delivery_choices=[
            (value, label)
            for value, label in DeliveryMethod.choices
            if value in (version.result_delivery or DeliveryMethod.values)
        ],
    )
