"""The catalog as an XLSX workbook: the same data as the JSON format, one sheet per kind of row.

Every cell is written as text so that codes such as "00106" or "01-01" survive a spreadsheet program.
Reading gives back the JSON document plus where each item came from, so that import errors can name
the sheet and row.
"""

from __future__ import annotations

import datetime as dt
import io
import json

from .catalog_fields import MINIMUM_FIELDS, PART_FIELDS, PROVIDER_FIELDS, SERVICE_FIELDS, VERSION_FIELDS, kinds, names
from .catalog_io import FORMAT, FORMAT_VERSION

SERVICE_COLUMNS = [*names(SERVICE_FIELDS), *names(VERSION_FIELDS)]
#: Sheet of each kind of version row (related name -> sheet).
PART_SHEETS = {
    "documents": "Documents",
    "stages": "Stages",
    "refusal_grounds": "RefusalGrounds",
    "fees": "Fees",
    "fee_exemptions": "FeeExemptions",
}
COLUMN_KINDS = {
    **kinds(SERVICE_FIELDS),
    **kinds(VERSION_FIELDS),
    **{name: kind for _model, fields in PART_FIELDS.values() for name, kind in kinds(fields).items()},
}
SHEETS = {
    "Services": SERVICE_COLUMNS,
    **{sheet: ["local_code", *names(PART_FIELDS[part][1])] for part, sheet in PART_SHEETS.items()},
    "Providers": PROVIDER_FIELDS,
    "SubsistenceMinimums": MINIMUM_FIELDS,
}
TRUE = {"true", "1", "yes", "так", "y"}


def _cell(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False) if value else None
    return str(value)


def catalog_to_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    rows: dict[str, list[list]] = {name: [] for name in SHEETS}
    for service in data["services"]:
        rows["Services"].append([service.get(column) for column in SERVICE_COLUMNS])
        code = service["local_code"]
        for part, sheet in PART_SHEETS.items():
            for row in service.get(part, []):
                rows[sheet].append([code, *[row.get(f) for f in SHEETS[sheet][1:]]])
    for provider in data["providers"]:
        rows["Providers"].append([provider.get(f) for f in PROVIDER_FIELDS])
    for minimum in data["subsistence_minimums"]:
        rows["SubsistenceMinimums"].append([minimum.get(f) for f in MINIMUM_FIELDS])
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
    kind = COLUMN_KINDS.get(column, "text")
    if kind == "list":
        return [part.strip() for part in (text or "").split(",") if part.strip()]
    if kind == "ints":
        parts = [part.strip() for part in (text or "").split(",") if part.strip()]
        return [int(part) if part.isdigit() else part for part in parts]
    if kind == "json":
        if text is None:
            return {}
        try:
            return json.loads(text)
        except ValueError:
            return text  # reported by the import as "must be an object of texts"
    if kind == "bool":
        return None if text is None else text.lower() in TRUE
    if kind in ("int", "decimal", "date") or column == "year":
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
        item = {**{k: v for k, v in row.items() if v is not None}, **{part: [] for part in PART_SHEETS}}
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

    for part, sheet in PART_SHEETS.items():
        attach(sheet, part, lambda row: {k: v for k, v in row.items() if v is not None})
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
