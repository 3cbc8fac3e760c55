from celery import shared_task


@shared_task
def apply_retention() -> dict:
    """Monthly (settings.CELERY_BEAT_SCHEDULE): removes scans and registry responses of cases closed
    longer than settings.CNAP_RETENTION_DAYS ago. Idempotent."""
    from .retention import apply_retention as run

    return run()
