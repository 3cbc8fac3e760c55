"""The SOAP side of the emulator: WSDL per service, X-Road 4.0 envelopes in and out, SOAP Faults, ASiC.

Used by :mod:`cnap.exchange.emulator` (the HTTP surface is documented there). Requests are parsed with the
same hardened parser as the client's (:mod:`cnap.exchange.xmlsafe`). Each registry is served over SOAP with
the service code as the operation, the wire names of its parameters as the request's elements and its
declared answer shape (:mod:`cnap.exchange.registries`) as the response type, in the namespace
``http://{subsystem}.{member code}.emulator.cnap.gov.ua/{service code}``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from typing import Any

from lxml import etree

from . import xmlsafe
from .conf import service_parts
from .soap import ENVELOPE_NS, ID_NS, SOAP11_NS, SOAP12_NS, XROAD_NS

WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP11_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
WSDL_SOAP12_NS = "http://schemas.xmlsoap.org/wsdl/soap12/"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
SHA512 = "http://www.w3.org/2001/04/xmlenc#sha512"
ASIC_MIMETYPE = "application/vnd.etsi.asic-e+zip"

#: ``/wsdl`` variants (fault rules ``wsdl_change``, ``wsdl_incompatible``).
WSDL_CHANGED = "changed"  # a new optional request element and new documentation: still compatible
WSDL_INCOMPATIBLE = "incompatible"  # the request's elements renamed: our parameters no longer exist

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>
<lolz>&lol9;</lolz></SOAP-ENV:Body></SOAP-ENV:Envelope>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY net SYSTEM "http://127.0.0.1:9/x">]>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>
<leak>&xxe;&net;</leak></SOAP-ENV:Body></SOAP-ENV:Envelope>"""


