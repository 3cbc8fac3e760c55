import pytest
from django.urls import reverse
from playwright.sync_api import expect

from services.models import ServiceVersion
from tests.factories import TEST_PASSWORD, UserFactory
from tests.services.factories import ServiceVersionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_catalog_manager_adds_a_document_row_without_saving_first(browser_page, login_as):
    draft = ServiceVersionFactory()  # two documents, two stages, one ground
    manager = UserFactory(role="catalog_manager", office=None)
    page = browser_page
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    login_as(page, manager.username, TEST_PASSWORD)
    page.goto(reverse("services:draft_edit", args=[draft.service_id]))

    rows = page.get_by_test_id("formset-documents").locator("tbody tr")
    expect(rows).to_have_count(2)  # no blank rows beside the existing ones
    expect(page.get_by_test_id("formset-stages").locator("tbody tr")).to_have_count(2)

    page.get_by_test_id("formset-add-documents").click()  # «Додати документ»
    expect(rows).to_have_count(3)
    expect(page.locator("#id_documents-TOTAL_FORMS")).to_have_value("3")
    name = page.locator("#id_documents-2-name")
    expect(name).to_be_focused()  # the keyboard goes on in the new row
    page.keyboard.type("Довідка про склад сім'ї")
    page.select_option("#id_documents-2-kind", "copy")
    page.fill("#id_documents-2-copies", "2")
    page.get_by_test_id("draft-save").click()
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("formset-documents").locator("tbody tr")).to_have_count(3)

    page.goto(reverse("services:detail", args=[draft.service_id]) + f"?version={draft.pk}")
    expect(page.get_by_test_id("card-documents")).to_contain_text("Довідка про склад сім'ї")
    documents = ServiceVersion.objects.get(pk=draft.pk).documents.all()
    assert [(d.name, d.kind, d.copies) for d in documents][-1] == ("Довідка про склад сім'ї", "copy", 2)
    assert len(documents) == 3
    assert not [text for text in console_errors if "Content Security Policy" in text], console_errors
