"""Printing a case's documents (receipt, routing slip, decision): the one place that keeps the rule "the first
print wins". A document is rendered on its first print, stored as a :class:`PrintedDocument` with its
SHA-256, and every reprint gives the stored bytes, so the same document is always the same. The case row is
locked while a document is looked up, rendered and stored: two people printing at once get one document."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction

from cnap.accounts.models import User

from .models import Application, Decision, PrintedDocument


def first_print(
    *,
    application_id: int,
    kind: str,
    render: Callable[[Application], bytes],
    name: str,
    acting_user: User,
    decision: Decision | None = None,
) -> PrintedDocument:
    """The stored document of ``kind`` (and ``decision``) of the case; on the first print ``render(case)``
    makes it and it is stored under ``name``, attributed to ``acting_user``."""
    with transaction.atomic():
        application = Application.objects.select_for_update(of=("self",)).get(pk=application_id)
        existing = PrintedDocument.objects.filter(application=application, kind=kind, decision=decision).first()
        if existing is not None:
            return existing
        pdf = render(application)
        document = PrintedDocument(
            application=application,
            kind=kind,
            decision=decision,
            sha256=hashlib.sha256(pdf).hexdigest(),
            created_by=acting_user,
        )
        document.file.save(name, ContentFile(pdf), save=False)
        try:
            document.save()
        except Exception:
            document.file.storage.delete(document.file.name)
            raise
        return document


def stored_bytes(document: PrintedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()
