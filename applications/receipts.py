"""The receipt (опис вхідного пакета документів): the paper the applicant takes home.

`receipt_pdf(application, acting_user=...)` gives the stored first print (applications/printing.py: rendered
once, stored with its SHA-256, the same bytes on every reprint).
"""

from __future__ import annotations

import base64
from decimal import Decimal
from urllib.parse import unquote, urlencode

from django.conf import settings
from django.utils import timezone, translation

from applications.constants import PaymentState, PrintedDocumentKind
from applications.models import Application, Payment
from applications.printing import first_print, stored_bytes
from cnap import nbu_qr
from cnap.accounts.models import User
from cnap.pdf import fonts_dir, qr_png_data_uri, render_pdf

__all__ = [
    "amount_in_words",
    "payment_purpose",
    "payment_transfer",
    "receipt_context",
    "receipt_pdf",
    "render_receipt",
    "status_url",
]

RECEIPT_TEMPLATE = "pdf/receipt.html"


def status_url(application: Application) -> str:
    """The public status page of the case, with the number and the access code (printed and in the QR)."""
    query = urlencode({"number": application.number, "code": application.access_code})
    return f"{settings.CNAP_SITE_URL.rstrip('/')}/status/?{query}"


def amount_in_words(amount: Decimal) -> str:
    """«вісімдесят чотири гривні 00 коп.»: hryvnias in words, kopecks in digits, as payment forms write."""
    from num2words import num2words

    amount = Decimal(amount).quantize(Decimal("0.01"))
    words = num2words(amount, lang="uk", to="currency", currency="UAH")
    hryvnias = words.rsplit(", ", 1)[0]
    kopecks = int((amount * 100) % 100)
    return f"{hryvnias} {kopecks:02d} коп."


PAYER_PLACEHOLDER = "РНОКПП платника"


def payment_purpose(payment: Payment, application: Application) -> str:
    """The treasury purpose of payment («*;101;<payer's code>;<text>;;;») with the payer's code filled in
    and the case number added, so the payee can match the money to the case."""
    applicant = application.applicant
    code = applicant.tax_id or applicant.document_number or ""
    purpose = payment.purpose or f"*;101;{PAYER_PLACEHOLDER};{payment.title};;;"
    purpose = purpose.replace(PAYER_PLACEHOLDER, code)
    return f"{purpose.rstrip(';')}; справа {application.number};;"


def payment_transfer(payment: Payment, application: Application) -> nbu_qr.CreditTransfer:
    return nbu_qr.CreditTransfer(
        recipient=payment.payee,
        iban=payment.iban,
        recipient_code=payment.payee_edrpou,
        amount=payment.amount_due,
        purpose=payment_purpose(payment, application),
    )


def _payment_rows(application: Application) -> list[dict]:
    rows = []
    font = str(fonts_dir() / "CnapSans-Bold.ttf")
    for payment in application.payments.all():
        row = {"payment": payment, "qr": None, "qr_error": ""}
        if payment.state == PaymentState.AWAITING and payment.amount_due > 0:
            try:
                url = nbu_qr.payment_url(payment_transfer(payment, application))
                png = nbu_qr.payment_qr_png(url, font_path=font, scale=4, border=2)
                row["qr"] = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
            except nbu_qr.PaymentQRError as exc:
                row["qr_error"] = str(exc)
        rows.append(row)
    return rows


def receipt_context(application: Application) -> dict:
    application = (
        Application.objects.select_related(
            "office__hromada",
            "applicant",
            "representative",
            "service",
            "service_version",
            "provider",
            "registered_by",
        )
        .select_related("legal_suspension")
        .prefetch_related("documents", "payments")
        .get(pk=application.pk)
    )
    version = application.service_version
    url = status_url(application)
    registered = timezone.localtime(application.registered_at)
    return {
        "application": application,
        "office": application.office,
        "hromada_name": application.office.hromada.name,
        "office_name": application.office.name,
        "office_address": application.office.address,
        "document_number": application.number,
        "created": registered,
        "registered": registered,
        "applicant": application.applicant,
        "representative": application.representative,
        "service": application.service,
        "version": version,
        "provider": application.provider,
        "documents": list(application.documents.all()),
        "fee": application.fee_amount,
        "fee_in_words": amount_in_words(application.fee_amount) if application.fee_amount > 0 else "",
        "payments": _payment_rows(application),
        "legal_suspension": application.legal_suspension,
        "administrator": application.registered_by,
        "status_url": url,
        "status_url_display": unquote(url),
        "qr": qr_png_data_uri(url),
    }


def render_receipt(application: Application) -> bytes:
    """A fresh rendering (not stored): in Ukrainian whatever the language of the request."""
    with translation.override("uk"):
        return render_pdf(RECEIPT_TEMPLATE, receipt_context(application))


def receipt_pdf(application: Application, *, acting_user: User) -> bytes:
    """The receipt's bytes: the stored first print, or render, store (with its SHA-256) and return it."""
    document = first_print(
        application_id=application.pk,
        kind=PrintedDocumentKind.RECEIPT,
        render=render_receipt,
        name=f"receipt-{application.pk}.pdf",
        acting_user=acting_user,
    )
    return stored_bytes(document)
