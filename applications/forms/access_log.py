from django import forms
from django.utils.translation import gettext_lazy as _

from cnap.accounts.models import User
from cnap.forms import BoundedDateField
from cnap.security.models import PersonalDataAccessAction


class AccessLogFilterForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Staff member"), queryset=User.objects.none(), required=False)
    date_from = BoundedDateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = BoundedDateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", "—"), *PersonalDataAccessAction.choices], required=False
    )
    number = forms.CharField(label=_("Application number"), max_length=40, required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class",
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm",
            )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data
