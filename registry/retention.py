"""Retention of registry responses (cnap/security/retention.py runs this step): the responses of
lookups of cases closed before the cut-off, and of lookups never attached to a case made before it,
are removed; the rows stay with ``response_removed_at`` set."""

import datetime as dt

from django.db import transaction
from django.db.models import Q

from .models import RegistryRequest

BATCH = 500


def remove_expired_responses(*, cutoff: dt.datetime, now: dt.datetime) -> int:
    removed = 0
    while True:
        with transaction.atomic(durable=True):  # each batch committed on its own
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
                return removed
            RegistryRequest.objects.filter(pk__in=ids).update(response=None, response_removed_at=now)
            removed += len(ids)
