"""Uploaded scans: parsed, not only sniffed. One validator for every path that accepts a scan (the
registration form, staged uploads, the API), so a file is judged the same way wherever it comes in.

- The first bytes say what the file claims to be (PDF, JPEG, PNG); the name and the browser's type
  are never trusted.
- A PDF is opened with pypdf: it must parse, have pages, not be encrypted, and carry no active
  content (JavaScript, launch actions, embedded files, rich media, XFA forms, actions that run on
  opening). Such a file is refused with a message saying what was found.
- An image is decoded whole with Pillow: its format must match, its dimensions are read, and an
  image too large to decode safely (a decompression bomb) is refused.
- Sizes: each file at most ``settings.CNAP_MAX_SCAN_BYTES``, all the scans of one registration at
  most ``settings.CNAP_MAX_REGISTRATION_BYTES`` (:func:`check_total_size`).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import threading
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

__all__ = ["ACCEPTED_TYPES", "EXTENSIONS", "InspectedUpload", "check_total_size", "inspect_upload", "sniff"]

#: Content types accepted for scans, by their magic bytes.
ACCEPTED_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
#: More pages than any document handed in at a counter: a file with more is refused.
MAX_PDF_PAGES = 1000
#: Pixels of one image (a 600 dpi A3 scan is about 70 million; Pillow's own bomb limit is ~89 million).
MAX_IMAGE_PIXELS = 89_000_000
#: PDF names that mean content which runs or carries other files (an action dictionary's type, /S, is
#: checked with the same table: a harmless /OpenAction or /AA, such as "show page 1", passes).
ACTIVE_PDF_KEYS = {
    "/JavaScript": gettext_lazy("JavaScript"),
    "/JS": gettext_lazy("JavaScript"),
    "/Launch": gettext_lazy("a launch action"),
    "/EmbeddedFiles": gettext_lazy("embedded files"),
    "/EmbeddedFile": gettext_lazy("embedded files"),
    "/RichMedia": gettext_lazy("rich media"),
    "/XFA": gettext_lazy("an XFA form"),
    "/SubmitForm": gettext_lazy("a form submission action"),
    "/ImportData": gettext_lazy("a data import action"),
    "/GoToE": gettext_lazy("a link to an embedded file"),
}


@dataclass(frozen=True)
class InspectedUpload:
    name: str
    content_type: str
    extension: str
    size: int
    sha256: str
    pages: int | None = None
    width: int | None = None
    height: int | None = None


def sniff(head: bytes) -> str | None:
    """The content type the first bytes claim (one of ACCEPTED_TYPES), or None."""
    for content_type, signatures in ACCEPTED_TYPES.items():
        if any(head.startswith(signature) for signature in signatures):
            return content_type
    return None


def _refuse(message: str, name: str, code: str, **params) -> ValidationError:
    return ValidationError(message % {"name": name, **params}, code=code)


def _read(upload, name: str, limit: int) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _refuse(_("%(name)s is larger than %(limit)s."), name, "scan_too_large", limit=filesizeformat(limit))
    upload.seek(0)
    chunks, total = [], 0
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        total += len(chunk)
        if total > limit:
            raise _refuse(_("%(name)s is larger than %(limit)s."), name, "scan_too_large", limit=filesizeformat(limit))
        chunks.append(chunk)
    upload.seek(0)
    return b"".join(chunks)


def inspect_upload(upload) -> InspectedUpload:
    """Reads and checks one uploaded file; a ValidationError names the file and says what is wrong."""
    name = str(getattr(upload, "name", "") or _("file"))[:255]
    data = _read(upload, name, settings.CNAP_MAX_SCAN_BYTES)
    if not data:
        raise _refuse(_("%(name)s is empty."), name, "scan_empty")
    content_type = sniff(data[:16])
    if content_type is None:
        raise _refuse(
            _("%(name)s is not a PDF, JPEG or PNG file (its content was checked, not its name)."), name, "scan_type"
        )
    details = (
        _inspect_pdf(data, name) if content_type == "application/pdf" else _inspect_image(data, name, content_type)
    )
    return InspectedUpload(
        name=name,
        content_type=content_type,
        extension=EXTENSIONS[content_type],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        **details,
    )


def check_total_size(sizes, *, limit: int | None = None) -> None:
    """All the scans of one registration together at most ``settings.CNAP_MAX_REGISTRATION_BYTES``."""
    limit = settings.CNAP_MAX_REGISTRATION_BYTES if limit is None else limit
    total = sum(sizes)
    if total > limit:
        raise ValidationError(
            _("The scans together take %(total)s; one registration may carry at most %(limit)s.")
            % {"total": filesizeformat(total), "limit": filesizeformat(limit)},
            code="scans_total_too_large",
        )


# ---------------------------------------------------------------------------------------------- PDF
def _inspect_pdf(data: bytes, name: str) -> dict:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    unreadable = _("%(name)s is not a readable PDF file (it could not be opened as one).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise _refuse(
                    _("%(name)s is a password-protected PDF: scan the paper again, or save it without a password."),
                    name,
                    "scan_encrypted",
                )
            pages = len(reader.pages)
            if pages == 0:
                raise _refuse(unreadable, name, "scan_unreadable")
            if pages > MAX_PDF_PAGES:
                raise _refuse(
                    _("%(name)s has %(pages)s pages; a scan may have at most %(limit)s."),
                    name,
                    "scan_too_many_pages",
                    pages=pages,
                    limit=MAX_PDF_PAGES,
                )
            found = _active_content(reader)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError, OSError) as exc:
        logger.info("scan refused: PDF did not parse (%s)", type(exc).__name__)
        raise _refuse(unreadable, name, "scan_unreadable") from exc
    if found:
        raise _refuse(
            _("%(name)s contains %(what)s, which a scan never has: it was refused. Scan the paper again."),
            name,
            "scan_active_content",
            what=found,
        )
    return {"pages": pages}


def _active_content(reader) -> str | None:
    """The first kind of active content found in the document's objects, or None. Every object of the
    file is looked at (the catalog, pages, annotations, name trees), however it is linked."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack: list = [reader.trailer]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > 200_000:
            return str(_("too many objects to check"))  # a scan has a few hundred
        if isinstance(node, DictionaryObject):
            for key, value in node.items():
                if key in ACTIVE_PDF_KEYS:
                    return str(ACTIVE_PDF_KEYS[key])
                if key == "/S" and str(value) in ACTIVE_PDF_KEYS:
                    return str(ACTIVE_PDF_KEYS[str(value)])
                stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None


