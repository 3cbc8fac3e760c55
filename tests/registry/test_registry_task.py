"""Registry lookups end to end: `request_lookup` → Redis → a real Celery worker (thread pool) → the emulator over
HTTP → the RegistryRequest row (docs/exchange.md)."""

import copy
import json
from urllib.parse import quote

import pytest
from stdnum.ua import rntrc

from cnap.exchange.client import MESSAGES, operator_pseudonym
from cnap.exchange.conf import DEFAULTS
from registry.actions import request_lookup, resend_stale_registry_requests
from registry.constants import RegistryRequestState as S
from registry.models import RegistryRequest
from tests.applications.factories import ApplicationFactory, valid_rnokpp
from tests.factories import UserFactory
from tests.helpers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

NUMBER = "ЦНАП-2026/000123"
RNOKPP = valid_rnokpp(7, male=True)
TRANSPORT_HEADERS = {"host", "accept-encoding", "connection", "user-agent"}
# Short timeouts so fault cases finish quickly: a read timeout of 1.5 s inside a 2 s deadline per attempt,
# three attempts with 0.05 s / 0.1 s backoff.
DEADLINE = 2.0
FAST = {
    "timeouts": {"connect": 1.0, "read": 1.5, "total_deadline": DEADLINE},
    "retry": {"attempts": 3, "backoff": [0.05, 0.1], "jitter": 0},
    # The signed-evidence download after each lookup is tested on its own (test_registry_evidence.py); here
    # the emulator's log holds the lookups only.
    "evidence": {"enabled": False},
}


def rnokpp_ending(last_four: str) -> str:
    """A valid РНОКПП (check digit right) ending in the emulator's magic digits."""
    for prefix in range(310000, 999999):
        number = f"{prefix:06d}{last_four}"
        if rntrc.is_valid(number):
            return number
    raise AssertionError(f"no valid RNOKPP ends in {last_four}")


def trembita_env(url: str, **extra) -> dict:
    return {**copy.deepcopy(FAST), "ss_base_url": url, **extra}


def worker_env(config: dict) -> dict:
    return {"CNAP_TREMBITA": json.dumps(config)}


def protocol_headers(entry):
    return {name.lower(): value for name, value in entry["headers"].items() if name.lower() not in TRANSPORT_HEADERS}


def wait_final(request, timeout=30.0) -> RegistryRequest:
    def final():
        request.refresh_from_db()
        return request if request.state not in (S.PENDING, S.RUNNING) else None

    return wait_for(final, timeout=timeout, interval=0.05, what=f"registry request {request.id} to finish")


@pytest.fixture
def operator():
    return UserFactory()


@pytest.fixture
def application(operator):
    return ApplicationFactory(office=operator.office, journal__office=operator.office, number=NUMBER)


# ---------------------------------------------------------------------------------------------- the wire
ODD_CLIENT = ["SEVDEIR-TEST", "GOV", "04054903", "CNAP_work station"]
ODD_SERVICE_ID = ["SEVDEIR-TEST", "GOV", "00032684", "EDDR_prod/main", "GetPersonByRNOKPP_v1"]


