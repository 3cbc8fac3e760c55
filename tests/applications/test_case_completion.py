"""The case page completes and corrects a registered case: scans added later tied to a document line,
documents handed in later, the applicant's data corrected with a reason; all in the case's history.
It shows the comment, the identity document, the УНЗР, the representative and the power of attorney."""

import uuid

import pytest
from django.urls import reverse

from applications.actions.applicants import RegisterChoice
from applications.models import Applicant, Application, Scan, SubmittedDocument
from cnap.accounts.constants import Role
from tests.factories import UserFactory

from .registration_support import PNG_BYTES, make_counter, pdf_bytes, person, upload
from .test_registration import register


@pytest.fixture
def case():
    counter = make_counter()
    application = register(
        counter,
        applicant=person(3, document_type="id_card", document_number="001234567", unzr="19850517-01236"),
        representative=person(8, last_name="Ткаченко", first_name="Олег", patronymic="Іванович"),
        power_of_attorney_number="НВК 123456",
        comment="Просить повідомити телефоном",
    )
    return counter, application


@pytest.mark.django_db
def test_the_case_page_shows_what_was_taken(client, case):
    counter, application = case
    client.force_login(counter.user)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "Просить повідомити телефоном" in html.split('data-testid="case-comment"')[1]
    assert "001234567" in html.split('data-testid="applicant-document"')[1].split("</dd>")[0]
    assert "19850517-01236" in html.split('data-testid="applicant-unzr"')[1].split("</dd>")[0]
    representative = html.split('data-testid="case-representative"')[1].split("</dd>")[0]
    assert "Ткаченко Олег Іванович" in representative and "НВК 123456" in representative


@pytest.mark.django_db
def test_scans_added_from_the_case_page_are_tied_to_a_document_line(client, case):
    counter, application = case
    document = application.documents.order_by("order").first()
    client.force_login(counter.user)
    data = {
        "document": document.pk,
        "files": [upload("late.pdf", pdf_bytes()), upload("late.png", PNG_BYTES, "image/png")],
        "submission_token": str(uuid.uuid4()),
    }
    response = client.post(reverse("applications:add_scans", args=[application.pk]), data)
    assert response.status_code == 302
    scans = Scan.objects.filter(application=application)
    assert {s.original_name for s in scans} == {"late.pdf", "late.png"}
    assert all(s.document_id == document.pk and s.uploaded_by == counter.user for s in scans)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    edits = page.split('data-testid="edits"')[1]
    assert "late.pdf" in edits and document.name in edits


@pytest.mark.django_db
def test_a_disguised_file_is_refused_and_nothing_attached(client, case):
    counter, application = case
    client.force_login(counter.user)
    data = {"files": [upload("ok.pdf", pdf_bytes()), upload("virus.pdf", b"MZ\x90\x00")]}
    page = client.post(reverse("applications:add_scans", args=[application.pk]), data, follow=True)
    assert "virus.pdf" in page.content.decode()
    assert not Scan.objects.filter(application=application).exists()


@pytest.mark.django_db
def test_a_document_handed_in_later(client, case):
    counter, application = case
    client.force_login(counter.user)
    data = {"name": "Довідка про склад сім’ї", "kind": "copy", "copies": 1, "sheets": 2}
    client.post(reverse("applications:add_document", args=[application.pk]), data)
    document = SubmittedDocument.objects.get(application=application, name="Довідка про склад сім’ї")
    assert document.handed_in_at is not None and document.sheets == 2
    assert document.order == application.documents.count()
    assert document.history.first().history_user == counter.user
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "Довідка про склад сім’ї" in page.split('data-testid="edits"')[1]


