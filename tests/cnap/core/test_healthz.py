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
    }


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
