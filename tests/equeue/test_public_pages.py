"""The kiosk and the board: public, Ukrainian, no personal data; one tap one ticket; a flooded kiosk, a
closed office and a queue without windows each get a clear message."""

import datetime as dt
import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cnap.accounts.models import OfficeDayOff
from equeue import actions
from equeue.models import OpeningHours, PriorityCategory, Ticket

from .factories import make_hall

pytestmark = pytest.mark.django_db


def kiosk_url(office):
    return reverse("equeue:kiosk", kwargs={"office_code": office.code})


def tap(client, office, group, *, key=None, priority=""):
    data = {"group": group.pk, "issue_key": str(key or uuid.uuid4()), "priority": priority}
    return client.post(kiosk_url(office), data)


def test_the_kiosk_offers_the_groups_and_issues_a_ticket_with_the_wait(client):
    hall = make_hall(groups=2, windows=1)
    page = client.get(kiosk_url(hall.office), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200 and "Група А" in html and "Група Б" in html
    assert "Оберіть послугу" in html  # Ukrainian whatever the browser asks
    assert 'name="issue_key"' in html and "data-once" in html
    actions.issue_ticket(office=hall.office, group=hall.groups[0])
    answer = tap(client, hall.office, hall.groups[0])
    assert answer.status_code == 302
    ticket_page = client.get(answer["Location"]).content.decode()
    assert "А-002" in ticket_page
    assert "1 людина перед вами" in ticket_page and "10 хв" in ticket_page


def test_a_double_tap_issues_one_ticket(client):
    hall = make_hall(groups=1, windows=1)
    key = uuid.uuid4()
    first = tap(client, hall.office, hall.groups[0], key=key)
    second = tap(client, hall.office, hall.groups[0], key=key)
    assert Ticket.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_priority_category_is_carried_by_the_ticket(client):
    hall = make_hall(groups=1, windows=1)
    category = PriorityCategory.objects.get(code="disabled")
    tap(client, hall.office, hall.groups[0], priority=category.pk)
    assert Ticket.objects.get().priority == category
    refused = tap(client, hall.office, hall.groups[0], priority="999999")
    assert refused.status_code == 400 and Ticket.objects.count() == 1


def test_a_flooded_kiosk_gets_a_friendly_message(client, settings):
    settings.CNAP_QUEUE_KIOSK_RATE_LIMIT = 3
    hall = make_hall(groups=1, windows=1)
    answers = [tap(client, hall.office, hall.groups[0]) for _ in range(5)]
    assert [a.status_code for a in answers] == [302, 302, 302, 429, 429]
    assert "Забагато талонів" in answers[3].content.decode()
    assert int(answers[3]["Retry-After"]) >= 1
    assert Ticket.objects.count() == 3


def test_a_closed_office_and_an_unknown_group_say_so(client):
    hall = make_hall(groups=1, windows=1)
    for weekday in range(7):
        OpeningHours.objects.create(
            office=hall.office, weekday=weekday, opens_at=dt.time(0, 1), closes_at=dt.time(23, 59)
        )
    OfficeDayOff.objects.create(office=hall.office, date=timezone.localdate(), reason="Рішення виконкому")
    page = client.get(kiosk_url(hall.office)).content.decode()
    assert "Сьогодні установа не приймає відвідувачів" in page
    refused = tap(client, hall.office, hall.groups[0])
    assert refused.status_code == 200 and Ticket.objects.count() == 0
    assert "Сьогодні установа не приймає відвідувачів" in refused.content.decode()


def test_a_queue_without_windows_says_so_and_an_unknown_office_is_404(client):
    hall = make_hall(groups=1, windows=1)
    hall.windows[0].groups.clear()
    page = client.get(kiosk_url(hall.office)).content.decode()
    assert 'data-testid="kiosk-empty"' in page
    assert client.get(reverse("equeue:kiosk", kwargs={"office_code": "NOPE"})).status_code == 404
    assert client.get(reverse("equeue:board", kwargs={"office_code": "NOPE"})).status_code == 404


def test_the_ticket_prints_on_80_mm_paper(client):
    hall = make_hall(groups=1, windows=1)
    answer = tap(client, hall.office, hall.groups[0])
    pdf = client.get(answer["Location"] + "pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 1
    width_mm = float(reader.pages[0].mediabox.width) * 25.4 / 72
    assert round(width_mm) == 80
    text = reader.pages[0].extract_text()
    assert "А-001" in text and "Група А" in text


def test_a_forged_ticket_link_is_404(client):
    hall = make_hall(groups=1, windows=1)
    ticket = actions.issue_ticket(office=hall.office, group=hall.groups[0])
    url = reverse("equeue:kiosk_ticket", kwargs={"office_code": hall.office.code, "token": f"{ticket.pk}:forged"})
    assert client.get(url).status_code == 404


def test_the_board_shows_calls_and_windows_without_personal_data(client):
    hall = make_hall(groups=1, windows=2)
    group = hall.groups[0]
    for _ in range(3):
        actions.issue_ticket(office=hall.office, group=group)
    feed_url = reverse("equeue:board_feed", kwargs={"office_code": hall.office.code})
    empty = client.get(feed_url).content.decode()
    assert 'data-board-version="0"' in empty
    actions.call_next(window=hall.windows[0], acting_user=hall.users[0])
    actions.call_next(window=hall.windows[1], acting_user=hall.users[1])
    feed = client.get(feed_url).content.decode()
    assert feed.index("А-002") < feed.index("А-001")  # the last call first
    assert "Вікно 2" in feed and "Вікно 1" in feed
    for user in hall.users:
        assert user.last_name not in feed
    version = feed.split('data-board-version="')[1].split('"')[0]
    actions.recall(window=hall.windows[0], acting_user=hall.users[0])
    again = client.get(feed_url).content.decode()
    assert again.split('data-board-version="')[1].split('"')[0] != version
    assert again.index("А-001") < again.index("А-002")  # the recall moves it up
    board = client.get(reverse("equeue:board", kwargs={"office_code": hall.office.code})).content.decode()
    assert 'hx-trigger="every 750ms"' in board and "<script>" not in board


def test_the_kiosk_issues_tickets_while_the_cache_is_down(client, settings, caplog):
    """Redis down: the rate limit cannot count, so it lets the tap through (logged); the ticket is issued."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    hall = make_hall(groups=1, windows=1)
    answer = tap(client, hall.office, hall.groups[0])
    assert answer.status_code == 302
    assert Ticket.objects.count() == 1
    assert "cache unavailable" in caplog.text
