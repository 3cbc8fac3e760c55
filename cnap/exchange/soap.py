"""X-Road message protocol 4.0 (SOAP, document/literal wrapped) over Трембіта: one attempt of a lookup.

Why envelopes are built here (lxml) rather than by zeep: the X-Road header must go out with exactly these
fields in this order and come back identical; every socket operation must obey the attempt's deadline (the
client's own httpx transport, see :mod:`cnap.exchange.client`); and every byte from outside is parsed with
entity expansion and network access off and a size limit (:mod:`cnap.exchange.xmlsafe`). zeep builds the
header from the WSDL's types (pyxroad strips ``requestHash``, ``protocolVersion`` and ``issue`` from answers
and patches WSDLs so that zeep accepts them), sends through ``requests`` with its own timeouts, and would be
a second XML and HTTP stack beside ours. What we need from the WSDL (operation, namespace, ``soapAction``,
the request's elements, the answer's types) is read by :mod:`cnap.exchange.wsdl`.

Request (SOAP 1.1; 1.2 where the service is configured so)::

    POST {ss}{soap.path}
    Content-Type: text/xml; charset=utf-8          (1.2: application/soap+xml; charset=utf-8; action="…")
    SOAPAction: "{soapAction from the WSDL}"       (1.1 only)

    <SOAP-ENV:Envelope xmlns:SOAP-ENV=… xmlns:xrd="http://x-road.eu/xsd/xroad.xsd"
                       xmlns:id="http://x-road.eu/xsd/identifiers" xmlns:svc="{the service's namespace}">
      <SOAP-ENV:Header>
        <xrd:client id:objectType="SUBSYSTEM|MEMBER"> id:xRoadInstance, memberClass, memberCode[, subsystemCode]
        <xrd:service id:objectType="SERVICE"> … id:serviceCode[, id:serviceVersion]
        <xrd:id>{uuid4, new per attempt}</xrd:id>
        <xrd:userId>{operator pseudonym}</xrd:userId>
        <xrd:issue>{application number}</xrd:issue>
        <xrd:protocolVersion>4.0</xrd:protocolVersion>
      </SOAP-ENV:Header>
      <SOAP-ENV:Body><svc:{serviceCode}> one element per parameter (+ the purpose declaration) </svc:…></…>
    </SOAP-ENV:Envelope>

The answer must carry the same header fields in the same order with the same values (plus ``requestHash``,
which we keep, as the ``uxp-transaction-id`` HTTP header); otherwise it is not used.
"""

from __future__ import annotations

from typing import Any

import httpx
from lxml import etree

from . import results, transport, wsdl, xmlsafe
from .conf import client_parts, service_parts, soap_version
from .shapes import shape_problem

XROAD_NS = "http://x-road.eu/xsd/xroad.xsd"
ID_NS = "http://x-road.eu/xsd/identifiers"
SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
ENVELOPE_NS = {"1.1": SOAP11_NS, "1.2": SOAP12_NS}
PROTOCOL_VERSION = "4.0"
XSI_NIL = f"{{{wsdl.XSI_NS}}}nil"

#: Business fault codes (inside a normal answer) that mean "no such record".
NOT_FOUND_CODES = ("NOT_FOUND", "NOTFOUND", "NO_DATA", "NODATA", "NOT_EXIST")


def _e(parent: etree._Element, namespace: str, name: str, text: str | None = None, **attrib) -> etree._Element:
    element = etree.SubElement(parent, f"{{{namespace}}}{name}", attrib)
    if text is not None:
        element.text = text
    return element


def header_fields(config: dict[str, Any], service: dict[str, Any], *, message_id: str, issue: str, user_id: str):
    """The X-Road header as ``[(element name, value or [(identifier field, value)], objectType)]`` in order."""
    ours = client_parts(config)
    theirs = service_parts(service)
    return [
        ("client", list(ours.items()), "SUBSYSTEM" if "subsystemCode" in ours else "MEMBER"),
        ("service", list(theirs.items()), "SERVICE"),
        ("id", message_id, None),
        ("userId", user_id, None),
        ("issue", issue, None),
        ("protocolVersion", PROTOCOL_VERSION, None),
    ]


