"""Retention of the case app's personal data: the scans of cases closed before the cut-off
(cnap/security/retention.py runs this step)."""

import datetime as dt
import logging

from django.db import transaction

from .models import Scan

logger = logging.getLogger("cnap.security")
BATCH = 500


def remove_expired_scans(*, cutoff: dt.datetime, now: dt.datetime) -> int:
    """Marks the scans removed and deletes their files after the commit, so a rollback never leaves a
    row pointing at a missing file unmarked. Idempotent (what was removed is skipped)."""
    removed = 0
    while True:
        with transaction.atomic(durable=True):  # each batch committed on its own
            batch = list(
                Scan.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(removed_at__isnull=True, application__closed_at__lt=cutoff)
                .order_by("pk")[:BATCH]
            )
            if not batch:
                return removed
            names = [scan.file.name for scan in batch if scan.file]
            Scan.objects.filter(pk__in=[scan.pk for scan in batch]).update(removed_at=now)
            storage = Scan._meta.get_field("file").storage
            transaction.on_commit(lambda names=names, storage=storage: _delete_files(storage, names))
            removed += len(batch)


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("retention could not delete a scan file %s", name)
