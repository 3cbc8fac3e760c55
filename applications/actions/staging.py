"""Scans uploaded with a registration form survive a failed submit: they are staged (private to the
user and the browser session, expiring), listed on the re-rendered form, and attached by the
registration that succeeds (`register_application(staged_scans=...)`). The periodic clean-up removes
what expired (`purge_expired_uploads`)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from applications.models import StagedUpload
from applications.scans import check_upload, store_upload

__all__ = ["discard_staged_upload", "purge_expired_uploads", "stage_uploads", "staged_uploads"]


def stage_uploads(*, files, user, session_key: str) -> tuple[list[StagedUpload], list[ValidationError]]:
    """Check and stage `files`; returns the staged uploads and the errors of the files refused."""
    now = timezone.now()
    expires = now + dt.timedelta(hours=settings.CNAP_STAGED_UPLOAD_HOURS)
    staged, errors = [], []
    for upload in files or ():
        try:
            checked = check_upload(upload)
        except ValidationError as exc:
            errors.append(exc)
            continue
        name = store_upload(checked, when=now)
        try:
            staged.append(
                StagedUpload.objects.create(
                    id=checked.id,
                    user=user,
                    session_key=session_key,
                    file=name,
                    original_name=checked.name,
                    content_type=checked.content_type,
                    size=checked.size,
                    sha256=checked.sha256,
                    uploaded_at=now,
                    expires_at=expires,
                )
            )
        except BaseException:
            default_storage.delete(name)
            raise
    return staged, errors


def _uuids(values) -> list[uuid.UUID]:
    found = []
    for value in values or ():
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


def staged_uploads(*, user, session_key: str, ids) -> list[StagedUpload]:
    """The user's uploads staged in this session among `ids` (unknown, expired or someone else's ids
    are simply not there)."""
    ids = _uuids(ids)
    if not ids or not session_key:
        return []
    return list(
        StagedUpload.objects.filter(id__in=ids, user=user, session_key=session_key, expires_at__gt=timezone.now())
    )


def discard_staged_upload(*, upload_id, user, session_key: str) -> bool:
    """Remove one of the user's staged uploads (the remove button); False if there was none."""
    ids = _uuids([upload_id])
    if not ids:
        return False
    with transaction.atomic():
        upload = StagedUpload.objects.select_for_update().filter(id=ids[0], user=user, session_key=session_key).first()
        if upload is None:
            return False
        name = upload.file.name
        upload.delete()
    default_storage.delete(name)
    return True


def purge_expired_uploads(*, now: dt.datetime | None = None) -> int:
    """Delete staged uploads past their expiry, files included (the periodic job); returns how many."""
    count = 0
    for upload in StagedUpload.objects.filter(expires_at__lte=now or timezone.now()).iterator():
        name = upload.file.name
        with transaction.atomic():
            deleted, _ = StagedUpload.objects.filter(pk=upload.pk).delete()
        if deleted:
            default_storage.delete(name)
            count += 1
    return count
