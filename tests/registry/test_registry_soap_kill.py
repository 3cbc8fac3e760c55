"""A worker SIGKILLed in the middle of a SOAP lookup: the lookup still completes (DESIGN §12). In a module of
its own: no other registry worker may be consuming the queue while this one is killed."""

import pytest

from registry.actions import request_lookup, resend_stale_registry_requests
from registry.constants import RegistryRequestState as S
from tests.applications.factories import ApplicationFactory
from tests.factories import UserFactory
from tests.helpers import wait_for
from tests.registry.test_registry_task import NUMBER, RNOKPP, trembita_env, wait_final, worker_env

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def operator():
    return UserFactory()


@pytest.fixture
def application(operator):
    return ApplicationFactory(office=operator.office, journal__office=operator.office, number=NUMBER)


def ask(operator, application):
    return request_lookup(
        registry="eddr_person",
        query={"rnokpp": RNOKPP},
        office=operator.office,
        acting_user=operator,
        application=application,
    )


def soap_env(url, **extra):
    return trembita_env(url, services={"eddr_person": {"protocol": "soap"}}, **extra)


def test_a_worker_killed_mid_soap_lookup_the_lookup_still_completes(
    start_worker, emulator, settings, operator, application
):
    config = soap_env(emulator.url, timeouts={"connect": 1.0, "read": 10.0, "total_deadline": 10.0})
    settings.TREMBITA = config
    emulator.fault(latency_ms=5000, count=1, services=["eddr_person"])
    first = start_worker(queues="registry", pool="threads", concurrency=2, **worker_env(config))

    request = ask(operator, application)

    def running():
        request.refresh_from_db()
        return request.state == S.RUNNING and request.attempts

    wait_for(running, timeout=20, interval=0.05, what="the SOAP lookup to be running")
    first.kill()
    start_worker(queues="registry", pool="threads", concurrency=2, **worker_env(config))
    assert resend_stale_registry_requests(pending_after=3600, running_after=0) == [str(request.id)]
    wait_final(request)

    assert request.state == S.SUCCEEDED
    assert [a["kind"] for a in request.attempts] == ["interrupted", "ok"]
    assert request.attempts[0]["worker"] != request.attempts[1]["worker"]
    assert all(a["protocol"] == "soap" for a in request.attempts[1:])
    assert request.response["rnokpp"] == RNOKPP
