"""The Celery application. Settings come from Django settings with the CELERY_ prefix."""

import os

from celery import Celery, signals

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
