"""The SOAP dialect (X-Road message protocol 4.0) against the emulator over HTTP: the exact envelope, the
WSDL and its cache, every fault class, the header echo, the signed evidence, hostile XML."""

import copy
import hashlib
import io
import logging
import uuid
import zipfile

import pytest
from lxml import etree

from cnap.exchange import client, wsdl
from cnap.exchange.client import MESSAGES, fetch_evidence, lookup, operator_pseudonym
from cnap.exchange.conf import DEFAULTS
from cnap.exchange.emulator_soap import namespace_of, render_wsdl
from cnap.exchange.models import ServiceDescription

from .conftest import SOAP_TREMBITA

pytestmark = pytest.mark.django_db

RNOKPP = "1759013776"
NUMBER = "ЦНАП-2026/000123"
OPERATOR = 42
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
XRD = "http://x-road.eu/xsd/xroad.xsd"
IDN = "http://x-road.eu/xsd/identifiers"
EDDR_NS = namespace_of(DEFAULTS["services"]["eddr_person"])


def ask(registry="eddr_person", params=None, **kwargs):
    return lookup(registry, params or {"rnokpp": RNOKPP}, issue=NUMBER, user_id=OPERATOR, **kwargs)


def soap_entries(emulator):
    return [entry for entry in emulator.log() if entry["dialect"] == "soap"]


def children(element):
    return [(etree.QName(child).namespace, etree.QName(child).localname) for child in element]


# ---------------------------------------------------------------------------------------------- the envelope
def test_the_request_envelope_is_exact(soap_trembita):
    result = ask()

    assert result.kind == "ok" and result.protocol == "soap"
    [entry] = soap_entries(soap_trembita)
    assert entry["method"] == "POST" and entry["path"] == "/"
    headers = {name.lower(): value for name, value in entry["headers"].items()}
    assert headers["content-type"] == "text/xml; charset=utf-8"
    assert headers["soapaction"] == f'"{EDDR_NS}#GetPersonByRNOKPP_v1"'  # from the WSDL, quoted (SOAP 1.1)
    envelope = etree.fromstring(entry["body"].encode())
    assert envelope.tag == f"{{{SOAP11}}}Envelope"
    assert envelope.nsmap["xrd"] == XRD and envelope.nsmap["id"] == IDN
    assert children(envelope) == [(SOAP11, "Header"), (SOAP11, "Body")]
    header = envelope[0]
    # PR-MESS Table 1, in its order
    assert children(header) == [
        (XRD, "client"),
        (XRD, "service"),
        (XRD, "id"),
        (XRD, "userId"),
        (XRD, "issue"),
        (XRD, "protocolVersion"),
    ]
    client_element, service_element, message_id, user_id, issue, version = header
    assert client_element.get(f"{{{IDN}}}objectType") == "SUBSYSTEM"
    assert [(etree.QName(c).localname, c.text) for c in client_element] == [
        ("xRoadInstance", "SEVDEIR-TEST"),
        ("memberClass", "GOV"),
        ("memberCode", "04054903"),
        ("subsystemCode", "CNAP_workstation"),
    ]
    assert all(etree.QName(c).namespace == IDN for c in client_element)
    assert service_element.get(f"{{{IDN}}}objectType") == "SERVICE"
    assert [(etree.QName(c).localname, c.text) for c in service_element] == [
        ("xRoadInstance", "SEVDEIR-TEST"),
        ("memberClass", "GOV"),
        ("memberCode", "00032684"),
        ("subsystemCode", "EDDR_prod"),
        ("serviceCode", "GetPersonByRNOKPP_v1"),
    ]
    assert message_id.text == result.message_id and uuid.UUID(message_id.text).version == 4
    assert user_id.text == operator_pseudonym(OPERATOR)
    assert issue.text == NUMBER  # plain text in XML: no percent-encoding
    assert version.text == "4.0"
    [wrapper] = envelope[1]
    assert wrapper.tag == f"{{{EDDR_NS}}}GetPersonByRNOKPP_v1"
    assert [(c.tag, c.text) for c in wrapper] == [(f"{{{EDDR_NS}}}rnokpp", RNOKPP)]
    # what came back: the ШБО's transaction id and the hash of our request
    assert result.request_id == entry["request_id"]
    assert result.request_hash == entry["request_hash"]
    assert result.request_hash  # base64 SHA-512 of the request bytes


