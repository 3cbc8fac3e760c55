"""A case carried to the end in the browser: the administrator sends it to its provider, the
provider's officer takes it and refuses it citing a ground, the administrator prints the decision
and hands it over; the case page shows the whole history with the three people's names."""

import pytest

from applications.constants import ApplicationStatus
from applications.models import Application, PrintedDocument
from cnap.accounts.constants import Role
from tests.applications.factories import ApplicationFactory
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_send_refuse_print_and_hand_over(browser_page, login_as, live_server):
    case = ApplicationFactory()
    case.registered_by.first_name, case.registered_by.last_name = "Ганна", "Реєстраторенко"
    case.registered_by.save()
    admin = UserFactory(
        username="admin-e2e", role=Role.ADMINISTRATOR, office=case.office, first_name="Ірина", last_name="Бондар"
    )
    officer = UserFactory(
        username="officer-e2e",
        role=Role.PROVIDER_OFFICER,
        office=None,
        hromada=case.hromada,
        provider=case.provider,
        first_name="Петро",
        last_name="Мельник",
    )
    ground = case.service_version.refusal_grounds.get()
    page = browser_page

    # The administrator sends the case to its provider.
    login_as(page, admin.username, TEST_PASSWORD)
    page.goto(f"/applications/{case.pk}/")
    page.get_by_test_id("move-sent_to_provider").click()
    page.wait_for_selector(".alert-success")
    assert "передано суб" in page.get_by_test_id("case-status").inner_text().lower()
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Вийти").click()
    page.wait_for_url("**/accounts/login/")

    # The provider officer finds it in the queue, takes it and refuses it with a ground.
    login_as(page, officer.username, TEST_PASSWORD)
    page.goto("/applications/provider-queue/")
    page.get_by_role("link", name=case.number).click()
    page.get_by_test_id("move-in_progress").click()
    page.wait_for_selector(".alert-success")
    form = page.get_by_test_id("decision-form")
    form.locator("input[name=kind][value=refusal]").check()
    form.get_by_label(ground.text).check()
    page.get_by_test_id("record-decision").click()
    page.wait_for_selector(".alert-success")
    assert page.get_by_test_id("case-status").inner_text().lower() == "відмовлено"
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Вийти").click()
    page.wait_for_url("**/accounts/login/")

    # The administrator sees the refusal, prints the decision and hands it over.
    login_as(page, admin.username, TEST_PASSWORD)
    page.goto(f"/applications/{case.pk}/")
    decisions = page.get_by_test_id("decisions")
    assert ground.text in decisions.inner_text()
    with page.expect_download() as download_info:
        page.get_by_test_id("decision-pdf").click()
    download = download_info.value
    assert download.suggested_filename.startswith("decision-") and download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"
    page.fill("#id_identity_document", "ID-картка 000123456")
    page.get_by_test_id("issue").click()
    page.wait_for_selector(".alert-success")

    assert "ID-картка 000123456" in page.get_by_test_id("case-issued").inner_text()
    timeline = page.get_by_test_id("timeline").inner_text()
    for name in ("Реєстраторенко Ганна", "Бондар Ірина", "Мельник Петро"):
        assert name in timeline
    edits = page.get_by_test_id("edits").inner_text()
    assert "Бондар Ірина" in edits and "Мельник Петро" in edits

    case = Application.objects.get(pk=case.pk)
    assert case.status == ApplicationStatus.REFUSED
    assert case.issued_by == admin
    assert PrintedDocument.objects.filter(application=case, kind="decision").count() == 1
