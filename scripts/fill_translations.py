"""Fills empty Ukrainian msgstrs from a JSON dictionary {msgid: msgstr} (single-line msgids only).

Usage: python scripts/fill_translations.py translations.json [locale/uk/LC_MESSAGES/django.po]
Existing translations are never overwritten; prints the msgids it filled."""

import json
import re
import sys
from pathlib import Path


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def main() -> None:
    translations = json.loads(Path(sys.argv[1]).read_text())
    po_path = Path(sys.argv[2] if len(sys.argv) > 2 else "locale/uk/LC_MESSAGES/django.po")
    text = po_path.read_text()
    pattern = re.compile(r'^(#, fuzzy\n)?msgid "(.+)"\nmsgstr ""\n(?!")', re.MULTILINE)

    def replace(match: re.Match) -> str:
        msgid = unescape(match.group(2))
        if msgid not in translations:
            return match.group(0)
        print("filled:", msgid)
        return f'msgid "{match.group(2)}"\nmsgstr "{escape(translations[msgid])}"\n'

    po_path.write_text(pattern.sub(replace, text))


if __name__ == "__main__":
    main()