def test_a_member_level_service_with_a_version_and_soap_1_2(soap_trembita, settings):
    """The passport check: a 6-part service id (subsystem and version); SOAP 1.2 where configured."""
    settings.TREMBITA["services"] = {"mvs_passport": {"soap_version": "1.2"}}
    result = ask("mvs_passport", {"passport_series": "АА", "passport_number": "123456"})

    assert result.kind == "ok", result
    assert result.data["documentNumber"] == "123456" and isinstance(result.data["isValid"], bool)
    [entry] = soap_entries(soap_trembita)
    headers = {name.lower(): value for name, value in entry["headers"].items()}
    namespace = namespace_of(DEFAULTS["services"]["mvs_passport"])
    assert headers["content-type"] == (f'application/soap+xml; charset=utf-8; action="{namespace}#CheckPassportStatus"')
    assert "soapaction" not in headers
    envelope = etree.fromstring(entry["body"].encode())
    assert envelope.tag == f"{{{SOAP12}}}Envelope"
    service_element = envelope[0][1]
    assert [(etree.QName(c).localname, c.text) for c in service_element][-2:] == [
        ("serviceCode", "CheckPassportStatus"),
        ("serviceVersion", "v0.1"),
    ]
    assert [(etree.QName(c).localname, c.text) for c in envelope[1][0]] == [
        ("PasSerial", "АА"),
        ("PasNumber", "123456"),
    ]


def test_the_purpose_declaration_goes_where_the_service_says(soap_trembita, settings, start_emulator):
    services = copy.deepcopy(DEFAULTS["services"])
    services["eddr_person"]["purpose_element"] = "purposeId"
    emulator = start_emulator(services)
    settings.TREMBITA = {
        **SOAP_TREMBITA,
        "ss_base_url": emulator.url,
        "services": {"eddr_person": {"protocol": "soap", "purpose_element": "purposeId", "purpose_id": "PD-17"}},
    }
    assert ask().kind == "ok"
    [entry] = soap_entries(emulator)
    wrapper = etree.fromstring(entry["body"].encode())[1][0]
    assert [(etree.QName(c).localname, c.text) for c in wrapper] == [("rnokpp", RNOKPP), ("purposeId", "PD-17")]


@pytest.mark.parametrize(
    "registry, params",
    [
        ("eddr_person", {"rnokpp": RNOKPP}),
        ("eddr_person", {"unzr": "19480228-13774"}),
        ("edr_subject", {"edrpou": "00032684"}),
        ("drrp_rights", {"rnokpp": RNOKPP}),
        ("dzk_parcel", {"cadastral_number": "4610100000:01:002:0033"}),
        ("rtg_residence", {"unzr": "19480228-13774"}),
        ("mvs_passport", {"passport_number": "001234567"}),
    ],
)
def test_soap_and_rest_give_the_same_data(soap_trembita, settings, registry, params):
    """The answer read with the WSDL's types (lists, numbers, booleans) equals the REST JSON."""
    settings.TREMBITA["services"] = {registry: {"protocol": "soap"}}
    over_soap = ask(registry, params)
    settings.TREMBITA["services"] = {registry: {"protocol": "rest"}}
    over_rest = ask(registry, params)

    assert over_soap.kind == over_rest.kind == "ok", (over_soap, over_rest)
    assert over_soap.protocol == "soap" and over_rest.protocol == "rest"
    assert over_soap.data == over_rest.data


