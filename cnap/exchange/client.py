"""Trembita / X-Road client: the request, the classification of answers and the retry rules of
docs/exchange.md (REST here, SOAP in :mod:`cnap.exchange.soap`).

:func:`lookup` makes exactly one HTTP attempt and never raises for network or registry problems: it returns a
:class:`LookupResult` whose ``kind`` is one of :data:`KINDS`. Retrying is the caller's job (the Celery task,
with a new message id per attempt); :func:`lookup_with_retries` does it for code outside Celery.

Deadline: every attempt has a budget (``timeouts.total_deadline`` or ``timeout_override``, whichever is
smaller). Besides the httpx timeouts (connect/read/write/pool clamped to the budget) the client's network
backend clamps every socket operation to the time left until the absolute deadline of the attempt, so a
server that trickles its answer byte by byte cannot hold the caller past the deadline either.

Thread safety: one ``httpx.Client`` per transport configuration is shared by all threads of the process
(connection reuse); the per-attempt deadline is thread-local.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import time
import uuid
from typing import Any
from urllib.parse import quote, urlencode

import httpx
from django.utils.crypto import salted_hmac

from .conf import DIALECT_UXP, DIALECT_XROAD_R1, PROTOCOL_REST, PROTOCOL_SOAP, get_config, split_identifier
from .results import (  # noqa: F401 - the client's public names (callers import them from here)
    GARBAGE,
    INCOMPATIBLE,
    KINDS,
    MESSAGES,
    NOT_FOUND,
    OK,
    PROVIDER_ERROR,
    REGISTRY_SAYS,
    RETRYABLE_PROVIDER_STATUSES,
    RETRYABLE_XROAD_ERRORS,
    TIMEOUT,
    TRANSPORT_ERROR,
    WRONG_SHAPE,
    LookupResult,
    describe,
    is_retryable_xroad_error,
    make_result,
    message_key,
    outcome,
)
from .shapes import shape_problem
from .transport import (  # noqa: F401
    BodyCutOff,
    HttpStatusError,
    close_http_clients,
    current_deadline,
    get_http_client,
    send_and_read,
)

USER_PSEUDONYM_LENGTH = 20  # hex characters after "UA": 80 bits


# ---------------------------------------------------------------------------------------------- helpers
def operator_pseudonym(user_id: str | int) -> str:
    """``UA`` + a keyed hash (HMAC-SHA256, SECRET_KEY) of the operator's id: stable, not reversible."""
    digest = salted_hmac("cnap.exchange.operator_pseudonym", str(user_id), algorithm="sha256").hexdigest()
    return "UA" + digest[:USER_PSEUDONYM_LENGTH].upper()


def encode_part(part: str) -> str:
    """Percent-encode one identifier part (``/ ? #``, spaces, non-ASCII...; ``_ - . ~`` are kept)."""
    return quote(part, safe="")


def encode_identifier(value: str | list[str] | tuple[str, ...]) -> str:
    return "/".join(encode_part(part) for part in split_identifier(value))


_HEADER_SAFE = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) != "%")


def encode_header_value(value: str) -> str:
    """Keep printable ASCII, percent-encode the rest (HTTP header values must be ASCII)."""
    return quote(str(value), safe=_HEADER_SAFE)