class SoapRequestError(Exception):
    """A request the security server refuses: ``(faultcode, faultstring)``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def namespace_of(service: dict[str, Any]) -> str:
    parts = service_parts(service)
    return (
        f"http://{parts.get('subsystemCode', 'member').lower()}.{parts['memberCode']}.emulator.cnap.gov.ua/"
        f"{parts['serviceCode']}"
    ).replace("_", "-")


def operation_of(service: dict[str, Any]) -> str:
    return str(service.get("operation") or service_parts(service)["serviceCode"])


# ---------------------------------------------------------------------------------------------- WSDL
def _xsd_type(schema: dict[str, Any]) -> str:
    return {"integer": "xs:long", "number": "xs:decimal", "boolean": "xs:boolean"}.get(schema.get("type"), "xs:string")


def _xsd_element(parent, name: str, schema: dict[str, Any], required: bool) -> None:
    attrib = {"name": name, "minOccurs": "1" if required else "0"}
    if schema.get("type") == "array":
        attrib.update(minOccurs="0", maxOccurs="unbounded")
        schema = schema.get("items") or {}
    if schema.get("type") == "object":
        element = etree.SubElement(parent, f"{{{XSD_NS}}}element", attrib)
        _xsd_complex(element, schema)
    else:
        attrib["type"] = _xsd_type(schema)
        etree.SubElement(parent, f"{{{XSD_NS}}}element", attrib)


def _xsd_complex(parent, schema: dict[str, Any]) -> None:
    sequence = etree.SubElement(etree.SubElement(parent, f"{{{XSD_NS}}}complexType"), f"{{{XSD_NS}}}sequence")
    required = set(schema.get("required") or [])
    for name, prop in (schema.get("properties") or {}).items():
        _xsd_element(sequence, name, prop, name in required)


def render_wsdl(service: dict[str, Any], variant: str = "") -> bytes:
    """The WSDL of one service as our ШБО would hand it out (document/literal wrapped, X-Road headers)."""
    operation = operation_of(service)
    tns = namespace_of(service)
    parts = service_parts(service)
    nsmap = {
        "wsdl": WSDL_NS,
        "soap": WSDL_SOAP11_NS,
        "soap12": WSDL_SOAP12_NS,
        "xs": XSD_NS,
        "xrd": XROAD_NS,
        "id": ID_NS,
        "tns": tns,
    }
    root = etree.Element(f"{{{WSDL_NS}}}definitions", nsmap=nsmap, name=operation, targetNamespace=tns)
    types = etree.SubElement(root, f"{{{WSDL_NS}}}types")
    schema = etree.SubElement(types, f"{{{XSD_NS}}}schema", targetNamespace=tns, elementFormDefault="qualified")
    etree.SubElement(schema, f"{{{XSD_NS}}}import", namespace=XROAD_NS)
    request = etree.SubElement(schema, f"{{{XSD_NS}}}element", name=operation)
    sequence = etree.SubElement(etree.SubElement(request, f"{{{XSD_NS}}}complexType"), f"{{{XSD_NS}}}sequence")
    wire_names = list(dict.fromkeys((service.get("params") or {}).values()))
    if service.get("purpose_element"):
        wire_names.append(service["purpose_element"])
    if variant == WSDL_INCOMPATIBLE:
        wire_names = [f"{name}Value" for name in wire_names]
    if variant == WSDL_CHANGED:
        wire_names.append("requestComment")
    for name in wire_names:
        etree.SubElement(sequence, f"{{{XSD_NS}}}element", name=name, type="xs:string", minOccurs="0")
    response = etree.SubElement(schema, f"{{{XSD_NS}}}element", name=f"{operation}Response")
    _xsd_complex(response, service.get("response") or {"type": "object", "properties": {}})
    for message_name, element in ((operation, operation), (f"{operation}Response", f"{operation}Response")):
        message = etree.SubElement(root, f"{{{WSDL_NS}}}message", name=message_name)
        etree.SubElement(message, f"{{{WSDL_NS}}}part", name="body", element=f"tns:{element}")
    header_message = etree.SubElement(root, f"{{{WSDL_NS}}}message", name="requestheader")
    header_fields = ("client", "service", "id", "userId", "issue", "protocolVersion")
    for field in header_fields:
        etree.SubElement(header_message, f"{{{WSDL_NS}}}part", name=field, element=f"xrd:{field}")
    port_type = etree.SubElement(root, f"{{{WSDL_NS}}}portType", name=f"{operation}PortType")
    port_operation = etree.SubElement(port_type, f"{{{WSDL_NS}}}operation", name=operation)
    documentation = etree.SubElement(port_operation, f"{{{WSDL_NS}}}documentation")
    title = etree.SubElement(documentation, f"{{{XROAD_NS}}}title")
    title.text = str(service.get("title") or operation) + (" (оновлено)" if variant else "")
    etree.SubElement(port_operation, f"{{{WSDL_NS}}}input", message=f"tns:{operation}")
    etree.SubElement(port_operation, f"{{{WSDL_NS}}}output", message=f"tns:{operation}Response")
    soap_ns = WSDL_SOAP12_NS if str(service.get("soap_version") or "1.1") == "1.2" else WSDL_SOAP11_NS
    binding = etree.SubElement(
        root, f"{{{WSDL_NS}}}binding", name=f"{operation}Binding", type=f"tns:{operation}PortType"
    )
    etree.SubElement(
        binding, f"{{{soap_ns}}}binding", style="document", transport="http://schemas.xmlsoap.org/soap/http"
    )
    binding_operation = etree.SubElement(binding, f"{{{WSDL_NS}}}operation", name=operation)
    etree.SubElement(binding_operation, f"{{{soap_ns}}}operation", soapAction=soap_action_of(service), style="document")
    version = etree.SubElement(binding_operation, f"{{{XROAD_NS}}}version")
    version.text = parts.get("serviceVersion", "v1")
    for direction in ("input", "output"):
        node = etree.SubElement(binding_operation, f"{{{WSDL_NS}}}{direction}")
        etree.SubElement(node, f"{{{soap_ns}}}body", use="literal")
        for field in header_fields:
            etree.SubElement(node, f"{{{soap_ns}}}header", message="tns:requestheader", part=field, use="literal")
    wsdl_service = etree.SubElement(root, f"{{{WSDL_NS}}}service", name=f"{operation}Service")
    port = etree.SubElement(
        wsdl_service, f"{{{WSDL_NS}}}port", binding=f"tns:{operation}Binding", name=f"{operation}Port"
    )
    etree.SubElement(port, f"{{{soap_ns}}}address", location="http://INSERT_CORRECT_SERVICE_URL")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def soap_action_of(service: dict[str, Any]) -> str:
    return f"{namespace_of(service)}#{operation_of(service)}"


# ---------------------------------------------------------------------------------------------- requests
def read_request(body: bytes) -> dict[str, Any]:
    """The parts of an X-Road 4.0 request the emulator needs; :class:`SoapRequestError` when it is not one."""
    try:
        root = xmlsafe.parse(body, max_bytes=1024 * 1024)
    except xmlsafe.UnsafeXML as exc:
        raise SoapRequestError("Client.InvalidSoap", f"Malformed SOAP message: {exc}") from None
    version = {SOAP11_NS: "1.1", SOAP12_NS: "1.2"}.get(etree.QName(root).namespace or "")
    if version is None or etree.QName(root).localname != "Envelope":
        raise SoapRequestError("Client.InvalidSoap", "Not a SOAP 1.1 or 1.2 envelope")
    env_ns = ENVELOPE_NS[version]
    header = root.find(f"{{{env_ns}}}Header")
    body_element = root.find(f"{{{env_ns}}}Body")
    info: dict[str, Any] = {"version": version, "header": header}
    if header is None:
        raise SoapRequestError("Client.MissingHeader", "The SOAP header is missing")
    fields = {etree.QName(child).localname: child for child in header if etree.QName(child).namespace == XROAD_NS}
    for name in ("client", "service", "id", "protocolVersion"):
        if name not in fields:
            raise SoapRequestError("Client.MissingHeaderField", f"Required field '{name}' is missing")
    if xmlsafe.text_of(fields["protocolVersion"]) != "4.0":
        raise SoapRequestError("Client.InvalidProtocolVersion", "protocolVersion must be 4.0")
    service_element = fields["service"]
    if service_element.get(f"{{{ID_NS}}}objectType") != "SERVICE":
        raise SoapRequestError("Client.InvalidServiceIdentifier", "service/@objectType must be SERVICE")
    client_element = fields["client"]
    if client_element.get(f"{{{ID_NS}}}objectType") not in ("MEMBER", "SUBSYSTEM"):
        raise SoapRequestError("Client.InvalidClientIdentifier", "client/@objectType must be MEMBER or SUBSYSTEM")

    def parts(element) -> list[str]:
        return [xmlsafe.text_of(child) for child in element if etree.QName(child).namespace == ID_NS]

    info.update(
        client=parts(client_element),
        service=parts(service_element),
        message_id=xmlsafe.text_of(fields["id"]),
        user_id=xmlsafe.text_of(fields.get("userId")),
        issue=xmlsafe.text_of(fields.get("issue")),
    )
    if len(info["client"]) not in (3, 4) or not all(info["client"]):
        raise SoapRequestError("Client.InvalidClientIdentifier", "Malformed client identifier")
    if body_element is None or not len(body_element):
        raise SoapRequestError("Client.MissingBody", "The SOAP body is missing")
    wrapper = body_element[0]
    info["operation"] = etree.QName(wrapper).localname
    info["namespace"] = etree.QName(wrapper).namespace or ""
    info["params"] = {
        etree.QName(child).localname: xmlsafe.text_of(child) for child in wrapper if isinstance(child.tag, str)
    }
    return info


# ---------------------------------------------------------------------------------------------- answers
def request_hash(body: bytes) -> str:
    return base64.b64encode(hashlib.sha512(body).digest()).decode()


def _append_data(parent, namespace: str, name: str, value: Any) -> None:
    if isinstance(value, list):
        for item in value:
            _append_data(parent, namespace, name, item)
        return
    element = etree.SubElement(parent, f"{{{namespace}}}{name}")
    if isinstance(value, dict):
        for key, item in value.items():
            _append_data(element, namespace, key, item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def response_envelope(
    info: dict[str, Any],
    service: dict[str, Any],
    raw_request: bytes,
    *,
    data: dict[str, Any] | None = None,
    business_fault: tuple[str, str] | None = None,
    wrong_echo: bool = False,
) -> bytes:
    """The answer: the request's header echoed (plus ``requestHash``) and the ``…Response`` wrapper."""
    env_ns = ENVELOPE_NS[info["version"]]
    namespace = info["namespace"] or namespace_of(service)
    envelope = etree.Element(
        f"{{{env_ns}}}Envelope", nsmap={"SOAP-ENV": env_ns, "xrd": XROAD_NS, "id": ID_NS, "svc": namespace}
    )
    header = etree.SubElement(envelope, f"{{{env_ns}}}Header")
    for child in info["header"]:
        if isinstance(child.tag, str):
            header.append(_copy(child))
    if wrong_echo:
        for child in header:
            if child.tag == f"{{{XROAD_NS}}}id":
                child.text = (child.text or "") + "-other"
    hash_element = etree.SubElement(header, f"{{{XROAD_NS}}}requestHash", algorithmId=SHA512)
    hash_element.text = request_hash(raw_request)
    body = etree.SubElement(envelope, f"{{{env_ns}}}Body")
    wrapper = etree.SubElement(body, f"{{{namespace}}}{info['operation']}Response")
    if business_fault is not None:
        fault = etree.SubElement(wrapper, f"{{{namespace}}}fault")
        etree.SubElement(fault, f"{{{namespace}}}faultCode").text = business_fault[0]
        etree.SubElement(fault, f"{{{namespace}}}faultString").text = business_fault[1]
    for key, value in (data or {}).items():
        _append_data(wrapper, namespace, key, value)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def _copy(element):
    return etree.fromstring(etree.tostring(element))


