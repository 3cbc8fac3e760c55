"""Small form helpers shared by the apps."""

from collections.abc import Iterable
from typing import cast

from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

NOT_CHOSEN = _("not chosen")


def empty_choices_in_words(form: forms.BaseForm, label=NOT_CHOSEN) -> None:
    """Replace Django's «---------» empty choice of every select of `form` with words."""
    dash = BLANK_CHOICE_DASH[0][1]
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field, forms.ModelMultipleChoiceField):
            if field.empty_label == dash:
                field.empty_label = label
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
            choices = list(cast(Iterable, field.choices))
            if choices and choices[0] == ("", dash):
                field.choices = [("", label), *choices[1:]]