def build_envelope(
    config: dict[str, Any],
    service: dict[str, Any],
    params: dict[str, str],
    description: wsdl.Description,
    *,
    message_id: str,
    issue: str,
    user_id: str,
) -> tuple[bytes, dict[str, str], str]:
    """``(body, HTTP headers, SOAP version)`` of one request."""
    version = soap_version(config, service) if service.get("soap_version") else description.soap_version
    env_ns = ENVELOPE_NS[version]
    nsmap = {"SOAP-ENV": env_ns, "xrd": XROAD_NS, "id": ID_NS, "svc": description.namespace}
    envelope = etree.Element(f"{{{env_ns}}}Envelope", nsmap=nsmap)
    header = _e(envelope, env_ns, "Header")
    for name, value, object_type in header_fields(config, service, message_id=message_id, issue=issue, user_id=user_id):
        if object_type:
            element = _e(header, XROAD_NS, name, **{f"{{{ID_NS}}}objectType": object_type})
            for field, part in value:
                _e(element, ID_NS, field, part)
        else:
            _e(header, XROAD_NS, name, value)
    body = _e(envelope, env_ns, "Body")
    wrapper = _e(body, description.namespace, description.operation)
    accepted = service["params"]
    for name, value in params.items():
        if value not in (None, ""):
            _e(wrapper, description.namespace, accepted[name], str(value))
    if service.get("purpose_element") and service.get("purpose_id"):
        _e(wrapper, description.namespace, service["purpose_element"], str(service["purpose_id"]))
    content = etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
    action = str(service.get("soap_action") or description.soap_action or "")
    if version == "1.1":
        headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{action}"'}
    else:
        headers = {"Content-Type": f'application/soap+xml; charset=utf-8; action="{action}"'}
    headers["Accept"] = "text/xml, application/soap+xml, multipart/related"
    return content, headers, version


# ---------------------------------------------------------------------------------------------- answer
def canonical(element: etree._Element) -> tuple:
    """An element as a comparable tuple: name, attributes, text and children (whitespace ignored)."""
    return (
        element.tag,
        tuple(sorted(element.attrib.items())),
        (element.text or "").strip(),
        tuple(canonical(child) for child in element if isinstance(child.tag, str)),
    )


def echo_mismatch(sent: etree._Element, received: etree._Element | None) -> str:
    """Why the answer's header is not the echo of ours ("" when it is)."""
    if received is None:
        return "the answer has no SOAP header"
    ours = [canonical(child) for child in sent if isinstance(child.tag, str)]
    theirs = [
        canonical(child)
        for child in received
        if isinstance(child.tag, str) and child.tag != f"{{{XROAD_NS}}}requestHash"
    ]
    if ours == theirs:
        return ""
    names = [etree.QName(t[0]).localname for t in theirs]
    for index, field in enumerate(ours):
        if index >= len(theirs) or theirs[index] != field:
            return f"header field {etree.QName(field[0]).localname!r} differs (answer has {', '.join(names)})"
    return f"the answer has extra header fields ({', '.join(names)})"


def to_data(element: etree._Element, schema: dict[str, Any] | None) -> Any:
    """An answer element as JSON-like data, read with the WSDL's types (lists, numbers, booleans)."""
    if element.get(XSI_NIL) in ("true", "1"):
        return None
    schema = schema or {}
    kind = schema.get("type")
    children = [child for child in element if isinstance(child.tag, str)]
    if kind == "object" or (kind is None and children):
        properties = schema.get("properties") or {}
        result: dict[str, Any] = {}
        for name, prop in properties.items():
            if prop.get("type") == "array":
                result[name] = []
        for child in children:
            name = etree.QName(child).localname
            prop = properties.get(name)
            if prop is not None and prop.get("type") == "array":
                result[name].append(to_data(child, prop.get("items")))
            elif name in result and prop is None:  # undeclared and repeated: a list
                existing = result[name]
                result[name] = (existing if isinstance(existing, list) else [existing]) + [to_data(child, None)]
            else:
                result[name] = to_data(child, prop)
        return result
    text = (element.text or "").strip()
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    except ValueError:
        return text  # the schema check reports it
    if kind == "boolean":
        return {"true": True, "1": True, "false": False, "0": False}.get(text, text)
    return text


