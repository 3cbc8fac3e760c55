"""The community head opens the dashboard, narrows the period, clicks the overdue figure and lands
on the list of exactly those cases; the case behind it shows minimised (no tax number or contacts)
until they state a reason, which the access log keeps."""

import datetime as dt

import pytest
from django.utils import timezone

from applications.constants import ApplicationStatus
from cnap.security.models import PersonalDataAccess
from demo.staff import DEMO_PASSWORD, seed_demo_staff
from tests.applications.factories import RegistrationJournalFactory
from tests.reporting.stats_helpers import moved, registered

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_mayor_drills_down_from_the_overdue_figure(browser_page, login_as):
    users = seed_demo_staff()
    admin = users["administrator"]
    journal = RegistrationJournalFactory(office=admin.office, prefix="E2E")
    today = timezone.localdate()
    late = registered(
        on=today - dt.timedelta(days=40), due=today - dt.timedelta(days=5), journal=journal, registered_by=admin
    )
    moved(late, ApplicationStatus.SENT_TO_PROVIDER, on=today - dt.timedelta(days=39))
    on_time = registered(
        on=today - dt.timedelta(days=2), due=today + dt.timedelta(days=10), journal=journal, registered_by=admin
    )
    page = browser_page

    login_as(page, "mayor", DEMO_PASSWORD)
    page.goto("/dashboard/")
    assert page.get_by_test_id("kpi-overdue").inner_text().strip().endswith("1")
    assert page.get_by_test_id("kpi-open").inner_text().strip().endswith("2")

    # Narrow the period to the last week: the old case leaves the period's registrations.
    page.fill("#id_date_from", (today - dt.timedelta(days=7)).isoformat())
    page.fill("#id_date_to", today.isoformat())
    page.get_by_test_id("apply-filter").click()
    page.wait_for_url(lambda url: "date_from=" in url)
    assert page.get_by_test_id("kpi-period").inner_text().strip().endswith("1")
    assert page.get_by_test_id("table-service").is_visible()

    # The overdue figure leads to the list of exactly the overdue cases.
    page.get_by_test_id("kpi-overdue").click()
    page.wait_for_url("**/applications/overdue/**")
    assert "/applications/overdue/" in page.url
    body = page.locator("main").inner_text()
    assert late.number in body
    assert on_time.number not in body

    # The case itself: minimised, then revealed with a reason (logged).
    page.get_by_role("link", name=late.number).click()
    page.wait_for_url(f"**/applications/{late.pk}/")
    applicant = late.applicant
    assert applicant.masked_tax_id in page.get_by_test_id("applicant-minimised").inner_text()
    assert applicant.rnokpp not in page.locator("main").inner_text()
    assert applicant.phone not in page.locator("main").inner_text()
    page.get_by_test_id("reveal-form").locator("input[name=reason]").fill("Скарга заявника № 7 від 01.12.2026")
    page.get_by_test_id("reveal").click()
    page.wait_for_url(f"**/applications/{late.pk}/")
    assert applicant.rnokpp in page.locator("main").inner_text()
    assert PersonalDataAccess.objects.filter(
        user=users["mayor"], application_id=late.pk, detail__contains="Скарга заявника № 7"
    ).exists()
