"""Retention: scans and registry responses of cases closed longer ago than CNAP_RETENTION_DAYS are
removed, with the time they were; everything else stays."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from applications.constants import ApplicationStatus
from applications.models import Scan
from cnap.security.retention import apply_retention, retention_steps
from registry.models import RegistryRequest
from tests.applications.factories import ApplicationFactory
from tests.security.factories import make_registry_request, make_scan

pytestmark = pytest.mark.django_db(transaction=True)  # files are deleted on commit


def closed_case(days_ago: int):
    closed_at = timezone.now() - timedelta(days=days_ago)
    return ApplicationFactory(status=ApplicationStatus.ISSUED, closed_at=closed_at)


def test_old_closed_cases_lose_their_scans_and_registry_responses_with_a_record(settings):
    settings.CNAP_RETENTION_DAYS = 365
    old = closed_case(400)
    recent = closed_case(100)
    still_open = ApplicationFactory(registered_at=timezone.now() - timedelta(days=800))
    old_scan, recent_scan, open_scan = make_scan(old), make_scan(recent), make_scan(still_open)
    old_lookup, recent_lookup = make_registry_request(old), make_registry_request(recent)
    storage = old_scan.file.storage
    assert storage.exists(old_scan.file.name)

    assert apply_retention() == {"scans": 1, "registry_responses": 1, "queue_booking_contacts": 0}

    old_scan.refresh_from_db()
    assert old_scan.removed_at is not None
    assert not storage.exists(old_scan.file.name)
    old_lookup.refresh_from_db()
    assert old_lookup.response is None and old_lookup.response_removed_at is not None
    for scan in (recent_scan, open_scan):
        scan.refresh_from_db()
        assert scan.removed_at is None and storage.exists(scan.file.name)
    recent_lookup.refresh_from_db()
    assert recent_lookup.response is not None and recent_lookup.response_removed_at is None
    # idempotent: nothing more to do
    assert apply_retention() == {"scans": 0, "registry_responses": 0, "queue_booking_contacts": 0}
    assert Scan.objects.count() == 3 and RegistryRequest.objects.count() == 2  # the rows stay


def test_the_command_and_the_monthly_schedule(settings):
    settings.CNAP_RETENTION_DAYS = 30
    scan = make_scan(closed_case(31))
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "scans 1" in out.getvalue() and "registry_responses 0" in out.getvalue()
    scan.refresh_from_db()
    assert scan.removed_at is not None
    entry = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert entry["task"] == "cnap.security.tasks.apply_retention"
    assert entry["schedule"].day_of_month == {1}


def test_the_default_period_is_five_years():
    assert settings.CNAP_RETENTION_DAYS == 1826


def test_each_app_registers_its_own_step():
    """The ground floor runs the steps; the case app removes scans, the registry app responses."""
    steps = retention_steps()
    assert set(steps) == {"scans", "registry_responses", "queue_booking_contacts"}
    assert steps["queue_booking_contacts"].__module__ == "equeue.retention"
    assert steps["scans"].__module__ == "applications.retention"
    assert steps["registry_responses"].__module__ == "registry.retention"
