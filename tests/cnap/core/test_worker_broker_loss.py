"""The broker restarting under an idle default-queue worker (prefork, as deployed: docs/deployment.md). The
broker is a redis-server of the test's own, persistent as in production, stopped and started again on its
port. The worker stays up, reconnects and runs the next task; it used to stop with "Unrecoverable error:
AttributeError('NoneType' object has no attribute 'hostname')" while closing the lost connection
(cnap/celery.py). The thread-pool registry worker with lookups in flight: tests/registry/test_registry_redis_blip.py."""

import time

import pytest

from cnap.core.models import WorkerHeartbeat
from cnap.core.tasks import ping_database
from tests.helpers import wait_for
from tests.processes import RedisServer, sending_to

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_prefork_worker_survives_a_broker_restart(start_worker, tmp_path):
    broker = RedisServer(data_dir=tmp_path).start()
    try:
        worker = start_worker(queues="default", pool="prefork", concurrency=1, CELERY_BROKER_URL=broker.url)
        with sending_to(broker.url):
            ping_database.delay("before the restart")
        wait_for(lambda: WorkerHeartbeat.objects.filter(name="before the restart").exists(), what="the first task")

        broker.stop()
        time.sleep(2.0)
        broker.start()
        with sending_to(broker.url):
            ping_database.delay("after the restart")
        row = wait_for(
            lambda: WorkerHeartbeat.objects.filter(name="after the restart").first(),
            timeout=40,
            what=f"the worker to run a task after the restart (log: {worker.log_path})",
        )
        assert row.hostname.startswith(worker.name)
        assert worker.process.poll() is None
    finally:
        broker.stop()

    log = worker.log()
    assert "Connection to broker lost" in log
    assert "Unrecoverable error" not in log


def test_a_task_running_in_prefork_at_the_restart_is_redelivered(start_worker, tmp_path):
    """A task in flight at the loss (blocked on a row this test holds locked while the broker restarts): the
    prefork worker terminates it (``worker_cancel_long_running_tasks_on_connection_loss``), its message stays
    with the broker unacknowledged and comes back after the visibility timeout (5 s here, an hour as deployed),
    and then runs, once."""
    from django.db import transaction

    from cnap.core.actions import record_worker_heartbeat

    record_worker_heartbeat(hostname="test", name="held")
    broker = RedisServer(data_dir=tmp_path).start()
    try:
        worker = start_worker(
            queues="default",
            pool="prefork",
            concurrency=2,  # a free process: the worker is still reading the queue when the broker goes
            CELERY_BROKER_URL=broker.url,
            CNAP_TEST_VISIBILITY_TIMEOUT="5",
        )
        with transaction.atomic():
            WorkerHeartbeat.objects.select_for_update().get(name="held")
            with sending_to(broker.url):
                task_id = ping_database.delay("held").id
            wait_for(lambda: f"ping_database[{task_id}] received" in worker.log(), what="the worker to take the task")
            time.sleep(0.5)  # the task is waiting for the row now
            broker.stop()
            time.sleep(2.0)
            broker.start()
        row = wait_for(
            lambda: WorkerHeartbeat.objects.filter(name="held").exclude(hostname="test").first(),
            timeout=40,
            what=f"the task to be redelivered (log: {worker.log_path})",
        )
        assert row.hostname.startswith(worker.name)
        assert worker.process.poll() is None
    finally:
        broker.stop()

    log = worker.log()
    assert f"ping_database[{task_id}] cannot be acknowledged after a connection loss" in log  # terminated
    assert log.count(f"ping_database[{task_id}] received") == 2
    assert log.count(f"ping_database[{task_id}] succeeded") == 1
    assert "Unrecoverable error" not in log
