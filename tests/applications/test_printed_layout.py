"""Printed documents checked on WeasyPrint's layout (not only their text): the receipt of a case with eight
documents and two payments is one page with a decodable NBU payment QR per payment and the status QR; no
text crosses its table cell; no heading ends a page; one apostrophe."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from applications.actions.registration import register_application
from applications.receipts import receipt_context, render_receipt
from cnap import nbu_qr
from cnap.pdf import layout_pdf
from tests.pdf_layout import orphaned_headings, page_texts, text_outside_cells

from .registration_support import kyiv, make_counter, person

pytestmark = pytest.mark.django_db

EXTRA_DOCUMENTS = [
    "Документ, що підтверджує право власності на житло (договір купівлі-продажу, свідоцтво про право власності)",
    "Письмова згода всіх співвласників житла на реєстрацію місця проживання особи, засвідчена нотаріально",
    "Довідка про взяття на облік внутрішньо переміщеної особи",
    "Свідоцтво про народження дитини (для осіб, які не досягли 14 років)",
    "Рішення органу опіки та піклування",
    "Довіреність на представництво інтересів заявника, посвідчена нотаріусом",
]


@pytest.fixture
def case_with_two_payments(settings):
    settings.CNAP_SITE_URL = "https://cnap.svitanok.example"
    counter = make_counter(
        term_value=20,
        term_unit="working_days",
        fees=[
            {"amount": "279.00", "slot": 1, "title": "Вартість бланка", "charge_kind": "blank_cost"},
            {
                "amount": "66.00",
                "slot": 2,
                "title": "Плата за оформлення",
                "charge_kind": "service_payment",
                "payee": "Центральне МУ ДМС у м. Києві та Київській області",
                "payee_edrpou": "37508470",
                "iban": "UA198999980000031212345000006",
            },
        ],
    )
    documents = counter.documents + [
        {"name": name, "kind": "copy", "copies": 1, "sheets": 2} for name in EXTRA_DOCUMENTS
    ]
    assert len(documents) == 8
    application = register_application(
        office=counter.office,
        service=counter.service,
        applicant=person(7, last_name="Кап’юк", first_name="Мар'яна", patronymic="Ігорівна"),
        documents=documents,
        acting_user=counter.user,
        registered_at=kyiv(2026, 11, 26, 11, 5),
    )
    return application


def _decoded_qr_texts(pdf: bytes) -> list[str]:
    import pypdfium2
    import zxingcpp

    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=300 / 72).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_the_receipt_with_eight_documents_and_two_payments_is_one_page_with_three_qr_codes(case_with_two_payments):
    application = case_with_two_payments
    assert [p.amount_due for p in application.payments.all()] == [Decimal("279.00"), Decimal("66.00")]
    document = layout_pdf("pdf/receipt.html", receipt_context(application))
    assert len(document.pages) == 1
    assert text_outside_cells(document) == []
    text = page_texts(document)[0]
    assert "Кап’юк Мар’яна" in text and "'" not in text

    pdf = render_receipt(application)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    decoded = _decoded_qr_texts(pdf)
    status = [t for t in decoded if "/status/" in t]
    payments = sorted((nbu_qr.parse(t) for t in decoded if t.startswith(nbu_qr.APP_START)), key=lambda f: f[7])
    assert len(status) == 1 and application.access_code in status[0]
    assert [(f[6], f[7], f[8]) for f in payments] == [
        ("UA598999980000031417919000001", "UAH279", "37955989"),
        ("UA198999980000031212345000006", "UAH66", "37508470"),
    ]
    assert all(application.number in f[11] and application.applicant.rnokpp in f[11] for f in payments)


def test_a_paid_payment_has_no_payment_qr(case_with_two_payments):
    from applications.actions.payments import record_payment

    application = case_with_two_payments
    first = application.payments.get(slot=1)
    record_payment(
        payment=first,
        amount="279.00",
        paid_on=kyiv(2026, 11, 26).date(),
        reference="ПН-1",
        acting_user=application.registered_by,
    )
    decoded = _decoded_qr_texts(render_receipt(application))
    assert len([t for t in decoded if t.startswith(nbu_qr.APP_START)]) == 1


def test_routing_slip_decision_and_cards_keep_text_in_cells_and_headings_with_what_follows(
    case_with_two_payments, client
):
    from django.utils import timezone

    from applications.documents import planned_stages

    application = case_with_two_payments
    version = application.service_version
    context = {
        "application": application,
        "applicant_name": application.applicant.display_name,
        "version": version,
        "service": application.service,
        "provider": application.provider,
        "stages": planned_stages(application),
        "created": timezone.now(),
    }
    slip = layout_pdf("pdf/routing_slip.html", context)
    assert text_outside_cells(slip) == [] and orphaned_headings(slip) == []
    card_context = {"service": application.service, "version": version, "offices": [application.office], "today": None}
    for template in ("services/pdf/info_card.html", "services/pdf/tech_card.html"):
        card = layout_pdf(template, card_context)
        assert text_outside_cells(card) == [], template
        assert orphaned_headings(card) == [], template
        assert "ЗАТВЕРДЖЕНО" in " ".join(page_texts(card)) or "APPROVED" in " ".join(page_texts(card))
