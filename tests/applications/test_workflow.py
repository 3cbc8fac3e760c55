"""Workflow actions: suspensions shift the due date, issue and unclaimed rules, stale revisions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from applications.actions import legal_suspensions, workflow
from applications.constants import ApplicationStatus
from applications.models import Application, StatusChange, Suspension
from cnap.accounts.constants import Role
from cnap.workdays import office_calendar
from tests.applications.factories import ApplicationFactory
from tests.applications.workflow_helpers import case_in, user_for
from tests.factories import OfficeDayOffFactory, UserFactory

pytestmark = pytest.mark.django_db


def last_weekday(weekday: int, *, at_least_days_ago: int = 14) -> dt.date:
    day = timezone.localdate() - dt.timedelta(days=at_least_days_ago)
    while day.weekday() != weekday:
        day -= dt.timedelta(days=1)
    return day


def registered_case(registered_on: dt.date, due_date: dt.date, **kwargs):
    moment = timezone.make_aware(dt.datetime.combine(registered_on, dt.time(10, 0)))
    return case_in(
        ApplicationStatus.IN_PROGRESS,
        registered_at=moment,
        due_date=due_date,
        initial_due_date=due_date,
        **kwargs,
    )


def test_a_suspension_over_a_weekend_moves_the_due_date_by_the_working_days_lost():
    friday = last_weekday(4)
    tuesday = friday + dt.timedelta(days=4)
    due = friday + dt.timedelta(days=7)  # the Friday after
    app = registered_case(friday - dt.timedelta(days=3), due)
    officer = user_for(app, Role.PROVIDER_OFFICER)

    app = workflow.suspend(
        application=app, reason="Запит до реєстру", legal_act="", started_on=friday, acting_user=officer
    )
    assert app.status == ApplicationStatus.SUSPENDED
    app = workflow.resume(application=app, resumed_on=tuesday, acting_user=officer)

    # Friday and Monday were lost (Saturday and Sunday are not working days): due Friday → next Tuesday.
    assert app.status == ApplicationStatus.IN_PROGRESS
    assert app.suspended_working_days == 2
    assert app.due_date == due + dt.timedelta(days=4)
    assert app.due_date.weekday() == 1
    suspension = Suspension.objects.get(application=app)
    assert (suspension.started_on, suspension.resumed_on, suspension.resumed_by) == (friday, tuesday, officer)
    resume_change = StatusChange.objects.filter(application=app).order_by("-id").first()
    assert resume_change.from_status == ApplicationStatus.SUSPENDED
    assert resume_change.to_status == ApplicationStatus.IN_PROGRESS
    assert "2" in resume_change.comment


def test_the_office_day_off_counts_as_not_lost_and_the_shift_lands_on_a_working_day():
    monday = last_weekday(0)
    due = monday + dt.timedelta(days=4)  # Friday
    app = registered_case(monday - dt.timedelta(days=7), due)
    OfficeDayOffFactory(office=app.office, date=monday + dt.timedelta(days=1))  # Tuesday off
    officer = user_for(app, Role.PROVIDER_OFFICER)
    workflow.suspend(application=app, reason="Очікування", started_on=monday, acting_user=officer)
    app = workflow.resume(application=app, resumed_on=monday + dt.timedelta(days=2), acting_user=officer)
    # Monday lost (Tuesday is the office's day off): Friday + 1 working day = next Monday.
    assert app.suspended_working_days == 1
    assert app.due_date == due + dt.timedelta(days=3)
    assert office_calendar(app.office).is_working_day(app.due_date)


def test_suspensions_add_up():
    friday = last_weekday(4, at_least_days_ago=21)
    due = friday + dt.timedelta(days=14)
    app = registered_case(friday - dt.timedelta(days=1), due)
    officer = user_for(app, Role.PROVIDER_OFFICER)
    workflow.suspend(application=app, reason="Перша", started_on=friday, acting_user=officer)
    workflow.resume(application=app, resumed_on=friday + dt.timedelta(days=3), acting_user=officer)  # Fri lost
    workflow.suspend(application=app, reason="Друга", started_on=friday + dt.timedelta(days=4), acting_user=officer)
    app = workflow.resume(application=app, resumed_on=friday + dt.timedelta(days=6), acting_user=officer)  # Tue, Wed
    assert app.suspended_working_days == 3
    assert app.due_date == office_calendar(app.office).add_working_days(due, 3)


def test_suspension_in_the_future_or_before_registration_is_refused():
    app = case_in(ApplicationStatus.IN_PROGRESS)
    officer = user_for(app, Role.PROVIDER_OFFICER)
    with pytest.raises(ValidationError, match="future|майбутньому"):
        workflow.suspend(
            application=app, reason="x", started_on=timezone.localdate() + dt.timedelta(days=1), acting_user=officer
        )
    with pytest.raises(ValidationError):
        workflow.suspend(
            application=app, reason="x", started_on=timezone.localdate() - dt.timedelta(days=30), acting_user=officer
        )
    with pytest.raises(ValidationError):
        workflow.suspend(application=app, reason="  ", acting_user=officer)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.IN_PROGRESS
    assert not Suspension.objects.filter(application=app).exists()


def test_a_whole_service_is_suspended_by_a_legal_act_and_resumed_with_every_due_date_shifted():
    friday = last_weekday(4)
    due = friday + dt.timedelta(days=10)
    first = registered_case(friday - dt.timedelta(days=2), due)
    second = registered_case(
        friday - dt.timedelta(days=2),
        due,
        service_version=first.service_version,
        journal=first.journal,
    )
    second.status = ApplicationStatus.SENT_TO_PROVIDER
    second.save()
    closed = registered_case(friday - dt.timedelta(days=2), due, service_version=first.service_version)
    closed.status = ApplicationStatus.ISSUED
    closed.save()
    other_service = registered_case(friday - dt.timedelta(days=2), due)
    head = user_for(first, Role.CNAP_HEAD)

    suspended = legal_suspensions.suspend_service(
        service=first.service,
        reason="Воєнний стан",
        legal_act="Постанова КМУ від 28.02.2022 № 165",
        started_on=friday,
        acting_user=head,
    )
    assert {app.pk for app in suspended} == {first.pk, second.pk}  # not the closed one, not the other office's
    assert Application.objects.get(pk=closed.pk).status == ApplicationStatus.ISSUED
    assert Application.objects.get(pk=other_service.pk).status == ApplicationStatus.IN_PROGRESS

    resumed = legal_suspensions.resume_service(
        service=first.service,
        legal_act="Постанова КМУ від 28.02.2022 № 165",
        resumed_on=friday + dt.timedelta(days=4),
        acting_user=head,
    )
    assert {app.pk for app in resumed} == {first.pk, second.pk}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ApplicationStatus.IN_PROGRESS
    assert second.status == ApplicationStatus.SENT_TO_PROVIDER
    for app in (first, second):
        assert app.suspended_working_days == 2
        assert app.due_date == office_calendar(app.office).add_working_days(due, 2)


def test_an_administrator_may_not_suspend_a_service():
    app = case_in(ApplicationStatus.IN_PROGRESS)
    with pytest.raises(PermissionDenied):
        legal_suspensions.suspend_service(
            service=app.service, reason="x", legal_act="y", acting_user=user_for(app, Role.ADMINISTRATOR)
        )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.IN_PROGRESS


def test_sending_and_taking_set_the_timestamps_and_the_officer():
    app = case_in(ApplicationStatus.REGISTERED)
    admin = user_for(app, Role.ADMINISTRATOR)
    officer = user_for(app, Role.PROVIDER_OFFICER)
    before = timezone.now()
    app = workflow.send_to_provider(application=app, acting_user=admin, expected_revision=1)
    assert app.sent_to_provider_at >= before
    app = workflow.take_into_work(application=app, acting_user=officer, expected_revision=2)
    assert app.assigned_to == officer
    app = workflow.return_for_revision(application=app, acting_user=officer, comment="Бракує довідки")
    assert app.status == ApplicationStatus.RETURNED_FOR_REVISION
    assert app.revision == 4
    assert app.closed_at is None


def test_a_stale_form_is_refused_with_a_message_naming_who_changed_what():
    app = case_in(ApplicationStatus.REGISTERED)
    first = user_for(app, Role.ADMINISTRATOR, first_name="Ірина", last_name="Бондар")
    second = user_for(app, Role.ADMINISTRATOR)
    shown_revision = app.revision
    workflow.send_to_provider(application=app, acting_user=first, expected_revision=shown_revision)

    with pytest.raises(workflow.ConcurrentChangeError) as excinfo:
        workflow.transition(
            application=app,
            to_status=ApplicationStatus.WITHDRAWN,
            acting_user=second,
            comment="Заява відкликана",
            expected_revision=shown_revision,
        )
    message = excinfo.value.messages[0]
    assert "Бондар Ірина" in message
    assert str(ApplicationStatus.SENT_TO_PROVIDER.label) in message
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SENT_TO_PROVIDER
    assert app.revision == shown_revision + 1
    assert StatusChange.objects.filter(application=app).count() == 1


def test_issue_needs_a_ready_result_a_person_a_document_and_no_future_moment():
    app = case_in(ApplicationStatus.IN_PROGRESS)
    admin = user_for(app, Role.ADMINISTRATOR)
    with pytest.raises(ValidationError, match="not ready|не готовий"):
        workflow.issue_result(application=app, issued_to="Шевченко Т. Г.", identity_document="ID 1", acting_user=admin)

    app = case_in(ApplicationStatus.RESULT_READY)
    admin = user_for(app, Role.ADMINISTRATOR)
    with pytest.raises(ValidationError):
        workflow.issue_result(
            application=app,
            issued_to="Шевченко Т. Г.",
            identity_document="ID 1",
            issued_at=timezone.now() + dt.timedelta(days=1),
            acting_user=admin,
        )
    with pytest.raises(ValidationError):
        workflow.issue_result(application=app, issued_to="", identity_document="ID 1", acting_user=admin)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RESULT_READY
    assert app.issued_at is None

    moment = timezone.now() - dt.timedelta(minutes=5)
    app = workflow.issue_result(
        application=app,
        issued_to="Шевченко Тарас Григорович",
        identity_document="ID-картка 000123456",
        issued_at=moment,
        acting_user=admin,
    )
    assert app.status == ApplicationStatus.ISSUED
    assert (app.issued_to, app.issued_identity_document, app.issued_at, app.issued_by) == (
        "Шевченко Тарас Григорович",
        "ID-картка 000123456",
        moment,
        admin,
    )
    assert app.closed_at is not None


def test_handing_over_a_refusal_keeps_the_status_refused():
    app = case_in(ApplicationStatus.REFUSED)
    admin = user_for(app, Role.ADMINISTRATOR)
    app = workflow.issue_result(
        application=app, issued_to="Шевченко Т. Г.", identity_document="ID 7", acting_user=admin
    )
    assert app.status == ApplicationStatus.REFUSED
    assert app.issued_by == admin and app.issued_at is not None
    with pytest.raises(ValidationError):
        workflow.issue_result(application=app, issued_to="x", identity_document="y", acting_user=admin)


def test_unclaimed_only_after_the_storage_period():
    app = case_in(ApplicationStatus.RESULT_READY)
    admin = user_for(app, Role.ADMINISTRATOR)
    with pytest.raises(ValidationError, match="30"):
        workflow.mark_unclaimed(application=app, acting_user=admin)
    app.result_ready_at = timezone.now() - dt.timedelta(days=31)
    app.save()
    app = workflow.mark_unclaimed(application=app, acting_user=admin)
    assert app.status == ApplicationStatus.UNCLAIMED
    assert app.closed_at is not None


def test_closing_clears_the_overdue_flag():
    app = case_in(ApplicationStatus.REGISTERED, is_overdue=True)
    app = workflow.transition(
        application=app,
        to_status=ApplicationStatus.WITHDRAWN,
        acting_user=user_for(app, Role.ADMINISTRATOR),
        comment="Заява заявника від сьогодні",
    )
    assert app.is_overdue is False and app.closed_at is not None


def test_a_community_head_only_reads():
    app = ApplicationFactory()
    head = UserFactory(role=Role.COMMUNITY_HEAD, office=None, hromada=app.hromada)
    with pytest.raises(PermissionDenied):
        workflow.send_to_provider(application=app, acting_user=head)
