"""Forms of the registration counter. They validate and hand dicts to the actions; they write nothing."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.actions.applicants import validate_applicant_data
from applications.constants import ApplicantKind, IdentityDocumentType
from cnap.forms import BoundedDateField, CleanTextMixin
from services.constants import Channel, DeliveryMethod, DocumentKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class RegistrationForm(CleanTextMixin, forms.Form):
    """The case itself: service (chosen by the type-ahead), channel, result, fee, scans, comment."""

    service = forms.IntegerField(widget=forms.HiddenInput, required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.IN_PERSON)
    result_delivery = forms.ChoiceField(
        label=_("Way to receive the result"), choices=DeliveryMethod.choices, initial=DeliveryMethod.IN_PERSON
    )
    late_filing = forms.BooleanField(label=_("Late filing (the higher fee applies)"), required=False)
    scans = MultipleFileField(
        label=_("Scans (PDF, JPEG, PNG)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"}),
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_service(self):
        service = self.cleaned_data.get("service")
        if not service:
            raise ValidationError(_("Choose the service."), code="required")
        return service


class _PartyForm(CleanTextMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Applicant is"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        widget=forms.RadioSelect,
    )
    last_name = forms.CharField(label=_("Surname"), max_length=150, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=150, required=False)
    birth_date = BoundedDateField(
        label=_("Date of birth"), required=False, widget=DATE_WIDGET, input_formats=DATE_FORMATS
    )
    rnokpp = forms.CharField(
        label=_("RNOKPP"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    no_rnokpp = forms.BooleanField(label=_("Refused the RNOKPP for religious reasons"), required=False)
    document_type = forms.ChoiceField(
        label=_("Identity document"),
        choices=[("", "—"), *IdentityDocumentType.choices],
        required=False,
    )
    document_number = forms.CharField(label=_("Document number"), max_length=20, required=False)
    unzr = forms.CharField(
        label=_("UNZR"),
        max_length=14,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "YYYYMMDD-NNNNC", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Name of the legal entity"), max_length=500, required=False)
    edrpou = forms.CharField(
        label=_("EDRPOU"), max_length=10, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    head_name = forms.CharField(label=_("Head"), max_length=255, required=False)
    address = forms.CharField(label=_("Address"), max_length=500, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)

    def applicant_data(self) -> dict:
        return dict(self.cleaned_data)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            validate_applicant_data(cleaned)
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return cleaned


class ApplicantForm(_PartyForm):
    consent = forms.BooleanField(label=_("Consents to the processing of personal data"), required=False)
    notify_by_email = forms.BooleanField(label=_("Notify by e-mail"), required=False)
    notify_by_sms = forms.BooleanField(label=_("Notify by SMS"), required=False)


class RepresentativeForm(_PartyForm):
    """A person acting for the applicant by a power of attorney; ignored unless `present` is ticked."""

    present = forms.BooleanField(label=_("Filed by a representative"), required=False)
    power_of_attorney_number = forms.CharField(label=_("Power of attorney number"), max_length=50, required=False)
    power_of_attorney_date = BoundedDateField(
        label=_("Power of attorney date"), required=False, widget=DATE_WIDGET, input_formats=DATE_FORMATS
    )
    power_of_attorney_issued_by = forms.CharField(
        label=_("Power of attorney issued by"), max_length=255, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = False

    @property
    def is_present(self) -> bool:
        return bool(self.is_bound and self.data.get(self.add_prefix("present")))

    def full_clean(self):
        if self.is_bound and not self.is_present:
            self._errors = forms.utils.ErrorDict()
            self.cleaned_data = {"present": False}
            return
        super().full_clean()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("power_of_attorney_number"):
            self.add_error(
                "power_of_attorney_number", _("A representative acts by a power of attorney: enter its number.")
            )
        return cleaned

    def applicant_data(self) -> dict:
        data = {key: value for key, value in self.cleaned_data.items() if not key.startswith("power_of_attorney")}
        data["kind"] = ApplicantKind.PERSON
        data.pop("present", None)
        return data


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_documents(post) -> tuple[list[dict], dict[int, dict], list[dict]]:
    """The checklist as posted: (lines for `register_application`, ticked required documents by pk
    with their values for re-rendering, extra rows for re-rendering).

    Required documents: `doc` (the ticked pks) with `doc_<pk>_kind`, `doc_<pk>_copies`, `doc_<pk>_sheets`;
    extra documents: parallel lists `extra_name`, `extra_kind`, `extra_copies`, `extra_sheets`.
    """
    lines: list[dict] = []
    ticked: dict[int, dict] = {}
    for raw in post.getlist("doc"):
        pk = _int_or_none(raw)
        if pk is None or pk in ticked:
            continue
        values = {
            "kind": post.get(f"doc_{pk}_kind") or "",
            "copies": post.get(f"doc_{pk}_copies") or "",
            "sheets": post.get(f"doc_{pk}_sheets") or "",
        }
        ticked[pk] = values
        lines.append({"required_document": pk, **values})
    extras = []
    names = post.getlist("extra_name")
    kinds = post.getlist("extra_kind")
    copies = post.getlist("extra_copies")
    sheets = post.getlist("extra_sheets")
    for index, name in enumerate(names):
        if not name.strip():
            continue
        row = {
            "name": name,
            "kind": kinds[index] if index < len(kinds) else DocumentKind.ORIGINAL,
            "copies": copies[index] if index < len(copies) else "1",
            "sheets": sheets[index] if index < len(sheets) else "1",
        }
        extras.append(row)
        lines.append({"required_document": None, **row})
    return lines, ticked, extras
