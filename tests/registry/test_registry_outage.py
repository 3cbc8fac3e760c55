"""The exchange rides out a real outage: the security server (the emulator process) is stopped for two minutes
while lookups are in flight through a real thread-pool worker, REST and SOAP alike; when it is back every
lookup succeeds, each attempt in its history (DESIGN §12)."""

import json
import time

import pytest

from registry.actions import request_lookup
from registry.constants import RegistryRequestState as S
from tests.factories import UserFactory
from tests.processes import EmulatorProcess
from tests.registry.test_registry_task import rnokpp_ending, wait_final, worker_env

pytestmark = pytest.mark.django_db(transaction=True)

OUTAGE_SECONDS = 120.0
#: The old retry budget: all retries of a lookup fitted into ~5 s (waits of 1 s and 4 s).
OLD_BUDGET_SECONDS = 5.0


def test_a_two_minute_outage_of_the_security_server_loses_no_lookup(start_worker, settings):
    emulator = EmulatorProcess()
    config = {
        "ss_base_url": emulator.url,
        "timeouts": {"connect": 1.0, "read": 3.0, "total_deadline": 4.0},
        # The horizon is shortened from 15 minutes so the test takes minutes, not a quarter of an hour; the
        # outage is still 24 times the old budget.
        "retry": {"attempts": 0, "backoff": [1, 2, 4, 8, 15, 20], "jitter": 0.3, "horizon": 240},
        "wsdl": {"max_age": 3600},
        "services": {"eddr_person": {"protocol": "soap"}},
    }
    settings.TREMBITA = config
    emulator.start({"CNAP_TREMBITA": json.dumps(config)})
    operator = UserFactory()
    start_worker(queues="registry", pool="threads", concurrency=8, **worker_env(config))
    try:
        # WSDL cached while the ШБО was up (as in production: fetched hours before)
        warm = request_lookup(
            registry="eddr_person",
            query={"rnokpp": rnokpp_ending("1234")},
            office=operator.office,
            acting_user=operator,
        )
        assert wait_final(warm).state == S.SUCCEEDED
        emulator.stop()
        outage_started = time.monotonic()
        requests = [
            request_lookup(registry=registry, query=query, office=operator.office, acting_user=operator)
            for registry, query in [("eddr_person", {"rnokpp": rnokpp_ending(f"{n:03d}1")}) for n in range(1, 6)]
            + [("edr_subject", {"edrpou": code}) for code in ("14360570", "00032684", "21616582")]
        ]
        time.sleep(OUTAGE_SECONDS)
        emulator.start({"CNAP_TREMBITA": json.dumps(config)})
        for request in requests:
            wait_final(request, timeout=120)
        took = time.monotonic() - outage_started
    finally:
        emulator.stop()

    assert took > OUTAGE_SECONDS > 20 * OLD_BUDGET_SECONDS
    for request in requests:
        assert request.state == S.SUCCEEDED, (request.registry, request.message, request.attempts)
        kinds = [attempt["kind"] for attempt in request.attempts]
        assert kinds[-1] == "ok" and kinds.count("transport_error") >= 4
        assert len({attempt["message_id"] for attempt in request.attempts}) == len(kinds)
        assert request.next_try_at is None and request.response