# ---------------------------------------------------------------------------------------------- WSDL
def test_the_wsdl_is_fetched_once_and_cached_with_its_hash(soap_trembita, settings):
    settings.TREMBITA["wsdl"] = {"max_age": 3600}
    assert ask().kind == "ok"
    assert ask().kind == "ok"

    wsdl_requests = [e for e in soap_trembita.log() if e["dialect"] == "wsdl"]
    assert len(wsdl_requests) == 1
    assert wsdl_requests[0]["query"] == (
        "xRoadInstance=SEVDEIR-TEST&memberClass=GOV&memberCode=00032684&subsystemCode=EDDR_prod"
        "&serviceCode=GetPersonByRNOKPP_v1"
    )
    row = ServiceDescription.objects.get(registry="eddr_person")
    expected = render_wsdl({**DEFAULTS["services"]["eddr_person"], "key": "eddr_person"})
    assert row.sha256 == hashlib.sha256(expected).hexdigest()
    assert row.compatible and not row.previous_sha256

    wsdl.clear_memo()  # another worker process: the database copy is fresh, no new download
    assert ask().kind == "ok"
    assert len([e for e in soap_trembita.log() if e["dialect"] == "wsdl"]) == 1


def test_a_changed_wsdl_is_noticed_and_logged_and_still_used(soap_trembita, caplog):
    assert ask().kind == "ok"
    first = ServiceDescription.objects.get(registry="eddr_person")
    soap_trembita.fault(fault="wsdl_change", services=["eddr_person"])

    with caplog.at_level(logging.WARNING, logger="cnap.exchange.wsdl"):
        result = ask()

    assert result.kind == "ok"
    row = ServiceDescription.objects.get(registry="eddr_person")
    assert row.sha256 != first.sha256 and row.previous_sha256 == first.sha256
    assert row.compatible and row.changed_at > first.changed_at
    assert "requestComment" in row.content
    [record] = [r for r in caplog.records if "changed" in r.getMessage()]
    assert "still compatible" in record.getMessage() and first.sha256[:12] in record.getMessage()


def test_an_incompatible_wsdl_fails_the_lookup_with_a_clear_state_until_it_is_fixed(soap_trembita, caplog):
    assert ask().kind == "ok"
    soap_trembita.fault(fault="wsdl_incompatible", services=["eddr_person"])

    with caplog.at_level(logging.WARNING, logger="cnap.exchange.wsdl"):
        result = ask()

    assert result.kind == "incompatible" and not result.retryable
    assert client.outcome(result) == "failed"
    assert result.message == str(MESSAGES["wsdl_incompatible"])
    assert "rnokpp" in result.detail  # the element we send is gone
    assert len(soap_trembita_posts := soap_entries(soap_trembita)) == 1  # nothing sent with the new WSDL
    assert soap_trembita_posts[0]["message_id"] != result.message_id
    row = ServiceDescription.objects.get(registry="eddr_person")
    assert not row.compatible and "rnokpp" in row.problem
    assert any("INCOMPATIBLE" in r.getMessage() for r in caplog.records)

    soap_trembita.reset()  # the provider fixes its WSDL
    assert ask().kind == "ok"
    assert ServiceDescription.objects.get(registry="eddr_person").compatible


def test_wsdl_unreachable_uses_the_last_copy_or_is_a_passing_fault(soap_trembita):
    soap_trembita.fault(fault="wsdl_unavailable", services=["eddr_person"])
    first = ask()
    assert first.kind == "transport_error" and first.retryable
    assert first.error_type == "WsdlUnavailable" and first.http_status == 503
    assert client.outcome(first) == "unavailable"

    soap_trembita.reset()
    assert ask().kind == "ok"  # now a copy is stored
    soap_trembita.fault(fault="wsdl_unavailable", services=["eddr_person"])
    assert ask().kind == "ok"  # the ШБО's /wsdl fails: the stored copy is used


def test_a_wsdl_with_a_dtd_is_refused(soap_trembita, settings):
    description = wsdl.parse(
        render_wsdl(DEFAULTS["services"]["eddr_person"]), DEFAULTS["services"]["eddr_person"], max_bytes=10**6
    )
    assert description.operation == "GetPersonByRNOKPP_v1" and description.request_fields == {
        "rnokpp": False,
        "unzr": False,
    }
    hostile = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
    with pytest.raises(wsdl.WsdlError) as error:
        wsdl.parse(hostile, DEFAULTS["services"]["eddr_person"], max_bytes=10**6)
    assert error.value.reason == "invalid"


