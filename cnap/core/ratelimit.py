"""A fixed-window counter in the cache (an atomic INCR on Redis): the public pages' rate limits.

A cache that cannot be reached lets the request through (logged): a limit must never turn a public page
into an error page."""

from __future__ import annotations

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def hit(key: str, *, limit: int, window: int) -> int:
    """Count one request under ``key``; 0 if it is within ``limit`` per ``window`` seconds, else the
    seconds until the window ends (what a Retry-After header says)."""
    now = time.time()
    bucket = int(now // window)
    full_key = f"ratelimit:{key}:{bucket}"
    try:
        cache.add(full_key, 0, timeout=window + 5)
        try:
            count = cache.incr(full_key)
        except ValueError:  # expired between add and incr
            cache.set(full_key, 1, timeout=window + 5)
            count = 1
    except Exception:
        logger.exception("Rate limit %s: cache unavailable", key.split(":", 1)[0])
        return 0
    if count <= limit:
        return 0
    return max(1, int((bucket + 1) * window - now) + 1)
