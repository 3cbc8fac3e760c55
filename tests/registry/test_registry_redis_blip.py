"""A Redis blip while the thread-pool registry worker runs lookups: the running lookups finish, once each, and
the worker does not try to cancel them (the thread pool cannot kill a job; with
``worker_cancel_long_running_tasks_on_connection_loss`` on, Celery logged ``NotImplementedError ... does not
implement kill_job`` for every running task: cnap/celery.py switches it off for such pools). The broker is a
redis-server of the test's own, stopped and started again on its port (never the shared one).

Seen here with Celery 5.7 / kombu 5.7: on the connection loss the consumer stops with "Unrecoverable error:
AttributeError('NoneType' object has no attribute 'hostname')" (a known class of kombu bugs); the warm
shutdown lets the running lookups finish, and the process supervisor must start the worker again
(docs/deployment.md: Restart=always). This test holds the part that is ours: nothing is lost or run twice."""

import time

import pytest

from registry.actions import request_lookup
from registry.constants import RegistryRequestState as S
from tests.factories import UserFactory
from tests.helpers import wait_for
from tests.processes import RedisServer
from tests.registry.test_registry_task import RNOKPP, trembita_env, wait_final, worker_env

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_redis_blip_does_not_cancel_running_lookups(start_worker, emulator, settings):
    from cnap.celery import app

    redis = RedisServer().start()
    config = trembita_env(emulator.url, timeouts={"connect": 1.0, "read": 15.0, "total_deadline": 15.0})
    settings.TREMBITA = config
    emulator.fault(latency_ms=6000, count=3)
    worker = start_worker(
        queues="registry", pool="threads", concurrency=4, CELERY_BROKER_URL=redis.url, **worker_env(config)
    )
    operator = UserFactory()
    good_url = app.conf.broker_url

    def use_broker(url):
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    use_broker(redis.url)
    try:
        requests = [
            request_lookup(
                registry="eddr_person", query={"rnokpp": RNOKPP}, office=operator.office, acting_user=operator
            )
            for _ in range(3)
        ]
    finally:
        use_broker(good_url)

    def all_running():
        return all(r.__class__.objects.get(pk=r.pk).state == S.RUNNING for r in requests)

    wait_for(all_running, timeout=20, interval=0.1, what="the lookups to be running")
    redis.stop()
    time.sleep(2.0)
    redis.start()
    try:
        for request in requests:
            wait_final(request, timeout=40)
    finally:
        redis.stop()

    assert [r.state for r in requests] == [S.SUCCEEDED] * 3
    assert all(len(r.attempts) == 1 for r in requests)  # finished where they were, not cancelled and re-run
    log = worker.log()
    assert "connection" in log.lower()  # the worker did see the blip
    assert "kill_job" not in log and "NotImplementedError" not in log
