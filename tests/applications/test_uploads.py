"""Scans are parsed, not sniffed (applications/uploads.py): what passes, what is refused and why."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from applications.uploads import check_total_size, inspect_upload
from tests.applications.registration_support import JPEG_BYTES, PNG_BYTES, pdf_bytes


def upload(name, content):
    return SimpleUploadedFile(name, content)


def pdf(*, pages=1, action=None, password=None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if action is not None:
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(DictionaryObject(action))
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png(width: int, height: int, *, idat: bytes | None = None) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = idat if idat is not None else zlib.compress(b"\x00" * (width + 1) * height)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def test_real_files_pass_with_their_pages_and_dimensions():
    three = inspect_upload(upload("a.pdf", pdf(pages=3)))
    assert (three.content_type, three.pages, three.extension) == ("application/pdf", 3, ".pdf")
    image = inspect_upload(upload("b.png", png(40, 30)))
    assert (image.content_type, image.width, image.height) == ("image/png", 40, 30)
    assert inspect_upload(upload("c.jpg", JPEG_BYTES)).content_type == "image/jpeg"
    assert inspect_upload(upload("d.png", PNG_BYTES)).size == len(PNG_BYTES)


def test_a_harmless_open_action_passes():
    """Scanners set "open at page 1, fit": an action dictionary of the /GoTo kind is not active content."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(
        DictionaryObject({NameObject("/S"): NameObject("/GoTo"), NameObject("/D"): writer._add_object(page)})
    )
    out = io.BytesIO()
    writer.write(out)
    assert inspect_upload(upload("fit.pdf", out.getvalue())).pages == 1


JS = {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
LAUNCH = {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"%PDF-1.7\n<html><body>hi</body></html>", "scan_unreadable"),
        (pdf(action=JS), "scan_active_content"),
        (pdf(action=LAUNCH), "scan_active_content"),
        (pdf(password="secret"), "scan_encrypted"),
        (png(10, 10)[:-20], "scan_unreadable"),  # cut short
        (png(10, 10, idat=b"not zlib at all"), "scan_unreadable"),
        (JPEG_BYTES[:-2], "scan_unreadable"),  # no end marker
        (png(60000, 60000, idat=zlib.compress(b"\x00" * 10)), "scan_too_many_pixels"),  # a bomb's header
        (b"GIF89a\x01\x00\x01\x00", "scan_type"),
        (b"", "scan_empty"),
    ],
)
def test_broken_or_active_files_are_refused_with_a_reason_naming_the_file(content, code):
    with pytest.raises(ValidationError) as info:
        inspect_upload(upload("scan.pdf", content))
    assert info.value.code == code and "scan.pdf" in info.value.messages[0]


def test_the_refusal_says_what_active_content_was_found():
    with pytest.raises(ValidationError) as info:
        inspect_upload(upload("scan.pdf", pdf(action=JS)))
    assert "JavaScript" in info.value.messages[0]


def test_corrupt_images_are_refused_even_where_weasyprint_made_pillow_tolerant():
    import weasyprint  # noqa: F401 - it switches Pillow's process-wide tolerance on
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    for content in (png(10, 10, idat=b"not zlib at all"), png(10, 10, idat=zlib.compress(b"\x00" * 3))):
        with pytest.raises(ValidationError):
            inspect_upload(upload("scan.png", content))
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # left as it was


def test_a_file_over_the_limit_is_refused_before_it_is_parsed(settings):
    settings.CNAP_MAX_SCAN_BYTES = 100
    with pytest.raises(ValidationError) as info:
        inspect_upload(upload("big.pdf", pdf_bytes() + b"0" * 200))
    assert info.value.code == "scan_too_large"


def test_the_total_of_one_registration(settings):
    settings.CNAP_MAX_REGISTRATION_BYTES = 1000
    check_total_size([400, 600])
    with pytest.raises(ValidationError) as info:
        check_total_size([400, 601])
    assert info.value.code == "scans_total_too_large"
