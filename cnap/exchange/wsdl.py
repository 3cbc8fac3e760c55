"""WSDL of SOAP services: read from our own ШБО, cached with its hash, checked against what we send.

``GET {ss}/wsdl?xRoadInstance=…&memberClass=…&memberCode=…&subsystemCode=…&serviceCode=…[&serviceVersion=…]``
returns the WSDL of one service (Трембіта's SOAP guide; pyxroad and the official demo clients build their
clients from the same URL). We read from it, per service:

* the SOAP binding (1.1 or 1.2) and the ``soapAction`` of the operation;
* the namespace and the child elements of the request wrapper (named after the service code): every
  parameter we send must be one of them, and no element the service requires may be one we cannot fill;
* the type of the response wrapper (``{serviceCode}Response``) as a JSON Schema: it tells the reader which
  elements repeat and which are numbers, and which fields an answer must have.

Cache: a description is kept in the process for ``wsdl.max_age`` seconds and in the database
(:class:`cnap.exchange.models.ServiceDescription`, with the document's SHA-256), so every worker reads the
same one and a change is noticed once: a new hash is logged (warning), and if the new WSDL no longer fits
what we send (the operation is gone, a parameter was renamed, a new required element appeared) the row is
marked incompatible and lookups of that service fail with a clear message, until the configuration is
updated or the WSDL changes back. When the ШБО cannot be reached the last good description is used.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
import time
from typing import Any
from urllib.parse import urlencode

from lxml import etree

from . import xmlsafe
from .conf import service_parts

logger = logging.getLogger(__name__)

WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP11_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
WSDL_SOAP12_NS = "http://schemas.xmlsoap.org/wsdl/soap12/"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

INTEGER_TYPES = {"int", "integer", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "unsignedInt"}
NUMBER_TYPES = {"decimal", "double", "float"}


class WsdlError(ValueError):
    """The WSDL cannot be used: ``reason`` is ``invalid`` (not a WSDL we can read) or ``incompatible``."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclasses.dataclass(frozen=True)
class Description:
    """What a lookup needs from a service's WSDL."""

    operation: str
    namespace: str  # of the request and response wrappers
    soap_action: str
    soap_version: str  # "1.1" or "1.2", from the binding
    request_fields: dict[str, bool]  # element name → required
    response_schema: dict[str, Any]
    sha256: str


def wsdl_url(config: dict[str, Any], service: dict[str, Any]) -> str:
    query = urlencode(service_parts(service))
    return f"{config['ss_base_url']}{config['wsdl']['path']}?{query}"


def operation_name(service: dict[str, Any]) -> str:
    return str(service.get("operation") or service_parts(service)["serviceCode"])


# ---------------------------------------------------------------------------------------------- reading
def _local(qname: str | None) -> str:
    return (qname or "").rsplit(":", 1)[-1].rsplit("}", 1)[-1]


def _occurs(element: etree._Element, name: str, default: int = 1) -> float:
    value = element.get(name)
    if value is None:
        return default
    if value == "unbounded":
        return float("inf")
    try:
        return int(value)
    except ValueError:
        return default


