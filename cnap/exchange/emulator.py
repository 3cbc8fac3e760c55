"""A fake Trembita security server (ШБО) with the five registries behind it (docs/exchange.md §9).

Run it with ``manage.py registry_emulator --host 127.0.0.1 --port 8090``; tests use :func:`make_server` and
:func:`serve_in_thread`. Standard library only (``ThreadingHTTPServer``, HTTP/1.1 keep-alive): every request
has its own thread, so injected latency (a sleep in the handler thread) does not limit throughput.

Surface
-------
``/r1/{instance}/{class}/{member}/{subsystem}/{serviceCode}{path}?{query}``
    The X-Road REST dialect. ``X-Road-Client`` is required (3 or 4 percent-encoded parts), otherwise
    400 ``Client.BadRequest``. An unknown service gives 500 ``Server.ServerProxy.UnknownService``. Responses
    carry ``X-Road-Client``, ``X-Road-Service``, ``X-Road-Id`` (echoed, generated when absent),
    ``X-Road-Request-Id`` (a new uuid4) and ``X-Road-Request-Hash``; security-server errors also
    ``X-Road-Error`` and the JSON body ``{"type", "message", "detail"}``.
``/restapi{path}?{query}``
    The UXP (Trembita) dialect. ``Uxp-Client`` and ``Uxp-Service`` are required. Responses carry
    ``uxp-transaction-id``; security-server errors ``uxp-faultcode``/``uxp-faultstring`` and the same JSON.
``.../{subsystem}/listMethods``, ``/allowedMethods``, ``/getOpenAPI?serviceCode=X``
    PR-MREST metaservices (in the UXP dialect: ``Uxp-Service: {provider subsystem}/listMethods``).
``POST /`` (SOAP)
    X-Road message protocol 4.0 in SOAP 1.1 or 1.2: the header is validated (``client``, ``service`` with
    ``objectType="SERVICE"``, ``id``, ``protocolVersion`` 4.0; otherwise a ``Client.*`` SOAP Fault), the
    service is found by its identifier, the request element must be ``{namespace}{serviceCode}``; the answer
    echoes the header and adds ``requestHash`` (base64 SHA-512 of the request bytes) and the HTTP header
    ``uxp-transaction-id``. Registry errors are business faults inside ``…Response`` (``NOT_FOUND``,
    ``VALIDATION_ERROR``...); security-server errors are SOAP Faults (``Server.ServerProxy.*``).
``GET /wsdl?xRoadInstance=…&memberClass=…&memberCode=…&subsystemCode=…&serviceCode=…[&serviceVersion=…]``
    The WSDL of a service (see :mod:`cnap.exchange.emulator_soap`); 404 for an unknown one.
``GET /signature?queryId=…&xRoadInstance=…`` (UXP), ``GET /asic?queryId=…`` (X-Road)
    The ASiC-E container of the exchange with that message id (REST or SOAP; clearly unsigned); 404 for an
    unknown id, 400 without the client identity.
``/__emulator/faults``
    ``POST`` adds a rule ``{"latency_ms": 300, "fault": FAULT, "services": [...], "count": N}`` (all keys
    optional; ``services`` are registry keys, service ids or service codes; ``count`` limits the rule to the
    next N matching requests). Every matching rule adds its latency; the first matching rule with a fault
    decides the fault. ``GET`` lists the rules, ``DELETE`` removes them. Faults: ``network_error``,
    ``service_failed``, ``access_denied`` (security-server errors), ``provider_500``, ``provider_503``
    (the registry's own answers), ``garbage`` (200 with an HTML body), ``timeout`` (no answer for
    ``slow_seconds``), ``slow_body`` (headers at once, then the body a byte every 0.5 s), ``truncated`` (half
    the body, then the connection closed), ``drop_mid_body`` (half the body, then a reset), ``wrong_shape``
    (``{}`` / an empty SOAP response), ``business_error`` (a registry error: REST 409, a SOAP business fault),
    ``xml_garbage`` (well-formed XML that is no envelope), ``malformed_xml``, ``wrong_echo`` (an answer whose
    header ``id`` differs), ``xml_bomb`` (billion laughs), ``xxe`` (external entities), ``huge`` (12 MB),
    ``with_attachment`` (a good SOAP answer as SOAP-with-attachments: ``multipart/related``, one extra part).
    ``/wsdl`` takes ``wsdl_change`` (a compatible change), ``wsdl_incompatible`` (the request's elements
    renamed) and ``wsdl_unavailable``; the evidence download ``asic_unavailable``. A rule applies only to
    the kind of request its fault belongs to; latency-only rules apply to lookups.
``/__emulator/log``
    ``GET`` the message log (oldest first; an entry is added when a request arrives and gets its ``status``
    when it is answered, ``null`` until then), ``DELETE`` clears it.
``/__emulator/health``
    ``{"status": "ok"}``.

Magic inputs: an РНОКПП, ЄДРПОУ or cadastral number ending ``0000`` → 404 from the registry,
``9999`` → 500 ``Server.ServerProxy.NetworkError``, ``8888`` → no answer for ``slow_seconds`` (40 s by
default, cut short when the server shuts down), then the normal answer.

Request hash
------------
``X-Road-Request-Hash`` (both dialects) = base64(SHA-512(SHA-512(canonical headers) + SHA-512(body))), or
base64(SHA-512(SHA-512(canonical headers))) when the request has no body, where *canonical headers* is
UTF-8 of ``"{METHOD} {raw path and query}\\n"`` followed by ``"{name}:{value}\\n"`` for every request header
whose lower-cased name starts with ``x-road-`` or ``uxp-``, names lower-cased, values stripped, sorted by
name then value (see :func:`request_hash`).
"""

