"""One error body for every API error (its shape: cnap/core/errors.py, which also answers the API's
errors raised outside its views, such as an unknown URL under /api/):

    {"error": {"code": "<machine_code>", "message": "<Ukrainian message>", "fields": {"<field>": ["..."]}}}

`fields` is present (maybe empty) in every error; nested input gives dotted keys
(`applicant.rnokpp`, `documents.0.copies`). Django `ValidationError`s raised by actions become 400s
keyed the same way, `Http404` a 404, anything unexpected a logged 500 with no details."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback

from cnap.core.errors import error_body

from .parsers import BodyTooLarge, NestedTooDeep

logger = logging.getLogger(__name__)

CODES = {
    BodyTooLarge: "request_too_large",
    NestedTooDeep: "request_too_deep",
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "malformed_request",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def _messages() -> dict:
    return {
        "invalid": _("The request has errors: see the fields."),
        "malformed_request": _("The request body is not valid JSON."),
        "not_authenticated": _("A token of an integrating system is needed: «Authorization: Token <token>»."),
        "permission_denied": _("You may not do this."),
        "not_found": _("Not found."),
        "method_not_allowed": _("This method is not allowed here."),
        "not_acceptable": _("Only JSON is answered here."),
        "unsupported_media_type": _("Send the body as JSON (Content-Type: application/json)."),
        "server_error": _("Internal error. It has been logged; try again later."),
    }


def flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"dotted.field": [messages]}; errors not tied to a field go under
    "non_field_errors"."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in flatten(value, name).items():
                out.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if isinstance(item, dict | list):
                    for field, messages in flatten(item, f"{prefix}.{index}" if prefix else str(index)).items():
                        out.setdefault(field, []).extend(messages)
                else:
                    out.setdefault(prefix or "non_field_errors", []).append(str(item))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def _code(exc: exceptions.APIException) -> str:
    for cls in type(exc).__mro__:
        if cls in CODES:
            return CODES[cls]
    return str(exc.default_code or "error")


def handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if not isinstance(exc, exceptions.APIException):
        logger.exception("API error", exc_info=exc)
        set_rollback()
        return Response(
            error_body("server_error", _messages()["server_error"]), status=status.HTTP_500_INTERNAL_SERVER_ERROR
        )

    code = _code(exc)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    fields: dict = {}
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten(exc.detail)
        message = _messages()["invalid"]
    elif isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 0)
        message = _("Too many requests: try again in %(seconds)s s.") % {"seconds": wait}
    elif isinstance(exc, exceptions.AuthenticationFailed | exceptions.NotFound | exceptions.PermissionDenied) and (
        str(exc.detail) != str(exc.default_detail)
    ):
        message = str(exc.detail)  # our own, already translated message
    else:
        message = _messages().get(code, str(exc.detail))
    set_rollback()
    return Response(error_body(code, message, fields), status=exc.status_code, headers=headers)