def request_fingerprint(registry: str, params: dict[str, str]) -> str:
    canonical = json.dumps([registry, sorted((str(k), str(v)) for k, v in params.items())], ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def build_request(
    config: dict[str, Any],
    registry: str,
    params: dict[str, str],
    *,
    issue: str,
    user_id: str | int,
    message_id: str,
) -> tuple[str, str, dict[str, str], bytes | None]:
    """``(method, url, headers, body)`` of one attempt, exactly as in docs/exchange.md §2."""
    try:
        service = config["services"][registry]
    except KeyError:
        raise ValueError(f"Unknown registry {registry!r}; configured: {sorted(config['services'])}") from None
    accepted = service["params"]
    unknown = set(params) - set(accepted)
    if unknown:
        raise ValueError(f"Registry {registry!r} does not accept parameters {sorted(unknown)}")
    wire_params = {accepted[name]: str(value) for name, value in params.items() if value not in (None, "")}
    if not wire_params:
        raise ValueError(f"Registry {registry!r} needs one of the parameters {sorted(accepted)}")

    method = str(service.get("method") or "GET").upper()
    path = quote(str(service.get("path") or ""), safe="/")
    query = ""
    body = None
    headers = {"Accept": "application/json"}
    if method in ("GET", "HEAD", "DELETE"):
        query = "?" + urlencode(wire_params, quote_via=quote, safe=":")
    else:
        body = json.dumps(wire_params, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json; charset=utf-8"

    base = config["ss_base_url"]
    client_id = encode_identifier(config["client"])
    service_id = encode_identifier(service["id"])
    pseudonym = operator_pseudonym(user_id)
    if config["dialect"] == DIALECT_XROAD_R1:
        url = f"{base}/r1/{service_id}{path}{query}"
        headers.update(
            {
                "X-Road-Client": client_id,
                "X-Road-Id": message_id,
                "X-Road-UserId": pseudonym,
                "X-Road-Issue": encode_header_value(issue),
            }
        )
    elif config["dialect"] == DIALECT_UXP:
        url = f"{base}/restapi{path}{query}"
        headers.update({"Uxp-Client": client_id, "Uxp-Service": service_id, "Uxp-QueryID": message_id})
        if service.get("purpose_id"):
            headers["Uxp-Purpose-Ids"] = encode_header_value(service["purpose_id"])
        for name in service.get("subject_id_params") or ():
            if params.get(name):
                headers["Uxp-Subject-Id"] = encode_header_value(params[name])
                break
        if config.get("uxp_user_header"):
            headers[config["uxp_user_header"]] = pseudonym
        if config.get("uxp_issue_header"):
            headers[config["uxp_issue_header"]] = encode_header_value(issue)
    else:  # validated in conf, kept for safety
        raise ValueError(f"Unknown dialect {config['dialect']!r}")
    return method, url, headers, body


# ---------------------------------------------------------------------------------------------- lookup
def lookup(
    registry: str,
    params: dict[str, str],
    *,
    issue: str,
    user_id: str | int,
    message_id: str | None = None,
    timeout_override: float | None = None,
    config: dict[str, Any] | None = None,
) -> LookupResult:
    """One attempt to ask ``registry`` (a key of ``TREMBITA['services']``) for ``params``.

    ``issue`` is the application number (``X-Road-Issue``), ``user_id`` the operator's id (sent only as
    :func:`operator_pseudonym`), ``message_id`` the ``X-Road-Id``/``Uxp-QueryID`` (a new uuid4 when
    omitted: pass a new one for every attempt), ``timeout_override`` the most seconds this attempt may take
    (the caller's remaining deadline). Raises ``ValueError`` only for programming errors (unknown
    registry or parameter).
    """
    config = config or get_config()
    message_id = message_id or str(uuid.uuid4())
    service = config["services"].get(registry)
    if service is None:
        raise ValueError(f"Unknown registry {registry!r}; configured: {sorted(config['services'])}")
    soap = service.get("protocol") == PROTOCOL_SOAP
    if soap:
        check_params(service, registry, params)
        headers: dict[str, str] = {}
        method, url, body = "POST", config["ss_base_url"] + str(config["soap"]["path"]), None
    else:
        method, url, headers, body = build_request(
            config, registry, params, issue=issue, user_id=user_id, message_id=message_id
        )
    timeouts = config["timeouts"]
    budget = float(timeouts["total_deadline"])
    if timeout_override is not None:
        budget = min(budget, float(timeout_override))
    budget = max(budget, 0.001)
    timeout = httpx.Timeout(
        connect=min(float(timeouts["connect"]), budget),
        read=min(float(timeouts["read"]), budget),
        write=min(float(timeouts["read"]), budget),
        pool=min(float(timeouts["connect"]), budget),
    )
    common = {
        "message_id": message_id,
        "registry": registry,
        "service_id": "/".join(split_identifier(service["id"])),
        "dialect": config["dialect"],
        "url": url,
        "request_fingerprint": request_fingerprint(registry, params),
        "protocol": PROTOCOL_SOAP if soap else PROTOCOL_REST,
    }
    started = time.monotonic()
    current_deadline.at = started + budget
    try:
        if soap:
            from . import soap as soap_dialect

            return soap_dialect.attempt(
                config,
                registry,
                params,
                issue=issue,
                user_id=operator_pseudonym(user_id),
                message_id=message_id,
                timeout=timeout,
                common=common,
                started=started,
            )
        http = get_http_client(config)
        request = http.build_request(method, url, headers=headers, content=body, timeout=timeout)
        response, content, too_big = send_and_read(http, request, int(config["max_response_bytes"]))
    except BodyCutOff as exc:
        return make_result(
            TRANSPORT_ERROR,
            started,
            common,
            error_type="TruncatedBody",
            http_status=exc.status,
            detail=str(exc)[:500],
            retryable=True,
        )
    except httpx.TimeoutException as exc:
        return make_result(TIMEOUT, started, common, error_type=type(exc).__name__, detail=str(exc), retryable=True)
    except httpx.TransportError as exc:
        return make_result(
            TRANSPORT_ERROR, started, common, error_type=type(exc).__name__, detail=str(exc), retryable=True
        )
    finally:
        current_deadline.at = None
    return _classify(response, content, too_big, started, common, service.get("response"))


def check_params(service: dict[str, Any], registry: str, params: dict[str, str]) -> None:
    accepted = service["params"]
    unknown = set(params) - set(accepted)
    if unknown:
        raise ValueError(f"Registry {registry!r} does not accept parameters {sorted(unknown)}")
    if not any(value not in (None, "") for value in params.values()):
        raise ValueError(f"Registry {registry!r} needs one of the parameters {sorted(accepted)}")


def _json_or_none(content: bytes) -> Any:
    try:
        return json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None


def _classify(
    response: httpx.Response,
    content: bytes,
    too_big: bool,
    started: float,
    common: dict[str, Any],
    shape: dict[str, Any] | None = None,
) -> LookupResult:
    headers = response.headers
    status = response.status_code
    meta = {
        "http_status": status,
        "request_id": headers.get("X-Road-Request-Id") or headers.get("uxp-transaction-id") or "",
        "request_hash": headers.get("X-Road-Request-Hash") or "",
    }
    error_type = headers.get("X-Road-Error") or headers.get("uxp-faultcode") or ""
    if error_type:  # the security server failed, not the registry (docs/exchange.md §4)
        data = _json_or_none(content)
        detail = headers.get("uxp-faultstring") or ""
        if isinstance(data, dict):
            detail = " ".join(str(data.get(k) or "") for k in ("message", "detail")).strip() or detail
        retryable = is_retryable_xroad_error(error_type)
        return make_result(
            TRANSPORT_ERROR,
            started,
            common,
            data=data if isinstance(data, (dict, list)) else None,
            error_type=error_type,
            detail=detail[:1000],
            retryable=retryable,
            **meta,
        )
    if 200 <= status < 300:
        data = None if too_big else _json_or_none(content)
        if isinstance(data, dict):
            problem = shape_problem(data, shape)
            if problem:
                return make_result(WRONG_SHAPE, started, common, error_type="WrongShape", detail=problem, **meta)
            return make_result(OK, started, common, data=data, **meta)
        detail = "response too large" if too_big else repr(content[:200])
        return make_result(GARBAGE, started, common, error_type="InvalidBody", detail=detail, **meta)
    data = _json_or_none(content)
    data = data if isinstance(data, (dict, list)) else None
    detail = ""
    if isinstance(data, dict):
        detail = str(data.get("message") or data.get("detail") or "")
    elif not too_big:
        detail = content[:200].decode("utf-8", "replace")
    if status == 404:
        return make_result(NOT_FOUND, started, common, data=data, detail=detail, **meta)
    return make_result(
        PROVIDER_ERROR,
        started,
        common,
        data=data,
        error_type=f"HTTP{status}",
        detail=detail[:1000],
        registry_message=detail[:500] if isinstance(data, dict) and status in (400, 409, 422) else "",
        retryable=status in RETRYABLE_PROVIDER_STATUSES,
        **meta,
    )


def backoff_delay(config: dict[str, Any], attempt: int, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based), with jitter."""
    backoff = list(config["retry"].get("backoff") or [0])
    base = float(backoff[min(attempt - 1, len(backoff) - 1)])
    jitter = float(config["retry"].get("jitter") or 0)
    return base * (1 + (rng or random).random() * jitter)


def retry_delay(
    config: dict[str, Any], attempt: int, since_first: float, rng: random.Random | None = None
) -> float | None:
    """Seconds to wait after failed attempt number ``attempt`` (1-based), ``since_first`` seconds after the
    first attempt started; ``None`` when the quick retries are over: the attempt cap (``retry.attempts``, 0 =
    none) is reached or the next try would start past ``retry.horizon``. The request is then left
    ``unavailable`` and the sweeper tries it again every ``retry.sweep_every`` seconds until
    ``retry.cutoff``."""
    retry = config["retry"]
    cap = int(retry.get("attempts") or 0)
    if cap and attempt >= cap:
        return None
    delay = backoff_delay(config, attempt, rng)
    horizon = float(retry.get("horizon") or 0)
    if horizon and since_first + delay > horizon:
        return None
    return delay


def lookup_with_retries(
    registry: str,
    params: dict[str, str],
    *,
    issue: str,
    user_id: str | int,
    attempts: int | None = None,
    deadline: float | None = None,
    config: dict[str, Any] | None = None,
    sleep=time.sleep,
) -> LookupResult:
    """:func:`lookup` repeated for retryable results (a new message id each time), within ``attempts``
    (default ``retry.attempts``) and the overall ``deadline`` in seconds (default
    ``timeouts.total_deadline``).

    Returns the last result; its ``attempts`` holds the earlier ones. For code outside Celery.
    """
    config = config or get_config()
    attempts = int(attempts or config["retry"]["attempts"] or 1000)  # 0 = no cap: the deadline bounds it
    total = float(deadline if deadline is not None else config["timeouts"]["total_deadline"])
    ends = time.monotonic() + total
    history: list[LookupResult] = []
    result = None
    for number in range(1, attempts + 1):
        left = ends - time.monotonic()
        if left <= 0:
            break
        result = lookup(registry, params, issue=issue, user_id=user_id, timeout_override=left, config=config)
        if not result.retryable or number == attempts:
            break
        pause = backoff_delay(config, number)
        if time.monotonic() + pause >= ends:
            break
        history.append(result)
        sleep(pause)
    if result is None:  # pragma: no cover - only with a non-positive deadline
        common = {"registry": registry, "dialect": config["dialect"]}
        return make_result(TIMEOUT, time.monotonic(), common, error_type="DeadlineExceeded", retryable=True)
    return dataclasses.replace(result, attempts=tuple(history))


# ---------------------------------------------------------------------------------------------- evidence
@dataclasses.dataclass(frozen=True)
class Evidence:
    """The signed ASiC container of one exchange, or why it could not be had."""

    ok: bool
    content: bytes = b""
    content_type: str = ""
    http_status: int | None = None
    error: str = ""
    url: str = ""


ASIC_CONTENT_TYPE = "application/vnd.etsi.asic-e+zip"


def evidence_url(config: dict[str, Any], message_id: str) -> str:
    """``/signature?queryId=…`` (UXP, Трембіта) or ``/asic?queryId=…`` (X-Road) on our own ШБО, with our
    client identity (the ШБО gives each client its own messages only)."""
    from .conf import client_parts

    path = "/signature" if config["dialect"] == DIALECT_UXP else "/asic"
    query = urlencode({"queryId": message_id, **client_parts(config)})
    return f"{config['ss_base_url']}{path}?{query}"


def fetch_evidence(message_id: str, *, config: dict[str, Any] | None = None) -> Evidence:
    """Download the ASiC container of the exchange ``message_id`` (never raises for network problems)."""
    config = config or get_config()
    url = evidence_url(config, message_id)
    budget = float(config["timeouts"]["total_deadline"])
    timeout = httpx.Timeout(float(config["timeouts"]["connect"]), read=min(float(config["timeouts"]["read"]), budget))
    http = get_http_client(config)
    current_deadline.at = time.monotonic() + budget
    try:
        request = http.build_request(
            "GET", url, headers={"Accept": f"{ASIC_CONTENT_TYPE}, application/zip"}, timeout=timeout
        )
        response, content, too_big = send_and_read(http, request, int(config["max_response_bytes"]))
    except (httpx.HTTPError, BodyCutOff) as exc:
        return Evidence(False, error=f"{type(exc).__name__}: {exc}"[:500], url=url)
    finally:
        current_deadline.at = None
    status = response.status_code
    if status != 200:
        text = content[:300].decode("utf-8", "replace")
        return Evidence(False, http_status=status, error=f"HTTP {status}: {text}", url=url)
    if too_big:
        return Evidence(False, http_status=status, error="the container is larger than max_response_bytes", url=url)
    if not content.startswith(b"PK\x03\x04"):
        return Evidence(False, http_status=status, error="the answer is not a ZIP (ASiC) container", url=url)
    content_type = response.headers.get("content-type", "").split(";")[0].strip() or ASIC_CONTENT_TYPE
    return Evidence(True, content=content, content_type=content_type, http_status=status, url=url)


# ---------------------------------------------------------------------------------------------- probe
def probe(*, config: dict[str, Any] | None = None, timeout: float = 5.0) -> dict[str, Any]:
    """Does our ШБО answer? One HTTP request within ``timeout`` seconds: the WSDL of a SOAP service when one is
    configured (it goes through the ШБО's own machinery), else its base address; any HTTP answer below 500
    counts. ``{"ok", "status", "elapsed_ms", "detail"}``, for /healthz."""
    config = config or get_config()
    from .wsdl import wsdl_url

    soap_services = [s for s in config["services"].values() if s.get("protocol") == PROTOCOL_SOAP]
    url = wsdl_url(config, soap_services[0]) if soap_services else config["ss_base_url"] + "/"
    http = get_http_client(config)
    started = time.monotonic()
    current_deadline.at = started + timeout
    try:
        request = http.build_request("GET", url, timeout=httpx.Timeout(timeout))
        response, _content, _too_big = send_and_read(http, request, int(config["max_response_bytes"]))
    except (httpx.HTTPError, BodyCutOff) as exc:
        elapsed = int((time.monotonic() - started) * 1000)
        return {"ok": False, "status": None, "elapsed_ms": elapsed, "detail": f"{type(exc).__name__}: {exc}"[:300]}
    finally:
        current_deadline.at = None
    elapsed = int((time.monotonic() - started) * 1000)
    ok = response.status_code < 500
    return {"ok": ok, "status": response.status_code, "elapsed_ms": elapsed, "detail": "" if ok else "HTTP error"}


__all__ = [
    "Evidence",
    "KINDS",
    "LookupResult",
    "MESSAGES",
    "build_request",
    "close_http_clients",
    "describe",
    "fetch_evidence",
    "probe",
    "retry_delay",
    "get_http_client",
    "lookup",
    "lookup_with_retries",
    "message_key",
    "operator_pseudonym",
    "outcome",
]
