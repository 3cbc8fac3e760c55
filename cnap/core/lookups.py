"""Small lookups (choice lists, id -> label maps of small tables) kept in each worker's memory and dropped in
every worker at once when the data under them changes.

A :class:`Lookups` holds values built on first use, per key, in this process. They stay valid while a shared
version token in the cache (Redis in production) stays the same; :meth:`Lookups.invalidate` (wired to the
models' save and delete signals by the app that owns the lookups) writes a new token after the transaction
commits (and once at once), so the next request of every worker rebuilds from the committed data. One cache
read per use: far cheaper than the queries and model instances it replaces. Changes that send no model signal
(``QuerySet.update()``, raw SQL) must call ``invalidate()`` themselves.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Hashable
from typing import Any

from django.core.cache import cache
from django.db import transaction


class Lookups:
    instances: list[Lookups] = []

    def __init__(self, name: str):
        Lookups.instances.append(self)
        self.version_key = f"lookups:{name}:version"
        self._lock = threading.Lock()
        self._version: str | None = None
        self._values: dict[Hashable, Any] = {}

    def _current_version(self) -> str:
        version = cache.get(self.version_key)
        if version is None:
            cache.add(self.version_key, uuid.uuid4().hex, timeout=None)
            version = cache.get(self.version_key) or ""
        return version

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The value under ``key``, built by ``build()`` if this process has none for the current version.
        Without the cache (Redis down) nothing is kept: every use builds from the database."""
        try:
            version = self._current_version()
        except Exception:  # noqa: BLE001 - the cache is an optimisation; the page must still answer
            return build()
        with self._lock:
            if version != self._version:
                self._values = {}
                self._version = version
            if key in self._values:
                return self._values[key]
        value = build()
        with self._lock:
            if self._version == version:
                self._values[key] = value
        return value

    def invalidate(self, **_signal_kwargs) -> None:
        """Every process rebuilds its values on next use: at once (this transaction's own reads see the change)
        and again after the transaction commits (a rebuild by another process in between read the old rows)."""
        self._new_version()
        transaction.on_commit(self._new_version)

    def reset(self) -> None:
        """Forget this process's values (tests: each starts from the database it builds)."""
        with self._lock:
            self._version = None
            self._values = {}

    def _new_version(self) -> None:
        try:
            cache.set(self.version_key, uuid.uuid4().hex, timeout=None)
        except Exception:  # noqa: BLE001 - Redis down: drop this process's values at least
            with self._lock:
                self._version = None
                self._values = {}
