"""Retention of personal data (DESIGN §10, docs/security.md): the scans and the registry responses of
cases closed more than settings.CNAP_RETENTION_DAYS ago are removed (and the responses of lookups
never attached to a case, counted from the lookup); the rows stay, marked with the
time of removal (Scan.removed_at, RegistryRequest.response_removed_at), so the case still says that
they existed and when they went."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from applications.models import RegistryRequest, Scan

logger = logging.getLogger("cnap.security")
BATCH = 500


def retention_cutoff(now=None):
    return (now or timezone.now()) - timedelta(days=settings.CNAP_RETENTION_DAYS)


def apply_retention(*, now=None) -> dict:
    """Removes what is due; idempotent (what was removed is skipped). Files are deleted after the
    row is marked, on commit, so a rollback never leaves a row pointing at a missing file unmarked.
    Returns {"scans": n, "registry_responses": m}."""
    now = now or timezone.now()
    cutoff = retention_cutoff(now)
    scans = registry = 0
    while True:
        with transaction.atomic():
            batch = list(
                Scan.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(removed_at__isnull=True, application__closed_at__lt=cutoff)
                .order_by("pk")[:BATCH]
            )
            if not batch:
                break
            names = [scan.file.name for scan in batch if scan.file]
            Scan.objects.filter(pk__in=[scan.pk for scan in batch]).update(removed_at=now)
            storage = Scan._meta.get_field("file").storage
            transaction.on_commit(lambda names=names, storage=storage: _delete_files(storage, names))
            scans += len(batch)
    while True:
        with transaction.atomic():
            ids = list(
                RegistryRequest.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(response_removed_at__isnull=True)
                .filter(
                    Q(application__closed_at__lt=cutoff)
                    # a lookup never attached to a case: counted from the lookup itself
                    | Q(application__isnull=True, created_at__lt=cutoff)
                )
                .order_by("pk")
                .values_list("pk", flat=True)[:BATCH]
            )
            if not ids:
                break
            RegistryRequest.objects.filter(pk__in=ids).update(response=None, response_removed_at=now)
            registry += len(ids)
    if scans or registry:
        logger.info("retention removed scans=%s registry_responses=%s cutoff=%s", scans, registry, cutoff.date())
    return {"scans": scans, "registry_responses": registry}


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("retention could not delete a scan file %s", name)
