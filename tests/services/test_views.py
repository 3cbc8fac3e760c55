import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from cnap.accounts.constants import Role
from services import actions
from services.models import ServiceVersion
from tests.factories import OfficeFactory, UserFactory

from .factories import ServiceVersionFactory, SubsistenceMinimumFactory, add_fee

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(role=Role.CATALOG_MANAGER)


@pytest.fixture
def published(manager):
    SubsistenceMinimumFactory(year=dt.date.today().year, amount=Decimal("3328.00"))
    draft = ServiceVersionFactory()
    add_fee(draft, share="0.015")
    add_fee(draft, share="0.025", option="late", order=2)
    return actions.publish_version(version=draft, valid_from=dt.date(2020, 1, 1), acting_user=manager)


def _form_data(client, url):
    """The fields of the draft form as the page renders them (so the test posts what a browser would)."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        data[name] = value
    for prefix, formset in response.context["formsets"].items():
        data[f"{prefix}-TOTAL_FORMS"] = formset.total_form_count()
        data[f"{prefix}-INITIAL_FORMS"] = formset.initial_form_count()
        for index, row in enumerate(formset.initial):
            for key, value in row.items():
                if value is not None and value is not False:
                    data[f"{prefix}-{index}-{key}"] = "on" if value is True else value
    return data


def test_anonymous_users_are_sent_to_log_in(client, published):
    for url in (reverse("services:list"), reverse("services:detail", args=[published.service_id])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.PROVIDER_OFFICER, Role.CNAP_HEAD, Role.COMMUNITY_HEAD])
def test_other_staff_read_the_catalog_but_get_403_on_every_change(client, published, role):
    client.force_login(UserFactory(role=role))
    pk = published.service_id
    assert client.get(reverse("services:list")).status_code == 200
    page = client.get(reverse("services:detail", args=[pk]))
    assert page.status_code == 200
    assert reverse("services:draft_start", args=[pk]) not in page.content.decode()
    actions.copy_version_to_draft(service=published.service, acting_user=None)
    for name, method in [
        ("create", "get"),
        ("settings", "get"),
        ("settings", "post"),
        ("copy", "post"),
        ("draft_start", "post"),
        ("draft_edit", "get"),
        ("draft_edit", "post"),
        ("publish", "get"),
        ("publish", "post"),
        ("draft_discard", "post"),
    ]:
        url = reverse(f"services:{name}") if name == "create" else reverse(f"services:{name}", args=[pk])
        response = getattr(client, method)(url, {"valid_from": "2030-01-01", "new_local_code": "X"})
        assert response.status_code == 403, (name, method)
    assert published.service.versions.count() == 2  # nothing was published, copied or discarded


def test_the_list_searches_titles_in_ukrainian_by_part_of_a_word_and_with_htmx(client, manager, published):
    other = ServiceVersionFactory(title="Державна реєстрація народження", published=True)
    client.force_login(manager)
    response = client.get(reverse("services:list"), {"q": "деклар"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "services/_catalog_rows.html"
    body = response.content.decode()
    assert published.title in body and other.title not in body
    response = client.get(reverse("services:list"), {"q": "НАРОДЖ"})
    assert other.title in response.content.decode() and published.title not in response.content.decode()
    assert response.templates[0].name == "services/list.html"
    # The code and the provider are searched too.
    response = client.get(reverse("services:list"), {"q": published.service.local_code})
    assert published.title in response.content.decode()


def test_the_list_filters_by_office_category_and_provider(client, manager, published):
    office = OfficeFactory()
    published.service.offices.add(office)
    elsewhere = ServiceVersionFactory(title="Витяг з Державного земельного кадастру", published=True)
    client.force_login(manager)
    body = client.get(reverse("services:list"), {"office": office.pk}).content.decode()
    assert published.title in body and elsewhere.title not in body
    body = client.get(reverse("services:list"), {"provider": elsewhere.service.provider_id}).content.decode()
    assert elsewhere.title in body and published.title not in body


def test_the_list_uses_a_fixed_number_of_queries(client, manager):
    for index in range(3):
        ServiceVersionFactory(title=f"Послуга {index}", published=True)
    client.force_login(manager)
    url = reverse("services:list")
    client.get(url)  # the worker's first page builds its lookups (cnap/core/lookups.py: the footer's names)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for index in range(10):
        ServiceVersionFactory(title=f"Ще послуга {index}", published=True)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_service_page_shows_the_card_and_todays_fee(client, published):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    body = client.get(reverse("services:detail", args=[published.service_id])).content.decode()
    assert published.title in body
    assert "Паспорт громадянина України" in body and "Внесення відомостей до реєстру" in body
    assert "49,92" in body and "83,20" in body  # 3328 x 0.015 and x 0.025


def test_a_manager_edits_a_new_draft_and_publishes_it(client, manager, published):
    client.force_login(manager)
    pk = published.service_id
    response = client.post(reverse("services:draft_start", args=[pk]))
    assert response.status_code == 302 and response["Location"] == reverse("services:draft_edit", args=[pk])
    url = reverse("services:draft_edit", args=[pk])
    data = _form_data(client, url)
    data.update(term_value="5", term_unit="working_days", title="Декларування місця проживання особи")
    data["documents-TOTAL_FORMS"] += 1  # "Add a document" (static/js/formset.js) adds row 2
    data["documents-2-name"] = "Довідка про склад сім'ї"
    data["documents-2-kind"] = "copy"
    data["documents-2-copies"] = "1"
    data["documents-0-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, [(n, f.errors) for n, f in response.context["formsets"].items()]
    draft = ServiceVersion.objects.get(service_id=pk, status="draft")
    assert (draft.term_value, draft.term_unit) == (5, "working_days")
    assert [d.name for d in draft.documents.all()] == ["Паспорт громадянина України", "Довідка про склад сім'ї"]
    assert draft.stages.count() == 2 and draft.refusal_grounds.count() == 1

    response = client.post(reverse("services:publish", args=[pk]), {"valid_from": "2020-01-01"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.published_by == manager
    published.refresh_from_db()
    assert (published.term_value, published.term_unit) == (None, "same_day")


def _blank_rows(formset) -> int:
    return sum(1 for form in formset.forms if not form.initial)


def test_the_draft_page_renders_no_blank_rows_beside_existing_ones(client, manager, published):
    client.force_login(manager)
    pk = published.service_id
    client.post(reverse("services:draft_start", args=[pk]))
    draft = ServiceVersion.objects.get(service_id=pk, status="draft")
    draft.refusal_grounds.all().delete()  # an empty list gets one blank row, no more
    response = client.get(reverse("services:draft_edit", args=[pk]))
    formsets = response.context["formsets"]
    assert {name: _blank_rows(f) for name, f in formsets.items()} == {
        "documents": 0,
        "stages": 0,
        "refusal_grounds": 1,
        "fees": 0,
        "fee_exemptions": 1,
    }
    assert formsets["documents"].total_form_count() == draft.documents.count() > 0
    body = response.content.decode()
    # the empty-row template and the add buttons the script binds to (no inline script: the CSP)
    assert '<template data-formset-empty="documents">' in body and "documents-__prefix__-name" in body
    for name, label in (
        ("documents", "Додати документ"),
        ("stages", "Додати етап"),
        ("refusal_grounds", "Додати підставу"),
    ):
        assert f'data-formset-add="{name}"' in body
        assert label in body
    assert "js/formset.js" in body and "onclick" not in body


def test_saving_twice_adds_no_blank_rows(client, manager, published):
    client.force_login(manager)
    pk = published.service_id
    client.post(reverse("services:draft_start", args=[pk]))
    url = reverse("services:draft_edit", args=[pk])
    counts = None
    for _ in range(2):
        response = client.post(url, _form_data(client, url))
        assert response.status_code == 302
        formsets = client.get(url).context["formsets"]
        assert all(_blank_rows(f) == (0 if f.initial else 1) for f in formsets.values())
        now = {name: f.total_form_count() for name, f in formsets.items()}
        assert counts is None or now == counts
        counts = now


def test_a_row_added_by_the_script_is_saved(client, manager, published):
    """What static/js/formset.js does: clone the empty form as row TOTAL_FORMS and raise TOTAL_FORMS by one."""
    client.force_login(manager)
    pk = published.service_id
    client.post(reverse("services:draft_start", args=[pk]))
    url = reverse("services:draft_edit", args=[pk])
    data = _form_data(client, url)
    index = data["documents-TOTAL_FORMS"]
    before = [d.name for d in ServiceVersion.objects.get(service_id=pk, status="draft").documents.all()]
    data["documents-TOTAL_FORMS"] = index + 1
    data.update(
        {
            f"documents-{index}-name": "Довідка про доходи",
            f"documents-{index}-kind": "original",
            f"documents-{index}-copies": "2",
            f"documents-{index}-mandatory": "on",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, [(n, f.errors) for n, f in response.context["formsets"].items()]
    draft = ServiceVersion.objects.get(service_id=pk, status="draft")
    documents = list(draft.documents.all())
    assert [d.name for d in documents] == [*before, "Довідка про доходи"]
    assert (documents[-1].kind, documents[-1].copies, documents[-1].mandatory) == ("original", 2, True)


def test_an_invalid_draft_shows_errors_and_saves_nothing(client, manager, published):
    client.force_login(manager)
    pk = published.service_id
    client.post(reverse("services:draft_start", args=[pk]))
    url = reverse("services:draft_edit", args=[pk])
    data = _form_data(client, url)
    data.update(term_value="", term_unit="working_days")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "term_value" in response.context["form"].errors
    assert ServiceVersion.objects.get(service_id=pk, status="draft").term_unit == "same_day"


def test_publishing_before_the_version_in_force_is_refused_on_the_form(client, manager, published):
    client.force_login(manager)
    pk = published.service_id
    client.post(reverse("services:draft_start", args=[pk]))
    response = client.post(reverse("services:publish", args=[pk]), {"valid_from": "2019-06-01"})
    assert response.status_code == 200 and "valid_from" in response.context["form"].errors
    assert published.service.versions.filter(status="draft").exists()


def test_a_manager_creates_and_copies_services(client, manager, published):
    client.force_login(manager)
    response = client.post(
        reverse("services:create"),
        {
            "local_code": "77-01",
            "title": "Видача довідки про склад сім'ї",
            "category": "municipal",
            "provider": published.service.provider_id,
            "term_unit": "same_day",
        },
    )
    assert response.status_code == 302
    response = client.post(reverse("services:copy", args=[published.service_id]), {"new_local_code": "77-01"})
    assert response.status_code == 200 and "new_local_code" in response.context["form"].errors
    response = client.post(reverse("services:copy", args=[published.service_id]), {"new_local_code": "77-02"})
    assert response.status_code == 302


def _pdf_text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_information_card_pdf(client, published):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    text = _pdf_text(client.get(reverse("services:info_card_pdf", args=[published.service_id])))
    flat = " ".join(text.split())
    assert "ІНФОРМАЦІЙНА КАРТКА" in flat
    assert "Декларування місця проживання (перебування) особи" in flat
    assert "Декларація про місце проживання" in flat and "Паспорт громадянина України" in flat
    assert "Подання неповного пакета документів" in flat
    assert "UA598999980000031417919000001" in flat and "22012500" in flat
    assert "адміністративний збір" in flat and "49,92" in flat and "83,20" in flat
    assert "ЗАТВЕРДЖЕНО" in flat and "рішення № 12" in flat and "29.12.2025" in flat


def test_the_technological_card_pdf_lists_the_stages(client, published):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    text = _pdf_text(client.get(reverse("services:tech_card_pdf", args=[published.service_id])))
    flat = " ".join(text.split())
    assert "ТЕХНОЛОГІЧНА КАРТКА" in flat
    assert "Декларування місця проживання (перебування) особи" in flat
    assert "Прийом і реєстрація заяви" in flat and "Адміністратор ЦНАП" in flat
    assert "Внесення відомостей до реєстру" in flat
    assert "ЗАТВЕРДЖЕНО" in flat and "рішення № 12" in flat


def test_an_older_version_can_be_printed_by_its_id(client, manager, published):
    draft = actions.copy_version_to_draft(service=published.service, acting_user=manager)
    actions.update_draft(version=draft, title="Нова назва послуги", acting_user=manager)
    actions.publish_version(version=draft, valid_from=dt.date(2021, 1, 1), acting_user=manager)
    client.force_login(manager)
    url = reverse("services:info_card_pdf", args=[published.service_id])
    assert "Нова назва послуги" in _pdf_text(client.get(url))
    old = _pdf_text(client.get(url, {"version": published.pk}))
    assert "Декларування місця проживання" in " ".join(old.split())
    assert client.get(url, {"version": 999999}).status_code == 404


def test_publishing_is_refused_with_what_is_missing(client, manager, published):
    """The checks before publishing: the register identifier, the approving act, stages within the term."""
    client.force_login(manager)
    service = published.service
    actions.update_service(service=service, national_id="", acting_user=manager)
    draft = actions.copy_version_to_draft(service=service, acting_user=manager)
    actions.update_draft(version=draft, approval_act="", acting_user=manager)
    response = client.post(reverse("services:publish", args=[service.pk]), {"valid_from": "2030-01-01"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Для публікації потрібен ідентифікатор послуги в Реєстрі адміністративних послуг." in body
    assert body.count("Обов&#x27;язково для публікації.") + body.count("Обов’язково для публікації.") >= 1
    draft.refresh_from_db()
    assert draft.is_draft
