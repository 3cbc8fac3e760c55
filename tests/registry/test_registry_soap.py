"""SOAP lookups through a real Celery worker (thread pool) and the emulator over HTTP: the fault classes end in
their states, a duplicated message runs one lookup, a broker that is down at request time loses nothing (DESIGN
§12, the same guarantees as REST; a worker killed mid-lookup: test_registry_soap_kill.py)."""

import time

import pytest

from cnap.exchange import wsdl
from cnap.exchange.client import MESSAGES
from registry.actions import request_lookup, resend_stale_registry_requests
from registry.constants import RegistryRequestState as S
from registry.models import RegistryRequest
from tests.applications.factories import ApplicationFactory
from tests.conftest import WorkerProcess
from tests.factories import UserFactory
from tests.registry.test_registry_task import NUMBER, RNOKPP, rnokpp_ending, trembita_env, wait_final, worker_env

pytestmark = pytest.mark.django_db(transaction=True)

SOAP = {"services": {"eddr_person": {"protocol": "soap"}}}


def soap_env(url, **extra):
    return trembita_env(url, **SOAP, **extra)


@pytest.fixture
def operator():
    return UserFactory()


@pytest.fixture
def application(operator):
    return ApplicationFactory(office=operator.office, journal__office=operator.office, number=NUMBER)


@pytest.fixture(scope="module")
def soap_worker(django_db_setup, django_db_blocker, _session_emulator):
    with django_db_blocker.unblock():
        worker = WorkerProcess(
            queues="registry", pool="threads", concurrency=8, extra_env=worker_env(soap_env(_session_emulator.url))
        ).start()
    yield worker
    worker.stop()


@pytest.fixture
def soap_trembita(settings, emulator, soap_worker):
    wsdl.clear_memo()
    settings.TREMBITA = soap_env(emulator.url)
    return emulator


def ask(operator, application, rnokpp=RNOKPP):
    return request_lookup(
        registry="eddr_person",
        query={"rnokpp": rnokpp},
        office=operator.office,
        acting_user=operator,
        application=application,
    )


def soap_log(emulator):
    return [entry for entry in emulator.log() if entry["dialect"] == "soap"]


CASES = {
    # fault rule or magic ending: (state, message key, attempts)
    "ok": (None, None, S.SUCCEEDED, "ok", 1),
    "not_found": (None, "0000", S.NOT_FOUND, "not_found", 1),
    "network_error": (None, "9999", S.UNAVAILABLE, "unavailable", 3),
    "business_error": ({"fault": "business_error"}, None, S.FAILED, "registry_error", 1),
    "wrong_echo": ({"fault": "wrong_echo"}, None, S.FAILED, "mismatch", 1),
    "wrong_shape": ({"fault": "wrong_shape"}, None, S.FAILED, "wrong_shape", 1),
    "xml_bomb": ({"fault": "xml_bomb"}, None, S.FAILED, "unsafe_xml", 1),
    "truncated": ({"fault": "truncated"}, None, S.UNAVAILABLE, "cut_off", 3),
    "timeout": ({"fault": "timeout"}, None, S.UNAVAILABLE, "timeout", 3),
}


@pytest.mark.parametrize("case", list(CASES))
def test_soap_fault_classes_through_the_worker(case, soap_trembita, operator, application):
    rule, magic, state, key, attempts = CASES[case]
    if rule:
        soap_trembita.fault(services=["eddr_person"], **rule)

    request = ask(operator, application, rnokpp_ending(magic) if magic else RNOKPP)
    wait_final(request, timeout=40)

    assert request.state == state, (request.message, request.attempts)
    assert request.attempts[-1]["message_key"] == key
    assert request.message.startswith(str(MESSAGES[key]))
    assert len(request.attempts) == attempts
    assert all(a["protocol"] == "soap" for a in request.attempts)
    log = soap_log(soap_trembita)
    assert [e["message_id"] for e in log] == [a["message_id"] for a in request.attempts]
    if state == S.SUCCEEDED:
        assert request.response["rnokpp"] == RNOKPP
        assert request.request_hash == log[-1]["request_hash"]
        assert request.transaction_id == log[-1]["request_id"]
        assert log[-1]["issue"] == NUMBER


def test_the_same_soap_task_delivered_twice_runs_one_lookup(soap_trembita, operator, application):
    from registry.tasks import run_registry_request

    soap_trembita.fault(latency_ms=700)
    request = RegistryRequest.objects.create(
        application=application,
        applicant=application.applicant,
        office=operator.office,
        registry="eddr_person",
        query={"rnokpp": RNOKPP},
        requested_by=operator,
    )
    run_registry_request.delay(str(request.id))
    run_registry_request.delay(str(request.id))
    wait_final(request)
    time.sleep(1.0)

    request.refresh_from_db()
    assert request.state == S.SUCCEEDED and len(request.attempts) == 1
    assert len(soap_log(soap_trembita)) == 1


def test_broker_down_at_request_time_the_soap_lookup_runs_later(soap_trembita, operator, application, free_port):
    from cnap.celery import app

    good_url = app.conf.broker_url

    def use_broker(url):
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    use_broker(f"redis://127.0.0.1:{free_port}/0")
    try:
        request = ask(operator, application)
    finally:
        use_broker(good_url)
    request.refresh_from_db()
    assert request.state == S.PENDING and request.enqueued_at is None
    time.sleep(1.0)
    assert soap_log(soap_trembita) == []

    assert resend_stale_registry_requests(pending_after=0) == [str(request.id)]
    wait_final(request)
    assert request.state == S.SUCCEEDED and len(soap_log(soap_trembita)) == 1
