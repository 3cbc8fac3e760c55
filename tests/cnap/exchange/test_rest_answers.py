"""REST answers that are not what they seem: wrong shape, a body cut off, an error of the registry's own."""

import pytest

from cnap.exchange import client
from cnap.exchange.client import MESSAGES, lookup
from cnap.exchange.shapes import shape_problem

RNOKPP = "1759013776"


def ask(registry="eddr_person", params=None):
    return lookup(registry, params or {"rnokpp": RNOKPP}, issue="ЦНАП-1", user_id=1)


def test_an_empty_object_is_not_data(trembita):
    trembita.fault(fault="wrong_shape")
    result = ask()

    assert result.kind == "wrong_shape" and result.data is None and not result.retryable
    assert client.outcome(result) == "failed"
    assert result.message == str(MESSAGES["wrong_shape"])
    assert "'rnokpp' is a required property" in result.detail


@pytest.mark.parametrize("fault", ["truncated", "drop_mid_body"])
def test_a_body_cut_off_midway_says_so_and_is_retried(trembita, fault):
    trembita.fault(fault=fault)
    result = ask()

    assert result.kind == "transport_error" and result.retryable
    assert result.error_type == "TruncatedBody" and result.http_status == 200
    assert result.message == str(MESSAGES["cut_off"])
    assert client.outcome(result) == "unavailable"


def test_a_final_500_says_the_registry_failed_not_try_later(trembita):
    trembita.fault(fault="provider_500")
    result = ask()

    assert result.kind == "provider_error" and not result.retryable
    assert result.message == str(MESSAGES["provider_failed"])
    assert client.outcome(result) == "failed"


def test_a_registry_error_carries_the_registrys_words(trembita):
    trembita.fault(fault="business_error")
    result = ask()

    assert result.kind == "provider_error" and result.http_status == 409 and not result.retryable
    assert result.registry_message.startswith("Запит не може бути виконано")
    assert result.registry_message in result.message


def test_a_huge_answer_is_refused(trembita, settings):
    settings.TREMBITA["max_response_bytes"] = 1024 * 1024
    trembita.fault(fault="huge")
    result = ask()

    assert result.kind == "garbage" and result.detail == "response too large"


def test_the_connection_refused_and_the_connection_lost_are_told_apart():
    assert client.message_key("transport_error", "ConnectError", None) == "gateway_down"
    assert client.message_key("transport_error", "RemoteProtocolError", None) == "connection_lost"
    assert client.message_key("transport_error", "TruncatedBody", 200) == "cut_off"


SCHEMA = {
    "type": "object",
    "required": ["a", "items"],
    "properties": {
        "a": {"type": "string"},
        "n": {"type": "integer"},
        "items": {
            "type": "array",
            "items": {"type": "object", "required": ["x"], "properties": {"x": {"type": "number"}}},
        },
    },
}


@pytest.mark.parametrize(
    "data, problem",
    [
        ({"a": "1", "items": []}, ""),
        ({"a": "1", "n": None, "items": [{"x": 1.5}]}, ""),  # an optional field may be null
        ({}, "'a' is a required property"),
        ({"a": "1", "items": [{}]}, "items/0: 'x' is a required property"),
        ({"a": "1", "n": "seven", "items": []}, "n: 'seven' is not of type 'integer', 'null'"),
        ([], "[] is not of type 'object'"),
    ],
)
def test_shapes(data, problem):
    assert shape_problem(data, SCHEMA) == problem


def test_no_declared_shape_accepts_any_object():
    assert shape_problem({}, None) == ""