# ---------------------------------------------------------------------------------------------- faults
FAULTS = {
    # fault rule: (kind, message key, retryable, error_type (prefix))
    "network_error": ("transport_error", "unavailable", True, "Server.ServerProxy.NetworkError"),
    "service_failed": ("transport_error", "unavailable", True, "Server.ServerProxy.ServiceFailed"),
    "access_denied": ("transport_error", "access_denied", False, "Server.ServerProxy.AccessDenied"),
    "provider_500": ("provider_error", "provider_failed", False, "SOAP.Server"),
    "provider_503": ("provider_error", "unavailable", True, "Business.SERVICE_UNAVAILABLE"),
    "business_error": ("provider_error", "registry_error", False, "Business.REGISTRY_ERROR"),
    "garbage": ("garbage", "garbage", False, "NotAnEnvelope"),  # an HTML error page
    "xml_garbage": ("garbage", "garbage", False, "NotAnEnvelope"),
    "malformed_xml": ("garbage", "garbage", False, "MalformedXML"),
    "wrong_echo": ("garbage", "mismatch", False, "InconsistentHeaders"),
    "xml_bomb": ("garbage", "unsafe_xml", False, "UnsafeXML"),
    "xxe": ("garbage", "unsafe_xml", False, "UnsafeXML"),
    "huge": ("garbage", "unsafe_xml", False, "TooLarge"),
    "wrong_shape": ("wrong_shape", "wrong_shape", False, "WrongShape"),
    "truncated": ("transport_error", "cut_off", True, "TruncatedBody"),
    "drop_mid_body": ("transport_error", "cut_off", True, "TruncatedBody"),
    "timeout": ("timeout", "timeout", True, "ReadTimeout"),
    "slow_body": ("timeout", "timeout", True, "ReadTimeout"),
}


@pytest.mark.parametrize("soap_version", ["1.1", "1.2"])
@pytest.mark.parametrize("fault", list(FAULTS))
def test_each_fault_class(soap_trembita, settings, fault, soap_version):
    settings.TREMBITA["services"]["eddr_person"]["soap_version"] = soap_version
    kind, key, retryable, error_type = FAULTS[fault]
    soap_trembita.fault(fault=fault, services=["eddr_person"])

    result = ask()

    assert (result.kind, result.retryable) == (kind, retryable), result
    assert result.error_type.startswith(error_type), result.error_type
    assert client.message_key(result.kind, result.error_type, result.http_status) == key
    assert result.message.startswith(str(MESSAGES[key]))
    assert result.data is None
    assert client.outcome(result) == ("unavailable" if retryable else "failed")
    assert result.elapsed_ms <= 2000 + 300  # the deadline holds for every socket operation
    if fault == "business_error":
        assert "Запит не може бути виконано" in result.message  # the registry's words, in Ukrainian
    if fault in ("network_error", "service_failed", "access_denied"):
        assert result.detail  # faultstring and detail/faultDetail kept for the log


@pytest.mark.parametrize("soap_version", ["1.1", "1.2"])
def test_an_answer_with_attachments_is_read_from_its_soap_part(soap_trembita, settings, soap_version):
    settings.TREMBITA["services"]["eddr_person"]["soap_version"] = soap_version
    plain = ask()
    soap_trembita.fault(fault="with_attachment", services=["eddr_person"])

    result = ask()

    assert result.kind == "ok", result
    assert result.data == plain.data and result.request_hash


def test_not_found_and_invalid_input_are_business_answers(soap_trembita):
    not_found = ask(params={"rnokpp": "1234560000"})
    invalid = ask(params={"rnokpp": "1759013777"})
    network = ask(params={"rnokpp": "1234569999"})

    assert not_found.kind == "not_found" and client.outcome(not_found) == "not_found"
    assert not_found.message == str(MESSAGES["not_found"])
    assert not_found.registry_message == "Відомостей не знайдено"  # kept, not repeated to the administrator
    assert invalid.kind == "provider_error" and not invalid.retryable
    assert client.message_key(invalid.kind, invalid.error_type, invalid.http_status) == "invalid_input"
    assert "контрольна цифра" in invalid.message
    assert network.kind == "transport_error" and network.error_type == "Server.ServerProxy.NetworkError"
    assert network.retryable


