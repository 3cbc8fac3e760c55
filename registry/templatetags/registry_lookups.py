"""The lookup panel's options, from the one declarative list of registry lookups."""

from django import template

from registry.selectors import lookup_options

register = template.Library()


@register.simple_tag(takes_context=True)
def registry_lookup_options(context, category=""):
    """``{% registry_lookup_options category as options %}``: the lookups offered for a service of
    ``category`` ("" before a service is chosen: all), each with its identifier and the value of the
    context's ``applicant`` (or ``application.applicant``)."""
    applicant = context.get("applicant") or getattr(context.get("application"), "applicant", None)
    return lookup_options(category=category or "", applicant=applicant)
