"""The receipt (опис вхідного пакета документів): the paper the applicant takes home.

`receipt_pdf(application, acting_user=...)` gives the stored first print (applications/printing.py: rendered
once, stored with its SHA-256, the same bytes on every reprint).
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import unquote, urlencode

from django.conf import settings
from django.utils import timezone, translation

from applications.constants import PrintedDocumentKind
from applications.models import Application
from applications.printing import first_print, stored_bytes
from cnap.accounts.models import User
from cnap.pdf import qr_png_data_uri, render_pdf

__all__ = ["amount_in_words", "receipt_context", "receipt_pdf", "render_receipt", "status_url"]

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
        .prefetch_related("documents")
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
