"""seed_demo's queue: the demo offices' groups, windows and hours, today's tickets made by the queue's
actions up to the moment, past days written at once, the dashboard's figures; twice creates nothing twice."""

import datetime as dt
from io import StringIO

import pytest

from cnap.accounts.models import Office
from demo.cases import seed_demo_applications
from demo.management.commands.run_embedded import Command
from demo.queue import PAST_WORKING_DAYS, seed_demo_queue
from demo.staff import seed_demo_staff
from equeue.constants import TicketStatus
from equeue.models import Booking, OpeningHours, QueueDay, ServiceGroup, Ticket, TicketCase, Window
from reporting.queue_stats import compute_queue_stats, queue_stats_snapshot
from reporting.selectors.queue import queue_dashboard
from services.actions import load_demo_catalog
from tests.equeue.factories import at

pytestmark = pytest.mark.django_db

NOW = at(15, 0, day=dt.date(2026, 11, 25))  # a Wednesday afternoon


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (ServiceGroup, Window, OpeningHours, Ticket, Booking, QueueDay, TicketCase)
    }


def test_seed_demo_queue_fills_the_offices_once():
    seed_demo_staff()
    load_demo_catalog()
    seed_demo_applications(count=40)
    result = seed_demo_queue(now=NOW)
    main = Office.objects.get(code="ЦНАП1")
    assert ServiceGroup.objects.filter(office=main).count() == 4
    assert all(group.services.exists() for group in ServiceGroup.objects.filter(office=main))
    assert Window.objects.filter(office=main, operator__isnull=False).count() == 2
    assert OpeningHours.objects.filter(office=main).count() == 5

    today = Ticket.objects.filter(date=NOW.date())
    assert today.count() == result["today"] > 20
    statuses = set(today.values_list("status", flat=True))
    assert {TicketStatus.DONE, TicketStatus.NO_SHOW} <= statuses
    assert today.filter(priority__isnull=False).exists()
    assert today.filter(booking__isnull=False).exists()
    assert TicketCase.objects.filter(ticket__date=NOW.date()).count() == result["cases"] > 0
    # Made by the actions: each ticket's history has its issue, call and end.
    served = today.filter(status=TicketStatus.DONE).first()
    assert served.history.count() >= 3
    assert today.filter(issued_at__gt=NOW).count() == 0

    past = Ticket.objects.filter(date__lt=NOW.date())
    assert past.values("office", "date").distinct().count() == 2 * PAST_WORKING_DAYS
    assert result["past"] == past.count()
    assert queue_stats_snapshot() == compute_queue_stats()
    board = queue_dashboard(offices=[main], date_from=NOW.date() - dt.timedelta(days=20), date_to=NOW.date())
    assert board.total.issued == Ticket.objects.filter(office=main).count()
    assert board.total.times.wait_median is not None and board.by_window

    before = counts()
    again = seed_demo_queue(now=NOW)
    assert again == {"past": 0, "today": 0, "cases": 0}
    assert counts() == before


def test_the_run_banner_names_the_queue_pages_of_offices_with_a_queue():
    seed_demo_staff()
    main = Office.objects.get(code="ЦНАП1")
    ServiceGroup.objects.create(office=main, letter="А", name="Реєстрація")
    ServiceGroup.objects.create(office=Office.objects.get(code="ТП1"), letter="А", name="Реєстрація", is_active=False)
    out = StringIO()
    command = Command(stdout=out)
    command._print_banner("127.0.0.1", 8123, None)
    banner = out.getvalue()
    assert "Queue of ЦНАП1: kiosk http://127.0.0.1:8123/queue/ЦНАП1/kiosk/" in banner
    assert "http://127.0.0.1:8123/queue/ЦНАП1/board/" in banner
    assert "ТП1: kiosk" not in banner  # its only group is switched off
