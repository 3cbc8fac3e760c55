"""Reads of the exchange app."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import SecurityServerProbe


def security_server_health(*, max_age: float) -> dict:
    """The last probe of our ШБО: ``ok`` when it answered within ``max_age`` seconds ago."""
    row = SecurityServerProbe.objects.filter(pk=1).first()
    if row is None:
        return {"ok": False, "error": "not probed yet"}
    age = timezone.now() - row.checked_at
    fresh = age <= dt.timedelta(seconds=max_age)
    result = {
        "ok": bool(row.ok and fresh),
        "checked_at": row.checked_at.isoformat(),
        "age_seconds": int(age.total_seconds()),
        "status": row.status,
        "elapsed_ms": row.elapsed_ms,
        "last_ok_at": row.last_ok_at.isoformat() if row.last_ok_at else None,
    }
    if not fresh:
        result["error"] = "the probe has not run lately (is the registry worker up?)"
    elif not row.ok:
        result["error"] = row.detail or "no answer"
    return result