from __future__ import annotations

import base64
import collections
import datetime
import hashlib
import json
import socket
import ssl
import struct
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from . import emulator_data, emulator_soap
from .conf import split_identifier

#: Faults of a lookup (REST or SOAP).
LOOKUP_FAULTS = (
    "network_error",
    "service_failed",
    "access_denied",
    "provider_500",
    "provider_503",
    "garbage",
    "timeout",
    "slow_body",
    "truncated",
    "drop_mid_body",
    "wrong_shape",
    "business_error",
    "xml_garbage",
    "malformed_xml",
    "wrong_echo",
    "xml_bomb",
    "xxe",
    "huge",
    "with_attachment",
)
#: Faults of ``GET /wsdl`` and of the signed-evidence download.
WSDL_FAULTS = ("wsdl_change", "wsdl_incompatible", "wsdl_unavailable")
EVIDENCE_FAULTS = ("asic_unavailable",)
FAULTS = LOOKUP_FAULTS + WSDL_FAULTS + EVIDENCE_FAULTS
SCOPES = {"lookup": LOOKUP_FAULTS, "wsdl": WSDL_FAULTS, "evidence": EVIDENCE_FAULTS}
HUGE_BYTES = 12 * 1024 * 1024
METASERVICES = ("listMethods", "allowedMethods", "getOpenAPI")
SS_ERRORS = {
    "network_error": ("Server.ServerProxy.NetworkError", "Connect to the provider information system failed"),
    "service_failed": ("Server.ServerProxy.ServiceFailed", "The provider information system failed"),
    "access_denied": ("Server.ServerProxy.AccessDenied", "Request is not allowed for the client"),
}
GARBAGE_BODY = b"<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"
XML_GARBAGE_BODY = b'<?xml version="1.0" encoding="UTF-8"?><status><code>OK</code><text>accepted</text></status>'
MALFORMED_XML_BODY = (
    b'<?xml version="1.0"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">'
    b"<SOAP-ENV:Body><answer><surname>\xd0\x9a\xd0\xbe</answer>"
)
BUSINESS_ERROR_TEXT = "Запит не може бути виконано: запис реєстру заблоковано для змін"
#: Faults that change how the body is written (headers first, then the body broken off or trickled).
BODY_MODES = ("slow_body", "truncated", "drop_mid_body")
MODE_HEADER = "X-Emulator-Mode"


