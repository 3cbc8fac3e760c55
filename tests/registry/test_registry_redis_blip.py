"""The broker restarting under the thread-pool registry worker (docs/deployment.md: the broker goes away). The
broker is a redis-server of the test's own, persistent as in production (AOF), stopped and started again on
its port (never the shared one).

What happens: the worker stays up and reconnects (it used to stop with "Unrecoverable error: AttributeError
('NoneType' object has no attribute 'hostname')" while closing the lost connection: cnap/celery.py); the
lookups running at the loss finish where they were, once each (the thread pool cannot cancel them), and
their late acknowledgement reaches the restarted broker, so no copy is left to be redelivered; a lookup asked
for afterwards is run by the same worker."""

import time

import pytest
import redis as redis_py

from registry.actions import request_lookup
from registry.constants import RegistryRequestState as S
from tests.factories import UserFactory
from tests.helpers import wait_for
from tests.processes import RedisServer, sending_to
from tests.registry.test_registry_task import RNOKPP, trembita_env, wait_final, worker_env

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def unacked_messages(url: str) -> int:
    """Messages the broker holds as delivered but not acknowledged (redelivered after the visibility timeout)."""
    client = redis_py.Redis.from_url(url)
    return sum(client.hlen(key) for key in client.scan_iter(match="*unacked") if client.type(key) == b"hash")


def test_the_registry_worker_survives_a_broker_restart_mid_lookup(start_worker, emulator, settings, tmp_path):
    broker = RedisServer(data_dir=tmp_path).start()
    try:
        config = trembita_env(emulator.url, timeouts={"connect": 1.0, "read": 15.0, "total_deadline": 15.0})
        settings.TREMBITA = config
        emulator.fault(latency_ms=6000, count=2)
        worker = start_worker(
            queues="registry", pool="threads", concurrency=4, CELERY_BROKER_URL=broker.url, **worker_env(config)
        )
        operator = UserFactory()

        def lookup():
            with sending_to(broker.url):
                return request_lookup(
                    registry="eddr_person", query={"rnokpp": RNOKPP}, office=operator.office, acting_user=operator
                )

        in_flight = [lookup(), lookup()]

        def all_running():
            return all(r.__class__.objects.get(pk=r.pk).state == S.RUNNING for r in in_flight)

        wait_for(all_running, timeout=20, interval=0.1, what="the lookups to be running")
        broker.stop()
        time.sleep(2.0)
        broker.start()

        for request in in_flight:
            wait_final(request, timeout=40)
        assert worker.process.poll() is None, worker.log()[-3000:]

        later = wait_final(lookup(), timeout=40)
        assert later.state == S.SUCCEEDED
        assert later.attempts[0]["worker"].startswith(worker.name)  # the same worker, reconnected
        assert [r.state for r in in_flight] == [S.SUCCEEDED] * 2
        assert all(len(r.attempts) == 1 for r in in_flight)  # finished where they were, not cancelled and re-run
        wait_for(lambda: unacked_messages(broker.url) == 0, timeout=10, what="the late acks to reach the broker")
        assert len(emulator.log()) == 3  # one call per lookup
    finally:
        broker.stop()

    log = worker.log()
    assert "Connection to broker lost" in log  # the worker did see the restart
    assert "Unrecoverable error" not in log
    assert "kill_job" not in log and "NotImplementedError" not in log
