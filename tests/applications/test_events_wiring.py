"""The actions tell applications.events what happened: the summary tables follow every write,
and the applicant hears about registration."""

import pytest

from applications.actions.registration import register_application
from notifications.models import Notification, NotificationEvent
from reporting import stats
from reporting.models import DailyStats, OpenStats

from .registration_support import kyiv, make_counter, person

pytestmark = pytest.mark.django_db


def test_registration_updates_the_summary_tables_and_queues_the_notice(django_capture_on_commit_callbacks):
    counter = make_counter()
    with django_capture_on_commit_callbacks():
        application = register_application(
            office=counter.office,
            service=counter.service,
            applicant=person(1, email="olena@example.com", notify_by_email=True),
            documents=counter.documents,
            channel="in_person",
            result_delivery="in_person",
            acting_user=counter.user,
            registered_at=kyiv(2026, 3, 2),
        )
    daily = DailyStats.objects.get(office=counter.office)
    assert daily.registered == 1
    assert OpenStats.objects.filter(office=counter.office).values_list("count", flat=True).get() == 1
    assert stats.stats_snapshot() == stats.compute_stats()
    notice = Notification.objects.get(application=application)
    assert notice.event == NotificationEvent.REGISTERED


def test_workflow_moves_update_the_summary_tables_and_notify(django_capture_on_commit_callbacks):
    from applications.actions.workflow import send_to_provider, take_into_work, transition
    from applications.constants import ApplicationStatus
    from cnap.accounts.constants import Role
    from tests.factories import UserFactory

    counter = make_counter()
    application = register_application(
        office=counter.office,
        service=counter.service,
        applicant=person(2, email="olena@example.com", notify_by_email=True),
        documents=counter.documents,
        channel="in_person",
        result_delivery="in_person",
        acting_user=counter.user,
    )
    officer = UserFactory(
        role=Role.PROVIDER_OFFICER, office=None, hromada=counter.office.hromada, provider=counter.service.provider
    )
    with django_capture_on_commit_callbacks():
        send_to_provider(application=application, acting_user=counter.user)
        take_into_work(application=application, acting_user=officer)
        transition(
            application=application,
            to_status=ApplicationStatus.RESULT_READY,
            acting_user=officer,
            comment="Витяг сформовано",
        )
    assert stats.stats_snapshot() == stats.compute_stats()
    events = set(Notification.objects.filter(application=application).values_list("event", flat=True))
    assert events == {NotificationEvent.REGISTERED, NotificationEvent.RESULT_READY}
