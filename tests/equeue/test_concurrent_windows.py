"""Ten windows pressing «call next» at once, over HTTP against the live server on PostgreSQL (a thread
and a session per window, a database connection per request): 200 waiting tickets are each called
exactly once, none is skipped, and every call is followed by «finish» before the next."""

import re
import threading
import uuid

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from equeue.actions import issue_ticket
from equeue.constants import TicketStatus
from equeue.models import Ticket

from .factories import make_hall

WINDOWS = 10
TICKETS = 200
CURRENT = re.compile(r'data-testid="current-ticket">([^<]+)<')


@pytest.mark.django_db(transaction=True)
def test_ten_windows_calling_at_once_call_each_ticket_once(live_server):
    assert connection.vendor == "postgresql"
    hall = make_hall(groups=2, windows=WINDOWS)
    for i in range(TICKETS):
        issue_ticket(office=hall.office, group=hall.groups[i % 2])
    sessions = []
    for user in hall.users:
        client = Client()
        client.force_login(user)
        session = requests.Session()
        session.cookies.update({name: morsel.value for name, morsel in client.cookies.items()})
        session.get(live_server.url + reverse("equeue:windows"), timeout=30)  # sets the CSRF cookie
        sessions.append(session)
    barrier = threading.Barrier(WINDOWS)
    called: dict[int, list[str]] = {i: [] for i in range(WINDOWS)}
    errors: list[str] = []

    def work(index: int) -> None:
        session, window = sessions[index], hall.windows[index]
        url = live_server.url + reverse("equeue:window_act", kwargs={"window_id": window.pk})
        headers = {"Referer": url, "X-CSRFToken": session.cookies[settings.CSRF_COOKIE_NAME]}
        barrier.wait()
        try:
            while True:
                data = {"do": "call", "submission_token": str(uuid.uuid4())}
                page = session.post(url, data=data, headers=headers, timeout=60)
                if page.status_code != 200:
                    errors.append(f"window {index}: call answered {page.status_code}")
                    return
                found = CURRENT.search(page.text)
                if found is None:
                    if "Ніхто не чекає на це вікно." not in page.text:
                        errors.append(f"window {index}: neither a ticket nor 'no one waits'")
                    return
                called[index].append(found.group(1))
                data = {"do": "finish", "submission_token": str(uuid.uuid4())}
                if session.post(url, data=data, headers=headers, timeout=60).status_code != 200:
                    errors.append(f"window {index}: finish failed")
                    return
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(f"window {index}: {exc!r}")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(WINDOWS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    codes = [code for codes in called.values() for code in codes]
    assert len(codes) == TICKETS and len(set(codes)) == TICKETS  # each called once
    assert set(codes) == set(Ticket.objects.values_list("code", flat=True))  # none skipped
    assert set(Ticket.objects.values_list("status", flat=True)) == {TicketStatus.DONE}
    assert set(Ticket.objects.values_list("call_count", flat=True)) == {1}
    assert sum(1 for codes in called.values() if codes) >= 2  # the windows really worked side by side
    by_window = Ticket.objects.values_list("window_id", flat=True)
    assert len(set(by_window)) >= 2
