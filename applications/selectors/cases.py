"""Reads of one case: who may see which cases, and everything the case page shows (a fixed number
of queries whatever the case holds)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from cnap.accounts.models import User
from cnap.security.scope import Access, CaseFacts, case_access
from cnap.workdays import office_calendar, working_days_left

from ..access import access_to, case_for, viewer_of
from ..constants import CLOSED_STATUSES, ApplicationStatus
from ..models import Application, Decision, PrintedDocument, StatusChange, SubmittedDocument, Suspension
from ..transitions import Move, allowed_moves

__all__ = ["CasePage", "case_page"]


@dataclass
class Edit:
    """One saved version of a record, with its author and what changed."""

    when: dt.datetime
    who: object
    what: str  # the record: "application", "document «…»", "decision …"
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field label, old, new)


@dataclass
class CasePage:
    application: Application
    documents: list
    scans: list
    timeline: list
    suspensions: list
    decisions: list
    printed: list
    edits: list[Edit]
    moves: list[Move]
    previous_status: str | None
    days_left: int | None
    storage_passed: bool
    refusal_grounds: list
    access: Access = Access.FULL

    works: bool = True  # works the case: opens its scans, printed documents and registry responses

    @property
    def full(self) -> bool:
        """The user sees the case's personal data in full (else: minimised, see docs/security.md)."""
        return self.access.full


# Fields whose changes the edit history does not list (bookkeeping, shown elsewhere).
_QUIET_FIELDS = {"revision", "status_changed_at", "search_name", "id"}


def _display(model_field, value, users: dict) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation and model_field.related_model is User:
        user = users.get(value)
        return (user.full_name or user.username) if user else str(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


def _edits(records_by_label: list[tuple[Callable[[Any], str], list]]) -> list[Edit]:
    """Edits of several records, each diffed against its previous version, newest first."""
    raw = []
    user_ids: set[int] = set()
    for label_of, records in records_by_label:
        previous_by_id: dict[Any, Any] = {}
        for record in records:  # oldest first
            model = record.instance_type
            fields = [
                f for f in model._meta.concrete_fields if f.attname not in _QUIET_FIELDS and hasattr(record, f.attname)
            ]
            old = previous_by_id.get(record.id)
            changed = []
            if old is not None and record.history_type == "~":
                for f in fields:
                    before, after = getattr(old, f.attname), getattr(record, f.attname)
                    if before != after:
                        changed.append((f, before, after))
                        if f.is_relation and f.related_model is User:
                            user_ids.update(v for v in (before, after) if v)
                if not changed:
                    previous_by_id[record.id] = record
                    continue
            previous_by_id[record.id] = record
            raw.append((record, label_of(record), changed))
    users = User.objects.in_bulk(user_ids) if user_ids else {}
    edits = [
        Edit(
            when=record.history_date,
            who=record.history_user,
            what=what,
            kind=record.history_type,
            changes=[
                (str(f.verbose_name), _display(f, before, users), _display(f, after, users))
                for f, before, after in changed
            ],
        )
        for record, what, changed in raw
    ]
    edits.sort(key=lambda edit: edit.when, reverse=True)
    return edits


def case_page(*, request, pk) -> CasePage:
    """Everything about a case the user may see (404 otherwise), with what they may do now. A
    minimised view (``CasePage.full`` false) leaves out the edits, which carry personal data."""
    user = request.user
    application = case_for(user, pk)
    access = access_to(request, application)
    application = (
        Application.objects.select_related(
            "applicant",
            "representative",
            "service",
            "service_version",
            "provider",
            "office",
            "hromada",
            "journal",
            "registered_by",
            "assigned_to",
            "issued_by",
        )
        .prefetch_related(
            Prefetch("documents", queryset=SubmittedDocument.objects.prefetch_related("scans")),
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("changed_by")),
            Prefetch("suspensions", queryset=Suspension.objects.select_related("created_by", "resumed_by")),
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("decided_by").prefetch_related("grounds"),
            ),
            Prefetch("printed_documents", queryset=PrintedDocument.objects.select_related("created_by", "decision")),
            "scans",
            "notifications",
        )
        .get(pk=application.pk)
    )
    timeline = list(application.status_changes.all())
    previous_status = next(
        (c.from_status for c in reversed(timeline) if c.to_status == ApplicationStatus.SUSPENDED), None
    )
    decisions = list(application.decisions.all())
    decision_numbers = {d.pk: d.number for d in decisions}
    documents = list(application.documents.all())
    document_names = {d.pk: d.name for d in documents}

    history = (
        []
        if not access.full
        else [
            (
                lambda r: _("application"),
                list(application.history.select_related("history_user").order_by("history_date", "history_id")),
            ),
            (
                lambda r: _("document «%(name)s»") % {"name": document_names.get(r.id, r.name)},
                list(
                    SubmittedDocument.history.filter(application_id=application.pk)
                    .select_related("history_user")
                    .order_by("history_date", "history_id")
                ),
            ),
            (
                lambda r: _("decision %(number)s") % {"number": decision_numbers.get(r.id, r.number)},
                list(
                    Decision.history.filter(application_id=application.pk)
                    .select_related("history_user")
                    .order_by("history_date", "history_id")
                ),
            ),
        ]
    )

    today = timezone.localdate()
    days_left = None
    if application.status not in CLOSED_STATUSES:
        days_left = working_days_left(application.due_date, today, office_calendar(application.office_id))
    storage_passed = False
    if application.status == ApplicationStatus.RESULT_READY and application.result_ready_at:
        until = timezone.localdate(application.result_ready_at) + dt.timedelta(
            days=application.service_version.storage_days
        )
        storage_passed = today >= until
    moves = [
        move
        for move in allowed_moves(user, application, previous_status=previous_status)
        if move.to_status != ApplicationStatus.UNCLAIMED or storage_passed
    ]
    grounds = []
    if any(move.to_status == ApplicationStatus.REFUSED for move in moves):
        grounds = list(application.service_version.refusal_grounds.all())
    return CasePage(
        application=application,
        documents=documents,
        scans=list(application.scans.all()),
        timeline=timeline,
        suspensions=list(application.suspensions.all()),
        decisions=decisions,
        printed=list(application.printed_documents.all()),
        edits=_edits(history),
        moves=moves,
        previous_status=previous_status,
        days_left=days_left,
        storage_passed=storage_passed,
        refusal_grounds=grounds,
        access=access,
        works=case_access(viewer_of(user), CaseFacts.of(application)).full,
    )
