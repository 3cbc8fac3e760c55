"""The Celery application. Settings come from Django settings with the CELERY_ prefix."""

import os
from functools import partial

from celery import Celery, signals
from celery.utils.log import get_logger
from celery.worker.consumer import Consumer as CeleryConsumer
from kombu.transport.virtual import Channel as VirtualChannel

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cnap.settings.embedded")

logger = get_logger(__name__)

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
    """The worker's consumer (setting ``worker_consumer``): it survives losing the broker while late-acknowledged
    tasks are running.

    On a lost connection Celery first collects it (kombu ``Connection.collect()``: the transport is dropped;
    closing the default channel is tried but fails against a Redis that is down) and then closes it. That
    second close tries the channel again and, with tasks unacknowledged, restores them through the dropped
    transport: ``AttributeError: 'NoneType' object has no attribute 'hostname'`` stops the worker
    ("Unrecoverable error"). Here, for the Redis (virtual) transport, the collected connection lets go of a
    channel it could not close: its unacknowledged messages are given back once, as the close would have
    (with the broker down they stay unacknowledged with it and come back after the visibility timeout), and the
    channel is left to the running tasks, whose late acks reach the broker through its own connection pool
    once it is back. The worker reconnects; a redelivered message finds its work done (tasks are idempotent)."""

    def on_connection_error_after_connected(self, exc):
        connection = self.connection
        if connection is not None:
            connection.collect = partial(_collect_letting_go_of_the_channel, connection, connection.collect)
        super().on_connection_error_after_connected(exc)


def _collect_letting_go_of_the_channel(connection, collect, *args, **kwargs):
    channel = connection._default_channel
    try:
        collect(*args, **kwargs)
    finally:
        if isinstance(channel, VirtualChannel) and not channel.closed:
            connection._default_channel = None
            try:
                channel.qos.restore_unacked_once()
            except channel.connection.connection_errors as error:  # the broker is down: they stay unacknowledged
                logger.warning("Unacknowledged messages not given back after the broker connection was lost: %r", error)
