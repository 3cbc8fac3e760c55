"""The head of the CNAP opens the queue figures: the cards and the chart show the day's tickets, and the
no-show figure opens the list of exactly that ticket."""

import datetime as dt

import pytest
from django.utils import timezone

from demo.staff import DEMO_PASSWORD, seed_demo_staff
from equeue import actions
from tests.equeue.factories import ServiceGroupFactory, WindowFactory, at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_head_sees_the_queue_figures_and_opens_the_tickets_behind_one(browser_page, login_as):
    users = seed_demo_staff()
    head, admin = users["head"], users["administrator"]
    office = admin.office
    day = timezone.localdate() - dt.timedelta(days=1)
    group = ServiceGroupFactory(office=office, letter="Е", name="Е2Е група", target_wait_minutes=15)
    window = WindowFactory(office=office, number=9, groups=[group])
    served = actions.issue_ticket(office=office, group=group, now=at(9, 0, day=day))
    missed = actions.issue_ticket(office=office, group=group, now=at(9, 10, day=day))
    actions.issue_ticket(office=office, group=group, now=at(10, 0, day=day))
    assert actions.call_next(window=window, acting_user=admin, now=at(9, 5, day=day)) == served
    actions.finish(window=window, acting_user=admin, now=at(9, 15, day=day))
    assert actions.call_next(window=window, acting_user=admin, now=at(9, 20, day=day)) == missed
    for minute in (21, 22):
        actions.recall(window=window, acting_user=admin, now=at(9, minute, day=day))
    actions.mark_no_show(window=window, acting_user=admin, now=at(9, 25, day=day))
    page = browser_page

    login_as(page, head.username, DEMO_PASSWORD)
    page.goto("/")
    page.get_by_role("link", name="Показники черги").first.click()
    page.wait_for_url("**/dashboard/queue/**")
    page.fill("#id_date_from", day.isoformat())
    page.fill("#id_date_to", day.isoformat())
    page.get_by_test_id("apply-filter").click()
    page.wait_for_url(lambda url: "date_from=" in url)
    assert page.get_by_test_id("queue-kpi-issued").inner_text().strip().endswith("3")
    assert page.get_by_test_id("queue-kpi-served").inner_text().strip().endswith("1")
    # The chart is drawn by the vendored library from the page's data (no inline script: CSP).
    page.wait_for_function("() => window.Chart && window.Chart.getChart('chart-hours') !== undefined")
    bars = page.evaluate("() => window.Chart.getChart('chart-hours').data.datasets[0].data")
    assert bars == [2, 1]  # issued at 9 and at 10
    assert "Е2Е група" in page.get_by_test_id("table-queue-groups").inner_text()

    page.get_by_test_id("queue-kpi-no-show").click()
    page.wait_for_url("**/dashboard/queue/tickets/**")
    rows = page.get_by_test_id("queue-ticket-row")
    assert rows.count() == 1
    assert missed.code in rows.first.inner_text()
