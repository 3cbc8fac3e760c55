"""The electronic queue in the browser: a ticket taken at the kiosk appears on the hall's board when an
administrator calls it from a window (no page reload, and the board recovers from a dropped
connection by itself); «Start registration» leads to a registered case linked to the ticket."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application
from cnap.accounts.models import Office
from demo.staff import DEMO_PASSWORD, seed_demo_staff
from equeue.models import ServiceGroup, Ticket, TicketCase, Window
from services.catalog_io import load_demo_catalog
from services.models import Service
from tests.applications.factories import valid_rnokpp

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _hall():
    office = Office.objects.get(code="ЦНАП1")
    service = Service.objects.filter(versions__title__icontains="склад сім").distinct().first()
    group = ServiceGroup.objects.create(office=office, letter="С", name="Соціальні послуги")
    group.services.add(service)
    window = Window.objects.create(office=office, number=3)
    window.groups.add(group)
    return office, group, window


def test_a_kiosk_ticket_is_called_to_the_board_and_registered_as_a_case(browser, browser_page, login_as, live_server):
    seed_demo_staff()
    load_demo_catalog()
    office, group, window = _hall()

    # The hall: the kiosk and the board, public, in their own browser (no login).
    hall = browser.new_context(base_url=live_server.url, locale="uk-UA", timezone_id="UTC")
    kiosk = hall.new_page()
    kiosk.goto(f"/queue/{office.code}/kiosk/")
    kiosk.get_by_test_id("kiosk-group").filter(has_text="Соціальні послуги").click()
    expect(kiosk.get_by_test_id("ticket-code")).to_have_text("С-001")
    expect(kiosk.get_by_test_id("ticket-estimate")).to_contain_text("0 людей перед вами")
    board = hall.new_page()
    board.goto(f"/queue/{office.code}/board/")
    expect(board.get_by_test_id("board-calls")).to_contain_text("Очікуйте")
    board.evaluate("() => { window.boardMarker = 'same page'; }")
    # The hall's clock shows the office's time even when the TV's own clock is set to UTC.
    kyiv_now = {f"{moment:%H:%M}" for moment in (timezone.localtime(), timezone.localtime() + timedelta(minutes=1))}
    assert board.locator("[data-queue-clock]").inner_text() in kyiv_now

    # The administrator calls the next visitor from window 3.
    page = browser_page
    login_as(page, "administrator", DEMO_PASSWORD)
    page.goto("/queue/windows/")
    page.get_by_test_id("queue-window-link").filter(has_text="Вікно 3").click()
    page.get_by_test_id("move-call").click()
    expect(page.get_by_test_id("current-ticket")).to_have_text("С-001")

    # The board shows it within a few seconds, without reloading.
    expect(board.get_by_test_id("board-code").first).to_have_text("С-001", timeout=8000)
    expect(board.get_by_test_id("board-window").first).to_have_text("Вікно 3")
    assert board.evaluate("() => window.boardMarker") == "same page"
    assert int(board.get_by_test_id("board-calls").get_attribute("data-beeps") or "0") >= 1

    # The connection drops: the board says so, and recovers by itself when it is back.
    hall.set_offline(True)
    expect(board.get_by_test_id("board-reconnecting")).to_be_visible(timeout=8000)
    hall.set_offline(False)
    expect(board.get_by_test_id("board-reconnecting")).to_be_hidden(timeout=8000)
    assert board.evaluate("() => window.boardMarker") == "same page"

    # «Start registration»: the form offers the group's service first; the case links to the ticket.
    page.get_by_test_id("move-register").click()
    page.wait_for_url("**/applications/register/?origin=*")
    expect(page.get_by_test_id("origin")).to_contain_text("С-001")
    page.get_by_test_id("suggested-service").first.click()
    page.get_by_test_id("checklist").wait_for()
    page.fill("#id_applicant-last_name", "Ґудзь")
    page.fill("#id_applicant-first_name", "Євгенія")
    page.fill("#id_applicant-patronymic", "Олексіївна")
    page.fill("#id_applicant-rnokpp", valid_rnokpp(42))
    page.check("#id_applicant-consent")
    page.locator("#id_applicant-patronymic").press("Control+Enter")
    page.wait_for_url("**/registered/")
    application = Application.objects.get()
    ticket = Ticket.objects.get()
    assert TicketCase.objects.get(application=application).ticket == ticket
    page.goto(f"/applications/{application.pk}/")
    expect(page.get_by_test_id("case-queue-ticket")).to_contain_text("С-001")
    expect(page.get_by_test_id("case-queue-ticket")).to_contain_text("очікування")
    hall.close()