@pytest.mark.parametrize("dialect", ["xroad-r1", "uxp"])
def test_task_sends_exactly_the_url_and_headers_of_the_contract(
    dialect, start_emulator, start_worker, settings, operator, application
):
    """The request of docs/exchange.md §2 through the task: `_` kept, a space and a `/` inside an identifier
    part percent-encoded, the Cyrillic application number percent-encoded in the issue header, the operator
    as a pseudonym."""
    services = copy.deepcopy(DEFAULTS["services"])
    services["eddr_person"]["id"] = ODD_SERVICE_ID
    emulator = start_emulator(services)
    config = trembita_env(
        emulator.url, dialect=dialect, client=ODD_CLIENT, services={"eddr_person": {"id": ODD_SERVICE_ID}}
    )
    settings.TREMBITA = config
    start_worker(queues="registry", pool="threads", concurrency=2, **worker_env(config))

    request = request_lookup(
        registry="eddr_person",
        query={"rnokpp": RNOKPP},
        office=operator.office,
        acting_user=operator,
        application=application,
    )
    wait_final(request)

    assert request.state == S.SUCCEEDED
    [attempt] = request.attempts
    [entry] = emulator.log()
    assert entry["method"] == "GET"
    assert entry["query"] == f"rnokpp={RNOKPP}"
    issue = quote(NUMBER, safe="/")
    assert issue == "%D0%A6%D0%9D%D0%90%D0%9F-2026/000123"
    headers = protocol_headers(entry)
    if dialect == "xroad-r1":
        assert entry["path"] == "/r1/SEVDEIR-TEST/GOV/00032684/EDDR_prod%2Fmain/GetPersonByRNOKPP_v1/person"
        assert headers == {
            "accept": "application/json",
            "x-road-client": "SEVDEIR-TEST/GOV/04054903/CNAP_work%20station",
            "x-road-id": attempt["message_id"],
            "x-road-userid": operator_pseudonym(operator.pk),
            "x-road-issue": issue,
        }
    else:
        assert entry["path"] == "/restapi/person"
        assert headers == {
            "accept": "application/json",
            "uxp-client": "SEVDEIR-TEST/GOV/04054903/CNAP_work%20station",
            "uxp-service": "SEVDEIR-TEST/GOV/00032684/EDDR_prod%2Fmain/GetPersonByRNOKPP_v1",
            "uxp-queryid": attempt["message_id"],
            "uxp-subject-id": RNOKPP,
            "uxp-userid": operator_pseudonym(operator.pk),
            "uxp-issue": issue,
        }
    assert entry["issue"] == NUMBER
    assert attempt["request_id"] == entry["request_id"]  # the security server's id is kept with the attempt
    assert attempt["kind"] == "ok" and attempt["http_status"] == 200 and attempt["dialect"] == dialect
    assert request.response["rnokpp"] == RNOKPP
    assert request.message == str(MESSAGES["ok"])


# ---------------------------------------------------------------------------------------------- faults and death


def test_emulator_not_running_ends_unavailable(start_worker, settings, free_port, operator, application):
    config = trembita_env(f"http://127.0.0.1:{free_port}")
    settings.TREMBITA = config
    start_worker(queues="registry", pool="threads", concurrency=2, **worker_env(config))

    request = request_lookup(
        registry="eddr_person",
        query={"rnokpp": RNOKPP},
        office=operator.office,
        acting_user=operator,
        application=application,
    )
    wait_final(request)

    assert request.state == S.UNAVAILABLE
    assert request.message == str(MESSAGES["gateway_down"])
    assert [a["kind"] for a in request.attempts] == ["transport_error"] * 3
    assert all(a["http_status"] is None for a in request.attempts)


def test_worker_killed_mid_lookup_the_lookup_still_completes(start_worker, emulator, settings, operator, application):
    """SIGKILL the worker while the emulator holds the answer back; a new worker finishes the lookup.

    The killed message would be redelivered by Redis only after the broker's visibility timeout (an hour in
    the test settings), too slow for a test: the sweeper picks the request up instead, called here with
    ``running_after=0`` (in production beat runs it every 60 s and a running request counts as abandoned
    after the client's deadline + 30 s)."""
    config = trembita_env(emulator.url, timeouts={"connect": 1.0, "read": 10.0, "total_deadline": 10.0})
    settings.TREMBITA = config
    emulator.fault(latency_ms=5000, count=1)
    first = start_worker(queues="registry", pool="threads", concurrency=2, **worker_env(config))

    request = request_lookup(
        registry="eddr_person",
        query={"rnokpp": RNOKPP},
        office=operator.office,
        acting_user=operator,
        application=application,
    )

    def running():
        request.refresh_from_db()
        return request.state == S.RUNNING and request.attempts

    wait_for(running, timeout=20, interval=0.05, what="the lookup to be running")
    first.kill()
    start_worker(queues="registry", pool="threads", concurrency=2, **worker_env(config))

    assert resend_stale_registry_requests(pending_after=3600, running_after=0) == [str(request.id)]
    wait_final(request)

    assert request.state == S.SUCCEEDED
    assert [a["kind"] for a in request.attempts] == ["interrupted", "ok"]
    assert request.attempts[0]["worker"] != request.attempts[1]["worker"]
    assert request.response["rnokpp"] == RNOKPP
