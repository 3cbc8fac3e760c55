"""Forms of the catalog pages (crispy, Bootstrap 5). They validate; the actions write."""

import django_filters
from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from cnap.accounts.models import Office
from cnap.workdays import TermUnit

from .actions import VERSION_FIELDS
from .catalog_fields import part_names
from .constants import (
    Channel,
    ChargeKind,
    DeliveryMethod,
    DocumentKind,
    FeeBase,
    FeeOption,
    FeeRounding,
    ServiceCategory,
    StageAction,
)
from .models import Provider, Service, ServiceVersion


class _NoFormTag(FormHelper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form_tag = False
        self.disable_csrf = True


class CatalogFilter(django_filters.FilterSet):
    """Only parses and validates the query string; `selectors.catalog_list` does the filtering."""

    q = django_filters.CharFilter(label=_("Search"), method="noop")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=ServiceCategory.choices, method="noop")
    provider = django_filters.ModelChoiceFilter(
        label=_("Provider"), queryset=Provider.objects.order_by("name"), method="noop"
    )
    office = django_filters.ModelChoiceFilter(
        label=_("Office"), queryset=Office.objects.filter(is_active=True), method="noop"
    )

    class Meta:
        model = Service
        fields = []

    def noop(self, queryset, name, value):
        return queryset


