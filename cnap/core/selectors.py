"""Health of the parts the workstation runs on, for /healthz."""

from datetime import timedelta

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
