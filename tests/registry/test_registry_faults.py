"""Fault classes, retries, Redis down and duplicate deliveries: `request_lookup` → Redis → one real Celery worker
(thread pool, shared by the module) → the emulator over HTTP → the RegistryRequest row."""

import time

import pytest

from cnap.exchange.client import MESSAGES
from registry.actions import (
    request_lookup,
    resend_stale_registry_requests,
    run_registry_attempt,
)
from registry.constants import RegistryRequestState as S
from registry.models import RegistryRequest
from tests.applications.factories import ApplicationFactory
from tests.conftest import WorkerProcess
from tests.factories import UserFactory
from tests.registry.test_registry_task import (
    DEADLINE,
    NUMBER,
    RNOKPP,
    rnokpp_ending,
    trembita_env,
    wait_final,
    worker_env,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def operator():
    return UserFactory()


@pytest.fixture
def application(operator):
    return ApplicationFactory(office=operator.office, journal__office=operator.office, number=NUMBER)


@pytest.fixture(scope="module")
def registry_worker(django_db_setup, django_db_blocker, _session_emulator):
    """One thread-pool worker for the module, pointed at the shared emulator with short timeouts."""
    with django_db_blocker.unblock():
        worker = WorkerProcess(
            queues="registry", pool="threads", concurrency=8, extra_env=worker_env(trembita_env(_session_emulator.url))
        ).start()
    yield worker
    worker.stop()


@pytest.fixture
def fast_trembita(settings, emulator, registry_worker):
    settings.TREMBITA = trembita_env(emulator.url)
    return emulator


# ---------------------------------------------------------------------------------------------- the issue


def test_lookup_without_an_application_sends_a_stable_issue(fast_trembita, operator):
    request = request_lookup(
        registry="edr_subject", query={"edrpou": "14360570"}, office=operator.office, acting_user=operator
    )
    wait_final(request)

    [entry] = fast_trembita.log()
    assert entry["issue"] == f"CNAP-REQUEST-{request.id}"
    assert request.state == S.SUCCEEDED
    assert request.response["edrpou"] == "14360570"


# ---------------------------------------------------------------------------------------------- fault classes
FAULT_CASES = {
    # name: (fault rule or magic РНОКПП ending, final state, message key, attempts made)
    "not_found": (None, "0000", S.NOT_FOUND, "not_found", 1),
    "network_error": (None, "9999", S.UNAVAILABLE, "unavailable", 3),
    "service_failed": ({"fault": "service_failed"}, None, S.UNAVAILABLE, "unavailable", 3),
    "provider_500": ({"fault": "provider_500"}, None, S.FAILED, "provider_failed", 1),
    "provider_503": ({"fault": "provider_503"}, None, S.UNAVAILABLE, "unavailable", 3),
    "access_denied": ({"fault": "access_denied"}, None, S.FAILED, "access_denied", 1),
    "garbage": ({"fault": "garbage"}, None, S.FAILED, "garbage", 1),
    "timeout": ({"fault": "timeout"}, None, S.UNAVAILABLE, "timeout", 3),
}


@pytest.mark.parametrize("case", list(FAULT_CASES))
def test_each_fault_class_ends_in_its_state_with_a_message(case, fast_trembita, operator, application):
    rule, magic, state, key, attempts = FAULT_CASES[case]
    if rule:
        fast_trembita.fault(**rule)
    rnokpp = rnokpp_ending(magic) if magic else RNOKPP

    started = time.monotonic()
    request = request_lookup(
        registry="eddr_person",
        query={"rnokpp": rnokpp},
        office=operator.office,
        acting_user=operator,
        application=application,
    )
    wait_final(request, timeout=40)
    took = time.monotonic() - started

    assert request.state == state
    assert request.message == str(MESSAGES[key])
    assert len(request.attempts) == attempts
    assert len({a["message_id"] for a in request.attempts}) == attempts  # a new message id per attempt
    assert len(fast_trembita.log()) == attempts
    assert request.finished_at is not None
    assert request.response is None
    # No attempt holds the worker past the client's deadline, so the whole request ends within
    # attempts × deadline (+ backoff and scheduling slack).
    for attempt in request.attempts:
        assert attempt["elapsed_ms"] <= DEADLINE * 1000 + 300
    assert took < attempts * DEADLINE + 3
    if case == "timeout":
        assert all(a["kind"] == "timeout" for a in request.attempts)
        # each attempt gave up at the read timeout (1.5 s), long before the emulator's answer (8 s)
        assert all(1400 <= a["elapsed_ms"] <= DEADLINE * 1000 + 300 for a in request.attempts)


def test_a_retry_that_succeeds_keeps_every_attempt(fast_trembita, operator, application):
    fast_trembita.fault(fault="network_error", count=1)

    request = request_lookup(
        registry="eddr_person",
        query={"rnokpp": RNOKPP},
        office=operator.office,
        acting_user=operator,
        application=application,
    )
    wait_final(request)

    assert request.state == S.SUCCEEDED
    assert [a["kind"] for a in request.attempts] == ["transport_error", "ok"]
    assert request.attempts[0]["error_type"] == "Server.ServerProxy.NetworkError"
    log = fast_trembita.log()
    assert [e["message_id"] for e in log] == [a["message_id"] for a in request.attempts]


# ---------------------------------------------------------------------------------------------- reliability
def test_redis_unreachable_at_request_time_the_sweeper_sends_it_later(
    fast_trembita, operator, application, client, free_port
):
    """The broker is pointed at a dead port while the lookup is asked for through the view: the row is
    saved, the administrator gets the pending panel (no error), nothing runs; once the broker is back the
    sweeper sends it and the worker completes it."""
    from cnap.celery import app

    client.force_login(operator)
    good_url = app.conf.broker_url

    def use_broker(url):
        app.conf.broker_url = url
        app._pool = None  # kombu keeps one pool per URL: the next send connects to `url`
        app.amqp._producer_pool = None

    use_broker(f"redis://127.0.0.1:{free_port}/0")
    try:
        response = client.post(
            "/registry/lookup/",
            {
                "registry_lookup": "eddr_person.rnokpp",
                "registry_value": RNOKPP,
                "registry_application": application.pk,
                "registry_mode": "case",
            },
            HTTP_HX_REQUEST="true",
        )
    finally:
        use_broker(good_url)

    assert response.status_code == 200
    assert b"registry-pending" in response.content
    request = RegistryRequest.objects.get()
    assert request.state == S.PENDING and request.application == application
    time.sleep(1.0)
    request.refresh_from_db()
    assert request.state == S.PENDING and fast_trembita.log() == []  # never reached the worker

    assert resend_stale_registry_requests(pending_after=0) == [str(request.id)]
    wait_final(request)
    assert request.state == S.SUCCEEDED
    assert len(fast_trembita.log()) == 1


def unsent_request(operator, application=None, rnokpp=RNOKPP) -> RegistryRequest:
    """A pending request written without sending its task (the test sends or runs it itself)."""
    return RegistryRequest.objects.create(
        application=application,
        applicant=application.applicant if application else None,
        office=operator.office,
        registry="eddr_person",
        query={"rnokpp": rnokpp},
        requested_by=operator,
    )


def test_same_task_delivered_twice_at_once_runs_one_lookup(fast_trembita, operator, application):
    """Two messages for the same request reach the thread-pool worker together: one claims it, the other does
    nothing (the emulator sees one request, the row one attempt)."""
    from registry.tasks import run_registry_request

    fast_trembita.fault(latency_ms=700)
    request = unsent_request(operator, application)
    run_registry_request.delay(str(request.id))
    run_registry_request.delay(str(request.id))
    wait_final(request)
    time.sleep(1.0)  # let the duplicate finish too

    request.refresh_from_db()
    assert request.state == S.SUCCEEDED
    assert len(request.attempts) == 1
    assert len(fast_trembita.log()) == 1


def test_same_task_run_twice_leaves_the_same_database_state(emulator, settings, operator, application):
    """The task body run again for a finished request changes nothing (in-process, against the emulator)."""
    settings.TREMBITA = trembita_env(emulator.url)
    request = unsent_request(operator, application)
    assert run_registry_attempt(request_id=request.id) is None
    snapshot = RegistryRequest.objects.filter(pk=request.pk).values().get()

    assert run_registry_attempt(request_id=request.id) is None
    assert run_registry_attempt(request_id=str(request.id)) is None

    assert RegistryRequest.objects.filter(pk=request.pk).values().get() == snapshot
    assert snapshot["state"] == S.SUCCEEDED and len(snapshot["attempts"]) == 1
    assert len(emulator.log()) == 1


def test_a_running_request_is_not_claimed_twice(operator):
    from registry.actions import claim_registry_request

    request = unsent_request(operator)
    assert claim_registry_request(request_id=request.id) is True
    assert claim_registry_request(request_id=request.id) is False  # running and fresh: another worker has it
    RegistryRequest.objects.filter(pk=request.pk).update(updated_at=request.created_at.replace(year=2020))
    assert claim_registry_request(request_id=request.id) is True  # running but stale: its worker died
    RegistryRequest.objects.filter(pk=request.pk).update(state=S.SUCCEEDED)
    assert claim_registry_request(request_id=request.id) is False  # finished: left alone


def test_a_retry_countdown_is_returned_while_attempts_are_left(emulator, settings, operator):
    settings.TREMBITA = trembita_env(emulator.url, retry={"attempts": 3, "backoff": [1, 4, 10], "jitter": 0})
    emulator.fault(fault="network_error")
    request = unsent_request(operator)

    assert run_registry_attempt(request_id=request.id) == 1
    request.refresh_from_db()
    assert request.state == S.PENDING and len(request.attempts) == 1
    assert request.next_try_at is not None  # the panel shows when
    assert run_registry_attempt(request_id=request.id) == 4
    assert run_registry_attempt(request_id=request.id) is None
    request.refresh_from_db()
    assert request.state == S.UNAVAILABLE and len(request.attempts) == 3
    # the quick retries are over; the sweeper tries again later (retry.sweep_every), until the cut-off
    assert request.next_try_at is not None and request.next_try_at > request.finished_at


def test_quick_retries_stop_at_the_horizon_not_at_a_count(emulator, settings, operator):
    settings.TREMBITA = trembita_env(
        emulator.url, retry={"attempts": 0, "backoff": [30, 60, 120], "jitter": 0, "horizon": 100}
    )
    emulator.fault(fault="network_error")
    request = unsent_request(operator)

    assert run_registry_attempt(request_id=request.id) == 30
    assert run_registry_attempt(request_id=request.id) == 60  # 30 + 60 < 100 s since the first attempt
    assert run_registry_attempt(request_id=request.id) is None  # 120 more would pass the horizon
    request.refresh_from_db()
    assert request.state == S.UNAVAILABLE and [a["kind"] for a in request.attempts] == ["transport_error"] * 3


def test_the_retry_delay_grows_by_the_backoff_with_its_jitter(emulator, settings, operator):
    """The task waits ``backoff`` seconds (the last value repeats) plus up to ``jitter`` of it at random, so
    the retries of many lookups that failed together do not arrive together."""
    settings.TREMBITA = trembita_env(emulator.url, retry={"attempts": 5, "backoff": [2, 8], "jitter": 0.5})
    emulator.fault(fault="network_error")
    request = unsent_request(operator)
    delays = [run_registry_attempt(request_id=request.id) for _ in range(3)]
    assert 2 <= delays[0] <= 3
    assert all(8 <= delay <= 12 for delay in delays[1:])
