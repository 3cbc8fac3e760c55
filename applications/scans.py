"""Uploaded scans: checked once (size; PDF, JPEG or PNG sniffed from the content, never trusted from the
name) and written to the private storage under an unguessable name. Used by the registration, the
staging of uploads at the counter and the case page."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

__all__ = ["ALLOWED_SCAN_TYPES", "CheckedUpload", "check_upload", "sniff_content_type", "store_upload"]

#: Content types accepted for scans, by their magic bytes.
ALLOWED_SCAN_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
SCAN_EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


def sniff_content_type(head: bytes) -> str | None:
    for content_type, signatures in ALLOWED_SCAN_TYPES.items():
        if any(head.startswith(signature) for signature in signatures):
            return content_type
    return None


@dataclass
class CheckedUpload:
    upload: object
    name: str
    content_type: str
    size: int
    sha256: str
    id: uuid.UUID


def _too_large(name, limit) -> ValidationError:
    return ValidationError(
        _("%(name)s is larger than %(limit)s."),
        code="scan_too_large",
        params={"name": name, "limit": filesizeformat(limit)},
    )


def check_upload(upload) -> CheckedUpload:
    """The upload's type, size and SHA-256, or a `ValidationError` naming the file and what is wrong."""
    name = str(getattr(upload, "name", "") or _("file"))
    limit = settings.CNAP_MAX_SCAN_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large(name, limit)
    digest = hashlib.sha256()
    total = 0
    head = b""
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        if len(head) < 16:
            head += chunk[: 16 - len(head)]
        total += len(chunk)
        if total > limit:
            raise _too_large(name, limit)
        digest.update(chunk)
    upload.seek(0)
    if total == 0:
        raise ValidationError(_("%(name)s is empty."), code="scan_empty", params={"name": name})
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationError(
            _("%(name)s is not a PDF, JPEG or PNG file (its content was checked, not its name)."),
            code="scan_type",
            params={"name": name},
        )
    return CheckedUpload(
        upload=upload,
        name=name[:255],
        content_type=content_type,
        size=total,
        sha256=digest.hexdigest(),
        id=uuid.uuid4(),
    )


def store_upload(checked: CheckedUpload, *, when) -> str:
    """Write the checked upload to the private storage; returns its stored name
    (``scans/YYYY/MM/<uuid>.<ext>``, the scan's own id)."""
    path = f"scans/{when:%Y/%m}/{checked.id}{SCAN_EXTENSIONS[checked.content_type]}"
    return default_storage.save(path, File(checked.upload))
