from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def minutes(seconds) -> str:
    """Seconds as minutes with one decimal in the active language's format; a dash when not measured."""
    if seconds is None or seconds == "":
        return "—"
    return number_format(round(float(seconds) / 60, 1), 1)
