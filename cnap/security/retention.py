"""Retention of personal data (docs/security.md): what a case app keeps about a case closed more than
settings.CNAP_RETENTION_DAYS ago is removed by the steps the apps register here (the case app its
scans, the registry app its responses); the rows stay, marked with the time of removal, so the case
still says that they existed and when they went.

An app registers a step in its ``AppConfig.ready()``::

    register_retention_step("scans", remove_expired_scans)

A step is ``step(*, cutoff, now) -> int`` (how many items it removed); it is idempotent and works in
batches of its own transactions."""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger("cnap.security")

RetentionStep = Callable[..., int]
_steps: dict[str, RetentionStep] = {}


def register_retention_step(name: str, step: RetentionStep) -> None:
    """Adds (or replaces) the step called ``name``."""
    _steps[name] = step


def retention_steps() -> dict[str, RetentionStep]:
    return dict(sorted(_steps.items()))


def retention_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.CNAP_RETENTION_DAYS)


def apply_retention(*, now: datetime | None = None) -> dict[str, int]:
    """Runs every registered step; returns {step name: items removed}. Idempotent."""
    now = now or timezone.now()
    cutoff = retention_cutoff(now)
    removed = {name: step(cutoff=cutoff, now=now) for name, step in retention_steps().items()}
    if any(removed.values()):
        logger.info("retention removed %s cutoff=%s", removed, cutoff.date())
    return removed
