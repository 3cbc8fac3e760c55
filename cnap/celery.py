"""The Celery application. Settings come from Django settings with the CELERY_ prefix."""

import os

from celery import Celery, signals
from celery.worker.consumer import Consumer as CeleryConsumer

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cnap.settings.embedded")

app = Celery("cnap")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.celeryd_after_setup.connect
def _no_cancel_on_connection_loss_without_prefork(sender=None, instance=None, conf=None, **kwargs):
    """Cancelling running tasks when the broker connection drops (``worker_cancel_long_running_tasks_on_
    connection_loss``) needs a pool that can kill a job: prefork. The thread pool of the ``registry`` worker
    (and the solo pool) cannot, and Celery then logs ``NotImplementedError ... does not implement kill_job``
    with a traceback for every running task on each Redis blip. For those pools the setting is switched off:
    the running lookups finish (each within the client's deadline), and a message redelivered later finds its
    request already finished and does nothing (the tasks are idempotent)."""
    from celery.concurrency.prefork import TaskPool as PreforkPool

    pool = getattr(instance, "pool_cls", None)
    if conf is not None and isinstance(pool, type) and not issubclass(pool, PreforkPool):
        conf.worker_cancel_long_running_tasks_on_connection_loss = False


class Consumer(CeleryConsumer):
    """The worker's consumer (setting ``worker_consumer``), surviving the loss of the broker connection while
    late-acknowledged tasks are running.

    On a lost connection Celery first collects it (kombu ``Connection.collect()``: the transport is dropped;
    closing the default channel is tried but fails against a Redis that is down) and then closes it. That
    second close tries the channel again; with tasks unacknowledged it restores them, and the Redis channel,
    its transport gone, fails with ``AttributeError: 'NoneType' object has no attribute 'hostname'``, which
    stops the worker ("Unrecoverable error"). Here the collected connection forgets its default channel, so
    the close has nothing left to do: the worker reconnects, and the running tasks keep their channel, whose
    own connection pool carries their late acks to the broker once it is back (a message that cannot be
    acknowledged is redelivered after the visibility timeout and finds its work done: tasks are idempotent)."""

    def on_connection_error_after_connected(self, exc):
        connection = self.connection
        if connection is not None:
            collect = connection.collect

            def collect_and_forget_the_channel(*args, **kwargs):
                try:
                    collect(*args, **kwargs)
                finally:
                    connection._default_channel = None

            connection.collect = collect_and_forget_the_channel
        super().on_connection_error_after_connected(exc)
