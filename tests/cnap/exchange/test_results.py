"""Classification of every kind of answer (docs/exchange.md §4), over HTTP against the emulator, both dialects."""

import json
import time

import httpx
import pytest

from cnap.exchange import emulator_data
from cnap.exchange.client import MESSAGES, lookup, outcome

RNOKPP = "1759013776"


def ask(registry="eddr_person", params=None, **kwargs):
    return lookup(registry, params or {"rnokpp": RNOKPP}, issue="ЦНАП-1", user_id="9", **kwargs)


def test_ok_with_deterministic_person(trembita):
    result = ask()

    assert result.kind == "ok"
    assert not result.retryable
    assert result.http_status == 200
    assert result.message == str(MESSAGES["ok"])
    assert result.data == emulator_data.eddr_person({"rnokpp": RNOKPP})
    assert result.data["rnokpp"] == RNOKPP
    assert result.data["dateOfBirth"] == "1948-02-28"  # 17590 days after 31.12.1899
    assert result.data["gender"] == "male"  # 9th digit 7 is odd
    assert result.data["unzr"].startswith("19480228-")
    [entry] = trembita.log()
    assert result.request_id == entry["request_id"] and result.request_id
    assert result.request_hash == entry["request_hash"] and result.request_hash
    assert result.elapsed_ms >= 0
    json.dumps(result.to_dict())  # storable as it is


def test_not_found_is_a_business_result(trembita):
    result = ask(params={"rnokpp": "1234560000"})

    assert result.kind == "not_found"
    assert not result.retryable
    assert result.http_status == 404
    assert result.message == str(MESSAGES["not_found"])


def test_network_error_of_the_security_server(trembita, dialect):
    result = ask(params={"rnokpp": "1234569999"})

    assert result.kind == "transport_error"
    assert result.retryable
    assert result.error_type == "Server.ServerProxy.NetworkError"
    assert result.http_status == 500
    assert result.message == str(MESSAGES["unavailable"])
    [entry] = trembita.log()
    assert entry["status"] == 500


@pytest.mark.parametrize(
    ("fault", "kind", "error_type", "status", "retryable", "message"),
    [
        ("network_error", "transport_error", "Server.ServerProxy.NetworkError", 500, True, "unavailable"),
        ("service_failed", "transport_error", "Server.ServerProxy.ServiceFailed", 500, True, "unavailable"),
        ("access_denied", "transport_error", "Server.ServerProxy.AccessDenied", 500, False, "access_denied"),
        ("provider_500", "provider_error", "HTTP500", 500, False, "provider_failed"),
        ("provider_503", "provider_error", "HTTP503", 503, True, "unavailable"),
        ("garbage", "garbage", "InvalidBody", 200, False, "garbage"),
    ],
)
def test_injected_faults(trembita, fault, kind, error_type, status, retryable, message):
    trembita.fault(fault=fault)

    result = ask()

    assert result.kind == kind
    assert result.error_type == error_type
    assert result.http_status == status
    assert result.retryable is retryable
    assert result.message == str(MESSAGES[message])
    assert result.data is None or isinstance(result.data, dict)


def test_security_server_errors_come_in_the_dialects_headers(trembita, dialect):
    trembita.fault(fault="service_failed")
    service = "SEVDEIR-TEST/GOV/00032684/EDDR_prod/GetPersonByRNOKPP_v1"
    path = "/restapi/person" if dialect == "uxp" else f"/r1/{service}/person"
    headers = {"Uxp-Client": "A/B/C/D", "Uxp-Service": service, "X-Road-Client": "A/B/C/D"}
    response = httpx.get(trembita.url + path, params={"rnokpp": RNOKPP}, headers=headers, trust_env=False)
    assert response.status_code == 500
    body = response.json()
    assert body["type"] == "Server.ServerProxy.ServiceFailed" and body["message"] and body["detail"]
    if dialect == "uxp":
        assert response.headers["uxp-faultcode"] == "Server.ServerProxy.ServiceFailed"
        assert response.headers["uxp-faultstring"]
        assert response.headers["uxp-transaction-id"]
        assert "x-road-error" not in response.headers
    else:
        assert response.headers["x-road-error"] == "Server.ServerProxy.ServiceFailed"
        assert response.headers["x-road-request-id"] and response.headers["x-road-request-hash"]
        assert "uxp-faultcode" not in response.headers


def test_invalid_input_is_a_provider_error_not_retried(trembita):
    bad_check_digit = ask(params={"rnokpp": "1759013777"})
    bad_cadastral = ask("dzk_parcel", {"cadastral_number": "3210900000-01-001-0001"})

    for result in (bad_check_digit, bad_cadastral):
        assert result.kind == "provider_error"
        assert result.http_status == 422
        assert not result.retryable
        # our message, then the registry's own words
        assert result.message.startswith(str(MESSAGES["invalid_input"]) + " ")
        assert result.registry_message in result.message
    assert bad_check_digit.registry_message == "Неправильна контрольна цифра РНОКПП"
    assert bad_check_digit.data["field"] == "rnokpp"
    assert bad_cadastral.data["field"] == "cadastral_number"


