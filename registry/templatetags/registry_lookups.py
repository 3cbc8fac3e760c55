"""The lookup panel's options, from the one declarative list of registry lookups."""

from django import template

from registry.selectors import lookup_options

register = template.Library()


@register.simple_tag
def registry_lookup_options(category="", applicant=None):
    """``{% registry_lookup_options category applicant as options %}``: the lookups offered for a service of
    ``category`` ("" before a service is chosen: all), each with its identifier and the applicant's value."""
    return lookup_options(category=category or "", applicant=applicant)
