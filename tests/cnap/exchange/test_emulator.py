"""The emulator itself: data, metadata, fault injection, message log, concurrency."""

import datetime
import threading
import time

import httpx
import pytest
from stdnum.ua import edrpou, rntrc

from cnap.exchange import emulator_data
from cnap.exchange.client import lookup
from cnap.exchange.conf import DEFAULTS
from cnap.exchange.emulator import request_hash

RNOKPP = "1759013776"
XROAD_CLIENT = {"X-Road-Client": "SEVDEIR-TEST/GOV/04054903/CNAP_workstation"}
EDDR_PROVIDER = "/r1/SEVDEIR-TEST/GOV/00032684/EDDR_prod"


def get(emulator, path, **kwargs):
    return httpx.get(emulator.url + path, trust_env=False, timeout=10, **kwargs)


def test_health(emulator):
    response = get(emulator, "/__emulator/health")
    assert response.status_code == 200
    assert response.json()["services"] == sorted(DEFAULTS["services"])


def test_same_input_gives_the_same_body(trembita, start_emulator):
    params = {
        "eddr_person": {"rnokpp": RNOKPP},
        "edr_subject": {"edrpou": "00032684"},
        "drrp_rights": {"rnokpp": RNOKPP},
        "dzk_parcel": {"cadastral_number": "4610100000:01:002:0033"},
        "rtg_residence": {"unzr": "19480228-13774"},
    }
    other = start_emulator(DEFAULTS["services"])
    for registry, query in params.items():
        first = lookup(registry, query, issue="1", user_id="1")
        second = lookup(registry, query, issue="2", user_id="2")
        assert first.kind == "ok", (registry, first)
        assert first.data == second.data
        path = DEFAULTS["services"][registry]["path"]
        service = DEFAULTS["services"][registry]["id"]
        wire = {DEFAULTS["services"][registry]["params"][k]: v for k, v in query.items()}
        third = get(other, f"/r1/{service}{path}", params=wire, headers=XROAD_CLIENT)  # another process-alike
        assert third.json() == first.data


def test_person_is_consistent_with_its_numbers():
    for number in ["1759013776", "3012345678", "2834512349"]:
        if not rntrc.is_valid(number):
            continue
        person = emulator_data.eddr_person({"rnokpp": number})
        birth = datetime.date(1899, 12, 31) + datetime.timedelta(days=int(number[:5]))
        assert person["dateOfBirth"] == birth.isoformat()
        assert person["gender"] == ("male" if int(number[8]) % 2 else "female")
        assert person["unzr"][:8] == birth.strftime("%Y%m%d")
        assert len(person["passportNumber"]) == 9 and person["passportNumber"].isdigit()
        assert person["registeredAddress"]["community"].endswith("територіальна громада")
        if person["gender"] == "female":
            assert person["patronym"].endswith("івна") or person["patronym"].endswith("ївна")
        else:
            assert person["patronym"].endswith("ович") or person["patronym"].endswith("йович")
        # The same person by УНЗР, and the residence register agrees with the person register.
        assert emulator_data.eddr_person({"unzr": person["unzr"]}) == person
        residence = emulator_data.rtg_residence({"rnokpp": number})
        assert residence["address"] == person["registeredAddress"]
        assert residence["surname"] == person["surname"]


def test_a_female_person():
    head = "30123" + "4562"  # 9th digit 2: female
    number = head + rntrc.calc_check_digit(head)
    person = emulator_data.eddr_person({"rnokpp": number})
    assert person["gender"] == "female"
    assert person["name"] in emulator_data.FEMALE_NAMES


def test_entity_rights_and_parcel_shapes():
    code = "00032684"
    assert edrpou.is_valid(code)
    entity = emulator_data.edr_subject({"edrpou": code})
    assert set(entity) >= {"name", "head", "address", "status", "kved"}
    assert entity["kved"]["code"][2] == "."
    rights = emulator_data.drrp_rights({"edrpou": code})
    assert rights["totalCount"] == len(rights["rights"])
    for right in emulator_data.drrp_rights({"rnokpp": RNOKPP})["rights"]:
        assert set(right) >= {"address", "area", "share", "registrationDate"}
    parcel = emulator_data.dzk_parcel({"cadastral_number": "4610100000:01:002:0033"})
    assert parcel["location"]["settlement"] == "м. Львів"  # the KOATUU part of the number
    assert parcel["areaUnit"] == "га" and parcel["area"] > 0
    assert parcel["purpose"]["code"] and parcel["purpose"]["text"] and parcel["ownershipForm"]


