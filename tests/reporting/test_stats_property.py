"""The incremental summary tables always equal a rebuild from the raw rows.

Random sequences of registrations and moves are applied the way the actions do them: the case row is
updated, a StatusChange is written, and the stats function is called in the same transaction."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.constants import CLOSED_STATUSES, ApplicationStatus
from applications.models import StatusChange
from applications.transitions import moves_from
from cnap.accounts.constants import Role
from reporting import stats
from tests.applications.factories import ApplicantFactory, ApplicationFactory, RegistrationJournalFactory
from tests.factories import HromadaFactory, OfficeFactory, UserFactory
from tests.services.factories import ServiceVersionFactory

UTC = dt.UTC
START = dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def world(db):
    hromada = HromadaFactory()
    offices = [OfficeFactory(hromada=hromada) for _ in range(2)]
    journals = [RegistrationJournalFactory(office=office) for office in offices]
    admins = [UserFactory(role=Role.ADMINISTRATOR, office=office) for office in offices for _ in range(2)]
    versions = [ServiceVersionFactory(published=True, with_parts=False) for _ in range(2)]
    officer = UserFactory(role=Role.PROVIDER_OFFICER, office=None, hromada=hromada)
    applicant = ApplicantFactory(hromada=hromada)
    return {"journals": journals, "admins": admins, "versions": versions, "officer": officer, "applicant": applicant}


def register(world, office_i, service_i, admin_i, day, hour, term_days, fee):
    journal = world["journals"][office_i % 2]
    admin = [a for a in world["admins"] if a.office_id == journal.office_id][admin_i % 2]
    registered_at = START + dt.timedelta(days=day, hours=hour)
    app = ApplicationFactory(
        journal=journal,
        service_version=world["versions"][service_i % 2],
        applicant=world["applicant"],
        registered_by=admin,
        registered_at=registered_at,
        due_date=registered_at.date() + dt.timedelta(days=term_days),
        fee_amount=Decimal(fee) / 4,
    )
    StatusChange.objects.create(
        application=app, from_status="", to_status=app.status, changed_at=registered_at, changed_by=admin
    )
    stats.record_registration(app)
    return app


def move(world, app, choice, days, hour):
    """One allowed move, written as applications/actions/workflow.py writes it."""
    moves = moves_from(app.status)
    if not moves:
        return
    step = moves[choice % len(moves)]
    from_status = app.status
    now = app.status_changed_at + dt.timedelta(days=days, hours=hour)
    app.status = step.to_status
    app.status_changed_at = now
    app.revision += 1
    if step.to_status == ApplicationStatus.RESULT_READY:
        app.result_ready_at = now
    if from_status == ApplicationStatus.SUSPENDED:  # resumption moves the due date
        app.due_date += dt.timedelta(days=days)
        app.is_overdue = app.due_date < now.date()
    if step.to_status in CLOSED_STATUSES:
        app.closed_at = now
        app.is_overdue = False
    app.save()
    StatusChange.objects.create(
        application=app, from_status=from_status, to_status=step.to_status, changed_at=now, changed_by=world["officer"]
    )
    stats.record_status_change(app, from_status, step.to_status, now)


operation = st.one_of(
    st.tuples(
        st.just("register"),
        st.integers(0, 1),
        st.integers(0, 1),
        st.integers(0, 1),
        st.integers(0, 70),
        st.integers(0, 23),
        st.integers(0, 40),
        st.integers(0, 400),
    ),
    st.tuples(st.just("move"), st.integers(0, 30), st.integers(0, 9), st.integers(0, 5), st.integers(0, 23)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=30))
def test_incremental_summary_equals_a_rebuild(world, ops):
    with transaction.atomic():
        apps = []
        for op in ops:
            if op[0] == "register":
                apps.append(register(world, *op[1:]))
            elif apps:
                move(world, apps[op[1] % len(apps)], *op[2:])
        incremental = stats.normalized(stats.stats_snapshot())
        recount = stats.normalized(stats.compute_stats())
        assert incremental == recount
        stats.rebuild_stats()
        assert stats.normalized(stats.stats_snapshot()) == recount
        transaction.set_rollback(True)
