"""``{% submission_token %}``: the hidden one-time token of a state-changing form (cnap/core/submissions.py)."""

from django import template
from django.utils.html import format_html

from cnap.core.submissions import FIELD, new_token

register = template.Library()


@register.simple_tag
def submission_token(token=None):
    """A hidden input with `token` (re-rendering a posted form keeps its token) or a fresh one."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, token or new_token())
