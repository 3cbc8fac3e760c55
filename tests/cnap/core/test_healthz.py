from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cnap.celery import app
from cnap.core.actions import record_worker_heartbeat
from cnap.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_healthy_when_database_broker_and_worker_are_up(client):
    record_worker_heartbeat(hostname="worker@test")
    response = client.get(reverse("healthz"))
    body = response.json()
    assert response.status_code == 200
    assert body["ok"] is True
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "broker": True,
        "worker": True,
        "registry_worker": False,  # no registry-queue heartbeat and no ШБО probe yet: degraded, not down
        "trembita": False,
    }
    assert body["degraded"] == ["registry_worker", "trembita"]


def test_a_dead_registry_worker_or_an_unanswering_shbo_degrade_but_do_not_fail(client):
    from cnap.exchange.models import SecurityServerProbe

    record_worker_heartbeat(hostname="worker@test")
    record_worker_heartbeat(hostname="registry@test", name="worker:registry")
    SecurityServerProbe.objects.create(pk=1, checked_at=timezone.now(), ok=True, status=200, elapsed_ms=12)
    body = client.get(reverse("healthz")).json()
    assert body["ok"] is True and body["degraded"] == []
    assert body["checks"]["trembita"]["status"] == 200

    WorkerHeartbeat.objects.filter(name="worker:registry").update(seen_at=timezone.now() - timedelta(minutes=10))
    SecurityServerProbe.objects.filter(pk=1).update(ok=False, status=None, detail="ConnectError: refused")
    response = client.get(reverse("healthz"))
    body = response.json()
    assert response.status_code == 200 and body["ok"] is True
    assert body["degraded"] == ["registry_worker", "trembita"]
    assert body["checks"]["trembita"]["error"] == "ConnectError: refused"
    assert body["checks"]["registry_worker"]["age_seconds"] >= 600


def test_beat_sends_a_heartbeat_through_each_queue_and_probes_the_shbo(settings):
    from cnap.core.tasks import record_heartbeat

    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["registry-worker-heartbeat"]["options"] == {"queue": "registry"}
    assert schedule["trembita-probe"]["task"] == "cnap.exchange.tasks.probe_security_server"
    record_heartbeat.apply(kwargs={"queue": "registry"})
    record_heartbeat.apply()
    assert set(WorkerHeartbeat.objects.values_list("name", flat=True)) == {"worker", "worker:registry"}


def test_no_login_needed_and_never_cached(client):
    response = client.get(reverse("healthz"))
    assert response.status_code in (200, 503)
    assert "no-cache" in response["Cache-Control"]


def test_503_when_the_broker_is_unreachable(client, monkeypatch):
    record_worker_heartbeat(hostname="worker@test")
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get(reverse("healthz"))
    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_503_when_the_worker_heartbeat_is_stale(client):
    WorkerHeartbeat.objects.create(name="worker", hostname="w", seen_at=timezone.now() - timedelta(minutes=10))
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False


def test_503_before_any_worker_has_reported(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"ok": False, "error": "no heartbeat yet"}
