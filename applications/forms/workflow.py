"""Forms of the case page's actions. Each carries the revision of the case it was shown with."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cnap.forms import BoundedDateField, BoundedDateTimeField, CleanTextMixin

from ..constants import ApplicationStatus, DecisionKind, PaymentMethod, RegistryActionKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m-%dT%H:%M")


def _text(**attrs):
    return forms.TextInput(attrs={"class": "form-control", **attrs})


def _area(rows=2):
    return forms.Textarea(attrs={"class": "form-control", "rows": rows})


class ActionForm(CleanTextMixin, forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class TransitionForm(ActionForm):
    to_status = forms.ChoiceField(choices=ApplicationStatus.choices, widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000, widget=_area())


class SuspendForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=_area())
    legal_act = forms.CharField(label=_("Legal act"), required=False, max_length=255, widget=_text())
    started_on = BoundedDateField(label=_("Suspended from"), widget=DateInput(), initial=timezone.localdate)


class ResumeForm(ActionForm):
    resumed_on = BoundedDateField(label=_("Resumed on"), widget=DateInput(), initial=timezone.localdate)


class DecisionForm(ActionForm):
    kind = forms.ChoiceField(
        label=_("Decision"), choices=DecisionKind.choices, widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )
    grounds = forms.ModelMultipleChoiceField(
        label=_("Grounds for refusal"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    text = forms.CharField(
        label=_("Text of the decision"),
        required=False,
        max_length=10000,
        widget=_area(3),
        help_text=_("Leave empty to write it from the service's template."),
    )
    decided_on = BoundedDateField(label=_("Date of the decision"), required=False, widget=DateInput())

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grounds"].queryset = version.refusal_grounds.all()

    def clean(self):
        data = super().clean()
        if data.get("kind") == DecisionKind.REFUSAL and not data.get("grounds"):
            self.add_error("grounds", _("A refusal must cite at least one ground for refusal."))
        return data


class IssueForm(ActionForm):
    issued_to = forms.CharField(label=_("Handed to"), max_length=255, widget=_text())
    identity_document = forms.CharField(label=_("Identity document shown"), max_length=255, widget=_text())
    issued_at = BoundedDateTimeField(label=_("When"), required=False, widget=DateTimeInput())


class PaymentForm(CleanTextMixin, forms.Form):
    """The administrator records a payment of the case (from the payer's receipt or the bank statement)."""

    payment = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.DecimalField(label=_("Amount paid, UAH"), max_digits=12, decimal_places=2, min_value=0)
    paid_on = BoundedDateField(label=_("Paid on"), widget=DateInput())
    reference = forms.CharField(label=_("Payment reference or receipt number"), max_length=100, widget=_text())
    method = forms.ChoiceField(
        label=_("Method"), choices=PaymentMethod.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    payer = forms.CharField(label=_("Payer"), max_length=300, required=False, widget=_text())


class RegistryActionForm(ActionForm):
    """The result of a state registrar's service, as recorded in the national register."""

    kind = forms.ChoiceField(
        label=_("What the registrar did"),
        choices=RegistryActionKind.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    register_name = forms.CharField(label=_("Register"), max_length=300, widget=_text())
    record_number = forms.CharField(label=_("Record or decision number"), max_length=100, widget=_text())
    recorded_on = BoundedDateField(label=_("Date of the record or decision"), widget=DateInput())
    registrar = forms.CharField(label=_("State registrar"), max_length=300, widget=_text())
    grounds = forms.ModelMultipleChoiceField(
        label=_("Grounds for refusal"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    extract = forms.ModelChoiceField(
        label=_("Extract (a scan of the case)"),
        queryset=None,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grounds"].queryset = application.service_version.refusal_grounds.all()
        self.fields["extract"].queryset = application.scans.filter(removed_at__isnull=True)


class RevealForm(CleanTextMixin, forms.Form):
    """Why a community head needs a case's full personal data (it goes into the access log)."""

    reason = forms.CharField(
        label=_("Why you need the full personal data"),
        min_length=10,
        max_length=200,
        widget=_text(placeholder=_("e.g. the applicant's complaint No 12 of 03.02.2026")),
        error_messages={
            "required": _("State why you need the full personal data: the reason goes into the access log."),
            "min_length": _("State the reason in a few words (at least %(limit_value)d characters)."),
        },
    )
