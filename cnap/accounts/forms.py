from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class StaffAuthenticationForm(AuthenticationForm):
    """The login form, with autofocus and browser hints for the counter's keyboard-first work."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class OTPTokenForm(forms.Form):
    """One code: six digits from the authenticator app, or a backup code."""

    otp_token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text", "spellcheck": "false"}
        ),
    )

    def clean_otp_token(self) -> str:
        return "".join(self.cleaned_data["otp_token"].split()).lower()
