"""The window panel over HTTP: one press one move (the form's one-time token), clear messages, the
scope of offices, and «Start registration» leading to a case linked to its ticket."""

import uuid
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from applications.models import Application
from cnap.accounts.constants import Role
from cnap.core import origins
from equeue import actions
from equeue.constants import TicketStatus
from equeue.models import Ticket, TicketCase
from tests.applications.registration_support import make_counter
from tests.applications.test_registration import form_data
from tests.factories import OfficeFactory, UserFactory

from .factories import make_hall

pytestmark = pytest.mark.django_db


def act(client, window, move, *, token=None, **extra):
    url = reverse("equeue:window_act", kwargs={"window_id": window.pk})
    return client.post(url, {"do": move, "submission_token": str(token or uuid.uuid4()), **extra})


def test_call_next_pressed_twice_calls_one_ticket(client):
    hall = make_hall(groups=1, windows=1)
    for _ in range(2):
        actions.issue_ticket(office=hall.office, group=hall.groups[0])
    client.force_login(hall.user)
    token = uuid.uuid4()
    first = act(client, hall.windows[0], "call", token=token)
    second = act(client, hall.windows[0], "call", token=token)
    assert first.status_code == second.status_code == 302
    assert list(Ticket.objects.order_by("number").values_list("status", flat=True)) == [
        TicketStatus.CALLED,
        TicketStatus.WAITING,
    ]
    panel = client.get(reverse("equeue:window", kwargs={"window_id": hall.windows[0].pk})).content.decode()
    assert 'data-testid="current-ticket">А-001<' in panel


def test_moves_give_clear_messages(client):
    hall = make_hall(groups=1, windows=1)
    client.force_login(hall.user)
    window = hall.windows[0]
    page = client.get(act(client, window, "call")["Location"]).content.decode()
    assert "Ніхто не чекає на це вікно." in page
    page = client.get(act(client, window, "finish")["Location"]).content.decode()
    assert "Біля вікна немає відвідувача" in page
    page = client.get(act(client, window, "dance")["Location"]).content.decode()
    assert "Оберіть дію." in page
    window.groups.clear()
    page = client.get(act(client, window, "call")["Location"]).content.decode()
    assert "не обслуговує жодної групи послуг" in page
    assert 'data-testid="window-no-groups"' in page


def test_no_show_and_redirect_through_the_panel(client):
    hall = make_hall(groups=2, windows=2)
    a, b = hall.groups
    hall.groups[0].calls_before_no_show = 2
    hall.groups[0].save()
    actions.issue_ticket(office=hall.office, group=a)
    actions.issue_ticket(office=hall.office, group=a)
    client.force_login(hall.user)
    window = hall.windows[0]
    act(client, window, "call")
    page = client.get(act(client, window, "no_show")["Location"]).content.decode()
    assert "викличте відвідувача 2 раз" in page
    act(client, window, "recall")
    act(client, window, "no_show")
    assert Ticket.objects.get(number=1).status == TicketStatus.NO_SHOW
    act(client, window, "call")
    act(client, window, "redirect", to_group=b.pk)
    moved = Ticket.objects.get(redirected_from__isnull=False)
    assert (moved.code, moved.group, moved.status) == ("А-002", b, TicketStatus.WAITING)


def test_a_window_of_another_office_is_404_and_non_operators_get_403(client):
    hall = make_hall(groups=1, windows=1)
    stranger = UserFactory(role=Role.ADMINISTRATOR, office=OfficeFactory())
    client.force_login(stranger)
    assert client.get(reverse("equeue:window", kwargs={"window_id": hall.windows[0].pk})).status_code == 404
    assert act(client, hall.windows[0], "call").status_code == 404
    officer = UserFactory(role=Role.COMMUNITY_HEAD, office=None, hromada=hall.office.hromada)
    client.force_login(officer)
    assert client.get(reverse("equeue:windows")).status_code == 403


def test_start_registration_leads_to_a_case_linked_to_the_ticket(client):
    counter = make_counter()
    hall = make_hall(office=counter.office, groups=1, windows=1)
    hall.groups[0].services.add(counter.service)
    ticket = actions.issue_ticket(office=hall.office, group=hall.groups[0])
    client.force_login(counter.user)
    window = hall.windows[0]
    act(client, window, "call")
    token = uuid.uuid4()
    opened = act(client, window, "register", token=token)
    assert opened.status_code == 302 and opened["Location"].startswith(reverse("applications:register"))
    again = act(client, window, "register", token=token)  # a double click opens the same form
    assert again["Location"] == opened["Location"]
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SERVING
    signed = parse_qs(urlparse(opened["Location"]).query)["origin"][0]
    form = client.get(opened["Location"]).content.decode()
    assert 'data-testid="suggested-service"' in form and f'value="{signed}"' in form and "А-001" in form
    response = client.post(reverse("applications:register"), {**form_data(counter), "origin": signed})
    assert response.status_code == 302
    application = Application.objects.get()
    assert TicketCase.objects.get().ticket == ticket
    assert application.queue_visit.ticket == ticket
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'data-testid="case-queue-ticket"' in page and "А-001" in page and "очікування 0 хвилин" in page


def test_a_forged_or_foreign_origin_links_nothing_and_still_registers(client):
    counter = make_counter()
    hall = make_hall(office=counter.office, groups=1, windows=1)
    ticket = actions.issue_ticket(office=hall.office, group=hall.groups[0])
    actions.call_next(window=hall.windows[0], acting_user=counter.user)
    other_user = UserFactory(role=Role.ADMINISTRATOR, office=counter.office)
    foreign = origins.sign_origin(user=other_user, kind=actions.ORIGIN_KIND, object_id=ticket.pk)
    client.force_login(counter.user)
    for origin in (foreign, "garbage:value"):
        data = form_data(counter, origin=origin, **{"submission_token": str(uuid.uuid4())})
        assert client.post(reverse("applications:register"), data).status_code == 302
    assert Application.objects.count() == 2
    assert not TicketCase.objects.exists()


def test_the_panel_polls_the_waiting_counts(client):
    hall = make_hall(groups=2, windows=1)
    client.force_login(hall.user)
    url = reverse("equeue:window", kwargs={"window_id": hall.windows[0].pk})
    assert 'hx-trigger="every 10s"' in client.get(url).content.decode()
    for _ in range(3):
        actions.issue_ticket(office=hall.office, group=hall.groups[1])
    part = client.get(url, {"part": "waiting"}).content.decode()
    assert "<html" not in part
    assert part.count('data-testid="waiting-count">0<') == 1 and 'data-testid="waiting-count">3<' in part
