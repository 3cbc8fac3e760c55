"""Fills empty Ukrainian msgstrs from a JSON dictionary {msgid: msgstr}, or from another .po file
(the other side of a merge: take one side's catalogue, re-run `make messages`, then fill from the other).

Usage: python scripts/fill_translations.py translations.json|other.po [locale/uk/LC_MESSAGES/django.po]
Existing translations are never overwritten (except fuzzy ones); prints the msgids it filled.
Plural entries (msgid_plural) are left alone: fill them by hand."""

import json
import sys
from pathlib import Path


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def read_string(lines: list[str], start: int, keyword: str) -> tuple[str, int]:
    """The string of `keyword "..."` at lines[start] and its continuation lines; returns (text, next index)."""
    parts = [lines[start][len(keyword) + 1 :].strip()[1:-1]]
    index = start + 1
    while index < len(lines) and lines[index].startswith('"'):
        parts.append(lines[index].strip()[1:-1])
        index += 1
    return unescape("".join(parts)), index


def fill(entry: str, translations: dict[str, str], filled: list[str]) -> str:
    lines = entry.split("\n")
    if any(line.startswith("msgid_plural") for line in lines):
        return entry
    try:
        id_start = next(i for i, line in enumerate(lines) if line.startswith("msgid "))
        str_start = next(i for i, line in enumerate(lines) if line.startswith("msgstr "))
    except StopIteration:
        return entry
    msgid, _ = read_string(lines, id_start, "msgid")
    msgstr, str_end = read_string(lines, str_start, "msgstr")
    fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
    if not msgid or msgid not in translations or (msgstr and not fuzzy):
        return entry
    filled.append(msgid)
    head = []
    for line in lines[:str_start]:
        if line.startswith("#,") and "fuzzy" in line:
            flags = [flag.strip() for flag in line[2:].split(",") if flag.strip() != "fuzzy"]
            if flags:
                head.append("#, " + ", ".join(flags))
            continue
        if line.startswith("#|"):
            continue
        head.append(line)
    return "\n".join([*head, f'msgstr "{escape(translations[msgid])}"', *lines[str_end:]])


def read_po(path: Path) -> dict[str, str]:
    """The translated singular entries of a .po file as {msgid: msgstr}."""
    translations = {}
    for entry in path.read_text().split("\n\n"):
        lines = entry.split("\n")
        if any(line.startswith("msgid_plural") for line in lines):
            continue
        try:
            id_start = next(i for i, line in enumerate(lines) if line.startswith("msgid "))
            str_start = next(i for i, line in enumerate(lines) if line.startswith("msgstr "))
        except StopIteration:
            continue
        msgid, _ = read_string(lines, id_start, "msgid")
        msgstr, _ = read_string(lines, str_start, "msgstr")
        if msgid and msgstr:
            translations[msgid] = msgstr
    return translations


def main() -> None:
    source = Path(sys.argv[1])
    translations = read_po(source) if source.suffix == ".po" else json.loads(source.read_text())
    po_path = Path(sys.argv[2] if len(sys.argv) > 2 else "locale/uk/LC_MESSAGES/django.po")
    filled: list[str] = []
    entries = po_path.read_text().split("\n\n")
    po_path.write_text("\n\n".join(fill(entry, translations, filled) for entry in entries))
    for msgid in filled:
        print("filled:", msgid)


if __name__ == "__main__":
    main()
