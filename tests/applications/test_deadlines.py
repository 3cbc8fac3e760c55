import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command

from applications.actions.deadlines import mark_overdue, send_deadline_notices
from applications.constants import ApplicationStatus as S
from cnap.accounts.constants import Role
from notifications.models import Notification
from tests.applications.factories import RegistrationJournalFactory
from tests.factories import OfficeDayOffFactory, OfficeFactory, UserFactory
from tests.reporting.stats_helpers import moved, registered

D = dt.date
FRIDAY = D(2026, 3, 13)


@pytest.fixture
def office(db):
    cache.clear()
    return OfficeFactory()


FIRST_MONDAY = D(2026, 3, 2)


def case(office, *, due, on=FIRST_MONDAY, **kwargs):
    journal = RegistrationJournalFactory(office=office) if not office.journals.exists() else office.journals.first()
    admin = kwargs.pop("registered_by", None) or UserFactory(
        role=Role.ADMINISTRATOR, office=office, email="admin@example.org"
    )
    return registered(on=on, due=due, journal=journal, registered_by=admin, **kwargs)


def test_overdue_across_a_weekend(office):
    due_friday = case(office, due=FRIDAY)
    due_monday = case(office, due=D(2026, 3, 16))
    report = mark_overdue(today=FRIDAY)
    assert report.newly_overdue == []  # the due day itself is not late
    report = mark_overdue(today=D(2026, 3, 14))  # Saturday
    assert report.newly_overdue == [due_friday.pk]
    due_friday.refresh_from_db()
    due_monday.refresh_from_db()
    assert due_friday.is_overdue and not due_monday.is_overdue
    # Idempotent: a second run on the same day changes nothing.
    revision = due_friday.revision
    assert mark_overdue(today=D(2026, 3, 14)).newly_overdue == []
    due_friday.refresh_from_db()
    assert due_friday.revision == revision
    assert mark_overdue(today=D(2026, 3, 17)).newly_overdue == [due_monday.pk]


def test_due_soon_counts_working_days_and_office_days_off(office):
    # Thursday 12 March: (Thu, Tue 17] holds Fri, Mon, Tue = 3 working days; Wed 18 is the 4th.
    tuesday = case(office, due=D(2026, 3, 17))
    wednesday = case(office, due=D(2026, 3, 18))
    today = D(2026, 3, 12)
    assert mark_overdue(today=today).due_soon == [tuesday.pk]
    # The office does not work on Monday 16: Wednesday 18 is now the 3rd working day.
    OfficeDayOffFactory(office=office, date=D(2026, 3, 16))
    assert mark_overdue(today=today).due_soon == [tuesday.pk, wednesday.pk]


def test_suspended_cases_are_not_overdue_and_resumption_clears(office):
    app = case(office, due=D(2026, 3, 10))
    moved(app, S.SENT_TO_PROVIDER, on=D(2026, 3, 3))
    moved(app, S.SUSPENDED, on=D(2026, 3, 5))
    report = mark_overdue(today=D(2026, 3, 20))
    assert app.pk not in report.newly_overdue and app.pk not in report.overdue
    # Resumed on 20 March: the due date moves by the working days lost (5..19 March = 11), to 25 March.
    moved(app, S.SENT_TO_PROVIDER, on=D(2026, 3, 20), due=D(2026, 3, 25))
    assert mark_overdue(today=D(2026, 3, 23)).overdue == []
    assert mark_overdue(today=D(2026, 3, 26)).newly_overdue == [app.pk]
    # A flagged case whose due date moved later (resumption) is cleared by the next run.
    app.refresh_from_db()
    app.due_date = D(2026, 4, 10)
    app.save()
    assert mark_overdue(today=D(2026, 3, 27)).cleared == [app.pk]
    app.refresh_from_db()
    assert not app.is_overdue


