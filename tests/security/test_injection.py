"""Hostile input (ASVS V5): stored XSS payloads in every free-text field of the registration form and
the catalog form come out inert in pages, PDFs and CSV; SQL metacharacters in every search are plain
text; a disguised upload is refused; a POST without the CSRF token is refused."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from applications.models import Application, Scan
from cnap.accounts.constants import Role
from tests.applications.factories import valid_rnokpp
from tests.applications.registration_support import make_counter, pdf_bytes, upload
from tests.applications.test_registration import form_data
from tests.factories import UserFactory
from tests.services.factories import ProviderFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><svg/onload=alert(1)>",
    "{{ 7|add:42 }}{% now 'Y' %}",  # template syntax is data, never evaluated
]
SQL_PAYLOADS = ["' OR 1=1 --", "'; DROP TABLE applications_application; --", '%" _ \\ \\x00', "1' UNION SELECT 1--"]


def inert_in_html(html: str, payload: str) -> bool:
    """The payload's markup characters are escaped wherever it appears."""
    if "<" in payload or ">" in payload or '"' in payload:
        return payload not in html
    return True


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def register_with(client, counter, payload: str) -> Application:
    data = form_data(
        counter,
        **{
            "applicant-last_name": payload,
            "applicant-first_name": payload,
            "applicant-patronymic": payload,
            "applicant-address": payload,
            "comment": payload,
            "representative-present": "on",
            "representative-kind": "person",
            "representative-last_name": payload,
            "representative-first_name": "Іван",
            "representative-rnokpp": valid_rnokpp(2),
            "representative-power_of_attorney_number": payload[:50],
            "representative-power_of_attorney_date": "2026-01-15",
            "representative-power_of_attorney_issued_by": payload,
        },
        extra_name=[payload],
        extra_kind=["copy"],
        extra_copies=["1"],
        extra_sheets=["1"],
    )
    response = client.post(reverse("applications:register"), data)
    if response.status_code != 302:
        context = response.context
        errors = [context[name].errors for name in ("form", "applicant_form", "representative_form")]
        raise AssertionError(f"registration refused: {errors} {context['document_errors']} {context['other_errors']}")
    return Application.objects.get()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_stored_xss_in_the_registration_form_is_inert_in_pages_pdfs_and_csv(client, payload):
    counter = make_counter()
    client.force_login(counter.user)
    application = register_with(client, counter, payload)
    assert application.applicant.last_name == payload  # stored as typed
    assert application.representative.last_name == payload
    pages = {
        "registered": reverse("applications:registered", args=[application.pk]),
        "case": reverse("applications:detail", args=[application.pk]),
        "list": reverse("applications:list"),
        "search": reverse("applications:list") + "?q=" + application.number,
    }
    for name, url in pages.items():
        html = client.get(url).content.decode()
        assert inert_in_html(html, payload), f"{name}: the payload is live markup"
        assert "alert(1)" not in html or "&lt;" in html or "&quot;" in html or "&gt;" in html, name
    case_html = client.get(pages["case"]).content.decode()
    assert "{{" not in payload or "{{ 7|add:42 }}" in case_html  # shown as typed, not evaluated
    # PDFs: the payload is printed as text (had it been markup, its tags would be gone)
    receipt = pdf_text(client.get(reverse("applications:receipt", args=[application.pk])).content)
    assert "alert(1)" in receipt or "7|add:42" in receipt
    assert payload.split(">")[0].replace(" ", "") in receipt.replace(" ", "").replace("\n", "")
    # CSV: stays one cell, never a formula
    content = b"".join(client.get(reverse("applications:list"), {"format": "csv"}).streaming_content)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert any(payload in cell for cell in rows[1])
    # the access log page shows the applicant's name inertly too
    head = UserFactory(role=Role.CNAP_HEAD, office=counter.office)
    head_client = Client()
    head_client.force_login(head)
    assert inert_in_html(head_client.get(reverse("applications:access_log")).content.decode(), payload)


