"""What one attempt of a registry lookup came to: its kind, whether it is worth another attempt, and the
message an administrator reads (translated; the key is stored so that it can be shown again in any language)."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from django.utils.translation import gettext_lazy

OK = "ok"
NOT_FOUND = "not_found"
TRANSPORT_ERROR = "transport_error"
PROVIDER_ERROR = "provider_error"
TIMEOUT = "timeout"
GARBAGE = "garbage"
WRONG_SHAPE = "wrong_shape"  # a readable answer without the data the service declares
INCOMPATIBLE = "incompatible"  # the service's WSDL no longer fits what we send
KINDS = (OK, NOT_FOUND, TRANSPORT_ERROR, PROVIDER_ERROR, TIMEOUT, GARBAGE, WRONG_SHAPE, INCOMPATIBLE)

#: X-Road error types (substrings) worth another attempt (docs/exchange.md §4).
RETRYABLE_XROAD_ERRORS = ("NetworkError", "ServiceFailed", "OutdatedGlobalConf", "DatabaseError", "Timeout")
#: Provider HTTP statuses worth another attempt.
RETRYABLE_PROVIDER_STATUSES = (502, 503, 504)


# ---------------------------------------------------------------------------------------------- messages
MESSAGES = {
    "ok": gettext_lazy("The registry returned the data."),
    "not_found": gettext_lazy("The registry has no record matching the data entered."),
    "timeout": gettext_lazy("The registry did not answer in time. Try again later."),
    "unavailable": gettext_lazy("The registry is temporarily unavailable. Try again later."),
    "gateway_down": gettext_lazy(
        "Cannot connect to the Trembita security server. Try again later; if it persists, "
        "contact the system administrator."
    ),
    "access_denied": gettext_lazy(
        "The registry refused access for our office. Contact the system administrator "
        "to check the access rights in Trembita."
    ),
    "unknown_service": gettext_lazy(
        "The registry service is not known to Trembita. Contact the system administrator to check the service settings."
    ),
    "bad_request": gettext_lazy("Trembita rejected the request as malformed. Contact the system administrator."),
    "gateway_error": gettext_lazy("Trembita reported an error. Contact the system administrator if it persists."),
    "invalid_input": gettext_lazy(
        "The registry rejected the request: the data entered is invalid. Check it and try again."
    ),
    "provider_failed": gettext_lazy(
        "The registry reported an internal error and did not process the request. If it repeats, "
        "the system administrator can report it to the registry's holder with the message id."
    ),
    "registry_error": gettext_lazy("The registry refused the request with an error of its own."),
    "provider_error": gettext_lazy("The registry returned an unexpected error. Contact the system administrator."),
    "garbage": gettext_lazy(
        "The registry returned a response that cannot be read. Try again later; if it persists, "
        "contact the system administrator."
    ),
    "unsafe_xml": gettext_lazy(
        "The registry's answer was refused as unsafe (an XML document with entity declarations or far too "
        "large). It was not used; contact the system administrator."
    ),
    "mismatch": gettext_lazy(
        "The answer does not belong to our request (its X-Road header differs from the one we sent). It was "
        "not used; contact the system administrator if it repeats."
    ),
    "wrong_shape": gettext_lazy(
        "The registry answered without the data it should contain. The answer was not used; contact the "
        "system administrator if it repeats."
    ),
    "cut_off": gettext_lazy("The registry's answer was cut off mid-way (the connection broke). Trying again."),
    "connection_lost": gettext_lazy(
        "The connection to the Trembita security server broke before an answer came. Try again later."
    ),
    "wsdl_incompatible": gettext_lazy(
        "The registry changed its service description (WSDL) so that our request no longer fits it. "
        "Contact the system administrator to update the service settings."
    ),
    "wsdl_invalid": gettext_lazy(
        "The registry's service description (WSDL) cannot be read. Contact the system administrator."
    ),
}

#: The registry's own words, appended to the message when it gave any.
REGISTRY_SAYS = gettext_lazy("The registry says: «%(text)s».")


def message_key(kind: str, error_type: str = "", http_status: int | None = None) -> str:
    """The key in :data:`MESSAGES` for a result (the UI can render it again in the active language)."""
    if kind in (OK, NOT_FOUND, TIMEOUT, WRONG_SHAPE):
        return kind
    if kind == GARBAGE:
        return {"InconsistentHeaders": "mismatch", "UnsafeXML": "unsafe_xml", "TooLarge": "unsafe_xml"}.get(
            error_type, "garbage"
        )
    if kind == INCOMPATIBLE:
        return "wsdl_incompatible" if error_type == "IncompatibleWsdl" else "wsdl_invalid"
    if kind == TRANSPORT_ERROR:
        if error_type == "TruncatedBody":
            return "cut_off"
        if http_status is None:  # no HTTP answer from our own security server at all
            if error_type in ("RemoteProtocolError", "ReadError", "WriteError"):
                return "connection_lost"
            return "gateway_down"
        if "AccessDenied" in error_type:
            return "access_denied"
        if "UnknownService" in error_type or "ServiceDisabled" in error_type:
            return "unknown_service"
        if error_type.startswith("Client."):
            return "bad_request"
        if any(name in error_type for name in RETRYABLE_XROAD_ERRORS):
            return "unavailable"
        return "gateway_error"
    if error_type.startswith("Business."):
        code = error_type.split(".", 1)[1].upper()
        if any(marker in code for marker in ("UNAVAILABLE", "TEMPORAR", "BUSY", "TIMEOUT", "TRY_LATER")):
            return "unavailable"
        if any(marker in code for marker in ("VALIDATION", "INVALID", "BAD_REQUEST", "BADREQUEST")):
            return "invalid_input"
        return "registry_error"
    if http_status in RETRYABLE_PROVIDER_STATUSES:
        return "unavailable"
    if http_status in (400, 422):
        return "invalid_input"
    if http_status is not None and http_status >= 500:
        return "provider_failed"
    return "provider_error"


def describe(kind: str, error_type: str = "", http_status: int | None = None):
    """A lazily translated administrator-facing message for a result."""
    return MESSAGES[message_key(kind, error_type, http_status)]


def outcome(result: LookupResult) -> str:
    """The final state of a request whose last attempt gave ``result`` (the values of
    ``registry.constants.RegistryRequestState``): ``succeeded``, ``not_found``, ``unavailable`` (a
    passing fault: try again later) or ``failed`` (needs a person: bad input, configuration, garbage)."""
    if result.kind == OK:
        return "succeeded"
    if result.kind == NOT_FOUND:
        return "not_found"
    return "unavailable" if result.retryable else "failed"


# ---------------------------------------------------------------------------------------------- result
@dataclasses.dataclass(frozen=True)
class LookupResult:
    kind: str
    data: Any = None  # ok: the JSON object; errors: the parsed error body if JSON, else None
    message: str = ""  # administrator-facing, translated into the active language
    error_type: str = ""  # X-Road-Error / uxp-faultcode, or the exception class name
    http_status: int | None = None
    message_id: str = ""  # X-Road-Id / Uxp-QueryID we sent
    request_id: str = ""  # X-Road-Request-Id / uxp-transaction-id from the security server
    request_hash: str = ""  # X-Road-Request-Hash / the SOAP header's requestHash
    registry_message: str = ""  # the registry's own words (a business fault, an error body), as received
    protocol: str = "rest"  # "rest" or "soap"
    elapsed_ms: int = 0
    retryable: bool = False
    detail: str = ""  # technical detail for the log (error message, X-Road error detail UUID)
    registry: str = ""
    service_id: str = ""
    dialect: str = ""
    url: str = ""
    request_fingerprint: str = ""  # sha256 of registry + parameters (for idempotency keys)
    attempts: tuple[LookupResult, ...] = ()  # lookup_with_retries: the earlier failed attempts

    @property
    def is_ok(self) -> bool:
        return self.kind == OK

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict (for storing with the request)."""
        result = dataclasses.asdict(self)
        result["message"] = str(self.message)
        result["attempts"] = [attempt.to_dict() for attempt in self.attempts]
        return result


def is_retryable_xroad_error(error_type: str) -> bool:
    return any(name in error_type for name in RETRYABLE_XROAD_ERRORS) and "AccessDenied" not in error_type


def make_result(kind: str, started: float, common: dict[str, Any], **fields: Any) -> LookupResult:
    message = str(describe(kind, fields.get("error_type", ""), fields.get("http_status")))
    if fields.get("registry_message") and kind == PROVIDER_ERROR:
        message = f"{message} {REGISTRY_SAYS % {'text': fields['registry_message']}}"
    return LookupResult(
        kind=kind,
        message=message,
        elapsed_ms=int((time.monotonic() - started) * 1000),
        **common,
        **fields,
    )
