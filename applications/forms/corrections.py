"""Forms of the case page that complete and correct a registered case (applications/actions/corrections.py).
They read the posted values; the actions check them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cnap.forms import BoundedDateField, CleanTextMixin
from services.constants import DocumentKind

from ..constants import IdentityDocumentType, Sex
from .registration import DATE_FORMATS, MultipleFileField, MultipleFileInput

SELECT = {"class": "form-select form-select-sm"}
TEXT = {"class": "form-control form-control-sm"}


def _date():
    return BoundedDateField(
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date", **TEXT}, format="%Y-%m-%d"),
    )


class AddScansForm(forms.Form):
    document = forms.TypedChoiceField(label=_("For the document"), coerce=int, required=False, empty_value=None)
    files = MultipleFileField(
        label=_("Scans (PDF, JPEG, PNG)"),
        widget=MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png", **TEXT}),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.fields["document"].choices = [
            ("", _("not tied to a document")),
            *((document.pk, f"{document.order}. {document.name}") for document in application.documents.all()),
        ]
        self.fields["document"].widget.attrs.update(SELECT)

    def clean_document(self):
        pk = self.cleaned_data.get("document")
        return None if pk is None else self.application.documents.get(pk=pk)


class AddDocumentForm(CleanTextMixin, forms.Form):
    required_document = forms.TypedChoiceField(label=_("Document"), coerce=int, required=False, empty_value=None)
    name = forms.CharField(
        label=_("Name of another document"), max_length=500, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    kind = forms.ChoiceField(
        label=_("Original or copy"), choices=DocumentKind.choices, widget=forms.Select(attrs=SELECT)
    )
    copies = forms.IntegerField(
        label=_("Copies"), min_value=1, max_value=999, initial=1, widget=forms.NumberInput(attrs=TEXT)
    )
    sheets = forms.IntegerField(
        label=_("Sheets"), min_value=1, max_value=999, initial=1, widget=forms.NumberInput(attrs=TEXT)
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        on_case = {document.required_document_id for document in application.documents.all()}
        self.listed = {doc.pk: doc for doc in application.service_version.documents.all() if doc.pk not in on_case}
        self.fields["required_document"].choices = [
            ("", _("another document (type its name)")),
            *((doc.pk, doc.name) for doc in self.listed.values()),
        ]
        self.fields["required_document"].widget.attrs.update(SELECT)

    def clean_required_document(self):
        pk = self.cleaned_data.get("required_document")
        if pk is None:
            return None
        if pk not in self.listed:
            raise forms.ValidationError(_("This document is already on the case or not listed by the service."))
        return self.listed[pk]


class CorrectApplicantForm(CleanTextMixin, forms.Form):
    """The applicant's data of the case; the identifiers the case is keyed by are shown, not edited."""

    last_name = forms.CharField(label=_("Surname"), max_length=150, required=False, widget=forms.TextInput(attrs=TEXT))
    first_name = forms.CharField(
        label=_("First name"), max_length=150, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    patronymic = forms.CharField(
        label=_("Patronymic"), max_length=150, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    birth_date = _date()
    sex = forms.ChoiceField(
        label=_("Sex"), choices=[("", _("not chosen")), *Sex.choices], required=False, widget=forms.Select(attrs=SELECT)
    )
    document_type = forms.ChoiceField(
        label=_("Identity document"),
        choices=[("", _("not chosen")), *IdentityDocumentType.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    document_number = forms.CharField(
        label=_("Document number"), max_length=20, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    document_issued_by = forms.CharField(
        label=_("Issued by"), max_length=255, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    document_issued_on = _date()
    unzr = forms.CharField(label=_("UNZR"), max_length=14, required=False, widget=forms.TextInput(attrs=TEXT))
    name = forms.CharField(
        label=_("Name of the legal entity"), max_length=500, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    head_name = forms.CharField(label=_("Head"), max_length=255, required=False, widget=forms.TextInput(attrs=TEXT))
    address = forms.CharField(label=_("Address"), max_length=500, required=False, widget=forms.TextInput(attrs=TEXT))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False, widget=forms.TextInput(attrs=TEXT))
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False, widget=forms.TextInput(attrs=TEXT))
    reason = forms.CharField(
        label=_("Reason for the correction"), max_length=500, widget=forms.TextInput(attrs={"required": True, **TEXT})
    )
    update_register = forms.BooleanField(
        label=_("Correct the applicant's record in the register too"), required=False, initial=True
    )

    PERSON_FIELDS = (
        "last_name",
        "first_name",
        "patronymic",
        "birth_date",
        "sex",
        "document_type",
        "document_number",
        "document_issued_by",
        "document_issued_on",
        "unzr",
    )
    ENTITY_FIELDS = ("name", "head_name")
    CONTACT_FIELDS = ("address", "phone", "email")

    def applicant_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("reason", "update_register")}
