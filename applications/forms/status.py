"""The public status page's lookup form (GET): the registration number and the access code from
the receipt, typed or arriving from its QR code."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

DASHES = re.compile(r"[‐‑‒–—―−_]")


def normalize_number(value: str) -> str:
    """«цнап1 - 2026 - 000123» → «ЦНАП1-2026-000123»: no spaces, upper case, plain hyphens."""
    return DASHES.sub("-", "".join((value or "").split())).upper()


def normalize_code(value: str) -> str:
    """«abcd-efgh» → «ABCDEFGH»."""
    return DASHES.sub("", "".join((value or "").split())).replace("-", "").upper()


class StatusLookupForm(forms.Form):
    number = forms.CharField(
        label=_("Registration number"),
        max_length=60,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "inputmode": "text"}
        ),
        help_text=_("As printed on your receipt, e.g. CNAP1-2026-000123."),
    )
    code = forms.CharField(
        label=_("Access code"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        help_text=_("The 8 characters printed on your receipt next to the QR code."),
    )

    def clean_number(self) -> str:
        return normalize_number(self.cleaned_data["number"])

    def clean_code(self) -> str:
        return normalize_code(self.cleaned_data["code"])

    def clean(self):
        cleaned = super().clean()
        number, code = cleaned.get("number"), cleaned.get("code")
        if not self.errors and bool(number) != bool(code):
            raise forms.ValidationError(
                _("Enter both the registration number and the access code from your receipt."), code="incomplete"
            )
        return cleaned

    @property
    def is_lookup(self) -> bool:
        """Both values given and valid: a lookup to make (and to count against the rate limit)."""
        return self.is_valid() and bool(self.cleaned_data["number"]) and bool(self.cleaned_data["code"])
