"""The form of the service-wide suspension page: suspend or resume all open cases of a service by a legal act."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cnap.forms import BoundedDateField, CleanTextMixin

from ..selectors.service_suspension import services_with_open_cases

SUSPEND = "suspend"
RESUME = "resume"


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.local_code} — {obj.title}" if obj.title else obj.local_code


class ServiceSuspensionForm(CleanTextMixin, forms.Form):
    service = ServiceChoiceField(
        label=_("Service"),
        queryset=None,
        empty_label=_("— choose a service —"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[(SUSPEND, _("Suspend all open cases")), (RESUME, _("Resume the cases suspended by the act"))],
        initial=SUSPEND,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    legal_act = forms.CharField(
        label=_("Legal act"),
        max_length=500,
        help_text=_("For example: Resolution of the CMU of 28.02.2022 No 165."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        help_text=_("Required to suspend."),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    on_date = BoundedDateField(
        label=_("Date"),
        help_text=_("The first day of the suspension, or the day the terms run again."),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("on_date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services_with_open_cases(user)

    def clean_on_date(self):
        value = self.cleaned_data["on_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date may not be in the future."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("action") == SUSPEND and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for the suspension."))
        return data
