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
