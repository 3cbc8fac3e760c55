"""Celery tasks of registry lookups. Tasks take ids, are idempotent and call actions.

Registry lookups run on the queue ``registry``, an I/O pool (``celery -A cnap worker -Q registry --pool threads
--concurrency 50``): see :mod:`registry.actions` for the life of a request.
"""

from celery import shared_task

from .actions import (
    FETCH_EVIDENCE_TASK,
    RUN_REGISTRY_REQUEST_TASK,
    resend_stale_registry_requests,
    run_registry_attempt,
    send_registry_request,
    store_registry_evidence,
)
from .actions import retry_registry_evidence as retry_evidence_downloads


@shared_task(name=RUN_REGISTRY_REQUEST_TASK, bind=True, ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def run_registry_request(self, request_id: str) -> None:
    """One attempt of a registry request; schedules the next attempt (with backoff) when one is due.

    Idempotent: a finished request, or one another worker is running, is left alone. The attempt is bounded
    by the exchange client's deadline (``TREMBITA['timeouts']['total_deadline']``); the soft/hard time limits
    sent with each message (deadline + 10 s / + 20 s) are a backstop where the pool enforces them (prefork).
    """
    countdown = run_registry_attempt(
        request_id=request_id, worker=self.request.hostname or "", task_id=self.request.id or ""
    )
    if countdown is not None:
        send_registry_request(request_id=str(request_id), countdown=countdown)


@shared_task(acks_late=False, ignore_result=True)
def sweep_registry_requests() -> int:
    """Periodic (beat, every 60 s): re-send registry requests stuck ``pending`` (the broker was down when
    they were made, or their message is long overdue), ``running`` past the deadline (their worker died), and
    ``unavailable`` ones whose slow-pace next try is due (:func:`registry.actions.resend_stale_registry_requests`)."""
    return len(resend_stale_registry_requests())


@shared_task(name=FETCH_EVIDENCE_TASK, ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def fetch_registry_evidence(request_id: str) -> None:
    """Download and keep the signed ASiC container of a completed lookup (idempotent: a stored one is kept)."""
    store_registry_evidence(request_id=request_id)


@shared_task(acks_late=False, ignore_result=True)
def retry_registry_evidence() -> int:
    """Periodic (beat, every 5 minutes): evidence downloads that failed, or were never sent, and are due."""
    return len(retry_evidence_downloads())