class _Schema:
    """The ``xs:schema`` blocks of a WSDL: elements and named types by local name."""

    def __init__(self, root: etree._Element) -> None:
        self.elements: dict[str, tuple[etree._Element, str]] = {}
        self.complex_types: dict[str, etree._Element] = {}
        self.simple_types: dict[str, etree._Element] = {}
        for schema in root.iter(f"{{{XSD_NS}}}schema"):
            namespace = schema.get("targetNamespace", "")
            for child in schema:
                name = child.get("name")
                if not name:
                    continue
                if child.tag == f"{{{XSD_NS}}}element":
                    self.elements[name] = (child, namespace)
                elif child.tag == f"{{{XSD_NS}}}complexType":
                    self.complex_types[name] = child
                elif child.tag == f"{{{XSD_NS}}}simpleType":
                    self.simple_types[name] = child

    def element_schema(self, element: etree._Element, depth: int = 0) -> dict[str, Any]:
        if depth > 30:
            raise WsdlError("invalid", "the response type nests too deeply")
        if element.get("ref"):
            target = self.elements.get(_local(element.get("ref")))
            if target is None:
                return {}
            element = target[0]
        inline = element.find(f"{{{XSD_NS}}}complexType")
        if inline is not None:
            return self.complex_schema(inline, depth + 1)
        type_name = _local(element.get("type"))
        if type_name in self.complex_types:
            return self.complex_schema(self.complex_types[type_name], depth + 1)
        return self.simple_schema(type_name, depth)

    def simple_schema(self, type_name: str, depth: int = 0) -> dict[str, Any]:
        if type_name in self.simple_types and depth < 30:
            restriction = self.simple_types[type_name].find(f"{{{XSD_NS}}}restriction")
            if restriction is not None:
                return self.simple_schema(_local(restriction.get("base")), depth + 1)
        if type_name in INTEGER_TYPES:
            return {"type": "integer"}
        if type_name in NUMBER_TYPES:
            return {"type": "number"}
        if type_name == "boolean":
            return {"type": "boolean"}
        return {"type": "string"}

    def particles(self, complex_type: etree._Element) -> list[etree._Element]:
        """The child element declarations of a complex type (sequence, all, choice, extension)."""
        found = []
        for node in complex_type.iter(f"{{{XSD_NS}}}element"):
            parent = node.getparent()
            while parent is not None and parent is not complex_type and parent.tag != f"{{{XSD_NS}}}complexType":
                parent = parent.getparent()
            if parent is complex_type:
                found.append(node)
        return found

    def complex_schema(self, complex_type: etree._Element, depth: int = 0) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required: list[str] = []
        for particle in self.particles(complex_type):
            name = particle.get("name") or _local(particle.get("ref"))
            if not name:
                continue
            schema = self.element_schema(particle, depth + 1)
            in_choice = particle.getparent() is not None and particle.getparent().tag == f"{{{XSD_NS}}}choice"
            if _occurs(particle, "maxOccurs") > 1:
                schema = {"type": "array", "items": schema}
            elif _occurs(particle, "minOccurs") >= 1 and not in_choice and particle.get("nillable") != "true":
                required.append(name)
            properties[name] = schema
        return {"type": "object", "required": required, "properties": properties}


