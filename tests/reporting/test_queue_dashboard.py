"""The queue dashboard: figures on a known set of tickets (made by the queue's own actions), the medians
and 90th percentiles worked out by hand, the summary table against a rebuild, the lists behind the
figures and who sees them."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from cnap.accounts.constants import Role
from equeue import actions
from equeue.models import Booking, PriorityCategory, Ticket
from reporting.models import QueueStats
from reporting.queue_stats import compute_queue_stats, queue_stats_snapshot, rebuild_queue_stats
from reporting.selectors.queue import percentile, queue_dashboard, ticket_times
from tests.equeue.factories import at, make_hall
from tests.factories import HromadaFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 23)  # a Monday


def t(hour, minute=0):
    return at(hour, minute, day=DAY)


@pytest.fixture
def hall():
    """Group А (target 15 min) at window 1, group Б (target 10 min) at window 2.

    А: waits 2, 8, 10 (no-show), 20 (booked), 5 (priority) min; service 10, 7, 20, 5 min.
    Б: one waited 15 min and was served for 10; one still waits."""
    hall = make_hall(groups=2, windows=2)
    group_a, group_b = hall.groups
    group_a.target_wait_minutes, group_b.target_wait_minutes = 15, 10
    group_a.save()
    group_b.save()
    w1, w2 = hall.windows
    w1.groups.set([group_a])
    w2.groups.set([group_b])
    u1, u2 = hall.users
    office = hall.office

    def issue(group, when, **kwargs):
        return actions.issue_ticket(office=office, group=group, now=when, **kwargs)

    a1 = issue(group_a, t(9, 0))
    a2 = issue(group_a, t(9, 5))
    a3 = issue(group_a, t(9, 10))
    booking = Booking.objects.create(
        office=office, group=group_a, starts_at=t(9, 45), ends_at=t(10, 0), name="Записаний Відвідувач"
    )
    a4 = issue(group_a, t(9, 30), booking=booking)
    b1 = issue(group_b, t(9, 0))

    def served(window, user, called, started, finished):
        ticket = actions.call_next(window=window, acting_user=user, now=called)
        if started:
            actions.start_service(window=window, acting_user=user, now=started)
        actions.finish(window=window, acting_user=user, now=finished)
        return ticket

    assert served(w1, u1, t(9, 2), t(9, 3), t(9, 13)) == a1
    assert served(w1, u1, t(9, 13), t(9, 13), t(9, 20)) == a2
    assert actions.call_next(window=w1, acting_user=u1, now=t(9, 20)) == a3
    actions.recall(window=w1, acting_user=u1, now=t(9, 22))
    actions.recall(window=w1, acting_user=u1, now=t(9, 24))
    actions.mark_no_show(window=w1, acting_user=u1, now=t(9, 25))
    priority = PriorityCategory.objects.filter(is_active=True).first()
    assert served(w1, u1, t(9, 50), t(9, 50), t(10, 10)) == a4
    a5 = issue(group_a, t(10, 5), priority=priority)
    assert served(w1, u1, t(10, 10), None, t(10, 15)) == a5
    assert served(w2, u2, t(9, 15), None, t(9, 25)) == b1
    b2 = issue(group_b, t(11, 0))
    hall.tickets = {"a1": a1, "a2": a2, "a3": a3, "a4": a4, "a5": a5, "b1": b1, "b2": b2}
    hall.priority = priority
    return hall


def test_percentile_interpolates_like_percentile_cont():
    assert percentile([], 0.5) is None
    assert percentile([7], 0.9) == 7
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile([120, 300, 480, 600, 1200], 0.9) == pytest.approx(960)


def test_figures_against_hand_computed_values(hall):
    group_a, group_b = hall.groups
    w1, w2 = hall.windows
    board = queue_dashboard(offices=[hall.office], date_from=DAY, date_to=DAY, today=DAY + dt.timedelta(days=7))
    total = board.total
    assert (total.issued, total.served, total.no_show, total.booked, total.walk_in, total.priority) == (
        7,
        5,
        1,
        1,
        6,
        1,
    )
    # Waits (s): 120 300 480 600 900 1200 -> median (480+600)/2, p90 at 4.5: 900 + 0.5 * 300.
    assert total.times.wait_median == pytest.approx(540)
    assert total.times.wait_p90 == pytest.approx(1050)
    # Service (s): 300 420 600 600 1200 -> median 600, p90 at 3.6: 600 + 0.6 * 600.
    assert total.times.service_median == pytest.approx(600)
    assert total.times.service_p90 == pytest.approx(960)
    # Within the target: А's 2, 8, 10, 5 min of 15; Б's 15 min is over its 10.
    assert (total.called_within_target, total.called, total.within_target_percent) == (4, 6, 66.7)
    by_group = {row.key: row.figures for row in board.by_group}
    a = by_group[group_a.pk]
    assert (a.issued, a.booked, a.walk_in, a.served, a.no_show) == (5, 1, 4, 4, 1)
    assert a.times.wait_median == pytest.approx(480)
    assert a.times.wait_p90 == pytest.approx(960)  # 600 + 0.6 * (1200 - 600)
    assert a.times.service_median == pytest.approx(510)  # (420 + 600) / 2
    assert a.times.service_p90 == pytest.approx(1020)  # 600 + 0.7 * (1200 - 600)
    assert a.within_target_percent == 80.0
    assert a.average_service == pytest.approx((600 + 420 + 1200 + 300) / 4)
    b = by_group[group_b.pk]
    assert (b.issued, b.served, b.within_target_percent, b.times.wait_median) == (2, 1, 0.0, pytest.approx(900))
    by_window = {row.key: row.figures for row in board.by_window}
    assert by_window[w1.pk].times.wait_median == pytest.approx(480)
    assert (by_window[w2.pk].served, by_window[w2.pk].times.service_median) == (1, pytest.approx(600))
    # Per hour of issue: А 4 at 9, 1 at 10; Б 1 at 9, 1 at 11.
    assert board.hours == [9, 10, 11]
    assert board.per_hour == {group_a.pk: [4, 1, 0], group_b.pk: [1, 0, 1]}
    assert board.waiting_now is None  # the period is not today


def test_python_percentiles_equal_the_database(hall):
    tickets = Ticket.objects.filter(office=hall.office)
    in_db = ticket_times(tickets, in_database=True)
    in_python = ticket_times(tickets, in_database=False)
    assert set(in_db) == set(in_python)
    for key, times in in_db.items():
        for name in ("wait_median", "wait_p90", "service_median", "service_p90"):
            assert getattr(in_python[key], name) == pytest.approx(getattr(times, name)), (key, name)


def test_summary_follows_the_actions_and_equals_a_rebuild(hall):
    kept = queue_stats_snapshot()
    assert kept == compute_queue_stats()
    assert rebuild_queue_stats() == len(kept)
    assert queue_stats_snapshot() == kept
    rebuild_queue_stats()  # twice: the same table
    assert queue_stats_snapshot() == kept
    assert QueueStats.objects.count() == len(kept)


def test_a_ticket_sent_on_counts_once_as_issued(hall):
    group_a, group_b = hall.groups
    w1, w2 = hall.windows
    u1 = hall.users[0]
    ticket = actions.issue_ticket(office=hall.office, group=group_a, now=t(12, 0))
    assert actions.call_next(window=w1, acting_user=u1, now=t(12, 1)) == ticket
    moved = actions.redirect(window=w1, acting_user=u1, to_group=group_b, now=t(12, 3))
    assert actions.call_next(window=w2, acting_user=hall.users[1], now=t(12, 30)) == hall.tickets["b2"]
    actions.finish(window=w2, acting_user=hall.users[1], now=t(12, 31))
    assert actions.call_next(window=w2, acting_user=hall.users[1], now=t(12, 33)) == moved
    actions.finish(window=w2, acting_user=hall.users[1], now=t(12, 40))
    assert queue_stats_snapshot() == compute_queue_stats()
    board = queue_dashboard(offices=[hall.office], date_from=DAY, date_to=DAY, today=DAY)
    assert board.total.issued == 8  # the visitor sent on is one ticket issued
    assert board.total.served == 7  # b2 and the one sent on, in Б
    by_group = {row.key: row.figures for row in board.by_group}
    assert by_group[group_a.pk].redirected == 1
    assert board.waiting_now == 0 and board.at_windows_now == 0


@pytest.fixture
def head(hall):
    return UserFactory(role=Role.CNAP_HEAD, office=hall.office)


def codes(response):
    return sorted(ticket.code for ticket in response.context["page"].object_list)


def test_drill_down_lists_the_tickets_behind_each_figure(hall, head):
    group_a, group_b = hall.groups
    client = Client()
    client.force_login(head)
    period = {"date_from": DAY.isoformat(), "date_to": DAY.isoformat()}
    board = queue_dashboard(offices=[hall.office], date_from=DAY, date_to=DAY)
    row_a = next(row for row in board.by_group if row.key == group_a.pk)
    tk = hall.tickets
    expected = {
        row_a.link_no_show: [tk["a3"].code],
        row_a.link_booked: [tk["a4"].code],
        row_a.link_served: sorted(tk[k].code for k in ("a1", "a2", "a4", "a5")),
        board.total_row.link_over_target: sorted([tk["a4"].code, tk["b1"].code]),
        board.total_row.link_issued: sorted(ticket.code for ticket in tk.values()),
    }
    for url, wanted in expected.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert codes(response) == wanted, url
    # The hour table's cell: А's tickets issued at 10.
    response = client.get(
        reverse("reporting:queue_tickets"), {**period, "group": group_a.pk, "hour": 10, "outcome": "issued"}
    )
    assert codes(response) == [tk["a5"].code]
    # Longest wait first.
    response = client.get(row_a.link_waits)
    assert [ticket.code for ticket in response.context["page"].object_list][0] == tk["a4"].code
    # No visitor's personal data: a booking's name is not on the list.
    assert "Записаний" not in client.get(board.total_row.link_issued).content.decode()
    page = client.get(reverse("reporting:queue_dashboard"), period)
    assert page.status_code == 200
    assert row_a.link_no_show.replace("&", "&amp;") in page.content.decode()


def test_another_hromadas_head_sees_nothing(hall):
    stranger = UserFactory(role=Role.CNAP_HEAD, office=OfficeFactory(hromada=HromadaFactory()))
    community_head = UserFactory(role=Role.COMMUNITY_HEAD, office=None, hromada=stranger.hromada)
    for user in (stranger, community_head):
        client = Client()
        client.force_login(user)
        params = {"date_from": DAY.isoformat(), "date_to": DAY.isoformat(), "office": hall.office.pk}
        response = client.get(reverse("reporting:queue_tickets"), params)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 0
        dashboard = client.get(reverse("reporting:queue_dashboard"), params)
        assert dashboard.context["board"].total.issued == 0
        assert dashboard.context["board"].by_group == []
    own_community_head = UserFactory(role=Role.COMMUNITY_HEAD, office=None, hromada=hall.office.hromada)
    client = Client()
    client.force_login(own_community_head)
    response = client.get(
        reverse("reporting:queue_tickets"), {"date_from": DAY.isoformat(), "date_to": DAY.isoformat()}
    )
    assert response.context["page"].paginator.count == 7


def test_administrators_do_not_see_the_queue_figures(hall):
    client = Client()
    client.force_login(hall.users[0])
    assert client.get(reverse("reporting:queue_dashboard")).status_code == 403
    assert client.get(reverse("reporting:queue_tickets")).status_code == 403


def test_the_monthly_report_has_the_queue(hall):
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from tests.reporting.test_reports import verified

    group_a, group_b = hall.groups
    mayor = UserFactory(role=Role.COMMUNITY_HEAD, office=None, hromada=hall.office.hromada)
    client = verified(Client(), mayor)
    params = {"download": "monthly", "month": "2026-11"}
    response = client.get(reverse("reporting:reports"), {**params, "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 2
    rows = [list(row) for row in book.worksheets[1].iter_rows(min_row=5, values_only=True)]
    by_name = {row[0]: row[1:] for row in rows}
    # issued, booked, walk-in, served, no-show, wait median / p90, service median (min), within target %
    assert by_name[str(group_a)] == [5, 1, 4, 4, 1, 8.0, 16.0, 8.5, 80.0]
    assert by_name[str(group_b)] == [2, 0, 2, 1, 0, 15.0, 15.0, 10.0, 0.0]
    assert rows[-1][1:6] == [7, 1, 6, 5, 1]
    pdf = client.get(reverse("reporting:reports"), {**params, "format": "pdf"})
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert str(group_a) in text and str(group_b) in text
    # Another month: no queue lines.
    other = client.get(reverse("reporting:reports"), {**params, "month": "2026-10", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(other.content)).worksheets[1]
    assert [row[0] for row in sheet.iter_rows(min_row=5, values_only=True)] == [sheet.cell(5, 1).value]
    assert len(list(sheet.iter_rows(min_row=5))) == 1


def test_the_dashboard_reads_a_fixed_number_of_queries_whatever_the_tickets(hall):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            queue_dashboard(offices=[hall.office], date_from=DAY - dt.timedelta(days=30), date_to=DAY, today=DAY)
        return len(captured)

    before = queries()
    group_a = hall.groups[0]
    for minute in range(0, 50, 5):
        actions.issue_ticket(office=hall.office, group=group_a, now=t(12, minute))
    for _n in range(3):
        actions.call_next(window=hall.windows[0], acting_user=hall.users[0], now=t(13, 0))
        actions.finish(window=hall.windows[0], acting_user=hall.users[0], now=t(13, 10))
    assert queries() == before
    assert before <= 8  # the summary, three percentile queries, groups, windows, two live counts


def test_bad_filters_get_a_message_and_lose_nothing(hall, head):
    client = Client()
    client.force_login(head)
    url = reverse("reporting:queue_tickets")
    for params in ({"date_from": "1800-01-01"}, {"date_from": "not a date"}, {"hour": "99"}, {"outcome": "everything"}):
        response = client.get(url, params)
        assert response.status_code == 200, params
        assert response.context["form"].errors, params
        assert response.context["page"].paginator.count == 0
    board = client.get(reverse("reporting:queue_dashboard"), {"date_from": "2026-11-30", "date_to": "2026-11-01"})
    assert board.status_code == 200
    assert board.context["errors"]  # the message, and the default period shown instead
    assert board.context["board"].date_from <= board.context["board"].date_to