def fault_envelope(version: str, code: str, message: str, detail: str) -> bytes:
    """A technical SOAP Fault as the X-Road security server sends it (PR-MESS §2.5, Annex D)."""
    env_ns = ENVELOPE_NS[version]
    envelope = etree.Element(f"{{{env_ns}}}Envelope", nsmap={"SOAP-ENV": env_ns})
    body = etree.SubElement(envelope, f"{{{env_ns}}}Body")
    fault = etree.SubElement(body, f"{{{env_ns}}}Fault")
    if version == "1.1":
        etree.SubElement(fault, "faultcode").text = code
        etree.SubElement(fault, "faultstring").text = message
        etree.SubElement(fault, "faultactor").text = ""
        etree.SubElement(etree.SubElement(fault, "detail"), "faultDetail").text = detail
    else:
        code_element = etree.SubElement(fault, f"{{{env_ns}}}Code")
        top = "SOAP-ENV:Sender" if code.startswith("Client") else "SOAP-ENV:Receiver"
        etree.SubElement(code_element, f"{{{env_ns}}}Value").text = top
        subcode = etree.SubElement(code_element, f"{{{env_ns}}}Subcode")
        etree.SubElement(subcode, f"{{{env_ns}}}Value").text = code
        reason = etree.SubElement(fault, f"{{{env_ns}}}Reason")
        text = etree.SubElement(reason, f"{{{env_ns}}}Text")
        text.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
        text.text = message
        etree.SubElement(etree.SubElement(fault, f"{{{env_ns}}}Detail"), "faultDetail").text = detail
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def content_type(version: str) -> str:
    return "text/xml; charset=utf-8" if version == "1.1" else "application/soap+xml; charset=utf-8"


