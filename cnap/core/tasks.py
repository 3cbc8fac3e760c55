from celery import shared_task


@shared_task(acks_late=False, ignore_result=True)
def record_heartbeat(queue: str = "default") -> None:
    """Beat sends it through each queue (``options.queue``): the row ``worker`` (default queue) or
    ``worker:<queue>`` says a worker of that queue ran lately (/healthz)."""
    from .actions import record_worker_heartbeat

    name = "worker" if queue == "default" else f"worker:{queue}"
    record_worker_heartbeat(hostname=record_heartbeat.request.hostname or "unknown", name=name)


@shared_task(ignore_result=True)
def ping_database(marker: str) -> None:
    """Writes a heartbeat row named after the marker: lets tests prove a real worker ran a task."""
    from .actions import record_worker_heartbeat

    record_worker_heartbeat(hostname=ping_database.request.hostname or "unknown", name=marker)


@shared_task(ignore_result=True)
def purge_form_tokens() -> int:
    from .submissions import purge_old_tokens

    return purge_old_tokens()
