"""Health of the parts the workstation runs on (/healthz), and the counters of the home page."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import WorkerHeartbeat


def database_health() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def broker_health(timeout: float = 2.0) -> dict:
    from cnap.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
            transport = conn.transport_cls
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "transport": str(transport)}


def worker_health(name: str = "worker") -> dict:
    heartbeat = WorkerHeartbeat.objects.filter(name=name).first()
    if heartbeat is None:
        return {"ok": False, "error": "no heartbeat yet"}
    age = timezone.now() - heartbeat.seen_at
    ok = age <= timedelta(seconds=settings.CNAP_HEARTBEAT_MAX_AGE)
    return {"ok": ok, "last_seen": heartbeat.seen_at.isoformat(), "age_seconds": int(age.total_seconds())}


def system_health() -> dict:
    """``checks`` are what the workstation cannot work without (a failure is a 503): the database, the broker,
    the worker of the default queue. ``degraded`` names what fails without stopping the core: the registry
    worker (lookups wait) and our Трембіта security server (lookups fail and are retried)."""
    from cnap.exchange.selectors import security_server_health

    database = database_health()
    no_database = {"ok": False, "error": "database unavailable"}
    checks = {
        "database": database,
        "broker": broker_health(),
        "worker": worker_health() if database["ok"] else no_database,
    }
    optional = {
        "registry_worker": worker_health("worker:registry") if database["ok"] else no_database,
        "trembita": security_server_health(max_age=settings.CNAP_TREMBITA_PROBE_MAX_AGE)
        if database["ok"]
        else no_database,
    }
    return {
        "ok": all(check["ok"] for check in checks.values()),
        "checks": {**checks, **optional},
        "degraded": sorted(name for name, check in optional.items() if not check["ok"]),
    }


@dataclass(frozen=True)
class HomeCounter:
    """A figure of the user's own work on the home page, with the list it opens (the same count)."""

    key: str
    label: str
    count: int
    url: str
    more: bool = False  # the count stopped at a limit: «more than count»


# What the apps put on the home page, registered in their AppConfig.ready() (cnap imports no app):
# counters, functions ``(user) -> list[HomeCounter]``, and affiliations, functions ``(user) -> object | None``
# naming whom the user works for besides their office (a provider officer: the provider).
_counters: dict[str, Callable[[Any], list[HomeCounter]]] = {}
_affiliations: dict[str, Callable[[Any], Any]] = {}


def register_home_counters(name: str, counters: Callable[[Any], list[HomeCounter]]) -> None:
    _counters[name] = counters


def register_home_affiliation(name: str, affiliation: Callable[[Any], Any]) -> None:
    _affiliations[name] = affiliation


def home_counters(user) -> list[HomeCounter]:
    """The counters of the user's own work, from every app that registered some (in name order)."""
    if not getattr(user, "is_authenticated", False):
        return []
    found: list[HomeCounter] = []
    for _name, counters in sorted(_counters.items()):
        found.extend(counters(user))
    return found


def home_affiliations(user) -> list[str]:
    """Whom the user works for besides their office, named under the greeting of the home page."""
    if not getattr(user, "is_authenticated", False):
        return []
    found = (affiliation(user) for _name, affiliation in sorted(_affiliations.items()))
    return [str(getattr(item, "name", item)) for item in found if item]
