"""Text from users written into CSV or spreadsheet cells: a cell that starts with =, +, -, @ (or a
tab or carriage return) is a formula to Excel and LibreOffice (CSV/formula injection, OWASP). Such
values get a leading apostrophe, which spreadsheets show as text."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