@pytest.mark.django_db
def test_the_applicant_is_corrected_with_a_reason_in_both_histories(client, case):
    counter, application = case
    client.force_login(counter.user)
    copy = application.applicant_as_submitted
    data = {name: getattr(copy, name) or "" for name in ("last_name", "first_name", "patronymic", "document_type")}
    data.update(
        document_number="001234568",
        birth_date="1985-05-17",
        address="вул. Садова, 5, с. Світанок",
        phone=copy.phone,
        reason="помилка в номері документа при реєстрації",
        update_register="on",
    )
    client.post(reverse("applications:correct_applicant", args=[application.pk]), data)
    copy.refresh_from_db()
    record = Applicant.objects.get(pk=application.applicant_id)
    assert copy.document_number == record.document_number == "001234568"
    assert copy.address == record.address == "вул. Садова, 5, с. Світанок"
    assert copy.history.first().history_change_reason == "помилка в номері документа при реєстрації"
    change = record.history.first()
    assert change.history_change_reason == "помилка в номері документа при реєстрації"
    assert change.source_application_id == application.pk and change.history_user == counter.user
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    edits = page.split('data-testid="edits"')[1]
    assert "помилка в номері документа при реєстрації" in edits and "001234568" in edits


@pytest.mark.django_db
def test_only_the_case_is_corrected_when_the_register_is_left(client, case):
    counter, application = case
    client.force_login(counter.user)
    copy = application.applicant_as_submitted
    data = {
        "last_name": copy.last_name,
        "first_name": copy.first_name,
        "patronymic": copy.patronymic,
        "birth_date": "1985-05-17",
        "document_type": "id_card",
        "document_number": "001234567",
        "unzr": copy.unzr,
        "address": copy.address,
        "phone": "+380631112233",
        "reason": "для цієї справи — інший номер",
    }
    client.post(reverse("applications:correct_applicant", args=[application.pk]), data)
    copy.refresh_from_db()
    assert copy.phone == "+380631112233"
    assert Applicant.objects.get(pk=application.applicant_id).phone == "+380501234567"


@pytest.mark.django_db
def test_a_correction_needs_a_reason_and_valid_data(client, case):
    counter, application = case
    client.force_login(counter.user)
    copy = application.applicant_as_submitted
    base = {"last_name": copy.last_name, "first_name": copy.first_name, "birth_date": "1985-05-17"}
    client.post(reverse("applications:correct_applicant", args=[application.pk]), {**base, "address": "Нова"})
    bad = {**base, "document_type": "id_card", "document_number": "12", "reason": "виправлення"}
    page = client.post(reverse("applications:correct_applicant", args=[application.pk]), bad, follow=True)
    assert "9" in page.content.decode()  # «An ID card number has 9 digits.»
    copy.refresh_from_db()
    assert copy.address == "вул. Садова, 3, с. Світанок" and copy.document_number == "001234567"


@pytest.mark.django_db
def test_who_may_complete_a_case(client, case):
    counter, application = case
    url = reverse("applications:add_document", args=[application.pk])
    data = {"name": "Копія", "kind": "copy", "copies": 1, "sheets": 1}
    stranger = UserFactory(role=Role.ADMINISTRATOR)  # another office
    client.force_login(stranger)
    assert client.post(url, data).status_code == 404
    head = UserFactory(role=Role.CNAP_HEAD, office=counter.office)  # sees the case, does not register
    client.force_login(head)
    assert client.post(url, data).status_code == 302
    assert not SubmittedDocument.objects.filter(name="Копія").exists()
    assert (
        'data-testid="case-complete"'
        not in client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    )


@pytest.mark.django_db
def test_the_register_history_of_a_surname_change_shows_on_the_case_it_came_from(client):
    counter = make_counter()
    register(counter, applicant=person(1, last_name="Зелінська"))
    second = register(
        counter,
        applicant=person(1, last_name="Зелінська-Коваль"),
        applicant_choice=RegisterChoice(update=frozenset({"last_name"}), reason="шлюб"),
    )
    client.force_login(counter.user)
    page = client.get(reverse("applications:detail", args=[second.pk])).content.decode()
    edits = page.split('data-testid="edits"')[1]
    assert "Зелінська-Коваль" in edits and "шлюб" in edits
    assert Application.objects.count() == 2