def fault_fields(fault: etree._Element, version: str) -> tuple[str, str, str]:
    """``(faultcode, faultstring, detail)`` of a SOAP 1.1 or 1.2 Fault."""
    if version == "1.2":
        code = fault.find(f"{{{SOAP12_NS}}}Code")
        values = [xmlsafe.text_of(v) for v in code.iter(f"{{{SOAP12_NS}}}Value")] if code is not None else []
        # X-Road puts its error code in the innermost subcode; fall back to the top-level value.
        faultcode = values[-1] if values else ""
        reason = fault.find(f"{{{SOAP12_NS}}}Reason/{{{SOAP12_NS}}}Text")
        detail = fault.find(f"{{{SOAP12_NS}}}Detail")
        return _strip_prefix(faultcode), xmlsafe.text_of(reason), _detail_text(detail)
    return (
        _strip_prefix(xmlsafe.text_of(fault.find("faultcode"))),
        xmlsafe.text_of(fault.find("faultstring")),
        _detail_text(fault.find("detail")),
    )


def _strip_prefix(code: str) -> str:
    """``SOAP-ENV:Server.ClientProxy.X`` → ``Server.ClientProxy.X``."""
    return code.split(":", 1)[1] if ":" in code.split(".", 1)[0] else code


def _detail_text(detail: etree._Element | None) -> str:
    if detail is None:
        return ""
    return " ".join(text.strip() for text in detail.itertext() if text.strip())[:500]


def is_xroad_fault(code: str) -> bool:
    return code.startswith(("Server.ClientProxy", "Server.ServerProxy", "Client.", "Client")) and "." in code


def _business_fault(wrapper: etree._Element) -> tuple[str, str] | None:
    """``(faultCode, faultString)`` of a business error inside a normal answer, else None."""
    for child in wrapper:
        if isinstance(child.tag, str) and etree.QName(child).localname == "fault":
            fields = {etree.QName(c).localname: xmlsafe.text_of(c) for c in child if isinstance(c.tag, str)}
            return fields.get("faultCode", "") or "UNKNOWN", fields.get("faultString", "")
    return None


# ---------------------------------------------------------------------------------------------- attempt
def wsdl_fetcher(config: dict[str, Any], timeout: httpx.Timeout):
    """``fetch(url) -> bytes`` for :func:`cnap.exchange.wsdl.describe`, through the ШБО connection settings."""
    http = transport.get_http_client(config)
    limit = int(config["max_response_bytes"])

    def fetch(url: str) -> bytes:
        request = http.build_request("GET", url, headers={"Accept": "text/xml"}, timeout=timeout)
        response, content, too_big = transport.send_and_read(http, request, limit)
        if too_big:
            raise wsdl.WsdlError("invalid", "the WSDL is larger than max_response_bytes")
        if response.status_code != 200:
            raise transport.HttpStatusError(response.status_code, content[:200])
        return content

    return fetch


