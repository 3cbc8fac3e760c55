"""The demo lifecycle: demo cases carried on through the real workflow actions, with a consistent,
believable history, summary tables that match a rebuild, and nothing done twice."""

import datetime as dt
from collections import Counter

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from applications.constants import CLOSED_STATUSES, ApplicationStatus, DecisionKind
from applications.models import Application, Decision, RegistryAction, StatusChange, Suspension
from cnap.accounts.constants import Role
from cnap.accounts.models import User
from demo.cases import progress_demo_applications, seed_demo_applications
from demo.staff import DEMO_PASSWORD, link_demo_provider_officer, seed_demo_staff
from reporting import stats
from services.catalog_io import load_demo_catalog
from services.models import Provider
from services.selectors import provider_id_of

pytestmark = pytest.mark.django_db

OPEN = {
    ApplicationStatus.REGISTERED,
    ApplicationStatus.SENT_TO_PROVIDER,
    ApplicationStatus.IN_PROGRESS,
    ApplicationStatus.RETURNED_FOR_REVISION,
    ApplicationStatus.SUSPENDED,
    ApplicationStatus.RESULT_READY,
}


@pytest.fixture
def progressed():
    seed_demo_staff()
    load_demo_catalog()
    link_demo_provider_officer()
    assert seed_demo_applications(count=40) == 40
    started = timezone.now()
    moved = progress_demo_applications()
    return moved, started


def test_statuses_are_spread_like_a_real_office(progressed):
    moved, _started = progressed
    assert 30 <= moved <= 40
    statuses = Counter(Application.objects.values_list("status", flat=True))
    assert statuses[ApplicationStatus.ISSUED] >= 15, statuses
    assert statuses[ApplicationStatus.REFUSED] >= 1, statuses
    assert sum(statuses[s] for s in OPEN) >= 1, statuses
    # Every refusal is a numbered refusal decision, or (state-registrar services) the registrar's refusal,
    # citing a ground of the case's service version.
    for app in Application.objects.filter(status=ApplicationStatus.REFUSED).select_related("service_version"):
        if app.service_version.result_kind == "registrar_action":
            refusal = RegistryAction.objects.get(application=app)
            assert refusal.kind == "refusal" and not app.decisions.exists()
        else:
            refusal = app.decisions.get()
            assert refusal.kind == DecisionKind.REFUSAL
        assert refusal.grounds.exists()
        assert set(refusal.grounds.values_list("version_id", flat=True)) == {app.service_version_id}
    # Issued cases were handed over, after their result was ready, by the office's staff.
    for app in Application.objects.filter(status=ApplicationStatus.ISSUED).select_related("issued_by"):
        assert app.issued_to and app.issued_identity_document
        assert app.result_ready_at <= app.issued_at == app.closed_at
        assert app.issued_by.office_id == app.office_id
    results = (
        Decision.objects.filter(kind=DecisionKind.APPROVAL).count()
        + RegistryAction.objects.filter(kind="record").count()
    )
    assert results >= statuses[ApplicationStatus.ISSUED]


def test_every_timeline_is_consistent_and_in_the_past(progressed):
    _moved, started = progressed
    changes = StatusChange.objects.order_by("application_id", "changed_at", "id")
    by_case: dict[int, list] = {}
    for change in changes:
        by_case.setdefault(change.application_id, []).append(change)
    cases = Application.objects.in_bulk()
    assert set(by_case) == set(cases)
    for app_id, timeline in by_case.items():
        app = cases[app_id]
        assert timeline[0].from_status == "" and timeline[0].to_status == ApplicationStatus.REGISTERED
        assert timeline[0].changed_at == app.registered_at
        for before, after in zip(timeline, timeline[1:], strict=False):
            assert after.from_status == before.to_status, (app.number, before, after)
            assert after.changed_at > before.changed_at, (app.number, before.changed_at, after.changed_at)
        last = timeline[-1]
        assert last.to_status == app.status
        assert last.changed_at == app.status_changed_at < started
        if app.status in CLOSED_STATUSES:
            assert app.closed_at == last.changed_at
        else:
            assert app.closed_at is None
        if app.sent_to_provider_at:
            sent = [c for c in timeline if c.to_status == ApplicationStatus.SENT_TO_PROVIDER]
            assert app.sent_to_provider_at == sent[-1].changed_at
    # Decisions and suspensions carry dates of the past, within the case's life.
    for decision in Decision.objects.select_related("application"):
        assert (
            timezone.localdate(decision.application.registered_at)
            <= decision.decided_on
            < timezone.localdate(started) + dt.timedelta(days=1)
        )
        assert decision.created_at < started
    for suspension in Suspension.objects.select_related("application"):
        assert suspension.started_on >= timezone.localdate(suspension.application.registered_at)
    # The case page's edit history shows the same past moments, not the seeding run.
    assert not Application.history.filter(history_date__gte=started).exclude(history_user=None).exists()
    for version in Application.history.exclude(history_user=None).exclude(status=ApplicationStatus.REGISTERED)[:200]:
        assert version.status_changed_at == version.history_date, version


def test_summary_tables_match_a_rebuild_and_some_cases_are_overdue(progressed):
    assert stats.normalized(stats.stats_snapshot()) == stats.normalized(stats.compute_stats())
    today = timezone.localdate()
    overdue = Application.objects.filter(is_overdue=True)
    assert all(app.due_date < today and app.closed_at is None for app in overdue)
    assert overdue.count() <= 10
    # Some results were late, most on time (the dashboards' on-time % is neither 0 nor 100).
    daily = stats.stats_snapshot()[0]
    completed = sum(m["completed"] for m in daily.values())
    on_time = sum(m["completed_on_time"] for m in daily.values())
    assert completed >= 20 and 0.6 * completed <= on_time <= completed


def test_provider_officers_act_for_their_provider_only(progressed):
    officers = User.objects.filter(role=Role.PROVIDER_OFFICER)
    for officer in officers.filter(username__startswith="provider-"):
        assert officer.check_password(DEMO_PASSWORD)
        assert officer.username == f"provider-{Provider.objects.get(pk=provider_id_of(officer)).edrpou}"
    moves = StatusChange.objects.filter(to_status=ApplicationStatus.IN_PROGRESS).select_related(
        "changed_by", "application"
    )
    assert moves.exists()
    for change in moves:
        assert change.changed_by.role == Role.PROVIDER_OFFICER
        assert provider_id_of(change.changed_by) == change.application.provider_id


def test_a_second_run_changes_nothing(progressed):
    snapshot = (
        list(Application.objects.order_by("id").values_list("id", "status", "status_changed_at", "revision")),
        StatusChange.objects.count(),
        Decision.objects.count(),
        User.objects.count(),
    )
    assert progress_demo_applications() == 0
    after = (
        list(Application.objects.order_by("id").values_list("id", "status", "status_changed_at", "revision")),
        StatusChange.objects.count(),
        Decision.objects.count(),
        User.objects.count(),
    )
    assert after == snapshot


def test_nothing_to_do_without_demo_applications_and_refused_outside_the_demo_mode(settings):
    seed_demo_staff()
    assert progress_demo_applications() == 0
    settings.CNAP_DEMO_ALLOWED = False
    with pytest.raises(ImproperlyConfigured):
        progress_demo_applications()
