"""Normalising Ukrainian text for catalog search."""

import re

# The apostrophe has several spellings in Ukrainian text: keep one.
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'", "ʹ": "'", "′": "'"})
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower-case, one kind of apostrophe, single spaces: what search compares."""
    return _SPACES.sub(" ", (text or "").translate(_APOSTROPHES).lower()).strip()
