"""register_application and the registration pages: what is saved, what is refused (nothing half-way),
who may register and see receipts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from applications.actions.registration import register_application
from applications.constants import ApplicationStatus
from applications.models import Applicant, Application, JournalCounter, Scan, StatusChange
from cnap.accounts.constants import Role
from services.models import RequiredDocument
from tests.factories import OfficeFactory, UserFactory
from tests.services.factories import ServiceVersionFactory

from .factories import valid_rnokpp
from .registration_support import (
    kyiv,
    make_counter,
    paid_version_fields,
    pdf_bytes,
    person,
    upload,
)

HOSTILE = "<script>alert(1)</script>"
SQL = "'; DROP TABLE x; --"


def register(counter, **overrides):
    kwargs = {
        "office": counter.office,
        "service": counter.service,
        "applicant": person(1),
        "documents": counter.documents,
        "acting_user": counter.user,
        "registered_at": kyiv(2026, 11, 26, 9, 15),
    }
    kwargs.update(overrides)
    return register_application(**kwargs)


def refused(counter, **overrides) -> dict:
    with pytest.raises(ValidationError) as info:
        register(counter, **overrides)
    assert Application.objects.count() == 0
    assert not JournalCounter.objects.filter(last_number__gt=0).exists()
    return {field: [e.code for e in errors] for field, errors in info.value.error_dict.items()}


@pytest.mark.django_db
def test_registration_creates_the_case_its_documents_and_first_status():
    counter = make_counter(**paid_version_fields(term_value=5, term_unit="working_days"))
    application = register(
        counter,
        documents=[
            *[{**line, "kind": "copy", "copies": 2, "sheets": 4} for line in counter.documents],
            {"name": "Довідка про склад сімʼї", "kind": "copy", "sheets": 2},
        ],
        channel="in_person",
        result_delivery="in_person",
        comment="Терміново",
    )
    assert application.status == ApplicationStatus.REGISTERED
    assert application.status_changed_at == application.registered_at == kyiv(2026, 11, 26, 9, 15)
    assert application.number == f"{counter.office.code}-2026-000001"
    assert application.service_version == counter.version
    assert application.provider == counter.service.provider
    assert application.registered_by == counter.user
    assert application.fee_amount == Decimal("28.29") and not application.fee_late
    assert application.due_date == dt.date(2026, 12, 3)
    assert application.comment == "Терміново"
    documents = list(application.documents.order_by("order"))
    assert [(d.kind, d.copies, d.sheets) for d in documents[:2]] == [("copy", 2, 4), ("copy", 2, 4)]
    assert documents[2].is_extra and documents[2].name == "Довідка про склад сімʼї"
    change = StatusChange.objects.get(application=application)
    assert (change.from_status, change.to_status, change.changed_by) == ("", "registered", counter.user)
    assert application.history.first().history_user == counter.user
    assert application.applicant.history.first().history_user == counter.user


@pytest.mark.django_db
def test_late_filing_takes_the_late_fee():
    counter = make_counter(**paid_version_fields())
    application = register(counter, late_filing=True)
    assert application.fee_late and application.fee_amount == Decimal("84.86")


@pytest.mark.django_db
def test_a_known_applicant_is_reused():
    counter = make_counter()
    first = register(counter, applicant=person(1))
    second = register(counter, applicant=person(1, phone="+380991234567"))
    assert first.applicant_id == second.applicant_id
    assert Applicant.objects.count() == 1
    assert (first.sequence, second.sequence) == (1, 2)


@pytest.mark.django_db
def test_a_missing_mandatory_document_is_refused():
    counter = make_counter()
    first_only = counter.documents[:1]
    errors = refused(counter, documents=first_only)
    assert errors["documents"] == ["mandatory_document_missing"]
    assert Applicant.objects.count() == 0


@pytest.mark.django_db
def test_a_document_of_another_service_is_refused():
    counter = make_counter()
    foreign = RequiredDocument.objects.exclude(version=counter.version).first() or (
        ServiceVersionFactory(published=True).documents.first()
    )
    errors = refused(counter, documents=[*counter.documents, {"required_document": foreign.pk}])
    assert errors["documents"] == ["document_not_listed"]


@pytest.mark.django_db
def test_a_service_the_office_does_not_offer_is_refused():
    counter = make_counter()
    other = ServiceVersionFactory(published=True)
    errors = refused(counter, service=other.service, documents=[])
    assert errors["service"] == ["service_not_offered"]


@pytest.mark.django_db
def test_a_service_with_only_a_future_version_is_refused():
    counter = make_counter()
    errors = refused(counter, registered_at=kyiv(2025, 12, 30))
    assert errors["service"] == ["service_not_offered"]


@pytest.mark.django_db
def test_bad_applicant_and_representative_data_are_keyed_by_prefix():
    counter = make_counter()
    bad = valid_rnokpp(1)[:-1] + str((int(valid_rnokpp(1)[-1]) + 1) % 10)
    errors = refused(counter, applicant=person(rnokpp=bad), representative=person(2, first_name=""))
    assert errors["applicant-rnokpp"] == ["rnokpp_checksum"]
    assert errors["representative-first_name"] == ["required"]
    assert errors["power_of_attorney_number"] == ["power_of_attorney"]


@pytest.mark.django_db
def test_hostile_text_is_stored_as_is():
    counter = make_counter()
    application = register(
        counter,
        applicant=person(3, last_name=HOSTILE, patronymic=SQL),
        documents=[*counter.documents, {"name": SQL, "kind": "copy"}],
        comment=HOSTILE,
    )
    application.refresh_from_db()
    assert application.applicant.last_name == HOSTILE and application.applicant.patronymic == SQL
    assert application.comment == HOSTILE
    assert application.documents.filter(name=SQL).exists()


# Pages ----------------------------------------------------------------------------------------------


def form_data(counter, **overrides) -> dict:
    data = {
        "service": counter.service.pk,
        "doc": [doc.pk for doc in counter.version.documents.all()],
        "channel": "in_person",
        "result_delivery": "in_person",
        "applicant-kind": "person",
        "applicant-last_name": "Ґудзь",
        "applicant-first_name": "Євгенія",
        "applicant-patronymic": "Олексіївна",
        "applicant-birth_date": "1985-05-17",
        "applicant-rnokpp": valid_rnokpp(1),
        "applicant-phone": "+380501234567",
        "applicant-consent": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_form_registers_and_redirects_to_the_receipt(client):
    counter = make_counter()
    client.force_login(counter.user)
    page = client.get(reverse("applications:register"))
    assert page.status_code == 200
    assert b'id="service-search"' in page.content and b"autofocus" in page.content
    response = client.post(
        reverse("applications:register"),
        form_data(counter, scans=[upload("scan.pdf", pdf_bytes())], extra_name=["Довідка"], extra_sheets=["3"]),
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:registered", args=[application.pk])
    assert application.documents.count() == 3 and application.scans.count() == 1
    assert application.applicant.consent_given_at is not None
    success = client.get(response["Location"])
    assert application.number in success.content.decode()
    assert reverse("applications:receipt", args=[application.pk]) in success.content.decode()
    receipt = client.get(reverse("applications:receipt", args=[application.pk]))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF-")


@pytest.mark.django_db
def test_errors_are_shown_in_ukrainian_and_the_form_keeps_what_was_typed(client):
    counter = make_counter()
    client.force_login(counter.user)
    bad = valid_rnokpp(1)[:-1] + str((int(valid_rnokpp(1)[-1]) + 1) % 10)
    with translation.override("uk"):
        response = client.post(
            reverse("applications:register"),
            form_data(counter, **{"applicant-rnokpp": bad, "applicant-last_name": "Мар'яненко"}),
            HTTP_ACCEPT_LANGUAGE="uk",
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "контрольн" in html.lower()  # «неправильна контрольна цифра»
    assert f'value="{bad}"' in html
    assert "Мар&#x27;яненко" in html
    assert Application.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_mandatory_document_is_shown_on_the_checklist(client):
    counter = make_counter()
    client.force_login(counter.user)
    first = counter.version.documents.first()
    response = client.post(reverse("applications:register"), form_data(counter, doc=[first.pk]))
    html = response.content.decode()
    assert 'data-testid="document-errors"' in html
    missing = counter.version.documents.exclude(pk=first.pk).first()
    assert missing.name in html.split('data-testid="document-errors"')[1].split("</ul>")[0]
    # The ticked document stays ticked.
    assert f'value="{first.pk}" id="doc-{first.pk}" checked' in html
    assert Application.objects.count() == 0


@pytest.mark.django_db
def test_a_fake_pdf_upload_is_refused_on_the_form_and_nothing_saved(client):
    counter = make_counter()
    client.force_login(counter.user)
    response = client.post(
        reverse("applications:register"), form_data(counter, scans=[upload("passport.pdf", b"not a pdf")])
    )
    assert "passport.pdf" in response.content.decode()
    assert Application.objects.count() == 0 and Scan.objects.count() == 0 and Applicant.objects.count() == 0


@pytest.mark.django_db
def test_hostile_text_is_shown_inertly_in_the_pages(client):
    counter = make_counter()
    client.force_login(counter.user)
    response = client.post(
        reverse("applications:register"), form_data(counter, **{"applicant-last_name": HOSTILE}, comment=SQL)
    )
    application = Application.objects.get()
    assert application.applicant.last_name == HOSTILE
    html = client.get(response["Location"]).content.decode()
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    found = client.get(reverse("applications:applicant_search"), {"q": "script"}).content.decode()
    assert HOSTILE not in found and "&lt;script&gt;" in found


@pytest.mark.django_db
def test_service_search_lists_only_the_office_services(client):
    counter = make_counter()
    other = ServiceVersionFactory(published=True, title="Державна реєстрація народження")
    other.service.offices.add(OfficeFactory())
    client.force_login(counter.user)
    html = client.get(reverse("applications:service_search"), {"q": "реєстрація"}).content.decode()
    assert "народження" not in html
    html = client.get(reverse("applications:service_search"), {"q": "Декларування"}).content.decode()
    assert counter.service.local_code in html
    checklist = client.get(reverse("applications:service_checklist"), {"service": counter.service.pk})
    for doc in counter.version.documents.all():
        assert doc.name in checklist.content.decode()
    assert client.get(reverse("applications:service_checklist"), {"service": other.service.pk}).status_code == 404


@pytest.mark.django_db
def test_applicant_search_and_pick(client):
    counter = make_counter()
    known = register(counter, applicant=person(4, last_name="Шевчук")).applicant
    client.force_login(counter.user)
    html = client.get(reverse("applications:applicant_search"), {"applicant_q": known.rnokpp}).content.decode()
    assert "Шевчук" in html and known.masked_tax_id in html and known.rnokpp not in html
    picked = client.get(reverse("applications:applicant_search"), {"pick": known.pk}).content.decode()
    assert f'value="{known.rnokpp}"' in picked
    # Another hromada's applicant cannot be picked.
    other = make_counter(office=OfficeFactory())
    stranger = register(other, applicant=person(5)).applicant
    assert client.get(reverse("applications:applicant_search"), {"pick": stranger.pk}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COMMUNITY_HEAD, Role.CNAP_HEAD, Role.PROVIDER_OFFICER, Role.CATALOG_MANAGER])
def test_only_administrators_and_starostas_register(client, role):
    counter = make_counter()
    client.force_login(UserFactory(role=role, office=counter.office if role == Role.CNAP_HEAD else None))
    assert client.get(reverse("applications:register")).status_code == 403
    assert client.post(reverse("applications:register"), form_data(counter)).status_code == 403
    assert client.get(reverse("applications:service_search"), {"q": "Декл"}).status_code == 403
    assert Application.objects.count() == 0


@pytest.mark.django_db
def test_a_starosta_registers_in_their_office(client):
    counter = make_counter()
    starosta = UserFactory(role=Role.STAROSTA, office=counter.office)
    client.force_login(starosta)
    response = client.post(reverse("applications:register"), form_data(counter))
    assert response.status_code == 302
    assert Application.objects.get().registered_by == starosta


@pytest.mark.django_db
def test_another_office_receipt_and_scan_answer_404(client):
    counter = make_counter()
    application = register(counter, scans=[upload("a.pdf", pdf_bytes())])
    scan = application.scans.get()
    stranger = UserFactory(role=Role.ADMINISTRATOR)  # another office
    client.force_login(stranger)
    assert client.get(reverse("applications:receipt", args=[application.pk])).status_code == 404
    assert client.get(reverse("applications:scan_file", args=[scan.id])).status_code == 404
    assert client.get(reverse("applications:registered", args=[application.pk])).status_code == 404
    # The head of the same office and the community head of the hromada may read it.
    client.force_login(UserFactory(role=Role.CNAP_HEAD, office=counter.office))
    assert client.get(reverse("applications:receipt", args=[application.pk])).status_code == 200
    response = client.get(reverse("applications:scan_file", args=[scan.id]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf_bytes()
    # The community head sees the case minimised: its receipt and scans are not theirs to open.
    client.force_login(UserFactory(role=Role.COMMUNITY_HEAD, office=None, hromada=counter.office.hromada))
    assert client.get(reverse("applications:receipt", args=[application.pk])).status_code == 404
    assert client.get(reverse("applications:scan_file", args=[scan.id])).status_code == 404
