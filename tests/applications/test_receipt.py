"""The receipt PDF: every field of the receipt in the extracted text, the tax number masked, hostile text
inert, reprints identical with the first copy's SHA-256 stored."""

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from applications.actions.registration import register_application
from applications.constants import PrintedDocumentKind
from applications.models import PrintedDocument
from applications.receipts import amount_in_words, receipt_pdf, status_url
from cnap.pdf import typographic_apostrophes

from .registration_support import kyiv, make_counter, paid_version_fields, person

HOSTILE = "<script>alert(1)</script>"
SQL = "'; DROP TABLE x; --"


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def registered(settings):
    settings.CNAP_SITE_URL = "https://cnap.svitanok.example"
    counter = make_counter(**paid_version_fields(term_value=10, term_unit="working_days"))
    counter.service.national_id = "01424"
    counter.service.save()
    application = register_application(
        office=counter.office,
        service=counter.service,
        applicant=person(5, last_name="Ґудзь", first_name="Євгенія", patronymic="Олексіївна"),
        documents=[
            *counter.documents,
            {"name": "Довідка про склад сімʼї", "kind": "copy", "copies": 2, "sheets": 3},
        ],
        late_filing=True,
        representative=person(6, last_name="Мельник", first_name="Петро", patronymic="Іванович"),
        power_of_attorney_number="НАА 123456",
        power_of_attorney_date=dt.date(2026, 11, 1),
        acting_user=counter.user,
        registered_at=kyiv(2026, 11, 26, 14, 35),
    )
    return counter, application


@pytest.mark.django_db
def test_receipt_holds_every_field(registered):
    counter, application = registered
    pdf = receipt_pdf(application, acting_user=counter.user)
    text = text_of(pdf)
    compact = flat(text)
    assert application.number in text
    assert "26.11.2026" in text and "14:35" in text
    assert counter.office.name in text and counter.office.address in text
    assert flat("Ґудзь Євгенія Олексіївна") in compact
    full_tax_number = application.applicant.rnokpp
    assert application.applicant.masked_tax_id in text
    assert full_tax_number not in compact
    assert flat("Мельник Петро Іванович") in compact and flat("НАА 123456") in compact
    assert flat(application.service_version.title) in compact
    assert "01424" in text and counter.service.local_code in text
    assert flat(application.provider.name) in compact
    for document in application.documents.all():
        assert typographic_apostrophes(flat(document.name)) in compact
    # One apostrophe in print: the typed U+02BC is printed as U+2019.
    assert flat("Довідка про склад сім’ї") in compact and "ʼ" not in text and "'" not in text
    # Late filing: 0.0255 × 3328.00 = 84.86 UAH, with words and the payment details.
    assert application.fee_amount == Decimal("84.86")
    assert "84,86" in text
    assert flat("вісімдесят чотири гривні 86 коп.") in compact
    assert "UA598999980000031417919000001" in compact
    assert application.due_date.strftime("%d.%m.%Y") in text
    assert application.due_date == dt.date(2026, 12, 10)
    assert flat(f"https://cnap.svitanok.example/status/?number={application.number}") in compact
    assert application.access_code in text
    assert flat(counter.user.short_name) in compact


@pytest.mark.django_db
def test_status_url_is_url_encoded_for_the_qr(registered):
    _counter, application = registered
    url = status_url(application)
    assert url.startswith("https://cnap.svitanok.example/status/?number=")
    assert application.number not in url  # Cyrillic prefix percent-encoded
    assert f"code={application.access_code}" in url


@pytest.mark.django_db
def test_reprint_gives_identical_bytes_and_the_sha256_is_stored(registered):
    counter, application = registered
    first = receipt_pdf(application, acting_user=counter.user)
    second = receipt_pdf(application, acting_user=counter.user)
    assert first == second
    printed = PrintedDocument.objects.get(application=application, kind=PrintedDocumentKind.RECEIPT)
    assert printed.sha256 == hashlib.sha256(first).hexdigest()
    assert printed.created_by == counter.user
    assert PrintedDocument.objects.filter(application=application).count() == 1


@pytest.mark.django_db
def test_hostile_text_is_printed_as_text():
    counter = make_counter()
    application = register_application(
        office=counter.office,
        service=counter.service,
        applicant=person(8, last_name=HOSTILE, first_name=SQL, address=HOSTILE),
        documents=[*counter.documents, {"name": HOSTILE + SQL, "kind": "copy"}],
        comment=SQL,
        acting_user=counter.user,
        registered_at=kyiv(2026, 11, 26),
    )
    application.applicant.refresh_from_db()
    assert application.applicant.last_name == HOSTILE and application.applicant.first_name == SQL
    text = text_of(receipt_pdf(application, acting_user=counter.user))
    assert HOSTILE in text
    assert flat(SQL) in flat(text)


def test_amount_in_words():
    assert amount_in_words(Decimal("84.86")) == "вісімдесят чотири гривні 86 коп."
    assert amount_in_words(Decimal("1")) == "одна гривня 00 коп."
    assert amount_in_words(Decimal("1234.50")) == "одна тисяча двісті тридцять чотири гривні 50 коп."
