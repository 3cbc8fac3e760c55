"""Periodic jobs of the exchange (routed to the ``registry`` queue with every ``cnap.exchange`` task)."""

from celery import shared_task


@shared_task(acks_late=False, ignore_result=True)
def probe_security_server() -> bool:
    """Periodic (beat): ask our ШБО whether it answers and keep the result for /healthz."""
    from .actions import record_probe

    return record_probe().ok