# ---------------------------------------------------------------------------------------------- images
_STRICT = threading.Lock()


@contextlib.contextmanager
def _strict_decoding():
    """Pillow's tolerance of broken image data is one process-wide switch, which WeasyPrint turns on
    when it is imported: off while a scan is decoded (and back as it was), so a corrupt file fails."""
    from PIL import ImageFile

    with _STRICT:
        tolerant = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = tolerant


def _inspect_image(data: bytes, name: str, content_type: str) -> dict:
    from PIL import Image, UnidentifiedImageError

    unreadable = _("%(name)s is not a readable image (it could not be decoded).")
    too_large = _("%(name)s has too many pixels to check safely: scan it at a lower resolution.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != PILLOW_FORMATS[content_type]:
                    raise _refuse(unreadable, name, "scan_unreadable")
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _refuse(too_large, name, "scan_too_many_pixels")
                if content_type == "image/png":
                    image.verify()  # every chunk's checksum, to the end (verify() closes the image)
            with Image.open(io.BytesIO(data)) as image, _strict_decoding():
                image.load()  # decodes every pixel: corrupt data fails here
            if content_type == "image/jpeg" and b"\xff\xd9" not in data[-4096:]:
                raise _refuse(unreadable, name, "scan_unreadable")  # cut short: no end marker
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _refuse(too_large, name, "scan_too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        logger.info("scan refused: image did not decode (%s)", type(exc).__name__)
        raise _refuse(unreadable, name, "scan_unreadable") from exc
    return {"width": width, "height": height}