def test_closed_and_ready_cases(office):
    issued = case(office, due=D(2026, 3, 5))
    for status in (S.SENT_TO_PROVIDER, S.IN_PROGRESS, S.RESULT_READY, S.ISSUED):
        moved(issued, status, on=D(2026, 3, 4))
    report = mark_overdue(today=D(2026, 3, 20))
    assert issued.pk not in report.overdue


def test_newly_overdue_cases_get_the_apology_notice(office):
    app = case(office, due=D(2026, 3, 5))
    app.applicant.email = "citizen@example.org"
    app.applicant.notify_by_email = True
    app.applicant.save()
    mark_overdue(today=D(2026, 3, 5))
    assert not Notification.objects.filter(application=app, event="overdue").exists()
    mark_overdue(today=D(2026, 3, 6))
    assert Notification.objects.filter(application=app, event="overdue").count() == 1
    mark_overdue(today=D(2026, 3, 7))  # told once
    assert Notification.objects.filter(application=app, event="overdue").count() == 1


def test_staff_and_head_are_notified_once_a_day(office):
    UserFactory(role=Role.CNAP_HEAD, office=office, email="head@example.org")
    admin = UserFactory(role=Role.ADMINISTRATOR, office=office, email="admin1@example.org")
    officer = UserFactory(role=Role.PROVIDER_OFFICER, office=None, email="officer@example.org")
    late = case(office, due=D(2026, 3, 5), registered_by=admin)
    moved(late, S.SENT_TO_PROVIDER, on=D(2026, 3, 3))
    moved(late, S.IN_PROGRESS, on=D(2026, 3, 4), by=officer)
    late.assigned_to = officer
    late.save()
    soon = case(office, due=D(2026, 3, 11), registered_by=admin)
    other_office = OfficeFactory()
    case(other_office, due=D(2026, 3, 5))
    report = mark_overdue(today=D(2026, 3, 9))
    assert send_deadline_notices(report=report) == 4  # admin, officer, head here; the other office's administrator
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) >= {"head@example.org", "admin1@example.org", "officer@example.org"}
    assert late.number in by_recipient["head@example.org"].body and soon.number in by_recipient["head@example.org"].body
    assert soon.number not in by_recipient["officer@example.org"].body
    assert late.applicant.last_name not in by_recipient["head@example.org"].body  # no personal data
    assert send_deadline_notices(report=report) == 0  # once a day
    assert len(mail.outbox) == 4


def test_command(office):
    case(office, due=D(2026, 3, 5))
    from io import StringIO

    out = StringIO()
    call_command("mark_overdue", "--today", "2026-03-09", stdout=out)
    assert "1 newly overdue" in out.getvalue() and "1 e-mails sent" in out.getvalue()


def test_overdue_page_groups_by_office_and_person(client, office):
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    admin = UserFactory(role=Role.ADMINISTRATOR, office=office)
    branch = OfficeFactory(hromada=office.hromada)
    first = case(office, due=D(2020, 1, 10), registered_by=admin)
    second = case(office, due=D(2020, 1, 13), registered_by=admin)
    third = case(branch, due=D(2020, 1, 13))
    case(OfficeFactory(), due=D(2020, 1, 13))  # another hromada
    mayor = UserFactory(role=Role.COMMUNITY_HEAD, office=None, hromada=office.hromada)
    client.force_login(mayor)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = StaticDevice.objects.create(user=mayor, name="t").persistent_id
    session.save()
    response = client.get(reverse("reporting:overdue"))
    groups = response.context["groups"]
    assert {g.office.pk for g in groups} == {office.pk, branch.pk}
    by_office = {g.office.pk: g for g in groups}
    assert [[c.application.pk for c in p.cases] for p in by_office[office.pk].people] == [[first.pk, second.pk]]
    assert by_office[office.pk].people[0].person == admin
    assert [c.application.pk for c in by_office[branch.pk].people[0].cases] == [third.pk]
    assert response.content.decode().count('data-testid="overdue-office"') == 2
