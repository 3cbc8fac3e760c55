"""Scans: type sniffed from the content, size limit, private storage with SHA-256; a failed registration
saves nothing and leaves no file behind."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from applications.actions.registration import register_application
from applications.models import Applicant, Application, JournalCounter, Scan

from .registration_support import JPEG_BYTES, PNG_BYTES, kyiv, make_counter, pdf_bytes, person, upload


def stored_files() -> set[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT) / "scans"
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def register(counter, scans, **kwargs):
    return register_application(
        office=counter.office,
        service=counter.service,
        applicant=person(11),
        documents=counter.documents,
        scans=scans,
        acting_user=counter.user,
        registered_at=kyiv(2026, 11, 26),
        **kwargs,
    )


@pytest.mark.django_db
def test_real_pdf_png_and_jpeg_are_stored_privately_with_their_hash():
    counter = make_counter()
    pdf = pdf_bytes()
    before = stored_files()
    application = register(
        counter,
        [
            {"file": upload("заява.pdf", pdf), "document": 0},
            upload("photo.PNG", PNG_BYTES, "image/png"),
            # A JPEG named .pdf and sent as application/pdf: the content decides.
            upload("scan.pdf", JPEG_BYTES, "application/pdf"),
        ],
    )
    scans = {scan.original_name: scan for scan in application.scans.all()}
    assert {name: scan.content_type for name, scan in scans.items()} == {
        "заява.pdf": "application/pdf",
        "photo.PNG": "image/png",
        "scan.pdf": "image/jpeg",
    }
    first = scans["заява.pdf"]
    assert first.document == application.documents.order_by("order").first()
    assert first.sha256 == hashlib.sha256(pdf).hexdigest() and first.size == len(pdf)
    path = Path(first.file.path)
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve()) or path.is_relative_to(
        Path(settings.PRIVATE_MEDIA_ROOT)
    )
    assert not path.is_relative_to(Path(settings.BASE_DIR) / "static")
    assert str(first.id) in path.name
    assert path.read_bytes() == pdf
    assert len(stored_files() - before) == 3


def assert_nothing_saved(before_files):
    assert Application.objects.count() == 0
    assert Applicant.objects.count() == 0
    assert Scan.objects.count() == 0
    assert not JournalCounter.objects.filter(last_number__gt=0).exists()
    assert stored_files() == before_files


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("passport.pdf", b"just some text, not a PDF at all", "application/pdf"),
        ("passport.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
        ("photo.png", b"GIF89a\x01\x00\x01\x00", "image/png"),
        ("empty.pdf", b"", "application/pdf"),
    ],
)
def test_content_that_is_not_pdf_jpeg_png_is_refused(name, content, content_type):
    counter = make_counter()
    before = stored_files()
    good = upload("good.pdf", pdf_bytes())
    with pytest.raises(ValidationError) as info:
        register(counter, [good, upload(name, content, content_type)])
    assert "scans" in info.value.message_dict
    assert name in info.value.message_dict["scans"][0]
    assert_nothing_saved(before)


@pytest.mark.django_db
def test_a_png_named_pdf_is_stored_as_png_and_a_file_over_the_limit_is_refused(settings):
    counter = make_counter()
    settings.CNAP_MAX_SCAN_BYTES = 1024
    before = stored_files()
    big = upload("big.pdf", b"%PDF-1.7\n" + b"0" * 2000)
    with pytest.raises(ValidationError) as info:
        register(counter, [upload("ok.pdf", PNG_BYTES, "application/pdf"), big])
    assert [e.code for e in info.value.error_dict["scans"]] == ["scan_too_large"]
    assert_nothing_saved(before)


@pytest.mark.django_db(transaction=True)
def test_a_failure_after_the_files_are_written_removes_them():
    """The files are written before the transaction; an error inside it (here: a unique journal/year/
    sequence clash forced by a counter set back) rolls everything back and deletes them."""
    counter = make_counter()
    register(counter, [upload("first.pdf", pdf_bytes())])
    before = stored_files()
    JournalCounter.objects.update(last_number=0)  # the next number clashes with the first application
    with pytest.raises(Exception):  # noqa: B017, PT011 - an IntegrityError from the database
        register(counter, [upload("second.pdf", pdf_bytes()), upload("third.png", PNG_BYTES)])
    assert stored_files() == before
    assert Application.objects.count() == 1 and Scan.objects.count() == 1
