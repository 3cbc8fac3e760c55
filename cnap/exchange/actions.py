"""Writes of the exchange app."""

from __future__ import annotations

from django.utils import timezone

from .client import probe
from .models import SecurityServerProbe


def record_probe(*, config: dict | None = None) -> SecurityServerProbe:
    """Probe our ШБО once (:func:`cnap.exchange.client.probe`) and keep the result in the one probe row."""
    result = probe(config=config)
    now = timezone.now()
    row = SecurityServerProbe.objects.filter(pk=1).first() or SecurityServerProbe(pk=1)
    row.checked_at = now
    row.ok = result["ok"]
    row.status = result["status"]
    row.elapsed_ms = result["elapsed_ms"]
    row.detail = (result["detail"] or "")[:300]
    if result["ok"]:
        row.last_ok_at = now
    row.save()
    return row
