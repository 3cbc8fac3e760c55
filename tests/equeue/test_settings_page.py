"""The head of the CNAP sets the queue up: groups with their services, windows with their groups, the
opening hours the kiosk keeps; each change in history with its author; other roles may not."""

import datetime as dt

import pytest
from django.urls import reverse

from cnap.accounts.constants import Role
from equeue.actions import issue_ticket
from equeue.models import OpeningHours, ServiceGroup, Window
from tests.applications.registration_support import make_counter
from tests.factories import OfficeFactory, UserFactory

from .factories import at, make_hall

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_and_office():
    counter = make_counter()
    head = UserFactory(role=Role.CNAP_HEAD, office=OfficeFactory(hromada=counter.office.hromada))
    return head, counter


def test_the_head_adds_a_group_and_a_window(client, head_and_office):
    head, counter = head_and_office
    client.force_login(head)
    answer = client.post(
        reverse("equeue:group_new"),
        {
            "office": counter.office.pk,
            "letter": "Р",
            "name": "Реєстрація місця проживання",
            "services": [counter.service.pk],
            "average_service_minutes": 12,
            "target_wait_minutes": 15,
            "calls_before_no_show": 3,
            "position": 1,
            "is_active": "on",
        },
    )
    assert answer.status_code == 302
    group = ServiceGroup.objects.get()
    assert list(group.services.all()) == [counter.service]
    assert group.history.first().history_user == head
    answer = client.post(
        reverse("equeue:window_new"),
        {"office": counter.office.pk, "number": 4, "label": "Вікно 4", "groups": [group.pk], "is_active": "on"},
    )
    assert answer.status_code == 302
    window = Window.objects.get()
    assert list(window.groups.all()) == [group]
    page = client.get(reverse("equeue:settings")).content.decode()
    assert "Реєстрація місця проживання" in page and "Вікно 4" in page
    assert issue_ticket(office=counter.office, group=group).code == "Р-001"


def test_a_window_may_not_serve_another_offices_group(client, head_and_office):
    head, counter = head_and_office
    other = make_hall(office=head.office, groups=1, windows=0)
    client.force_login(head)
    answer = client.post(
        reverse("equeue:window_new"),
        {"office": counter.office.pk, "number": 1, "groups": [other.groups[0].pk], "is_active": "on"},
    )
    assert answer.status_code == 200 and not Window.objects.exists()
    assert "своєї установи" in answer.content.decode()


def test_opening_hours_are_set_and_checked(client, head_and_office):
    head, counter = head_and_office
    hall = make_hall(office=counter.office, groups=1, windows=1)
    client.force_login(head)
    url = reverse("equeue:hours_edit", kwargs={"office_id": counter.office.pk})
    data = {}
    for day in range(5):
        data |= {f"day{day}-opens_at": "08:00", f"day{day}-closes_at": "17:00"}
    data |= {"day0-break_starts_at": "12:00", "day0-break_ends_at": "18:00"}
    refused = client.post(url, data)
    assert refused.status_code == 200 and not OpeningHours.objects.exists()
    assert 'data-testid="hours-error"' in refused.content.decode()
    data["day0-break_ends_at"] = "13:00"
    assert client.post(url, data).status_code == 302
    assert OpeningHours.objects.filter(office=counter.office).count() == 5
    monday = OpeningHours.objects.get(weekday=0)
    assert (monday.break_starts_at, monday.break_ends_at) == (dt.time(12), dt.time(13))
    with pytest.raises(Exception, match="13:00"):
        issue_ticket(office=counter.office, group=hall.groups[0], now=at(12, 15))
    # Emptying a day closes it.
    data["day4-opens_at"] = data["day4-closes_at"] = ""
    client.post(url, data)
    assert not OpeningHours.objects.filter(weekday=4).exists()


def test_others_may_not_set_up_the_queue(client, head_and_office):
    head, counter = head_and_office
    hall = make_hall(office=counter.office, groups=1, windows=1)
    client.force_login(counter.user)  # an administrator
    assert client.get(reverse("equeue:settings")).status_code == 403
    stranger = UserFactory(role=Role.CNAP_HEAD, office=OfficeFactory())  # another hromada's head
    client.force_login(stranger)
    assert client.get(reverse("equeue:group_edit", kwargs={"group_id": hall.groups[0].pk})).status_code == 404
    assert client.get(reverse("equeue:window_edit", kwargs={"window_id": hall.windows[0].pk})).status_code == 404
    assert "—" in client.get(reverse("equeue:settings")).content.decode()