def test_the_echo_check_compares_every_header_field_in_order(soap_trembita):
    from cnap.exchange.soap import echo_mismatch

    result = ask()
    envelope = etree.fromstring(soap_entries(soap_trembita)[0]["body"].encode())
    sent = envelope[0]
    echoed = copy.deepcopy(sent)
    etree.SubElement(echoed, f"{{{XRD}}}requestHash").text = result.request_hash
    assert echo_mismatch(sent, echoed) == ""
    swapped = copy.deepcopy(echoed)
    swapped.insert(3, swapped[4])  # issue before userId
    assert "userId" in echo_mismatch(sent, swapped)
    other_case = copy.deepcopy(echoed)
    other_case[4].text = "ЦНАП-2026/000999"
    assert "issue" in echo_mismatch(sent, other_case)
    assert echo_mismatch(sent, None)


# ---------------------------------------------------------------------------------------------- the emulator
def post_envelope(emulator, body: bytes):
    import httpx

    return httpx.post(emulator.url + "/", content=body, headers={"Content-Type": "text/xml"}, trust_env=False)


def envelope_text(header: str, body: str = "") -> bytes:
    return (
        f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="{SOAP11}" xmlns:xrd="{XRD}" xmlns:id="{IDN}">'
        f"<SOAP-ENV:Header>{header}</SOAP-ENV:Header><SOAP-ENV:Body>{body}</SOAP-ENV:Body></SOAP-ENV:Envelope>"
    ).encode()


CLIENT = (
    '<xrd:client id:objectType="SUBSYSTEM"><id:xRoadInstance>SEVDEIR-TEST</id:xRoadInstance>'
    "<id:memberClass>GOV</id:memberClass><id:memberCode>04054903</id:memberCode>"
    "<id:subsystemCode>CNAP</id:subsystemCode></xrd:client>"
)
SERVICE = (
    '<xrd:service id:objectType="SERVICE"><id:xRoadInstance>SEVDEIR-TEST</id:xRoadInstance>'
    "<id:memberClass>GOV</id:memberClass><id:memberCode>00032684</id:memberCode>"
    "<id:subsystemCode>EDDR_prod</id:subsystemCode><id:serviceCode>GetPersonByRNOKPP_v1</id:serviceCode>"
    "</xrd:service>"
)


@pytest.mark.parametrize(
    "header, body, faultcode",
    [
        (f"{CLIENT}<xrd:id>1</xrd:id><xrd:protocolVersion>4.0</xrd:protocolVersion>", "<x/>", "MissingHeaderField"),
        (
            f"{CLIENT}{SERVICE}<xrd:id>1</xrd:id><xrd:protocolVersion>3.1</xrd:protocolVersion>",
            "<x/>",
            "InvalidProtocol",
        ),
        (
            f"{CLIENT}{SERVICE.replace('SERVICE', 'SUBSYSTEM', 1)}<xrd:id>1</xrd:id>"
            "<xrd:protocolVersion>4.0</xrd:protocolVersion>",
            "<x/>",
            "InvalidServiceIdentifier",
        ),
        (f"{CLIENT}{SERVICE}<xrd:id>1</xrd:id><xrd:protocolVersion>4.0</xrd:protocolVersion>", "", "MissingBody"),
        (
            f"{CLIENT}{SERVICE.replace('GetPersonByRNOKPP_v1', 'Nope')}<xrd:id>1</xrd:id>"
            "<xrd:protocolVersion>4.0</xrd:protocolVersion>",
            "<x/>",
            "UnknownService",
        ),
        (f"{CLIENT}{SERVICE}<xrd:id>1</xrd:id><xrd:protocolVersion>4.0</xrd:protocolVersion>", "<x/>", "InvalidBody"),
    ],
)
def test_the_emulator_validates_the_envelope(emulator, header, body, faultcode):
    response = post_envelope(emulator, envelope_text(header, body))

    assert response.status_code == 500
    root = etree.fromstring(response.content)
    assert root[0][0].tag == f"{{{SOAP11}}}Fault"
    assert faultcode in root[0][0].findtext("faultcode")
    assert root[0][0].findtext("faultstring")
    assert root[0][0].findtext("detail/faultDetail")


def test_the_emulator_refuses_a_hostile_request(emulator):
    from cnap.exchange.emulator_soap import BILLION_LAUGHS

    response = post_envelope(emulator, BILLION_LAUGHS)
    assert response.status_code == 500 and b"Client.InvalidSoap" in response.content


