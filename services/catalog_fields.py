"""The catalog's fields, listed once: the JSON import/export, the XLSX workbook, the draft form and the
actions that copy a version all read these lists, so a new card field is added here and nowhere else.

Each field has a kind that says how a file spells it: ``text``, ``int``, ``decimal``, ``date``, ``bool``,
``list`` (of choice values), ``ints`` (a list of whole numbers) or ``json`` (an object).
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import FeeComponent, FeeExemption, RefusalGround, RequiredDocument, TechCardStage


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"


PROVIDER_FIELDS = ["edrpou", "name", "short_name", "address", "schedule", "phone", "email", "website"]
MINIMUM_FIELDS = ["year", "amount", "legal_basis"]

#: What identifies a service (not versioned); the provider is written as its EDRPOU code in files.
SERVICE_FIELDS = [
    Field("local_code"),
    Field("national_id"),
    Field("category"),
    Field("provider_edrpou"),
    Field("is_active", "bool"),
]

#: The card fields of a version, in the order of the information card.
VERSION_FIELDS = [
    Field("title"),
    Field("valid_from", "date"),
    Field("purpose"),
    Field("legal_basis"),
    Field("term_value", "int"),
    Field("term_unit"),
    Field("term_note"),
    Field("min_wait_value", "int"),
    Field("min_wait_unit"),
    Field("term_justification"),
    Field("late_filing_note"),
    Field("fee_note"),
    Field("documents_note"),
    Field("channels", "list"),
    Field("result_kind"),
    Field("result"),
    Field("result_delivery", "list"),
    Field("storage_days", "int"),
    Field("decision_template"),
    Field("complaint_body"),
    Field("complaint_address"),
    Field("complaint_term"),
    Field("complaint_court"),
    Field("approved_by"),
    Field("approval_act"),
    Field("approval_date", "date"),
    Field("sources", "json"),
]
#: The version fields a catalog manager edits on a draft (the date of entry into force is set on publishing).
EDITABLE_VERSION_FIELDS = [f.name for f in VERSION_FIELDS if f.name != "valid_from"]

#: The rows of a version: related name -> (model, fields).
PART_FIELDS = {
    "documents": (
        RequiredDocument,
        [Field("name"), Field("kind"), Field("copies", "int"), Field("mandatory", "bool"), Field("note")],
    ),
    "stages": (
        TechCardStage,
        [
            Field("name"),
            Field("responsible_position"),
            Field("unit"),
            Field("action"),
            Field("duration", "int"),
            Field("duration_unit"),
        ],
    ),
    "refusal_grounds": (RefusalGround, [Field("text"), Field("citation")]),
    "fees": (
        FeeComponent,
        [
            Field("slot", "int"),
            Field("option"),
            Field("charge_kind"),
            Field("title"),
            Field("base"),
            Field("share", "decimal"),
            Field("amount", "decimal"),
            Field("rounding"),
            Field("prepaid", "bool"),
            Field("payee"),
            Field("payee_edrpou"),
            Field("iban"),
            Field("budget_code"),
            Field("purpose"),
            Field("legal_source"),
        ],
    ),
    "fee_exemptions": (
        FeeExemption,
        [Field("title"), Field("proving_document"), Field("slots", "ints"), Field("legal_source")],
    ),
}


def names(fields) -> list[str]:
    return [f.name for f in fields]


def part_names(part: str) -> list[str]:
    return names(PART_FIELDS[part][1])


def kinds(fields) -> dict[str, str]:
    return {f.name: f.kind for f in fields}
