"""Helpers shared by the registration tests: a counter set up with a service, and real small files."""

import datetime as dt
import io
import zoneinfo
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from cnap.accounts.constants import Role
from tests.factories import OfficeFactory, UserFactory
from tests.services.factories import ServiceVersionFactory, SubsistenceMinimumFactory, add_fee

from .factories import valid_rnokpp

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")


def kyiv(year, month, day, hour=10, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=KYIV)


@dataclass
class Counter:
    office: object
    user: object
    service: object
    version: object

    @property
    def documents(self) -> list[dict]:
        """Every document of the version ticked, one sheet each."""
        return [{"required_document": doc, "sheets": 1} for doc in self.version.documents.all()]


def make_counter(*, office=None, user=None, **version_fields) -> Counter:
    SubsistenceMinimumFactory(year=2026)
    SubsistenceMinimumFactory(year=2027, amount="3500.00")
    office = office or OfficeFactory()
    user = user or UserFactory(role=Role.ADMINISTRATOR, office=office)
    fees = version_fields.pop("fees", ())
    version = ServiceVersionFactory(published=True, **version_fields)
    for order, fee in enumerate(fees, start=1):
        add_fee(version, order=order, **fee)
    version.service.offices.add(office)
    return Counter(office=office, user=user, service=version.service, version=version)


def person(n: int = 1, **fields) -> dict:
    data = {
        "kind": "person",
        "last_name": "Ґудзь",
        "first_name": "Євгенія",
        "patronymic": "Олексіївна",
        "birth_date": dt.date(1985, 5, 17),
        "rnokpp": valid_rnokpp(n),
        "address": "вул. Садова, 3, с. Світанок",
        "phone": "+380501234567",
        "consent": True,
    }
    data.update(fields)
    return data


def paid_version_fields(**extra) -> dict:
    """A test service with an ordinary charge and a late-filing tier (shares chosen for the tests)."""
    purpose = "*;101;РНОКПП платника;Адміністративний збір;;;"
    fields = {
        "fees": [
            {"share": "0.0085", "purpose": purpose},
            {"share": "0.0255", "option": "late", "purpose": purpose},
        ]
    }
    fields.update(extra)
    return fields


def pdf_bytes() -> bytes:
    """A real one-page PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# A real 1x1 PNG and a real 1x1 JPEG.
PNG_BYTES = bytes.fromhex(  # a valid 1×1 PNG (every chunk's CRC right: scans are parsed, not sniffed)
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)
JPEG_BYTES = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432"
    "ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa"
    "ffda0008010100003f00fbd3ffd9"
)


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