def parse(content: bytes, service: dict[str, Any], *, max_bytes: int) -> Description:
    """The :class:`Description` of ``service`` in a WSDL document; :class:`WsdlError` when it cannot be used."""
    try:
        root = xmlsafe.parse(content, max_bytes=max_bytes)
    except xmlsafe.UnsafeXML as exc:
        raise WsdlError("invalid", f"the WSDL was refused ({exc})") from None
    if root.tag != f"{{{WSDL_NS}}}definitions":
        raise WsdlError("invalid", f"not a WSDL 1.1 document (root {root.tag!r})")
    operation = operation_name(service)
    schema = _Schema(root)
    binding_operation = None
    soap_version = ""
    for binding in root.findall(f"{{{WSDL_NS}}}binding"):
        for candidate in binding.findall(f"{{{WSDL_NS}}}operation"):
            if candidate.get("name") == operation:
                binding_operation = candidate
                if binding.find(f"{{{WSDL_SOAP12_NS}}}binding") is not None:
                    soap_version = "1.2"
                elif binding.find(f"{{{WSDL_SOAP11_NS}}}binding") is not None:
                    soap_version = "1.1"
                break
        if binding_operation is not None:
            break
    if binding_operation is None:
        raise WsdlError("incompatible", f"the WSDL has no operation {operation!r}")
    if not soap_version:
        raise WsdlError("invalid", f"the binding of {operation!r} is not a SOAP binding")
    soap_operation = binding_operation.find(f"{{{WSDL_SOAP11_NS}}}operation")
    if soap_operation is None:
        soap_operation = binding_operation.find(f"{{{WSDL_SOAP12_NS}}}operation")
    soap_action = soap_operation.get("soapAction", "") if soap_operation is not None else ""
    request = schema.elements.get(operation)
    response = schema.elements.get(f"{operation}Response")
    if request is None or response is None:
        raise WsdlError("incompatible", f"the WSDL does not declare the elements {operation!r} and its response")
    request_type = schema.element_schema(request[0])
    request_fields = {name: name in request_type.get("required", []) for name in (request_type.get("properties") or {})}
    return Description(
        operation=operation,
        namespace=request[1],
        soap_action=soap_action,
        soap_version=soap_version,
        request_fields=request_fields,
        response_schema=schema.element_schema(response[0]),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def problems(description: Description, service: dict[str, Any]) -> list[str]:
    """Why what we send does not fit the WSDL ([] when it does)."""
    found = []
    ours = dict(service.get("params") or {})
    wire = set(ours.values())
    if service.get("purpose_element") and service.get("purpose_id"):
        wire.add(service["purpose_element"])
    unknown = sorted(name for name in wire if name not in description.request_fields)
    if unknown:
        found.append("the request no longer has the elements " + ", ".join(unknown))
    required = sorted(name for name, needed in description.request_fields.items() if needed and name not in wire)
    if required:
        found.append("the request now requires elements we do not send: " + ", ".join(required))
    return found


# ---------------------------------------------------------------------------------------------- cache
_memo: dict[str, tuple[float, Description | WsdlError]] = {}
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def clear_memo() -> None:
    _memo.clear()


def _lock_for(key: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def describe(config: dict[str, Any], registry: str, fetch, *, refresh: bool = False) -> Description:
    """The description of ``registry``'s SOAP service, from the process memo, the database or the ШБО
    (``refresh``: from the ШБО now).

    ``fetch(url) -> bytes`` downloads the WSDL (the caller's HTTP client and deadline; it raises on a
    network failure). Raises :class:`WsdlError` when the WSDL cannot be used, and the fetch's exception when
    the ШБО cannot be reached and no earlier copy exists.
    """
    service = config["services"][registry]
    url = wsdl_url(config, service)
    memo_key = f"{registry}|{url}|{operation_name(service)}|{sorted((service.get('params') or {}).items())}"
    max_age = 0.0 if refresh else float(config["wsdl"]["max_age"])
    cached = _memo.get(memo_key)
    if cached and time.monotonic() - cached[0] < max_age:
        return _unwrap(cached[1])
    with _lock_for(memo_key):
        cached = _memo.get(memo_key)
        if cached and time.monotonic() - cached[0] < max_age:
            return _unwrap(cached[1])
        value = _refresh(config, registry, service, url, fetch, max_age)
        _memo[memo_key] = (time.monotonic(), value)
    return _unwrap(value)


def _unwrap(value: Description | WsdlError) -> Description:
    if isinstance(value, WsdlError):
        raise value
    return value


def _refresh(config, registry, service, url, fetch, max_age) -> Description | WsdlError:
    from django.utils import timezone

    from .models import ServiceDescription

    max_bytes = int(config["max_response_bytes"])
    row = ServiceDescription.objects.filter(registry=registry, url=url).first()
    if row is not None and (timezone.now() - row.fetched_at).total_seconds() < max_age:
        return _evaluate(row.content.encode(), service, max_bytes)
    try:
        content = fetch(url)
    except WsdlError:
        raise
    except Exception:
        if row is None:
            raise
        logger.warning("WSDL of %s could not be fetched from %s; using the copy of %s", registry, url, row.fetched_at)
        return _evaluate(row.content.encode(), service, max_bytes)
    digest = hashlib.sha256(content).hexdigest()
    value = _evaluate(content, service, max_bytes)
    problem = str(value) if isinstance(value, WsdlError) else ""
    now = timezone.now()
    if row is None:
        row = ServiceDescription(registry=registry, url=url, changed_at=now)
    elif row.sha256 != digest:
        logger.warning(
            "WSDL of %s changed (%s -> %s)%s",
            registry,
            row.sha256[:12],
            digest[:12],
            f": INCOMPATIBLE, lookups fail until it is fixed: {problem}" if problem else "; still compatible",
        )
        row.previous_sha256 = row.sha256
        row.changed_at = now
    row.content = content.decode("utf-8", "replace")
    row.sha256 = digest
    row.fetched_at = now
    row.compatible = not problem
    row.problem = problem[:1000]
    row.save()
    return value


def _evaluate(content: bytes, service: dict[str, Any], max_bytes: int) -> Description | WsdlError:
    try:
        description = parse(content, service, max_bytes=max_bytes)
    except WsdlError as exc:
        return exc
    found = problems(description, service)
    if found:
        return WsdlError("incompatible", "; ".join(found))
    return description