def attempt(
    config: dict[str, Any],
    registry: str,
    params: dict[str, str],
    *,
    issue: str,
    user_id: str,
    message_id: str,
    timeout: httpx.Timeout,
    common: dict[str, Any],
    started: float,
) -> results.LookupResult:
    """One SOAP attempt inside the caller's deadline (see :func:`cnap.exchange.client.lookup`); ``user_id`` is
    already the operator's pseudonym."""
    service = config["services"][registry]
    http = transport.get_http_client(config)
    limit = int(config["max_response_bytes"])
    try:
        description = wsdl.describe(config, registry, wsdl_fetcher(config, timeout))
    except wsdl.WsdlError as exc:
        error_type = "IncompatibleWsdl" if exc.reason == "incompatible" else "InvalidWsdl"
        return results.make_result(
            results.INCOMPATIBLE, started, common, error_type=error_type, detail=exc.detail[:1000]
        )
    except httpx.TimeoutException as exc:
        return results.make_result(
            results.TIMEOUT, started, common, error_type="WsdlTimeout", detail=str(exc), retryable=True
        )
    except (httpx.TransportError, transport.BodyCutOff, transport.HttpStatusError) as exc:
        status = getattr(exc, "status", None)
        return results.make_result(
            results.TRANSPORT_ERROR,
            started,
            common,
            error_type="WsdlUnavailable",
            http_status=status,
            detail=str(exc)[:500],
            retryable=True,
        )

    body, headers, version = build_envelope(
        config, service, params, description, message_id=message_id, issue=issue, user_id=user_id
    )
    url = config["ss_base_url"] + str(config["soap"]["path"])
    common = {**common, "url": url, "protocol": "soap"}
    try:
        response, content, too_big = transport.send_and_read(
            http, http.build_request("POST", url, headers=headers, content=body, timeout=timeout), limit
        )
    except transport.BodyCutOff as exc:
        return results.make_result(
            results.TRANSPORT_ERROR,
            started,
            common,
            error_type="TruncatedBody",
            http_status=exc.status,
            detail=str(exc)[:500],
            retryable=True,
        )
    except httpx.TimeoutException as exc:
        return results.make_result(
            results.TIMEOUT, started, common, error_type=type(exc).__name__, detail=str(exc), retryable=True
        )
    except httpx.TransportError as exc:
        return results.make_result(
            results.TRANSPORT_ERROR, started, common, error_type=type(exc).__name__, detail=str(exc), retryable=True
        )
    return classify(response, content, too_big, body, version, description, started, common, limit)


def soap_part(content_type: str, content: bytes) -> tuple[bytes, int]:
    """The SOAP envelope of a SOAP-with-attachments or MTOM answer (``multipart/related``; the part named by
    ``start``, else the first) and the number of other parts. Attachments are not used: registry data travels
    in the envelope (ПМДПД cannot read attachments, so Трембіта's guides advise against them)."""
    import email.parser
    import email.policy

    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n" + content
    )
    if not message.is_multipart():
        return b"", 0
    parts = list(message.iter_parts())
    start_param = message.get_param("start", header="content-type")
    start = start_param.strip("<>") if isinstance(start_param, str) else ""
    root = next((part for part in parts if (part.get("Content-ID") or "").strip("<>") == start and start), None)
    root = root or (parts[0] if parts else None)
    if root is None:
        return b"", 0
    payload = root.get_payload(decode=True)
    return (payload if isinstance(payload, bytes) else b""), len(parts) - 1