@pytest.mark.parametrize(
    ("registry", "params", "field"),
    [
        ("eddr_person", {"rnokpp": "1759013777"}, "rnokpp"),
        ("eddr_person", {"rnokpp": "17590137"}, "rnokpp"),
        ("eddr_person", {"unzr": "19480228-13770"}, "unzr"),
        ("edr_subject", {"edrpou": "00032685"}, "edrpou"),
        ("dzk_parcel", {"cadastral_number": "3210900000:01:001"}, "cadastral_number"),
    ],
)
def test_invalid_inputs_are_422(registry, params, field):
    with pytest.raises(emulator_data.ProviderAnswer) as caught:
        emulator_data.HANDLERS[registry](params)
    assert caught.value.status == 422
    assert caught.value.body["field"] == field


def test_magic_edrpou_and_cadastral_numbers(trembita):
    assert lookup("edr_subject", {"edrpou": "12340000"}, issue="1", user_id="1").kind == "not_found"
    assert lookup("drrp_rights", {"edrpou": "12349999"}, issue="1", user_id="1").kind == "transport_error"
    parcel = lookup("dzk_parcel", {"cadastral_number": "3210900000:01:001:0000"}, issue="1", user_id="1")
    assert parcel.kind == "not_found"


def test_missing_client_header_is_a_client_error(emulator):
    response = get(emulator, f"{EDDR_PROVIDER}/GetPersonByRNOKPP_v1/person", params={"rnokpp": RNOKPP})
    assert response.status_code == 400
    assert response.headers["X-Road-Error"] == "Client.BadRequest"
    assert response.json()["type"] == "Client.BadRequest"

    response = get(emulator, "/restapi/person", params={"rnokpp": RNOKPP}, headers={"Uxp-Client": "A/B/C/D"})
    assert response.status_code == 400
    assert response.headers["uxp-faultcode"] == "Client.BadRequest"


def test_xroad_response_headers(emulator):
    headers = {**XROAD_CLIENT, "X-Road-Id": "my-id-1", "X-Road-Issue": "A-5"}
    response = get(emulator, f"{EDDR_PROVIDER}/GetPersonByRNOKPP_v1/person?rnokpp={RNOKPP}", headers=headers)

    assert response.status_code == 200
    assert response.headers["X-Road-Client"] == XROAD_CLIENT["X-Road-Client"]
    assert response.headers["X-Road-Service"] == "SEVDEIR-TEST/GOV/00032684/EDDR_prod/GetPersonByRNOKPP_v1"
    assert response.headers["X-Road-Id"] == "my-id-1"
    assert response.headers["X-Road-Request-Id"]
    [entry] = emulator.log()
    expected = request_hash("GET", f"{entry['path']}?{entry['query']}", list(entry["headers"].items()), b"")
    assert response.headers["X-Road-Request-Hash"] == expected == entry["request_hash"]


def test_xroad_generates_a_message_id_when_missing(emulator):
    response = get(emulator, f"{EDDR_PROVIDER}/GetPersonByRNOKPP_v1/person?rnokpp={RNOKPP}", headers=XROAD_CLIENT)
    assert response.headers["X-Road-Id"]
    assert emulator.log()[0]["message_id"] == response.headers["X-Road-Id"]


def test_list_and_allowed_methods(emulator):
    for name in ("listMethods", "allowedMethods"):
        response = get(emulator, f"{EDDR_PROVIDER}/{name}", headers=XROAD_CLIENT)
        assert response.status_code == 200
        assert response.json() == {
            "service": [
                {
                    "object_type": "SERVICE",
                    "xroad_instance": "SEVDEIR-TEST",
                    "member_class": "GOV",
                    "member_code": "00032684",
                    "subsystem_code": "EDDR_prod",
                    "service_code": "GetPersonByRNOKPP_v1",
                    "service_type": "OPENAPI",
                    "endpoint_list": [{"method": "GET", "path": "/person"}],
                }
            ]
        }
    uxp = get(
        emulator,
        "/restapi",
        headers={"Uxp-Client": "SEVDEIR-TEST/GOV/04054903/CNAP_workstation",
                 "Uxp-Service": "SEVDEIR-TEST/GOV/21616582/DZK_prod/listMethods"},
    )  # fmt: skip
    assert uxp.status_code == 200
    assert [s["service_code"] for s in uxp.json()["service"]] == ["GetLandParcelByCadastralNumber_v1"]
    assert uxp.headers["uxp-transaction-id"]


