"""The staff page that suspends and resumes all open cases of a service by a legal act."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from applications.constants import ApplicationStatus
from applications.models import Application, Suspension
from cnap.accounts.constants import Role
from cnap.workdays import office_calendar
from services.selectors import provider_id_of
from tests.applications.workflow_helpers import case_in, user_for

pytestmark = pytest.mark.django_db

URL = reverse("applications:service_suspension")
ACT = "Постанова КМУ від 28.02.2022 № 165"


def last_friday(at_least_days_ago: int = 14) -> dt.date:
    day = timezone.localdate() - dt.timedelta(days=at_least_days_ago)
    while day.weekday() != 4:
        day -= dt.timedelta(days=1)
    return day


def open_case(registered_on: dt.date, due: dt.date, **kwargs):
    moment = timezone.make_aware(dt.datetime.combine(registered_on, dt.time(10, 0)))
    return case_in(ApplicationStatus.IN_PROGRESS, registered_at=moment, due_date=due, initial_due_date=due, **kwargs)


@pytest.fixture
def world():
    friday = last_friday()
    due = friday + dt.timedelta(days=10)
    first = open_case(friday - dt.timedelta(days=2), due)
    second = open_case(friday - dt.timedelta(days=2), due, service_version=first.service_version, journal=first.journal)
    elsewhere = open_case(friday - dt.timedelta(days=2), due, service_version=first.service_version)
    assert elsewhere.office_id != first.office_id and elsewhere.service_id == first.service_id
    return {"friday": friday, "due": due, "first": first, "second": second, "elsewhere": elsewhere}


def post(client, user, **data):
    client.force_login(user)
    return client.post(URL, data, follow=True)


def test_a_head_suspends_their_offices_cases_and_resumes_them_with_the_due_dates_moved(client, world):
    first, second, elsewhere, friday, due = (world[k] for k in ("first", "second", "elsewhere", "friday", "due"))
    head = user_for(first, Role.CNAP_HEAD)
    client.force_login(head)
    page = client.get(URL)
    assert page.status_code == 200
    assert first.service in page.context["form"].fields["service"].queryset
    assert "Зупинення послуги нормативним актом" in page.content.decode()  # translated

    response = post(
        client,
        head,
        service=first.service_id,
        action="suspend",
        legal_act=ACT,
        reason="Воєнний стан",
        on_date=friday.isoformat(),
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("2 ") and ACT in m for m in messages), messages
    for app in (first, second):
        app.refresh_from_db()
        assert app.status == ApplicationStatus.SUSPENDED
        suspension = Suspension.objects.get(application=app)
        assert (suspension.legal_act, suspension.started_on) == (ACT, friday)
    elsewhere.refresh_from_db()
    assert elsewhere.status == ApplicationStatus.IN_PROGRESS
    assert not Suspension.objects.filter(application=elsewhere).exists()

    response = post(
        client,
        head,
        service=first.service_id,
        action="resume",
        legal_act=ACT,
        on_date=(friday + dt.timedelta(days=4)).isoformat(),
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("2 ") and ACT in m for m in messages), messages
    for app in (first, second):
        app.refresh_from_db()
        assert app.status == ApplicationStatus.IN_PROGRESS
        assert app.suspended_working_days == 2  # Friday and Monday lost
        assert app.due_date == office_calendar(app.office).add_working_days(due, 2)
    elsewhere.refresh_from_db()
    assert elsewhere.due_date == due


def test_without_a_legal_act_nothing_changes_and_the_error_is_shown(client, world):
    first = world["first"]
    response = post(
        client,
        user_for(first, Role.CNAP_HEAD),
        service=first.service_id,
        action="suspend",
        legal_act="  ",
        reason="Воєнний стан",
        on_date=world["friday"].isoformat(),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["legal_act"]
    assert escape(response.context["form"].errors["legal_act"][0]) in response.content.decode()
    assert not Suspension.objects.exists()
    assert set(Application.objects.values_list("status", flat=True)) == {ApplicationStatus.IN_PROGRESS}


def test_a_suspension_needs_a_reason(client, world):
    first = world["first"]
    response = post(
        client,
        user_for(first, Role.CNAP_HEAD),
        service=first.service_id,
        action="suspend",
        legal_act=ACT,
        reason="",
        on_date=world["friday"].isoformat(),
    )
    assert response.context["form"].errors["reason"]
    assert not Suspension.objects.exists()


def test_a_future_date_is_refused(client, world):
    first = world["first"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = post(
        client,
        user_for(first, Role.CNAP_HEAD),
        service=first.service_id,
        action="suspend",
        legal_act=ACT,
        reason="Воєнний стан",
        on_date=tomorrow.isoformat(),
    )
    assert response.context["form"].errors["on_date"]
    assert not Suspension.objects.exists()


def test_an_act_in_force_before_a_case_was_registered_suspends_it_from_its_registration(client, world):
    first = world["first"]
    start = world["friday"] - dt.timedelta(days=10)
    response = post(
        client,
        user_for(first, Role.CNAP_HEAD),
        service=first.service_id,
        action="suspend",
        legal_act=ACT,
        reason="Воєнний стан",
        on_date=start.isoformat(),
    )
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    suspension = Suspension.objects.get(application=first)
    assert suspension.started_on == timezone.localdate(first.registered_at) > start
    assert suspension.by_act.starts_on == start


def test_an_action_error_is_shown_as_a_message(client, world):
    first = world["first"]
    response = post(
        client,
        user_for(first, Role.CNAP_HEAD),
        service=first.service_id,
        action="resume",
        legal_act=ACT,
        on_date=timezone.localdate().isoformat(),
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Suspension.objects.exists()


def test_a_provider_officer_suspends_only_their_providers_cases(client, world):
    first = world["first"]
    officer = user_for(first, Role.PROVIDER_OFFICER)
    post(
        client,
        officer,
        service=first.service_id,
        action="suspend",
        legal_act=ACT,
        reason="Воєнний стан",
        on_date=world["friday"].isoformat(),
    )
    suspended = set(
        Application.objects.filter(status=ApplicationStatus.SUSPENDED).values_list("provider_id", flat=True)
    )
    assert suspended == {provider_id_of(officer)}


def test_other_roles_get_403_and_anonymous_the_login_page(client, world):
    first = world["first"]
    for role in (Role.ADMINISTRATOR, Role.STAROSTA, Role.COMMUNITY_HEAD, Role.CATALOG_MANAGER):
        client.force_login(user_for(first, role))
        assert client.get(URL).status_code == 403
        response = client.post(
            URL,
            {
                "service": first.service_id,
                "action": "suspend",
                "legal_act": ACT,
                "reason": "x",
                "on_date": world["friday"].isoformat(),
            },
        )
        assert response.status_code == 403
    assert not Suspension.objects.exists()
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response.url