def classify(response, content, too_big, sent, version, description, started, common, limit) -> results.LookupResult:
    status = response.status_code
    meta = {"http_status": status, "request_id": response.headers.get("uxp-transaction-id") or ""}
    if too_big:
        return results.make_result(
            results.GARBAGE, started, common, error_type="TooLarge", detail="response too large", **meta
        )
    uxp_fault = response.headers.get("uxp-faultcode")
    content_type = response.headers.get("content-type", "")
    if content_type.lower().startswith("multipart/related"):
        content, _attachments = soap_part(content_type, content)
    try:
        root = xmlsafe.parse(content, max_bytes=limit)
    except xmlsafe.UnsafeXML as exc:
        if uxp_fault:  # the security server failed and said so in its headers only
            retryable = results.is_retryable_xroad_error(uxp_fault)
            return results.make_result(
                results.TRANSPORT_ERROR,
                started,
                common,
                error_type=uxp_fault,
                detail=response.headers.get("uxp-faultstring", "")[:1000],
                retryable=retryable,
                **meta,
            )
        if status >= 300:
            return results.make_result(
                results.PROVIDER_ERROR,
                started,
                common,
                error_type=f"HTTP{status}",
                detail=content[:200].decode("utf-8", "replace"),
                retryable=status in results.RETRYABLE_PROVIDER_STATUSES,
                **meta,
            )
        error_type = "UnsafeXML" if exc.reason in ("dtd", "too_large") else "MalformedXML"
        return results.make_result(
            results.GARBAGE, started, common, error_type=error_type, detail=str(exc)[:500], **meta
        )
    env_ns = ENVELOPE_NS[version]
    if root.tag != f"{{{env_ns}}}Envelope":
        detail = f"not a SOAP {version} envelope (root {root.tag!r})"
        return results.make_result(results.GARBAGE, started, common, error_type="NotAnEnvelope", detail=detail, **meta)
    body = root.find(f"{{{env_ns}}}Body")
    if body is None or not len(body):
        return results.make_result(
            results.GARBAGE, started, common, error_type="MissingBody", detail="empty SOAP body", **meta
        )
    first = body[0]
    if first.tag == f"{{{env_ns}}}Fault":
        code, text, detail = fault_fields(first, version)
        if is_xroad_fault(code):
            return results.make_result(
                results.TRANSPORT_ERROR,
                started,
                common,
                error_type=code,
                detail=" ".join(filter(None, [text, detail]))[:1000],
                retryable=results.is_retryable_xroad_error(code),
                **meta,
            )
        return results.make_result(
            results.PROVIDER_ERROR,
            started,
            common,
            error_type=f"SOAP.{code or 'Fault'}",
            detail=" ".join(filter(None, [text, detail]))[:1000],
            registry_message=text[:500],
            retryable=status in results.RETRYABLE_PROVIDER_STATUSES,
            **meta,
        )
    header = root.find(f"{{{env_ns}}}Header")
    sent_root = xmlsafe.parse(sent)
    problem = echo_mismatch(sent_root.find(f"{{{env_ns}}}Header"), header)
    if problem:
        return results.make_result(
            results.GARBAGE, started, common, error_type="InconsistentHeaders", detail=problem, **meta
        )
    request_hash = header.find(f"{{{XROAD_NS}}}requestHash")
    meta["request_hash"] = xmlsafe.text_of(request_hash)
    expected = f"{{{description.namespace}}}{description.operation}Response"
    if first.tag != expected:
        detail = f"expected {expected}, got {first.tag}"
        return results.make_result(
            results.GARBAGE, started, common, error_type="UnexpectedElement", detail=detail, **meta
        )
    business = _business_fault(first)
    if business is not None:
        code, text = business
        if any(marker in code.upper() for marker in NOT_FOUND_CODES):
            return results.make_result(
                results.NOT_FOUND, started, common, detail=text[:1000], registry_message=text[:500], **meta
            )
        error_type = f"Business.{code}"
        return results.make_result(
            results.PROVIDER_ERROR,
            started,
            common,
            error_type=error_type,
            detail=text[:1000],
            registry_message=text[:500],
            retryable=results.message_key(results.PROVIDER_ERROR, error_type) == "unavailable",
            **meta,
        )
    if status >= 300:
        return results.make_result(
            results.PROVIDER_ERROR,
            started,
            common,
            error_type=f"HTTP{status}",
            retryable=status in results.RETRYABLE_PROVIDER_STATUSES,
            **meta,
        )
    data = to_data(first, description.response_schema)
    problem = shape_problem(data, description.response_schema)
    if problem:
        return results.make_result(
            results.WRONG_SHAPE, started, common, error_type="WrongShape", detail=problem, **meta
        )
    return results.make_result(results.OK, started, common, data=data, **meta)
