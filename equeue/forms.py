"""The head of the CNAP's settings of the queue: service groups, windows, opening hours."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cnap.forms import CleanTextMixin
from services.models import Service

from .constants import Weekday
from .models import ServiceGroup, Window


class ServiceGroupForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = ServiceGroup
        fields = [
            "office",
            "letter",
            "name",
            "services",
            "average_service_minutes",
            "target_wait_minutes",
            "calls_before_no_show",
            "position",
            "is_active",
        ]

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        self.fields["services"].queryset = (
            Service.objects.filter(offices__in=offices, is_active=True).distinct().order_by("local_code")
        )
        self.fields["services"].widget.attrs["size"] = 12

    def clean(self):
        cleaned = super().clean()
        office = cleaned.get("office")
        services = cleaned.get("services")
        if office is not None and services is not None:
            foreign = [s for s in services if not s.offices.filter(pk=office.pk).exists()]
            if foreign:
                self.add_error(
                    "services",
                    _("This office does not offer: %(codes)s.") % {"codes": ", ".join(s.local_code for s in foreign)},
                )
        return cleaned


class WindowForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Window
        fields = ["office", "number", "label", "groups", "is_active"]

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        self.fields["groups"].queryset = ServiceGroup.objects.filter(office__in=offices).select_related("office")
        self.fields["groups"].widget = forms.CheckboxSelectMultiple()
        self.fields["groups"].queryset = self.fields["groups"].queryset.order_by("office", "position", "letter")

    def clean(self):
        cleaned = super().clean()
        office = cleaned.get("office")
        groups = cleaned.get("groups")
        if office is not None and groups is not None and any(g.office_id != office.pk for g in groups):
            self.add_error("groups", _("A window serves the groups of its own office."))
        return cleaned


class OpeningHoursForm(forms.Form):
    """One weekday's hours; empty: the office does not receive visitors that day."""

    opens_at = forms.TimeField(label=_("opens at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label=_("closes at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    break_starts_at = forms.TimeField(
        label=_("break starts at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    break_ends_at = forms.TimeField(
        label=_("break ends at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def __init__(self, *args, weekday: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.weekday = weekday
        self.weekday_label = Weekday(weekday).label

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        starts, ends = cleaned.get("break_starts_at"), cleaned.get("break_ends_at")
        if (opens is None) != (closes is None):
            raise forms.ValidationError(_("Enter both the opening and the closing time, or neither."))
        if opens is not None and closes is not None and opens >= closes:
            raise forms.ValidationError(_("The office closes after it opens."))
        if (starts is None) != (ends is None):
            raise forms.ValidationError(_("A break has a start and an end."))
        if starts is not None and (opens is None or not (opens < starts < ends < closes)):
            raise forms.ValidationError(_("The break lies within the opening hours."))
        return cleaned