# ---------------------------------------------------------------------------------------------- evidence
@pytest.mark.parametrize("dialect, path", [("uxp", "/signature"), ("xroad-r1", "/asic")])
def test_the_signed_evidence_of_an_exchange(soap_trembita, settings, dialect, path):
    settings.TREMBITA["dialect"] = dialect
    result = ask()
    sent = soap_entries(soap_trembita)[0]["body"].encode()

    evidence = fetch_evidence(result.message_id)

    assert evidence.ok, evidence
    assert evidence.content_type == "application/vnd.etsi.asic-e+zip"
    request = [e for e in soap_trembita.log() if e["dialect"] == "evidence"][-1]
    assert request["path"] == path
    assert request["query"] == (
        f"queryId={result.message_id}&xRoadInstance=SEVDEIR-TEST&memberClass=GOV&memberCode=04054903"
        "&subsystemCode=CNAP_workstation"
    )
    with zipfile.ZipFile(io.BytesIO(evidence.content)) as archive:
        assert archive.namelist()[0] == "mimetype"
        assert archive.read("mimetype") == b"application/vnd.etsi.asic-e+zip"
        assert archive.read("message.xml") == sent
        response = etree.fromstring(archive.read("response.xml"))
        assert response.find(f".//{{{XRD}}}requestHash").text == result.request_hash


def test_evidence_that_cannot_be_had_says_why(soap_trembita):
    unknown = fetch_evidence(str(uuid.uuid4()))
    assert not unknown.ok and unknown.http_status == 404

    result = ask()
    soap_trembita.fault(fault="asic_unavailable")
    broken = fetch_evidence(result.message_id)
    assert not broken.ok and broken.http_status == 500 and "not available" in broken.error


def test_evidence_from_a_ss_that_is_down(settings, free_port):
    settings.TREMBITA = {**SOAP_TREMBITA, "ss_base_url": f"http://127.0.0.1:{free_port}"}
    evidence = fetch_evidence(str(uuid.uuid4()))
    assert not evidence.ok and evidence.http_status is None and "ConnectError" in evidence.error


def test_the_probe_says_whether_the_ss_answers(soap_trembita, settings, free_port):
    up = client.probe()
    assert up["ok"] and up["status"] == 200
    settings.TREMBITA["ss_base_url"] = f"http://127.0.0.1:{free_port}"
    down = client.probe()
    assert not down["ok"] and down["status"] is None and down["detail"]


def test_check_trembita_reports_each_service(soap_trembita, settings):
    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("check_trembita", stdout=out)
    text = out.getvalue()
    assert "ШБО http://127.0.0.1" in text and ": OK (HTTP 200" in text
    assert "eddr_person: SOAP 1.1, operation GetPersonByRNOKPP_v1, WSDL sha256" in text
    assert "mvs_passport: SOAP 1.1, operation CheckPassportStatus" in text
    assert "edr_subject: REST (uxp) SEVDEIR-TEST/GOV/00015622/EDR_prod/GetSubjectByEDRPOUCode_v1" in text

    soap_trembita.fault(fault="wsdl_incompatible", services=["mvs_passport"])
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("check_trembita", stdout=out)
    assert "mvs_passport: SOAP, WSDL INCOMPATIBLE: the request no longer has the elements PasNumber, PasSerial" in (
        out.getvalue()
    )


def test_the_probe_is_kept_for_healthz(soap_trembita, settings, free_port):
    from cnap.exchange.actions import record_probe
    from cnap.exchange.selectors import security_server_health
    from cnap.exchange.tasks import probe_security_server

    assert probe_security_server() is True
    up = security_server_health(max_age=60)
    assert up["ok"] and up["status"] == 200 and up["last_ok_at"]

    settings.TREMBITA["ss_base_url"] = f"http://127.0.0.1:{free_port}"
    record_probe()
    down = security_server_health(max_age=60)
    assert not down["ok"] and down["status"] is None and "ConnectError" in down["error"]
    assert down["last_ok_at"] == up["last_ok_at"]  # when it last answered stays known
    assert security_server_health(max_age=-1)["error"].startswith("the probe has not run lately")
