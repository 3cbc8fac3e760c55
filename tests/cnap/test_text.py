"""Text typed by people: NFC, and bidirectional or invisible formatting characters refused by name."""

import pytest
from django.core.exceptions import ValidationError

from cnap.forms import BoundedDateField, CleanTextMixin
from cnap.text import FORBIDDEN_CHARACTERS, clean_text, search_query

FORBIDDEN = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200B, 0x200C, 0x200D]
FORBIDDEN += [0x200E, 0x200F, 0xFEFF]


def test_the_forbidden_set_is_exactly_the_listed_ranges():
    assert {ord(c) for c in FORBIDDEN_CHARACTERS} == set(FORBIDDEN)


@pytest.mark.parametrize("code", FORBIDDEN)
def test_each_forbidden_character_is_refused_and_named(code):
    with pytest.raises(ValidationError) as info:
        clean_text(f"Шевченко{chr(code)}")
    assert f"U+{code:04X}" in info.value.messages[0]


def test_combining_marks_are_composed_and_apostrophes_kept():
    decomposed = "Андріи\u0306 Мар\u02bcяненко"  # и + combining breve
    assert clean_text(decomposed) == "Андрій Марʼяненко"
    assert clean_text("Гнатю\u0301к") == "Гнатю\u0301к"  # an accent with no composed form stays
    assert clean_text(12) == 12


def test_forms_report_the_character_on_its_field():
    from django import forms

    class Form(CleanTextMixin, forms.Form):
        name = forms.CharField()
        day = BoundedDateField(required=False)

    form = Form({"name": "abc\u2067def", "day": "9999-12-31"})
    assert not form.is_valid()
    assert "U+2067" in form.errors["name"][0]
    assert "01.01.1900" in form.errors["day"][0]
    form = Form({"name": "Йосип", "day": "2026-01-02"})
    assert form.is_valid() and form.cleaned_data["name"] == "Йосип"


def test_a_search_query_loses_control_characters_and_keeps_the_words():
    assert search_query("0\x00") == "0"
    assert search_query("  Шевченко\tТарас\r\n") == "Шевченко Тарас"
    assert search_query("Мар\u200bяненко") == "Мар яненко"
    assert search_query("Андри\u0306") == "Андрй"
    assert search_query(None) == ""