class ServiceForm(forms.ModelForm):
    """What identifies a service and where it is offered (not versioned)."""

    class Meta:
        model = Service
        fields = ["local_code", "national_id", "category", "provider", "offices", "is_active"]
        widgets = {"offices": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offices"].queryset = Office.objects.filter(is_active=True).select_related("hromada")
        self.helper = _NoFormTag()


class NewServiceForm(ServiceForm):
    """A new service: its identity plus what its first draft needs."""

    title = forms.CharField(label=_("Title"), max_length=500)
    term_value = forms.IntegerField(label=_("Term"), required=False, min_value=1)
    term_unit = forms.ChoiceField(label=_("Term unit"), choices=TermUnit.choices)

    class Meta(ServiceForm.Meta):
        fields = ["local_code", "national_id", "title", "category", "provider", "term_value", "term_unit", "offices"]


class VersionForm(forms.ModelForm):
    """The card fields of a draft."""

    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    result_delivery = forms.MultipleChoiceField(
        label=_("Ways to receive the result"),
        choices=DeliveryMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ServiceVersion
        fields = VERSION_FIELDS
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "late_filing_note": forms.Textarea(attrs={"rows": 2}),
            "documents_note": forms.Textarea(attrs={"rows": 2}),
            "result": forms.Textarea(attrs={"rows": 2}),
            "decision_template": forms.Textarea(attrs={"rows": 3}),
            "fee_note": forms.Textarea(attrs={"rows": 2}),
            "term_justification": forms.Textarea(attrs={"rows": 2}),
            "approval_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].required = False
        self.helper = _NoFormTag()

    def clean_sources(self):
        value = self.cleaned_data.get("sources") or {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise forms.ValidationError(_('Write the sources as an object: {"fees": "Law ..., art. ..."}.'))
        return value


class _RowForm(forms.Form):
    """One row of a draft's list; blank rows are ignored, ticked "delete" rows are dropped."""

    key_field = "name"  # a new row without it is a blank row, whatever its selects and ticks say

    order = forms.IntegerField(
        label=_("No."),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )

    def has_changed(self):
        if not self.initial:
            return bool(str(self.data.get(self.add_prefix(self.key_field)) or "").strip())
        return super().has_changed()

    def row(self) -> dict | None:
        data = getattr(self, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            return None
        if not self.initial and not self.has_changed():
            return None  # an extra row left blank
        return {key: value for key, value in data.items() if key != "DELETE"}


class DocumentRowForm(_RowForm):
    name = forms.CharField(label=_("Document"), max_length=500)
    kind = forms.ChoiceField(label=_("Original or copy"), choices=DocumentKind.choices)
    copies = forms.IntegerField(label=_("Copies"), min_value=1, initial=1)
    mandatory = forms.BooleanField(label=_("Mandatory"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class StageRowForm(_RowForm):
    name = forms.CharField(label=_("Stage"), max_length=500)
    responsible_position = forms.CharField(label=_("Responsible position"), max_length=300)
    unit = forms.CharField(label=_("Structural unit"), max_length=300, required=False)
    action = forms.ChoiceField(label=_("Action"), choices=StageAction.choices)
    duration = forms.IntegerField(label=_("Duration"), required=False, min_value=1)
    duration_unit = forms.ChoiceField(label=_("Duration unit"), choices=TermUnit.choices)

    def clean(self):
        data = super().clean()
        from cnap.workdays import validate_term

        if data.get("duration_unit") and "duration" not in self.errors:
            validate_term(data.get("duration"), data["duration_unit"], value_field="duration")
        return data


class RefusalGroundRowForm(_RowForm):
    key_field = "text"
    text = forms.CharField(label=_("Ground for refusal"), widget=forms.Textarea(attrs={"rows": 1}))
    citation = forms.CharField(label=_("Legal ground (act, article, part, point)"), max_length=500, required=False)


class FeeRowForm(_RowForm):
    key_field = "title"
    slot = forms.IntegerField(label=_("Payment No"), min_value=1, initial=1)
    option = forms.ChoiceField(label=_("Applies when"), choices=[("", _("always"))] + FeeOption.choices, required=False)
    charge_kind = forms.ChoiceField(label=_("Kind of charge"), choices=ChargeKind.choices)
    title = forms.CharField(label=_("Charge"), max_length=300)
    base = forms.ChoiceField(label=_("Base"), choices=FeeBase.choices)
    share = forms.DecimalField(label=_("Share"), required=False, max_digits=10, decimal_places=5, min_value=0)
    amount = forms.DecimalField(label=_("Amount, UAH"), required=False, max_digits=12, decimal_places=2, min_value=0)
    rounding = forms.ChoiceField(label=_("Rounding"), choices=FeeRounding.choices)
    prepaid = forms.BooleanField(label=_("Paid before filing"), required=False, initial=True)
    payee = forms.CharField(label=_("Payee"), max_length=300)
    payee_edrpou = forms.CharField(label=_("Payee's EDRPOU"), max_length=8)
    iban = forms.CharField(label=_("IBAN"), max_length=34)
    budget_code = forms.CharField(label=_("Budget code"), max_length=8, required=False)
    purpose = forms.CharField(label=_("Purpose of payment"), max_length=300, required=False)
    legal_source = forms.CharField(label=_("Legal source"), max_length=500)


class FeeExemptionRowForm(_RowForm):
    key_field = "title"
    title = forms.CharField(label=_("Who is exempt"), max_length=500)
    proving_document = forms.CharField(label=_("Proving document"), max_length=500)
    slots = forms.CharField(label=_("Payment Nos (empty: all)"), max_length=50, required=False)
    legal_source = forms.CharField(label=_("Legal source"), max_length=500)

    def clean_slots(self):
        raw = self.cleaned_data.get("slots") or ""
        if isinstance(raw, list):
            return raw
        try:
            return [int(part) for part in raw.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("Enter payment numbers separated by commas.")) from None


class _RowFormSet(forms.BaseFormSet):
    """No blank rows beside the existing ones (the page's "Add a row" button clones `empty_form`);
    one blank row only when the list is empty."""

    def __init__(self, *args, initial=None, **kwargs):
        super().__init__(*args, initial=initial, **kwargs)
        self.extra = 0 if initial else 1


def _formset(form_class):
    return forms.formset_factory(form_class, formset=_RowFormSet, extra=0, can_delete=True)


DocumentFormSet = _formset(DocumentRowForm)
StageFormSet = _formset(StageRowForm)
RefusalGroundFormSet = _formset(RefusalGroundRowForm)
FeeFormSet = _formset(FeeRowForm)
FeeExemptionFormSet = _formset(FeeExemptionRowForm)

PART_FORMSETS = {
    # related name -> (formset class, fields of a row: the catalog's one field list)
    "documents": (DocumentFormSet, part_names("documents")),
    "stages": (StageFormSet, part_names("stages")),
    "refusal_grounds": (RefusalGroundFormSet, part_names("refusal_grounds")),
    "fees": (FeeFormSet, part_names("fees")),
    "fee_exemptions": (FeeExemptionFormSet, part_names("fee_exemptions")),
}


def _initial(value):
    return ", ".join(str(v) for v in value) if isinstance(value, list) else value


def part_formsets(version: ServiceVersion, data=None) -> dict:
    formsets = {}
    for related_name, (formset_class, fields) in PART_FORMSETS.items():
        initial = [
            {"order": row.order, **{f: _initial(getattr(row, f)) for f in fields}}
            for row in getattr(version, related_name).all()
        ]
        formsets[related_name] = formset_class(data, initial=initial, prefix=related_name)
    return formsets


def formset_rows(formset) -> list[dict]:
    """The kept rows in their order (by the "No." column, then as listed)."""
    rows = [row for row in (form.row() for form in formset.forms) if row is not None]
    rows.sort(key=lambda row: row["order"] if row.get("order") is not None else 10_000)
    return [{**row, "order": position} for position, row in enumerate(rows, start=1)]


class PublishForm(forms.Form):
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _NoFormTag()


class CopyServiceForm(forms.Form):
    new_local_code = forms.CharField(label=_("Local code of the copy"), max_length=32)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _NoFormTag()