def with_attachment(envelope: bytes, version: str) -> tuple[bytes, str]:
    """``envelope`` as SOAP with attachments (SwA): the envelope first, then a small text attachment."""
    boundary = "MIME_boundary_emulator"
    soap_type = content_type(version)
    body = (
        f"--{boundary}\r\nContent-Type: {soap_type}\r\nContent-Transfer-Encoding: 8bit\r\n"
        f"Content-ID: <envelope@emulator>\r\n\r\n"
    ).encode()
    body += (
        envelope
        + (
            f"\r\n--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
            f"Content-ID: <note@emulator>\r\n\r\nemulator attachment\r\n--{boundary}--\r\n"
        ).encode()
    )
    media = "text/xml" if version == "1.1" else "application/soap+xml"
    header = f'multipart/related; type="{media}"; boundary="{boundary}"; start="<envelope@emulator>"'
    return body, header


# ---------------------------------------------------------------------------------------------- evidence
def asic_container(message_id: str, request: bytes, response: bytes, request_name: str = "message.xml") -> bytes:
    """An ASiC-E container of one exchange, clearly UNSIGNED (the emulator holds no keys)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ASIC_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _manifest(request_name), compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(
            "META-INF/signatures0.xml",
            f"<!-- emulator-{message_id}: UNSIGNED, not evidence of anything -->\n<signatures/>\n",
            compress_type=zipfile.ZIP_DEFLATED,
        )
        archive.writestr(request_name, request, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("response.xml", response, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _manifest(request_name: str) -> str:
    entries = "".join(
        f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type="text/xml"/>'
        for name in (request_name, "response.xml")
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ASIC_MIMETYPE}"/>{entries}'
        "</manifest:manifest>"
    )