def request_hash(method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> str:
    """The emulator's ``X-Road-Request-Hash`` of a request (see the module docstring)."""
    selected = sorted(
        (name.lower(), value.strip()) for name, value in headers if name.lower().startswith(("x-road-", "uxp-"))
    )
    canonical = f"{method} {target}\n" + "".join(f"{name}:{value}\n" for name, value in selected)
    digest = hashlib.sha512(canonical.encode()).digest()
    combined = digest + hashlib.sha512(body).digest() if body else digest
    return base64.b64encode(hashlib.sha512(combined).digest()).decode()


class EmulatorState:
    def __init__(self, services: dict[str, dict[str, Any]], slow_seconds: float, log_size: int) -> None:
        self.services = {}
        for key, service in services.items():
            parts = split_identifier(service["id"])
            self.services[key] = {**service, "key": key, "parts": parts, "id_text": "/".join(parts)}
        self.slow_seconds = slow_seconds
        self.log: collections.deque = collections.deque(maxlen=log_size)
        self.rules: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.next_rule_id = 1
        #: message id → (request, response) of recent exchanges: the signed-evidence download serves them.
        self.exchanges: collections.OrderedDict[str, tuple[bytes, bytes]] = collections.OrderedDict()
        self.exchanges_size = log_size

    def keep_exchange(self, message_id: str, request: bytes, response: bytes) -> None:
        if not message_id:
            return
        with self.lock:
            self.exchanges[message_id] = (request, response)
            while len(self.exchanges) > self.exchanges_size:
                self.exchanges.popitem(last=False)

    # faults -----------------------------------------------------------------------------------------
    def add_rule(self, payload: dict[str, Any]) -> dict[str, Any]:
        fault = payload.get("fault") or ""
        if fault and fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        latency = float(payload.get("latency_ms") or 0)
        count = payload.get("count")
        if count is not None and (not isinstance(count, int) or count < 1):
            raise ValueError("count must be a positive integer")
        services = payload.get("services") or []
        if not isinstance(services, list):
            raise ValueError("services must be a list")
        with self.lock:
            rule = {
                "id": self.next_rule_id,
                "latency_ms": latency,
                "fault": fault,
                "services": [str(s) for s in services],
                "count": count,
                "remaining": count,
            }
            self.next_rule_id += 1
            self.rules.append(rule)
            return dict(rule)

    def take_rules(self, service: dict[str, Any] | None, scope: str = "lookup") -> tuple[float, str]:
        """Apply the matching rules to one request: ``(latency in seconds, fault)``. Rules whose fault belongs
        to another kind of request (``scope``: ``lookup``, ``wsdl``, ``evidence``) are left for it; rules with
        latency only apply to lookups."""
        names = set()
        if service:
            names = {service["key"], service["id_text"], service["parts"][-1], service["parts"][-2]}
        latency = 0.0
        fault = ""
        with self.lock:
            for rule in list(self.rules):
                if rule["services"] and not names.intersection(rule["services"]):
                    continue
                if (rule["fault"] and rule["fault"] not in SCOPES[scope]) or (not rule["fault"] and scope != "lookup"):
                    continue
                latency += rule["latency_ms"] / 1000
                if rule["fault"] and not fault:
                    fault = rule["fault"]
                if rule["remaining"] is not None:
                    rule["remaining"] -= 1
                    if rule["remaining"] <= 0:
                        self.rules.remove(rule)
        return latency, fault

    # services ---------------------------------------------------------------------------------------
    def service_by_parts(self, parts: list[str]) -> tuple[dict[str, Any] | None, int]:
        best = None
        for service in self.services.values():
            size = len(service["parts"])
            if tuple(parts[:size]) == service["parts"] and (best is None or size > len(best["parts"])):
                best = service
        return best, (len(best["parts"]) if best else 0)

    def service_by_id(self, parts: tuple[str, ...]) -> dict[str, Any] | None:
        for service in self.services.values():
            if service["parts"] == parts:
                return service
        return None

    def provider_services(self, provider: tuple[str, ...]) -> list[dict[str, Any]]:
        return [s for s in self.services.values() if s["parts"][:-1] == provider]


class _Reply(Exception):  # noqa: N818 - control flow inside the handler
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


class EmulatorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms delayed-ACK stall
    server_version = "cnap-trembita-emulator/1"
    sys_version = ""
    state: EmulatorState  # set on the server subclass

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            self.request.do_handshake()
            self.request.settimeout(None)
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep the console quiet
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    def do_GET(self) -> None:  # noqa: N802
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    # ------------------------------------------------------------------------------------------- entry
    def _handle(self) -> None:
        state: EmulatorState = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        self.raw_path = split.path
        self.query = split.query
        self.record = {
            "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "dialect": "",
            "method": self.command,
            "path": self.raw_path,
            "query": self.query,
            "headers": self._headers_dict(),
            "status": None,
            "message_id": "",
            "client": "",
            "service": "",
            "registry": "",
            "issue": "",
            "user_id": "",
            "request_id": "",
            "request_hash": "",
        }
        try:
            if self.raw_path.startswith("/__emulator/"):
                self._control(state)
                return
            if self.raw_path == "/r1" or self.raw_path.startswith("/r1/"):
                self._xroad(state)
            elif self.raw_path == "/restapi" or self.raw_path.startswith("/restapi/"):
                self._uxp(state)
            elif self.raw_path == "/" and self.command == "POST":
                self._soap(state)
            elif self.raw_path == "/wsdl" and self.command == "GET":
                self._wsdl(state)
            elif self.raw_path in ("/signature", "/asic") and self.command == "GET":
                self._evidence(state)
            else:
                self._send(404, {"type": "NotFound", "message": f"No such endpoint: {self.raw_path}"})
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (its timeout)
            self.close_connection = True

    def _headers_dict(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for name, value in self.headers.items():
            result[name] = f"{result[name]}, {value}" if name in result else value
        return result

    # ------------------------------------------------------------------------------------------- control
    def _control(self, state: EmulatorState) -> None:
        path = self.raw_path.rstrip("/")
        if path == "/__emulator/health":
            self._send(200, {"status": "ok", "services": sorted(state.services)})
        elif path == "/__emulator/log":
            if self.command == "DELETE":
                with state.lock:
                    state.log.clear()
                self._send(200, {"cleared": True})
            else:
                with state.lock:
                    entries = [dict(entry) for entry in state.log]
                self._send(200, entries)
        elif path == "/__emulator/faults":
            if self.command == "POST":
                try:
                    payload = json.loads(self.body or b"{}")
                    if not isinstance(payload, dict):
                        raise ValueError("expected a JSON object")
                    rule = state.add_rule(payload)
                except ValueError as exc:
                    self._send(400, {"error": str(exc)})
                    return
                self._send(201, rule)
            elif self.command == "DELETE":
                with state.lock:
                    state.rules.clear()
                self._send(200, {"rules": []})
            else:
                with state.lock:
                    rules = [dict(rule) for rule in state.rules]
                self._send(200, {"rules": rules, "faults": list(FAULTS)})
        else:
            self._send(404, {"error": "unknown control endpoint"})

    # ------------------------------------------------------------------------------------------- dialects
    def _xroad(self, state: EmulatorState) -> None:
        record = self.record
        record["dialect"] = "xroad-r1"
        record["message_id"] = self.headers.get("X-Road-Id") or str(uuid.uuid4())
        record["issue"] = unquote(self.headers.get("X-Road-Issue") or "")
        record["user_id"] = self.headers.get("X-Road-UserId") or ""
        client_header = self.headers.get("X-Road-Client") or ""
        record["client"] = client_header
        self._log_start(state)
        extra = {"X-Road-Id": record["message_id"], "X-Road-Request-Id": str(uuid.uuid4())}
        if client_header:
            extra["X-Road-Client"] = client_header
        record["request_id"] = extra["X-Road-Request-Id"]
        self._hash(extra)
        try:
            client_parts = [unquote(p) for p in client_header.split("/")] if client_header else []
            if len(client_parts) not in (3, 4) or not all(client_parts):
                raise self._ss_error("Client.BadRequest", "X-Road-Client header is missing or malformed", 400)
            raw_parts = self.raw_path[len("/r1/") :].split("/")
            parts = [unquote(p) for p in raw_parts]
            service, size = state.service_by_parts(parts)
            if service is None:
                meta_at = next((i for i in (4, 3) if len(parts) > i and parts[i] in METASERVICES), None)
                if meta_at is not None and len(parts) == meta_at + 1:
                    record["service"] = "/".join(parts)
                    self._metaservice(state, tuple(parts[:meta_at]), parts[meta_at], "r1")
                if len(parts) < 4:
                    raise self._ss_error("Client.BadRequest", "Malformed service identifier in the URL", 400)
                raise self._ss_error("Server.ServerProxy.UnknownService", "Unknown service: " + "/".join(parts))
            record["service"] = service["id_text"]
            extra["X-Road-Service"] = "/".join(raw_parts[:size])
            rest = "/" + "/".join(raw_parts[size:]) if len(raw_parts) > size else ""
            self._registry(state, service, unquote(rest))
        except _Reply as reply:
            self._reply(reply, extra)

    def _uxp(self, state: EmulatorState) -> None:
        record = self.record
        record["dialect"] = "uxp"
        record["message_id"] = self.headers.get("Uxp-QueryID") or ""
        record["issue"] = unquote(self.headers.get("Uxp-Issue") or "")
        record["user_id"] = self.headers.get("Uxp-UserId") or ""
        client_header = self.headers.get("Uxp-Client") or ""
        service_header = self.headers.get("Uxp-Service") or ""
        record["client"] = client_header
        record["service"] = unquote(service_header)
        self._log_start(state)
        extra = {"uxp-transaction-id": str(uuid.uuid4())}
        record["request_id"] = extra["uxp-transaction-id"]
        self._hash(extra)
        try:
            client_parts = [unquote(p) for p in client_header.split("/")] if client_header else []
            if len(client_parts) not in (3, 4) or not all(client_parts):
                raise self._ss_error("Client.BadRequest", "Uxp-Client header is missing or malformed", 400)
            if not service_header:
                raise self._ss_error("Client.BadRequest", "Uxp-Service header is missing", 400)
            parts = tuple(unquote(p) for p in service_header.split("/"))
            if parts[-1] in METASERVICES and len(parts) in (4, 5):
                self._metaservice(state, parts[:-1], parts[-1], "uxp")
            service = state.service_by_id(parts)
            if service is None:
                raise self._ss_error("Server.ServerProxy.UnknownService", "Unknown service: " + "/".join(parts))
            self._registry(state, service, unquote(self.raw_path[len("/restapi") :]))
        except _Reply as reply:
            self._reply(reply, extra)

    def _log_start(self, state: EmulatorState) -> None:
        """Log the request when it arrives (``status`` is ``None`` until it is answered), so a request that
        is still waiting when the log is cleared does not show up in the new log later."""
        with state.lock:
            state.log.append(self.record)

    def _hash(self, extra: dict[str, str]) -> None:
        target = self.raw_path + (f"?{self.query}" if self.query else "")
        value = request_hash(self.command, target, list(self.headers.items()), self.body)
        extra["X-Road-Request-Hash"] = value
        self.record["request_hash"] = value

    def _ss_error(self, error_type: str, message: str, status: int = 500) -> _Reply:
        body = {"type": error_type, "message": message, "detail": str(uuid.uuid4())}
        if self.record["dialect"] == "uxp":
            headers = {"uxp-faultcode": error_type, "uxp-faultstring": message}
        else:
            headers = {"X-Road-Error": error_type}
        return _Reply(status, body, headers)

    # ------------------------------------------------------------------------------------------- registries
    def _registry(self, state: EmulatorState, service: dict[str, Any], path: str) -> None:
        record = self.record
        record["registry"] = service["key"]
        latency, fault = state.take_rules(service)
        if latency:
            state.stopping.wait(latency)
        if fault in SS_ERRORS:
            raise self._ss_error(*SS_ERRORS[fault])
        if fault == "provider_500":
            raise _Reply(500, {"code": "INTERNAL_ERROR", "message": "Внутрішня помилка реєстру"})
        if fault == "provider_503":
            raise _Reply(503, {"code": "UNAVAILABLE", "message": "Реєстр тимчасово недоступний"})
        if fault in ("garbage", "xml_garbage", "malformed_xml"):
            raise _Reply(200, GARBAGE_BODY, {"Content-Type": "text/html; charset=utf-8"})
        if fault == "business_error":
            raise _Reply(409, {"code": "REGISTRY_ERROR", "message": BUSINESS_ERROR_TEXT})
        if fault == "huge":
            raise _Reply(200, b'{"padding": "' + b"x" * HUGE_BYTES + b'"}', {"Content-Type": "application/json"})
        if fault == "timeout":
            state.stopping.wait(state.slow_seconds)
        if path != (service.get("path") or ""):
            raise _Reply(404, {"code": "NOT_FOUND", "message": f"Немає такого ресурсу: {path}"})
        if self.command != str(service.get("method") or "GET").upper():
            raise _Reply(405, {"code": "METHOD_NOT_ALLOWED", "message": f"Метод {self.command} не підтримується"})
        wire_to_ours = {wire: ours for ours, wire in (service.get("params") or {}).items()}
        if self.command in ("GET", "HEAD", "DELETE"):
            wire = dict(parse_qsl(self.query, keep_blank_values=True))
        else:
            try:
                wire = json.loads(self.body or b"{}")
            except ValueError:
                raise _Reply(400, {"code": "BAD_REQUEST", "message": "Тіло запиту не є JSON"}) from None
            wire = {str(k): str(v) for k, v in wire.items()} if isinstance(wire, dict) else {}
        params = {wire_to_ours[name]: value for name, value in wire.items() if name in wire_to_ours}
        special = emulator_data.magic(params)
        if special == "not_found":
            raise _Reply(404, {"code": "NOT_FOUND", "message": "Відомостей не знайдено"})
        if special == "network_error":
            raise self._ss_error(*SS_ERRORS["network_error"])
        if special == "slow":
            state.stopping.wait(state.slow_seconds)
        handler = emulator_data.HANDLERS.get(service["key"])
        if handler is None:
            raise _Reply(501, {"code": "NOT_IMPLEMENTED", "message": "The emulator has no data for this service"})
        try:
            data = handler(params)
        except emulator_data.ProviderAnswer as answer:
            raise _Reply(answer.status, answer.body) from None
        if fault == "wrong_shape":
            data = {}
        if fault in BODY_MODES:
            raise _Reply(200, data, {MODE_HEADER: fault})
        raise _Reply(200, data)

    # ------------------------------------------------------------------------------------------- SOAP
    def _soap(self, state: EmulatorState) -> None:
        record = self.record
        record["dialect"] = "soap"
        record["body"] = self.body.decode("utf-8", "replace")  # the envelope as received (tests check it)
        extra = {"uxp-transaction-id": str(uuid.uuid4())}
        record["request_id"] = extra["uxp-transaction-id"]
        record["request_hash"] = emulator_soap.request_hash(self.body)
        try:
            info = emulator_soap.read_request(self.body)
        except emulator_soap.SoapRequestError as exc:
            self._log_start(state)
            version = "1.2" if emulator_soap.SOAP12_NS.encode() in self.body[:4000] else "1.1"
            self._reply(self._soap_fault(version, exc.code, exc.message, 500), extra)
            return
        record.update(
            message_id=info["message_id"],
            issue=info["issue"],
            user_id=info["user_id"],
            client="/".join(info["client"]),
            service="/".join(info["service"]),
            soap_version=info["version"],
            soap_action=self.headers.get("SOAPAction"),
            operation=info["operation"],
            params=info["params"],
        )
        self._log_start(state)
        try:
            self._soap_registry(state, info)
        except _Reply as reply:
            self._reply(reply, extra)

    def _soap_fault(self, version: str, code: str, message: str, status: int = 500) -> _Reply:
        body = emulator_soap.fault_envelope(version, code, message, str(uuid.uuid4()))
        return _Reply(status, body, {"Content-Type": emulator_soap.content_type(version)})

    def _soap_registry(self, state: EmulatorState, info: dict[str, Any]) -> None:
        version = info["version"]
        service = state.service_by_id(tuple(info["service"]))
        if service is None:
            raise self._soap_fault(
                version, "Server.ServerProxy.UnknownService", "Unknown service: " + "/".join(info["service"])
            )
        self.record["registry"] = service["key"]
        if info["operation"] != emulator_soap.operation_of(service) or info["namespace"] != emulator_soap.namespace_of(
            service
        ):
            raise self._soap_fault(
                version,
                "Server.ServerProxy.ServiceFailed.InvalidBody",
                f"The request element must be {{{emulator_soap.namespace_of(service)}}}"
                f"{emulator_soap.operation_of(service)}",
            )
        latency, fault = state.take_rules(service)
        if latency:
            state.stopping.wait(latency)
        if fault in SS_ERRORS:
            raise self._soap_fault(version, *SS_ERRORS[fault])
        headers = {"Content-Type": emulator_soap.content_type(version)}
        raw = {
            "garbage": (GARBAGE_BODY, "text/html; charset=utf-8"),
            "xml_garbage": (XML_GARBAGE_BODY, "text/xml; charset=utf-8"),
            "malformed_xml": (MALFORMED_XML_BODY, "text/xml; charset=utf-8"),
            "xml_bomb": (emulator_soap.BILLION_LAUGHS, "text/xml; charset=utf-8"),
            "xxe": (emulator_soap.XXE, "text/xml; charset=utf-8"),
        }
        if fault in raw:
            raise _Reply(200, raw[fault][0], {"Content-Type": raw[fault][1]})
        if fault == "huge":
            padding = b"<pad>" + b"x" * HUGE_BYTES + b"</pad>"
            body = emulator_soap.response_envelope(info, service, self.body, data={})
            raise _Reply(200, body.replace(b"</SOAP-ENV:Body>", padding + b"</SOAP-ENV:Body>"), headers)
        if fault == "provider_500":
            raise self._soap_fault(version, "Server", "Внутрішня помилка реєстру")

        def answer(**kwargs) -> _Reply:
            body = emulator_soap.response_envelope(info, service, self.body, wrong_echo=fault == "wrong_echo", **kwargs)
            return _Reply(200, body, {**headers, **({MODE_HEADER: fault} if fault in BODY_MODES else {})})

        if fault == "provider_503":
            raise answer(business_fault=("SERVICE_UNAVAILABLE", "Реєстр тимчасово недоступний"))
        if fault == "business_error":
            raise answer(business_fault=("REGISTRY_ERROR", BUSINESS_ERROR_TEXT))
        if fault == "timeout":
            state.stopping.wait(state.slow_seconds)
        wire_to_ours = {wire: ours for ours, wire in (service.get("params") or {}).items()}
        params = {wire_to_ours[name]: value for name, value in info["params"].items() if name in wire_to_ours}
        special = emulator_data.magic(params)
        if special == "not_found":
            raise answer(business_fault=("NOT_FOUND", "Відомостей не знайдено"))
        if special == "network_error":
            raise self._soap_fault(version, *SS_ERRORS["network_error"])
        if special == "slow":
            state.stopping.wait(state.slow_seconds)
        handler = emulator_data.HANDLERS.get(service["key"])
        if handler is None:
            raise self._soap_fault(version, "Server", "The emulator has no data for this service")
        try:
            data = handler(params)
        except emulator_data.ProviderAnswer as provider:
            code = "NOT_FOUND" if provider.status == 404 else str(provider.body.get("code") or "VALIDATION_ERROR")
            raise answer(business_fault=(code, str(provider.body.get("message") or ""))) from None
        if fault == "with_attachment":
            envelope = emulator_soap.response_envelope(info, service, self.body, data=data)
            body, content_type = emulator_soap.with_attachment(envelope, version)
            raise _Reply(200, body, {"Content-Type": content_type})
        raise answer(data={} if fault == "wrong_shape" else data)

    def _wsdl(self, state: EmulatorState) -> None:
        query = dict(parse_qsl(self.query))
        names = ("xRoadInstance", "memberClass", "memberCode", "subsystemCode", "serviceCode", "serviceVersion")
        parts = tuple(query[name] for name in names if query.get(name))
        self.record.update(dialect="wsdl", service="/".join(parts))
        self._log_start(state)
        service = state.service_by_id(parts)
        if service is None:
            self._reply(_Reply(404, b"Unknown service", {"Content-Type": "text/plain; charset=utf-8"}), {})
            return
        self.record["registry"] = service["key"]
        _latency, fault = state.take_rules(service, "wsdl")
        if fault == "wsdl_unavailable":
            self._reply(_Reply(503, b"Service Unavailable", {"Content-Type": "text/plain"}), {})
            return
        variant = {"wsdl_change": emulator_soap.WSDL_CHANGED, "wsdl_incompatible": emulator_soap.WSDL_INCOMPATIBLE}
        body = emulator_soap.render_wsdl(service, variant.get(fault, ""))
        self._reply(_Reply(200, body, {"Content-Type": "text/xml; charset=utf-8"}), {})

    def _evidence(self, state: EmulatorState) -> None:
        """``/signature`` (UXP) and ``/asic`` (X-Road): the ASiC-E container of one exchange, by queryId."""
        query = dict(parse_qsl(self.query))
        self.record.update(dialect="evidence", message_id="", service=query.get("queryId", ""))
        self._log_start(state)
        text = {"Content-Type": "text/plain; charset=utf-8"}
        missing = [name for name in ("queryId", "xRoadInstance", "memberClass", "memberCode") if not query.get(name)]
        if missing:
            self._reply(_Reply(400, f"Missing parameters: {', '.join(missing)}".encode(), text), {})
            return
        _latency, fault = state.take_rules(None, "evidence")
        if fault == "asic_unavailable":
            self._reply(_Reply(500, b"Message log archive is not available", text), {})
            return
        with state.lock:
            exchange = state.exchanges.get(query["queryId"])
        if exchange is None:
            self._reply(_Reply(404, b"No messages found for this queryId", text), {})
            return
        name = "message.xml" if exchange[0].lstrip().startswith(b"<") else "request.txt"
        container = emulator_soap.asic_container(query["queryId"], exchange[0], exchange[1], name)
        self._reply(_Reply(200, container, {"Content-Type": emulator_soap.ASIC_MIMETYPE}), {})

    # ------------------------------------------------------------------------------------------- metadata
    def _metaservice(self, state: EmulatorState, provider: tuple[str, ...], name: str, dialect: str) -> None:
        services = state.provider_services(provider)
        if not services:
            raise self._ss_error("Server.ServerProxy.UnknownService", "Unknown provider: " + "/".join(provider))
        if name in ("listMethods", "allowedMethods"):
            listed = []
            for service in services:
                parts = service["parts"]
                listed.append(
                    {
                        "object_type": "SERVICE",
                        "xroad_instance": parts[0],
                        "member_class": parts[1],
                        "member_code": parts[2],
                        "subsystem_code": parts[3] if len(parts) > 4 else None,
                        "service_code": parts[-1],
                        "service_type": "OPENAPI",
                        "endpoint_list": [
                            {
                                "method": str(service.get("method") or "GET").upper(),
                                "path": service.get("path"),
                            }
                        ],
                    }
                )
            raise _Reply(200, {"service": listed})
        code = dict(parse_qsl(self.query)).get("serviceCode")
        if not code:
            raise self._ss_error("Client.BadRequest", "serviceCode parameter is missing", 400)
        match = next((s for s in services if s["parts"][-1] == code), None)
        if match is None:
            raise self._ss_error("Server.ServerProxy.UnknownService", f"Unknown service code: {code}")
        raise _Reply(200, openapi(match))

    # ------------------------------------------------------------------------------------------- output
    def _reply(self, reply: _Reply, extra: dict[str, str]) -> None:
        headers = {**extra, **reply.headers}
        mode = headers.pop(MODE_HEADER, "")
        state: EmulatorState = self.server.state
        with state.lock:
            self.record["status"] = reply.status
        payload = self._send(reply.status, reply.body, headers, mode=mode)
        if self.record["message_id"]:
            if self.record["dialect"] == "soap":
                request = self.body
            else:
                request = f"{self.command} {self.path}\n".encode() + b"".join(
                    f"{name}: {value}\n".encode() for name, value in self.headers.items()
                )
                request += b"\n" + self.body
            state.keep_exchange(self.record["message_id"], request, payload)

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None, mode: str = "") -> bytes:
        headers = dict(headers or {})
        if isinstance(body, bytes):
            payload = body
        else:
            payload = json.dumps(body, ensure_ascii=False).encode()
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command == "HEAD":
            return payload
        if mode == "slow_body":
            state: EmulatorState = self.server.state
            for index in range(len(payload)):
                self.wfile.write(payload[index : index + 1])
                self.wfile.flush()
                if state.stopping.wait(0.5):
                    self.close_connection = True
                    return payload
        elif mode in ("truncated", "drop_mid_body"):
            self.wfile.write(payload[: max(len(payload) // 2, 1)])
            self.wfile.flush()
            self.close_connection = True
            if mode == "drop_mid_body":  # a reset, as a crashing proxy would send
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                self.connection.shutdown(socket.SHUT_WR)
        else:
            self.wfile.write(payload)
        return payload


def openapi(service: dict[str, Any]) -> dict[str, Any]:
    """A minimal OpenAPI 3 description of one emulated service."""
    parameters = [
        {"name": wire, "in": "query", "required": False, "schema": {"type": "string"}}
        for wire in (service.get("params") or {}).values()
    ]
    error = {"description": "Error", "content": {"application/json": {"schema": {"type": "object"}}}}
    operation = {
        "operationId": service["parts"][-1],
        "summary": service.get("title") or service["key"],
        "parameters": parameters,
        "responses": {
            "200": {"description": "Found", "content": {"application/json": {"schema": {"type": "object"}}}},
            "404": {**error, "description": "Not found"},
            "422": {**error, "description": "Invalid input"},
        },
    }
    method = str(service.get("method") or "GET").lower()
    if method != "get":
        operation.pop("parameters")
        operation["requestBody"] = {
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {p["name"]: {"type": "string"} for p in parameters},
                    }
                }
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": service.get("title") or service["key"], "version": service["parts"][-1]},
        "paths": {service.get("path") or "/": {method: operation}},
    }


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        state: EmulatorState,
        verbose: bool = False,
        tls: dict[str, str] | None = None,
    ) -> None:
        self.state = state
        self.verbose = verbose
        self.ssl_context = None
        if tls and tls.get("cert"):
            # As a ШБО's internal interface: our certificate, and (mutual TLS) a client certificate signed
            # by ``client_ca`` required from every caller.
            self.ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.ssl_context.load_cert_chain(tls["cert"], tls.get("key") or None)
            if tls.get("client_ca"):
                self.ssl_context.load_verify_locations(tls["client_ca"])
                self.ssl_context.verify_mode = ssl.CERT_REQUIRED
        super().__init__(address, EmulatorHandler)

    def get_request(self):
        sock, address = super().get_request()
        if self.ssl_context is not None:  # the handshake runs in the request's own thread (setup)
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def handle_error(self, request, client_address) -> None:
        import sys

        error = sys.exc_info()[1]
        if isinstance(error, (ssl.SSLError, ConnectionError, TimeoutError)):
            return  # a client without a valid certificate, or one that went away: not our failure
        super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://{host}:{port}"

    def shutdown(self) -> None:
        self.state.stopping.set()  # wakes up every sleeping handler
        super().shutdown()


def make_server(
    host: str = "127.0.0.1",
    port: int = 8090,
    *,
    services: dict[str, dict[str, Any]] | None = None,
    slow_seconds: float = 40.0,
    log_size: int = 10_000,
    verbose: bool = False,
    tls: dict[str, str] | None = None,
) -> EmulatorServer:
    """A bound, not yet serving emulator. ``services`` defaults to ``get_config()["services"]``, so the
    emulator always knows the service ids the client is configured with. ``port=0`` picks a free port."""
    if services is None:
        from .conf import get_config

        services = get_config()["services"]
    return EmulatorServer((host, port), EmulatorState(services, slow_seconds, log_size), verbose=verbose, tls=tls)


def serve_in_thread(server: EmulatorServer) -> threading.Thread:
    """Serve ``server`` from a daemon thread; stop with ``server.shutdown(); server.server_close()``."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.name = f"registry-emulator-{server.server_address[1]}"
    thread.start()
    return thread


def wait_until_up(url: str, timeout: float = 10.0, **http_options: Any) -> None:
    """Block until ``{url}/__emulator/health`` answers (for code that starts the emulator as a subprocess).
    ``http_options`` go to httpx (``verify``: an ``ssl.SSLContext`` for an emulator serving mutual TLS)."""
    import httpx

    ends = time.monotonic() + timeout
    while True:
        try:
            response = httpx.get(f"{url}/__emulator/health", timeout=1.0, trust_env=False, **http_options)
            if response.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > ends:
            raise TimeoutError(f"the registry emulator at {url} did not come up")
        time.sleep(0.1)
