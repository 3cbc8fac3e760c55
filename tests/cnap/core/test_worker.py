"""A task sent with on_commit runs in a real worker process against the real Redis broker."""

import pytest
from django.db import transaction

from cnap.core.models import WorkerHeartbeat
from cnap.core.tasks import ping_database, record_heartbeat
from tests.helpers import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_task_sent_on_commit_runs_in_a_worker_process(start_worker):
    worker = start_worker(queues="default")
    with transaction.atomic():
        ping_database.delay_on_commit("after-commit")
    row = wait_for(lambda: WorkerHeartbeat.objects.filter(name="after-commit").first(), what="the task to run")
    assert row.hostname.startswith(worker.name)


def test_task_of_a_rolled_back_transaction_is_never_sent(start_worker):
    start_worker(queues="default")
    with pytest.raises(RuntimeError), transaction.atomic():
        ping_database.delay_on_commit("rolled-back")
        raise RuntimeError("the registration failed")
    with transaction.atomic():
        ping_database.delay_on_commit("committed")
    # The solo worker runs tasks in order: once the later task ran, the earlier one would have too.
    wait_for(lambda: WorkerHeartbeat.objects.filter(name="committed").exists(), what="the committed task")
    assert not WorkerHeartbeat.objects.filter(name="rolled-back").exists()


def test_heartbeat_task_makes_the_worker_healthy(start_worker, client):
    start_worker(queues="default")
    record_heartbeat.delay()
    wait_for(lambda: WorkerHeartbeat.objects.filter(name="worker").exists(), what="the heartbeat")
    assert client.get("/healthz").json()["checks"]["worker"]["ok"] is True