def test_get_openapi(emulator):
    response = get(emulator, f"{EDDR_PROVIDER}/getOpenAPI", params={"serviceCode": "GetPersonByRNOKPP_v1"},
                   headers=XROAD_CLIENT)  # fmt: skip
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    names = [p["name"] for p in spec["paths"]["/person"]["get"]["parameters"]]
    assert names == ["rnokpp", "unzr"]

    unknown = get(emulator, f"{EDDR_PROVIDER}/getOpenAPI", params={"serviceCode": "Nope_v1"}, headers=XROAD_CLIENT)
    assert unknown.status_code == 500
    assert unknown.headers["X-Road-Error"] == "Server.ServerProxy.UnknownService"


def test_unknown_service_and_provider(emulator):
    response = get(emulator, "/r1/SEVDEIR-TEST/GOV/11111111/NOPE_prod/Nothing_v1/x", headers=XROAD_CLIENT)
    assert response.status_code == 500
    assert response.headers["X-Road-Error"] == "Server.ServerProxy.UnknownService"
    response = get(emulator, "/r1/SEVDEIR-TEST/GOV/11111111/NOPE_prod/listMethods", headers=XROAD_CLIENT)
    assert response.headers["X-Road-Error"] == "Server.ServerProxy.UnknownService"


def test_fault_with_count_affects_only_that_many_requests(trembita):
    rule = trembita.fault(fault="provider_500", count=2)
    assert rule["remaining"] == 2

    kinds = [lookup("eddr_person", {"rnokpp": RNOKPP}, issue="1", user_id="1").kind for _ in range(3)]

    assert kinds == ["provider_error", "provider_error", "ok"]
    assert trembita.http.get("/__emulator/faults").json()["rules"] == []


def test_fault_limited_to_some_services(trembita):
    trembita.fault(fault="garbage", services=["edr_subject"])

    assert lookup("eddr_person", {"rnokpp": RNOKPP}, issue="1", user_id="1").kind == "ok"
    assert lookup("edr_subject", {"edrpou": "00032684"}, issue="1", user_id="1").kind == "garbage"
    rules = trembita.http.get("/__emulator/faults").json()["rules"]
    assert [r["fault"] for r in rules] == ["garbage"]


def test_faults_can_be_listed_and_reset(emulator):
    emulator.fault(latency_ms=50)
    emulator.fault(fault="network_error", services=["GetPersonByRNOKPP_v1"])
    assert len(emulator.http.get("/__emulator/faults").json()["rules"]) == 2
    assert emulator.http.delete("/__emulator/faults").json() == {"rules": []}
    assert emulator.http.get("/__emulator/faults").json()["rules"] == []
    bad = emulator.http.post("/__emulator/faults", json={"fault": "explode"})
    assert bad.status_code == 400 and "explode" in bad.json()["error"]
    assert emulator.http.post("/__emulator/faults", json={"count": 0}).status_code == 400


def test_injected_latency_is_applied(trembita):
    trembita.fault(latency_ms=300)
    result = lookup("eddr_person", {"rnokpp": RNOKPP}, issue="1", user_id="1")
    assert result.kind == "ok"
    assert result.elapsed_ms >= 300


def test_log_lists_requests_and_can_be_cleared(trembita, dialect):
    lookup("eddr_person", {"rnokpp": RNOKPP}, issue="A-1", user_id="1")
    lookup("eddr_person", {"rnokpp": "1234560000"}, issue="A-2", user_id="1")

    log = trembita.log()
    assert [(e["dialect"], e["issue"], e["status"], e["registry"]) for e in log] == [
        (dialect, "A-1", 200, "eddr_person"),
        (dialect, "A-2", 404, "eddr_person"),
    ]
    assert set(log[0]) >= {"time", "method", "path", "query", "headers", "message_id", "client", "service"}
    trembita.http.delete("/__emulator/log")
    assert trembita.log() == []


def test_fifty_concurrent_lookups_wait_in_parallel(trembita):
    trembita.fault(latency_ms=300)
    results = []
    lock = threading.Lock()

    def worker():
        result = lookup("eddr_person", {"rnokpp": RNOKPP}, issue="1", user_id="1")
        with lock:
            results.append(result)

    threads = [threading.Thread(target=worker) for _ in range(50)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    assert [r.kind for r in results] == ["ok"] * 50
    # One after another this would take 15 s; the threaded server overlaps the waits.
    assert elapsed < 5