def test_unknown_service_is_a_configuration_error(trembita, settings):
    settings.TREMBITA["services"] = {"eddr_person": {"id": "SEVDEIR-TEST/GOV/00032684/EDDR_prod/NoSuchService_v9"}}

    result = ask()

    assert result.kind == "transport_error"
    assert result.error_type == "Server.ServerProxy.UnknownService"
    assert not result.retryable
    assert result.message == str(MESSAGES["unknown_service"])


def test_magic_slow_input_times_out_within_the_deadline(trembita, settings):
    settings.TREMBITA["timeouts"] = {"connect": 1.0, "read": 30.0, "total_deadline": 1.0}

    started = time.monotonic()
    result = ask(params={"rnokpp": "1234568888"})
    elapsed = time.monotonic() - started

    assert result.kind == "timeout"
    assert result.retryable
    assert result.message == str(MESSAGES["timeout"])
    assert 0.9 < elapsed < 1.0 + 0.4


def test_timeout_override_shortens_the_attempt(trembita):
    trembita.fault(fault="timeout")

    started = time.monotonic()
    result = ask(timeout_override=0.5)
    elapsed = time.monotonic() - started

    assert result.kind == "timeout"
    assert elapsed < 0.5 + 0.4


def test_a_trickling_body_cannot_hold_the_caller_past_the_deadline(trembita, settings):
    # The emulator sends the headers at once, then one byte every 0.5 s: each read is quicker than the read
    # timeout, so only the overall deadline can stop it.
    settings.TREMBITA["timeouts"] = {"connect": 1.0, "read": 1.0, "total_deadline": 1.5}
    trembita.fault(fault="slow_body")

    started = time.monotonic()
    result = ask()
    elapsed = time.monotonic() - started

    assert result.kind == "timeout"
    assert elapsed < 1.5 + 0.4


def test_emulator_not_running_is_a_retryable_transport_error(settings, free_port, dialect):
    settings.TREMBITA = {"dialect": dialect, "ss_base_url": f"http://127.0.0.1:{free_port}"}

    started = time.monotonic()
    result = ask()

    assert result.kind == "transport_error"
    assert result.retryable
    assert result.error_type == "ConnectError"
    assert result.http_status is None
    assert result.message == str(MESSAGES["gateway_down"])
    assert time.monotonic() - started < 2


def test_messages_differ_per_failure_and_are_translatable():
    from django.utils.functional import Promise

    assert all(isinstance(message, Promise) for message in MESSAGES.values())
    assert len({str(message) for message in MESSAGES.values()}) == len(MESSAGES)


@pytest.mark.parametrize(
    ("fault", "params", "state"),
    [
        ("", {"rnokpp": RNOKPP}, "succeeded"),
        ("", {"rnokpp": "1234560000"}, "not_found"),
        ("", {"rnokpp": "1234569999"}, "unavailable"),
        ("provider_503", {"rnokpp": RNOKPP}, "unavailable"),
        ("provider_500", {"rnokpp": RNOKPP}, "failed"),
        ("garbage", {"rnokpp": RNOKPP}, "failed"),
        ("access_denied", {"rnokpp": RNOKPP}, "failed"),
        ("", {"rnokpp": "1759013777"}, "failed"),
    ],
)
def test_outcome_maps_results_to_request_states(trembita, fault, params, state):
    if fault:
        trembita.fault(fault=fault)
    assert outcome(ask(params=params)) == state


def test_a_missing_gateway_ends_unavailable(settings, free_port):
    settings.TREMBITA = {"ss_base_url": f"http://127.0.0.1:{free_port}"}
    assert outcome(ask()) == "unavailable"


def test_the_retry_schedule_spans_minutes_up_to_the_horizon():
    import random

    from cnap.exchange.client import retry_delay

    config = {"retry": {"attempts": 0, "backoff": [2, 5, 10, 30, 60, 120], "jitter": 0.25, "horizon": 900}}
    rng = random.Random(7)
    elapsed, delays = 0.0, []
    attempt = 1
    while (delay := retry_delay(config, attempt, elapsed, rng)) is not None:
        delays.append(delay)
        elapsed += delay + 2.0  # each attempt itself takes a while
        attempt += 1
    assert delays[0] >= 2 and delays[1] >= 5 and max(delays) <= 120 * 1.25
    assert all(later >= earlier * 0.8 for earlier, later in zip(delays, delays[1:], strict=False))
    assert 600 < elapsed <= 900 + 2 * len(delays)  # minutes of retrying, never past the horizon
    assert len({round(d, 3) for d in delays[5:]}) == len(delays[5:])  # jitter: no two threads in lockstep
    capped = {"retry": {**config["retry"], "attempts": 3}}
    assert retry_delay(capped, 2, 0.0) is not None and retry_delay(capped, 3, 0.0) is None
