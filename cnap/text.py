"""Text typed by people (names, addresses, comments, reasons): composed to NFC, and refused when it
holds a bidirectional or invisible formatting character.

Such characters print: U+202E (RIGHT-TO-LEFT OVERRIDE) in a surname makes the receipt show it
reversed, a zero-width space makes two spellings of one name differ. The refusal names the
character, so the administrator knows what to delete (it usually comes with a copy-paste)."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

__all__ = ["FORBIDDEN_CHARACTERS", "clean_text", "forbidden_character", "search_query"]

#: Bidirectional embeddings and overrides, isolates, zero-width and direction marks, the BOM.
FORBIDDEN_CHARACTERS = frozenset(
    [chr(code) for code in range(0x202A, 0x202F)]  # LRE, RLE, PDF, LRO, RLO
    + [chr(code) for code in range(0x2066, 0x206A)]  # LRI, RLI, FSI, PDI
    + [chr(code) for code in range(0x200B, 0x2010)]  # ZWSP, ZWNJ, ZWJ, LRM, RLM
    + ["\ufeff"]  # ZERO WIDTH NO-BREAK SPACE (BOM)
)


def forbidden_character(value: str) -> str | None:
    """The first forbidden character of ``value``, or None."""
    for character in value:
        if character in FORBIDDEN_CHARACTERS:
            return character
    return None


def clean_text(value) -> str:
    """``value`` composed to NFC (a letter and a combining mark become one letter: «й», «ї»), or a
    ValidationError naming the forbidden character it holds. Not a string: returned as is."""
    if not isinstance(value, str):
        return value
    character = forbidden_character(value)
    if character is not None:
        name = unicodedata.name(character, "")
        raise ValidationError(
            _(
                "The text contains an invisible control character U+%(code)04X (%(name)s): delete it "
                "(it usually comes with copied text) and type the text again."
            )
            % {"code": ord(character), "name": name},
            code="invisible_character",
        )
    return unicodedata.normalize("NFC", value)


def search_query(value: str | None) -> str:
    """What was typed into a search box, ready for a query: control characters (a NUL, which PostgreSQL
    refuses in a string, tabs and line breaks from a paste) and forbidden invisible characters become
    spaces, runs of spaces one space, the rest composed to NFC. A search box refuses nothing."""
    if not value:
        return ""
    kept = "".join(
        " " if unicodedata.category(character) == "Cc" or character in FORBIDDEN_CHARACTERS else character
        for character in value
    )
    return unicodedata.normalize("NFC", " ".join(kept.split()))