def test_formulas_in_names_are_neutralised_in_the_csv_export(client):
    counter = make_counter()
    client.force_login(counter.user)
    register_with(client, counter, '=HYPERLINK("http://evil.example","x")')
    content = b"".join(client.get(reverse("applications:list"), {"format": "csv"}).streaming_content)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    applicant_cells = [cell for cell in rows[1] if "HYPERLINK" in cell]
    assert applicant_cells and all(cell.startswith("'=") for cell in applicant_cells)


@pytest.mark.parametrize("payload", PAYLOADS[:2])
def test_stored_xss_in_the_catalog_form_is_inert_in_the_catalog_and_its_pdf(client, payload):
    manager = UserFactory(role=Role.CATALOG_MANAGER)
    client.force_login(manager)
    response = client.post(
        reverse("services:create"),
        {
            "local_code": "77-01",
            "title": payload,
            "category": "municipal",
            "provider": ProviderFactory().pk,
            "term_unit": "same_day",
        },
    )
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert inert_in_html(detail, payload)
    assert inert_in_html(client.get(reverse("services:list"), {"q": "77-01"}).content.decode(), payload)
    from services.models import Service

    service = Service.objects.get(local_code="77-01")
    card = client.get(reverse("services:info_card_pdf", args=[service.pk]))
    if card.status_code == 200:  # a draft may have no card yet
        assert "alert(1)" in pdf_text(card.content)


@pytest.mark.parametrize("payload", SQL_PAYLOADS)
def test_sql_metacharacters_in_every_search_are_plain_text(client, payload):
    counter = make_counter()
    client.force_login(counter.user)
    register_with(client, counter, "Шевченко")
    searches = [
        (reverse("applications:list"), {"q": payload}),
        (reverse("applications:list"), {"q": payload, "format": "csv"}),
        (reverse("applications:applicant_search"), {"applicant_q": payload}),
        (reverse("applications:service_search"), {"q": payload}),
        (reverse("services:list"), {"q": payload}),
    ]
    for url, params in searches:
        response = client.get(url, params)
        assert response.status_code == 200, (url, params)
        if params.get("format") != "csv":
            assert "Шевченко" not in response.content.decode(), (url, "a metacharacter matched everything")
    assert Application.objects.count() == 1  # and nothing was dropped
    head = UserFactory(role=Role.CNAP_HEAD, office=counter.office)
    client.force_login(head)
    assert client.get(reverse("applications:access_log"), {"number": payload}).status_code == 200


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("passport.pdf", b"MZ\x90\x00\x03\x00\x00\x00 this is an exe", "application/pdf"),
        ("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
        ("scan.pdf", b"%!PS-Adobe-3.0\n%%EOF", "application/pdf"),
        ("scan.png", b"GIF89a\x01\x00\x01\x00", "image/png"),
    ],
)
def test_a_disguised_upload_is_refused_through_the_form(client, name, content, content_type):
    counter = make_counter()
    client.force_login(counter.user)
    response = client.post(
        reverse("applications:register"), form_data(counter, scans=[upload(name, content, content_type)])
    )
    assert response.status_code == 200  # the form again, with the error
    assert Application.objects.count() == 0 and Scan.objects.count() == 0


def test_a_real_pdf_is_served_with_the_type_of_its_content_never_the_declared_one(client):
    counter = make_counter()
    client.force_login(counter.user)
    response = client.post(
        reverse("applications:register"), form_data(counter, scans=[upload("scan.pdf.html", pdf_bytes(), "text/html")])
    )
    assert response.status_code == 302
    scan = Scan.objects.get()
    assert scan.content_type == "application/pdf"
    served = client.get(reverse("applications:scan_file", args=[scan.pk]))
    assert served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "private" in served["Cache-Control"]


def test_a_post_without_the_csrf_token_is_refused():
    counter = make_counter()
    client = Client(enforce_csrf_checks=True)
    client.force_login(counter.user)
    response = client.post(reverse("applications:register"), form_data(counter))
    assert response.status_code == 403
    assert Application.objects.count() == 0
    # with the token from the page it goes through
    page = client.get(reverse("applications:register"))
    token = page.cookies["csrftoken"].value
    response = client.post(reverse("applications:register"), {**form_data(counter), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    # logging out and the language switch are protected too
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(reverse("login"), {"username": counter.user.username, "password": "x"}).status_code == 403
    assert client.post(reverse("logout")).status_code == 403
