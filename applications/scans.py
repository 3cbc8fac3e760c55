"""Uploaded scans: checked once by applications/uploads.py (size; PDF, JPEG or PNG sniffed from the content
and parsed, never trusted from the name) and written to the private storage under an unguessable name. Used by
the registration, the staging of uploads at the counter and the case page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.files.storage import default_storage

from applications.uploads import ACCEPTED_TYPES, EXTENSIONS, check_total_size, inspect_upload, sniff

__all__ = [
    "ALLOWED_SCAN_TYPES",
    "CheckedUpload",
    "check_total_size",
    "check_upload",
    "sniff_content_type",
    "store_upload",
]

#: Content types accepted for scans, by their magic bytes (the files are parsed too, in uploads.py).
ALLOWED_SCAN_TYPES = ACCEPTED_TYPES
SCAN_EXTENSIONS = EXTENSIONS


def sniff_content_type(head: bytes) -> str | None:
    return sniff(head)


@dataclass
class CheckedUpload:
    upload: object
    name: str
    content_type: str
    size: int
    sha256: str
    id: uuid.UUID


def check_upload(upload) -> CheckedUpload:
    """The upload inspected (applications/uploads.inspect_upload), or its `ValidationError` naming the file."""
    inspected = inspect_upload(upload)
    return CheckedUpload(
        upload=upload,
        name=inspected.name,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        id=uuid.uuid4(),
    )


def store_upload(checked: CheckedUpload, *, when) -> str:
    """Write the checked upload to the private storage; returns its stored name
    (``scans/YYYY/MM/<uuid>.<ext>``, the scan's own id)."""
    from django.core.files.base import File

    checked.upload.seek(0)  # type: ignore[attr-defined]
    path = f"scans/{when:%Y/%m}/{checked.id}{SCAN_EXTENSIONS[checked.content_type]}"
    return default_storage.save(path, File(checked.upload))
