"""The exact request of both dialects (docs/exchange.md §2), as recorded in the emulator's message log."""

import copy
import logging
import re
import uuid

import pytest

from cnap.exchange import client
from cnap.exchange.client import lookup, operator_pseudonym
from cnap.exchange.conf import DEFAULTS

from .conftest import TEST_TREMBITA

RNOKPP = "1759013776"
OPERATOR_NAME = "Шевченко Тарас Григорович"
# Headers every HTTP client adds; the rest of the request headers must be exactly the expected ones.
TRANSPORT_HEADERS = {"host", "accept-encoding", "connection", "user-agent"}

ODD_SERVICE_ID = ["SEVDEIR-TEST", "GOV", "00032684", "EDDR prod/main", "GetPersonByRNOKPP_v1"]
ODD_CLIENT = ["SEVDEIR-TEST", "GOV", "04054903", "CNAP_work station"]


def protocol_headers(entry):
    return {name.lower(): value for name, value in entry["headers"].items() if name.lower() not in TRANSPORT_HEADERS}


@pytest.fixture
def odd_emulator(start_emulator, settings):
    """An emulator and settings whose client and service ids have `_`, a space and a `/` inside parts."""
    services = copy.deepcopy(DEFAULTS["services"])
    services["eddr_person"]["id"] = ODD_SERVICE_ID
    services["eddr_person"]["purpose_id"] = "PD-2025/17"
    emulator = start_emulator(services)
    settings.TREMBITA = {
        **TEST_TREMBITA,
        "ss_base_url": emulator.url + "/",
        "client": ODD_CLIENT,
        "services": {"eddr_person": {"id": ODD_SERVICE_ID, "purpose_id": "PD-2025/17"}},
    }
    return emulator


def test_xroad_r1_url_and_headers_are_exact(odd_emulator, settings):
    settings.TREMBITA["dialect"] = "xroad-r1"

    result = lookup("eddr_person", {"rnokpp": RNOKPP}, issue="ЦНАП-2025/000123", user_id=OPERATOR_NAME)

    assert result.kind == "ok"
    [entry] = odd_emulator.log()
    assert entry["method"] == "GET"
    assert entry["path"] == "/r1/SEVDEIR-TEST/GOV/00032684/EDDR%20prod%2Fmain/GetPersonByRNOKPP_v1/person"
    assert entry["query"] == f"rnokpp={RNOKPP}"
    assert result.url == odd_emulator.url + entry["path"] + "?" + entry["query"]
    headers = protocol_headers(entry)
    assert headers == {
        "accept": "application/json",
        "x-road-client": "SEVDEIR-TEST/GOV/04054903/CNAP_work%20station",
        "x-road-id": result.message_id,
        "x-road-userid": operator_pseudonym(OPERATOR_NAME),
        "x-road-issue": "%D0%A6%D0%9D%D0%90%D0%9F-2025/000123",
    }
    assert uuid.UUID(headers["x-road-id"]).version == 4
    assert entry["issue"] == "ЦНАП-2025/000123"
    assert entry["service"] == "/".join(ODD_SERVICE_ID)
    assert entry["status"] == 200


def test_uxp_url_and_headers_are_exact(odd_emulator, settings):
    settings.TREMBITA["dialect"] = "uxp"

    result = lookup("eddr_person", {"rnokpp": RNOKPP}, issue="ЦНАП-2025/000123", user_id=OPERATOR_NAME)

    assert result.kind == "ok"
    [entry] = odd_emulator.log()
    assert entry["path"] == "/restapi/person"
    assert entry["query"] == f"rnokpp={RNOKPP}"
    assert protocol_headers(entry) == {
        "accept": "application/json",
        "uxp-client": "SEVDEIR-TEST/GOV/04054903/CNAP_work%20station",
        "uxp-service": "SEVDEIR-TEST/GOV/00032684/EDDR%20prod%2Fmain/GetPersonByRNOKPP_v1",
        "uxp-queryid": result.message_id,
        "uxp-purpose-ids": "PD-2025/17",
        "uxp-subject-id": RNOKPP,
        "uxp-userid": operator_pseudonym(OPERATOR_NAME),
        "uxp-issue": "%D0%A6%D0%9D%D0%90%D0%9F-2025/000123",
    }
    assert entry["service"] == "/".join(ODD_SERVICE_ID)
    assert entry["issue"] == "ЦНАП-2025/000123"


