"""A sandbox for templates written by staff (the decision templates of the catalog): Django's template
language reduced to a small allowed set of tags and filters, over plain values, with no loaders.

``include``, ``extends``, ``load``, ``ssi``, ``debug``, ``url``, ``csrf_token`` and every other tag or
filter not listed here are refused when the template is saved (:func:`validate_template`, with a
message naming what is not allowed) and cannot run when it is rendered (:func:`render_template`):
the engine knows no other tag, filter or library."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.template import Context, Engine, Library, TemplateSyntaxError, defaultfilters, defaulttags
from django.template.base import Lexer, TokenType
from django.utils.translation import gettext as _

__all__ = ["ALLOWED_FILTERS", "ALLOWED_TAGS", "render_template", "validate_template"]

#: Tags a template may use (and their closing/inner tags, which come with them).
ALLOWED_TAGS = ("if", "for", "with", "firstof", "now", "comment", "spaceless", "cycle")
_INNER_TAGS = {
    "elif",
    "else",
    "endif",
    "empty",
    "endfor",
    "endwith",
    "endcomment",
    "endspaceless",
}
#: Filters a template may use.
ALLOWED_FILTERS = (
    "add",
    "capfirst",
    "cut",
    "date",
    "default",
    "default_if_none",
    "first",
    "floatformat",
    "join",
    "last",
    "length",
    "lower",
    "slice",
    "stringformat",
    "title",
    "truncatechars",
    "truncatewords",
    "upper",
    "wordwrap",
    "yesno",
)
#: Refused with a message of their own: they reach outside the template.
_REACHING_OUT = {"include", "extends", "load", "ssi", "block", "debug", "url", "csrf_token", "templatetag"}

register = Library()
for _name in ALLOWED_TAGS:
    register.tag(_name, defaulttags.register.tags[_name])
for _name in ALLOWED_FILTERS:
    register.filter(_name, defaultfilters.register.filters[_name])


class _SandboxEngine(Engine):
    default_builtins = []  # not even Django's loader tags (include, extends, block)


_ENGINE = _SandboxEngine(builtins=[__name__], autoescape=False, libraries={}, loaders=[])
MAX_LENGTH = 20_000


def _bad_tags(text: str) -> list[str]:
    names = []
    for token in Lexer(text).tokenize():
        if token.token_type is TokenType.BLOCK:
            name = (token.contents.split() or [""])[0]
            if name not in ALLOWED_TAGS and name not in _INNER_TAGS and name not in names:
                names.append(name)
    return names


def validate_template(text: str) -> None:
    """Raise a ValidationError that says what is wrong with a staff-written template, or nothing."""
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            _("The template is too long (at most %(limit)s characters).") % {"limit": MAX_LENGTH}, code="too_long"
        )
    for name in _bad_tags(text):
        if name in _REACHING_OUT:
            message = _(
                "{%% %(tag)s %%} is not allowed in this template: it reaches outside the template "
                "(other templates, libraries or the data behind it). Allowed tags: %(tags)s."
            )
        else:
            message = _("The tag {%% %(tag)s %%} is not allowed in this template. Allowed tags: %(tags)s.")
        raise ValidationError(message % {"tag": name, "tags": ", ".join(ALLOWED_TAGS)}, code="tag_not_allowed")
    try:
        _ENGINE.from_string(text)
    except TemplateSyntaxError as exc:
        raise ValidationError(
            _("The template has an error: %(error)s. Allowed filters: %(filters)s.")
            % {"error": str(exc).rstrip("."), "filters": ", ".join(ALLOWED_FILTERS)},
            code="template_syntax",
        ) from exc


def render_template(text: str, context: dict) -> str:
    """Render a staff-written template over plain values. Raises ValidationError (never anything else)
    when the template is not one the sandbox allows or fails while rendering."""
    validate_template(text)
    try:
        return _ENGINE.from_string(text).render(Context(context, autoescape=False)).strip()
    except Exception as exc:  # noqa: BLE001 - a filter given an odd value must not break the caller
        raise ValidationError(_("The template could not be filled in: %(error)s.") % {"error": exc}) from exc
