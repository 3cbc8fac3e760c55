"""The API's JSON parser: DRF's, with limits. A body larger than ``settings.CNAP_API_MAX_BODY_BYTES``
or nested deeper than ``settings.CNAP_API_MAX_JSON_DEPTH`` is refused with a 400 in the one error
body (api/exceptions.py), before any of it reaches a serializer; a body nested so deep that Python's
parser gives up is refused the same way (never a RecursionError, never a 500)."""

from __future__ import annotations

import codecs
import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class BodyTooLarge(ParseError):
    default_code = "request_too_large"


class NestedTooDeep(ParseError):
    default_code = "request_too_deep"


def _depth(value) -> int:
    """How deep lists and objects nest in a parsed JSON value (iteratively: no recursion limit)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in node)
    return deepest


def _bracket_depth(text: str, limit: int) -> bool:
    """True if brackets outside strings nest deeper than ``limit`` (checked before parsing)."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.CNAP_API_MAX_BODY_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise BodyTooLarge(
                _("The request body is larger than %(limit)s bytes: send less at once.") % {"limit": limit}
            )
        try:
            text = codecs.getdecoder(encoding)(raw)[0]
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(_("The request body is not valid JSON.")) from exc
        max_depth = settings.CNAP_API_MAX_JSON_DEPTH
        too_deep = NestedTooDeep(
            _("The JSON is nested deeper than %(limit)s levels: no request here needs that.") % {"limit": max_depth}
        )
        if _bracket_depth(text, max_depth):
            raise too_deep
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except RecursionError as exc:
            raise too_deep from exc
        except ValueError as exc:
            raise ParseError(_("The request body is not valid JSON.")) from exc
        if _depth(data) > max_depth:
            raise too_deep
        return data


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")
