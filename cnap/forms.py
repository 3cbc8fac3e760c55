"""Form pieces every app uses for input typed by people: dates within a sane range and text without
invisible control characters (cnap/text.py).

A date such as 9999-12-31 or 0001-01-01 parses as a valid date but breaks arithmetic later (the day
after, a time zone shift, a loop over working days): fields of this module refuse it with a message
instead."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .text import clean_text

__all__ = ["EARLIEST_DATE", "LATEST_DATE", "BoundedDateField", "BoundedDateTimeField", "CleanTextMixin", "check_date"]

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


def check_date(value):
    """``value`` (a date or datetime) if within EARLIEST_DATE..LATEST_DATE, else a ValidationError."""
    if value is None:
        return value
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": EARLIEST_DATE.strftime("%d.%m.%Y"), "last": LATEST_DATE.strftime("%d.%m.%Y")},
            code="date_out_of_range",
        )
    return value


class BoundedDateField(forms.DateField):
    def clean(self, value):
        return check_date(super().clean(value))


class BoundedDateTimeField(forms.DateTimeField):
    def clean(self, value):
        return check_date(super().clean(value))


class CleanTextMixin:
    """For a form: every text value is composed to NFC, and one holding a bidirectional or invisible
    formatting character is refused with a message naming it (on its field)."""

    def _clean_fields(self):
        super()._clean_fields()
        for name, value in list(self.cleaned_data.items()):
            if isinstance(value, str):
                try:
                    self.cleaned_data[name] = clean_text(value)
                except ValidationError as exc:
                    self.add_error(name, exc)


class FastSelect(forms.Select):
    """A ``<select>`` rendered in Python, not through a template per option: the same HTML as Django's
    Select (no option groups), for choice lists on pages asked for many times a minute."""

    def render(self, name, value, attrs=None, renderer=None):
        from django.forms.utils import flatatt
        from django.utils.html import format_html, format_html_join
        from django.utils.safestring import mark_safe

        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        chosen = set(self.format_value(value))
        selected = mark_safe(" selected")
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, selected if str(key) in chosen else "", label) for key, label in self.choices),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


class FastInlineCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in Bootstrap's inline ``form-check`` boxes, rendered in Python (one template per box cost
    more than the rest of the form)."""

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import format_html_join
        from django.utils.safestring import mark_safe

        final_attrs = self.build_attrs(self.attrs, attrs)
        base_id = final_attrs.pop("id", "") or f"id_{name}"
        css = final_attrs.pop("class", "form-check-input")
        chosen = set(self.format_value(value))
        checked = mark_safe(" checked")
        return format_html_join(
            "",
            '<div class="form-check form-check-inline"><input type="checkbox" name="{}" value="{}" class="{}" '
            'id="{}"{}><label class="form-check-label" for="{}">{}</label></div>',
            (
                (name, key, css, f"{base_id}_{index}", checked if str(key) in chosen else "", f"{base_id}_{index}",
                 label)
                for index, (key, label) in enumerate(self.choices)
            ),
        )  # fmt: skip


class FastInputMixin:
    """An ``<input>`` widget rendered in Python: the same HTML as Django's ``input.html`` template (type,
    name, the value when there is one, the attributes; boolean attributes bare), without a template render."""

    def render(self, name, value, attrs=None, renderer=None):
        from django.forms.utils import flatatt
        from django.utils.html import format_html

        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html('<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], shown,
                           flatatt(widget["attrs"]))  # fmt: skip


class FastTextInput(FastInputMixin, forms.TextInput):
    pass


class FastDateInput(FastInputMixin, forms.DateInput):
    pass
