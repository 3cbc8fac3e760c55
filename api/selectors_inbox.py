"""Reads of the staff inbox of e-applications (api/views_inbox.py): who may see which, the list of
drafts of an office and everything the detail page shows, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.access import viewer_of
from applications.actions.applicants import APPLICANT_FIELDS
from applications.constants import ApplicantKind, IdentityDocumentType
from applications.models import Applicant
from cnap.accounts.constants import Role
from cnap.accounts.permissions import can
from cnap.security.scope import office_condition
from services.constants import DocumentKind, VersionStatus
from services.models import RequiredDocument, ServiceVersion

from .models import EApplication, EApplicationState

__all__ = [
    "InboxDetail",
    "applicant_display_name",
    "inbox_detail",
    "inbox_drafts",
    "inbox_e_application",
    "inbox_page",
    "may_decide_in_inbox",
    "may_view_inbox",
]

# Who sees an office's inbox: those who register (administrators, starostas) and the head of the CNAP
# (read-only). Everyone else is refused (403).
VIEWER_ROLES = frozenset({Role.ADMINISTRATOR, Role.STAROSTA, Role.CNAP_HEAD})


def may_view_inbox(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.role in VIEWER_ROLES and bool(user.office_id)


def may_decide_in_inbox(user) -> bool:
    """May accept or reject (the action checks it again, with the e-application's office)."""
    return may_view_inbox(user) and can(user, "register_applications")


def _title_in_force(on_date: dt.date) -> Subquery:
    versions = ServiceVersion.objects.filter(
        service=OuterRef("service_id"), status=VersionStatus.PUBLISHED, valid_from__lte=on_date
    ).order_by("-valid_from", "-number")
    return Subquery(versions.values("title")[:1])


def _visible(user) -> QuerySet[EApplication]:
    if not may_view_inbox(user):
        return EApplication.objects.none()
    e_applications = EApplication.objects.filter(office_condition(viewer_of(user)))  # the access scope
    return e_applications.select_related("client", "office", "service", "application", "decided_by").annotate(
        service_title=_title_in_force(timezone.localdate())
    )


def applicant_display_name(data: dict) -> str:
    """The applicant's name as the portal sent it: a legal entity's name, or surname, name, patronymic."""
    data = data if isinstance(data, dict) else {}
    if data.get("kind") == ApplicantKind.LEGAL_ENTITY:
        return str(data.get("name") or "").strip()
    parts = (data.get("last_name"), data.get("first_name"), data.get("patronymic"))
    return " ".join(str(part).strip() for part in parts if part and str(part).strip())


def inbox_drafts(user) -> QuerySet[EApplication]:
    """The office's e-applications waiting for acceptance, newest first (each with `service_title`)."""
    return _visible(user).filter(state=EApplicationState.DRAFT).order_by("-received_at", "-id")


def inbox_page(user, page_number, *, per_page: int = 50):
    """One page of the drafts; each row has `applicant_name` and `service_title`."""
    page = Paginator(inbox_drafts(user), per_page).get_page(page_number)
    rows = list(page.object_list)
    for e_application in rows:
        e_application.applicant_name = applicant_display_name(e_application.applicant)
    setattr(page, "rows", rows)  # noqa: B010 - for the template
    return page


def inbox_e_application(user, pk) -> EApplication:
    """An e-application of the user's office (any state), else 404: another office's does not exist."""
    try:
        return _visible(user).get(pk=pk)
    except (EApplication.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


@dataclass
class DocumentLine:
    name: str
    kind: str
    copies: object
    sheets: object
    required: bool


@dataclass
class InboxDetail:
    e_application: EApplication
    applicant_name: str
    applicant_fields: list[tuple[str, str]]
    documents: list[DocumentLine]


# The applicant's fields as the portal sends them (api/serializers.py), in the order shown: the
# registration form's fields and the consent.
_APPLICANT_FIELDS = (*APPLICANT_FIELDS, "consent")


def _label(field: str) -> str:
    if field == "consent":
        return _("consent to personal data processing")
    try:
        return str(getattr(Applicant._meta.get_field(field), "verbose_name", field))
    except FieldDoesNotExist:  # a key the model does not have: show it as sent
        return field


def _value(field: str, value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field == "kind":
        return str(dict(ApplicantKind.choices).get(value, value))
    if field == "document_type":
        return str(dict(IdentityDocumentType.choices).get(value, value))
    if field in ("birth_date", "document_issued_on") and isinstance(value, str):
        day = parse_date(value)
        return date_format(day, "d.m.Y") if day else value
    return str(value)


def _applicant_fields(data: dict) -> list[tuple[str, str]]:
    data = data if isinstance(data, dict) else {}
    rows = []
    known = set(_APPLICANT_FIELDS)
    for field in (*_APPLICANT_FIELDS, *sorted(key for key in data if key not in known)):
        value = data.get(field)
        if value in (None, "", False) and field not in ("consent",):
            continue
        rows.append((_label(field), _value(field, value)))
    return rows


def _documents(lines) -> list[DocumentLine]:
    lines = [line for line in (lines or []) if isinstance(line, dict)]
    ids = {line.get("required_document") for line in lines if isinstance(line.get("required_document"), int)}
    required = {doc.pk: doc for doc in RequiredDocument.objects.filter(pk__in=ids)} if ids else {}
    kinds = dict(DocumentKind.choices)
    documents = []
    for line in lines:
        doc = required.get(line.get("required_document"))
        kind = line.get("kind") or (doc.kind if doc else "")
        name = line.get("name") or (doc.name if doc else "")
        documents.append(
            DocumentLine(
                name=name or _("document No %(id)s") % {"id": line.get("required_document")},
                kind=str(kinds.get(kind, kind)),
                copies=line.get("copies", 1),
                sheets=line.get("sheets", 1),
                required=doc is not None,
            )
        )
    return documents


def inbox_detail(user, pk) -> InboxDetail:
    e_application = inbox_e_application(user, pk)
    return InboxDetail(
        e_application=e_application,
        applicant_name=applicant_display_name(e_application.applicant),
        applicant_fields=_applicant_fields(e_application.applicant),
        documents=_documents(e_application.documents),
    )