def test_underscores_in_default_ids_are_sent_unencoded(trembita, dialect):
    lookup("dzk_parcel", {"cadastral_number": "3210900000:01:001:0001"}, issue="17", user_id="5")

    [entry] = trembita.log()
    headers = protocol_headers(entry)
    assert entry["query"] == "cadastralNumber=3210900000:01:001:0001"
    if dialect == "xroad-r1":
        assert entry["path"] == "/r1/SEVDEIR-TEST/GOV/21616582/DZK_prod/GetLandParcelByCadastralNumber_v1/parcel"
        assert headers["x-road-client"] == "SEVDEIR-TEST/GOV/04054903/CNAP_workstation"
        assert not any(name.startswith("uxp-") for name in headers)
    else:
        assert entry["path"] == "/restapi/parcel"
        assert headers["uxp-client"] == "SEVDEIR-TEST/GOV/04054903/CNAP_workstation"
        assert headers["uxp-service"] == "SEVDEIR-TEST/GOV/21616582/DZK_prod/GetLandParcelByCadastralNumber_v1"
        assert "uxp-subject-id" not in headers  # not configured for land parcels
        assert "uxp-purpose-ids" not in headers  # empty purpose id is not sent
        assert not any(name.startswith("x-road-") for name in headers)


def test_operator_is_sent_as_a_pseudonym_never_the_name(trembita, dialect):
    lookup("eddr_person", {"rnokpp": RNOKPP}, issue="42", user_id=OPERATOR_NAME)

    [entry] = trembita.log()
    sent = entry["user_id"]
    assert re.fullmatch(r"UA[0-9A-F]{20}", sent)
    assert sent == operator_pseudonym(OPERATOR_NAME)
    everything = " ".join(entry["headers"].values()) + entry["path"] + entry["query"]
    for word in OPERATOR_NAME.split():
        assert word not in everything
    assert entry["issue"] == "42"


def test_pseudonym_is_stable_per_operator_and_keyed(settings):
    first = operator_pseudonym(17)
    assert first == operator_pseudonym("17")
    assert first != operator_pseudonym(18)
    settings.SECRET_KEY = "another-secret-key-for-this-test-0123456789"
    assert operator_pseudonym(17) != first


def test_each_call_has_a_new_message_id_unless_one_is_given(trembita):
    first = lookup("edr_subject", {"edrpou": "00032684"}, issue="1", user_id="1")
    second = lookup("edr_subject", {"edrpou": "00032684"}, issue="1", user_id="1")
    chosen = str(uuid.uuid4())
    third = lookup("edr_subject", {"edrpou": "00032684"}, issue="1", user_id="1", message_id=chosen)

    logged = [entry["message_id"] for entry in trembita.log()]
    assert logged == [first.message_id, second.message_id, chosen]
    assert len(set(logged)) == 3
    assert third.message_id == chosen


def test_post_services_send_the_parameters_as_a_json_body(start_emulator, settings):
    services = copy.deepcopy(DEFAULTS["services"])
    services["edr_subject"]["method"] = "POST"
    emulator = start_emulator(services)
    settings.TREMBITA = {**TEST_TREMBITA, "ss_base_url": emulator.url, "dialect": "xroad-r1",
                         "services": {"edr_subject": {"method": "POST"}}}  # fmt: skip

    result = lookup("edr_subject", {"edrpou": "00032684"}, issue="1", user_id="1")

    assert result.kind == "ok" and result.data["edrpou"] == "00032684"
    [entry] = emulator.log()
    assert entry["method"] == "POST" and entry["query"] == ""
    assert entry["headers"]["Content-Type"] == "application/json; charset=utf-8"


def test_programming_errors_raise(trembita):
    with pytest.raises(ValueError, match="Unknown registry"):
        lookup("no_such_registry", {"rnokpp": RNOKPP}, issue="1", user_id="1")
    with pytest.raises(ValueError, match="does not accept"):
        lookup("edr_subject", {"rnokpp": RNOKPP}, issue="1", user_id="1")
    with pytest.raises(ValueError, match="needs one of"):
        lookup("edr_subject", {"edrpou": ""}, issue="1", user_id="1")
    assert trembita.log() == []


def test_the_http_client_is_shared(trembita):
    config = client.get_config()
    assert client.get_http_client(config) is client.get_http_client(client.get_config())


def test_personal_data_in_the_query_never_reaches_the_log(trembita, caplog):
    with caplog.at_level(logging.INFO, logger="httpx"):
        result = lookup("eddr_person", {"rnokpp": RNOKPP}, issue="1", user_id="1")

    assert result.kind == "ok"
    lines = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert lines and all("/person" in line for line in lines)
    assert not any(RNOKPP in line for line in lines)
