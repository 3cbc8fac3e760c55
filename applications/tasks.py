"""Celery tasks of the applications app. Tasks take ids, are idempotent and call actions (DESIGN §3).

Registry lookups (queue ``registry``, an I/O pool: ``celery -A cnap worker -Q registry --pool threads
--concurrency 50``): see :mod:`applications.actions.registry` for the life of a request.
"""

from celery import shared_task


@shared_task(bind=True, ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def run_registry_request(self, request_id: str) -> None:
    """One attempt of a registry request; schedules the next attempt (with backoff) when one is due.

    Idempotent: a finished request, or one another worker is running, is left alone. The attempt is bounded
    by the exchange client's deadline (``TREMBITA['timeouts']['total_deadline']``); the soft/hard time limits
    sent with each message (deadline + 10 s / + 20 s) are a backstop where the pool enforces them (prefork).
    """
    from applications.actions.registry import run_registry_attempt, send_registry_request

    countdown = run_registry_attempt(
        request_id=request_id, worker=self.request.hostname or "", task_id=self.request.id or ""
    )
    if countdown is not None:
        send_registry_request(str(request_id), countdown=countdown)


@shared_task(acks_late=False, ignore_result=True)
def sweep_registry_requests() -> int:
    """Periodic (beat, every 60 s): re-send registry requests stuck ``pending`` (the broker was down when
    they were made) or ``running`` past the deadline (their worker died)."""
    from applications.actions.registry import resend_stale_registry_requests

    return len(resend_stale_registry_requests())


@shared_task(ignore_result=True)
def purge_staged_uploads() -> int:
    """Scans staged with a registration form and never registered, past their expiry (hourly)."""
    from applications.actions.staging import purge_expired_uploads

    return purge_expired_uploads()
