"""The catalog as an XLSX workbook: the same data as the JSON format, one sheet per kind of row.

Every cell is written as text so that codes such as "00106" or "01-01" survive a spreadsheet program.
Reading gives back the JSON document plus where each item came from, so that import errors can name
the sheet and row.
"""

from __future__ import annotations

import datetime as dt
import io

from .catalog_io import DOCUMENT_FIELDS, FORMAT, FORMAT_VERSION, PAYMENT_FIELDS, PROVIDER_FIELDS, STAGE_FIELDS

SERVICE_COLUMNS = [
    "local_code",
    "national_id",
    "title",
    "category",
    "provider_edrpou",
    "is_active",
    "valid_from",
    "purpose",
    "legal_basis",
    "term_value",
    "term_unit",
    "term_note",
    "fee_kind",
    "fee_amount",
    "fee_fraction",
    "fee_fraction_late",
    "late_filing_note",
    *[f"payment_{key}" for key in PAYMENT_FIELDS],
    "documents_note",
    "channels",
    "result",
    "result_delivery",
    "storage_days",
    "decision_template",
]
LIST_COLUMNS = {"channels", "result_delivery"}
BOOL_COLUMNS = {"is_active", "mandatory"}
NULLABLE_COLUMNS = {"valid_from", "term_value", "fee_amount", "fee_fraction", "fee_fraction_late", "duration"}
SHEETS = {
    "Services": SERVICE_COLUMNS,
    "Documents": ["local_code", *DOCUMENT_FIELDS],
    "Stages": ["local_code", *STAGE_FIELDS],
    "RefusalGrounds": ["local_code", "text"],
    "Providers": PROVIDER_FIELDS,
    "SubsistenceMinimums": ["year", "amount", "legal_basis"],
}
TRUE = {"true", "1", "yes", "так", "y"}


def _cell(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def catalog_to_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    rows: dict[str, list[list]] = {name: [] for name in SHEETS}
    for service in data["services"]:
        flat = {**service, **{f"payment_{k}": v for k, v in (service.get("payment") or {}).items()}}
        rows["Services"].append([flat.get(column) for column in SERVICE_COLUMNS])
        code = service["local_code"]
        for document in service.get("documents", []):
            rows["Documents"].append([code, *[document.get(f) for f in DOCUMENT_FIELDS]])
        for stage in service.get("stages", []):
            rows["Stages"].append([code, *[stage.get(f) for f in STAGE_FIELDS]])
        for text in service.get("refusal_grounds", []):
            rows["RefusalGrounds"].append([code, text])
    for provider in data["providers"]:
        rows["Providers"].append([provider.get(f) for f in PROVIDER_FIELDS])
    for minimum in data["subsistence_minimums"]:
        rows["SubsistenceMinimums"].append([minimum.get("year"), minimum.get("amount"), minimum.get("legal_basis")])
    for name, columns in SHEETS.items():
        sheet = workbook.create_sheet(name)
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows[name]:
            sheet.append([_cell(value) for value in row])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.number_format = "@"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value) -> str | None:
    """A cell as text (None when empty); numbers and dates typed in by hand are turned back into text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _value(column: str, raw):
    text = _text(raw)
    if column in LIST_COLUMNS:
        return [part.strip() for part in (text or "").split(",") if part.strip()]
    if column in BOOL_COLUMNS:
        return True if text is None else text.lower() in TRUE
    if column in NULLABLE_COLUMNS:
        return text
    if column in ("year", "copies", "storage_days"):
        return text
    return text or ""


def _sheet_rows(workbook, name: str):
    if name not in workbook.sheetnames:
        return []
    rows = workbook[name].iter_rows(values_only=True)
    header = [(_text(cell) or "") for cell in next(rows, ())]
    result = []
    for number, row in enumerate(rows, start=2):
        if all(_text(cell) is None for cell in row):
            continue
        result.append(
            (number, {column: _value(column, cell) for column, cell in zip(header, row, strict=False) if column})
        )
    return result


def xlsx_to_catalog(content: bytes) -> tuple[dict, dict[str, str], list[str]]:
    """The catalog document in a workbook, each item position's "Sheet row N", and rows that fit nowhere."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    locations: dict[str, str] = {}
    problems: list[str] = []
    services, by_code = [], {}
    for index, (number, row) in enumerate(_sheet_rows(workbook, "Services")):
        payment = {key: row.pop(f"payment_{key}", "") or "" for key in PAYMENT_FIELDS}
        item = {**row, "payment": payment, "refusal_grounds": [], "documents": [], "stages": []}
        services.append(item)
        locations[f"services[{index}]"] = f"Services row {number}"
        by_code.setdefault(row.get("local_code"), (index, item))

    def attach(sheet: str, key: str, build):
        for number, row in _sheet_rows(workbook, sheet):
            code = row.pop("local_code", None)
            if code not in by_code:
                problems.append(f"{sheet} row {number}: local_code '{code}' is not on the Services sheet")
                continue
            index, item = by_code[code]
            locations[f"services[{index}].{key}[{len(item[key])}]"] = f"{sheet} row {number}"
            item[key].append(build(row))

    attach("Documents", "documents", lambda row: row)
    attach("Stages", "stages", lambda row: row)
    attach("RefusalGrounds", "refusal_grounds", lambda row: row.get("text") or "")
    providers = []
    for index, (number, row) in enumerate(_sheet_rows(workbook, "Providers")):
        providers.append(row)
        locations[f"providers[{index}]"] = f"Providers row {number}"
    minimums = []
    for index, (number, row) in enumerate(_sheet_rows(workbook, "SubsistenceMinimums")):
        minimums.append(row)
        locations[f"subsistence_minimums[{index}]"] = f"SubsistenceMinimums row {number}"
    data = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "subsistence_minimums": minimums,
        "providers": providers,
        "services": services,
    }
    return data, locations, problems


def locate(error: str, locations: dict[str, str]) -> str:
    """Prefix an import error with the sheet and row its item came from."""
    path = error.split(":", 1)[0]
    best = max(
        (key for key in locations if path == key or path.startswith(key + ".") or path.startswith(key + "[")),
        key=len,
        default=None,
    )
    return f"{locations[best]}: {error}" if best else error
