"""Completing and correcting a registered case from its page: scans added later (tied to a line of the
document checklist), documents handed in later, and corrections of the applicant's data (the case's
copy as submitted, and if asked the register's record too), each with its author, and corrections with
a reason, in the history the case page shows.

Who may: administrators and starostas (capability ``register_applications``) of the case's office;
the caller passes a case the user may see (`selectors.cases.case_for`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.access import may_act_on
from applications.constants import PartyRole
from applications.models import Application, CaseParty, Scan, SubmittedDocument
from applications.scans import check_upload, store_upload
from cnap.accounts.models import User
from cnap.accounts.permissions import can
from cnap.core.history import record_author
from services.constants import DocumentKind

from .applicants import CORRECTABLE_FIELDS, update_applicant, validate_applicant_data

__all__ = ["add_document", "add_scans", "correct_applicant", "may_complete"]


def may_complete(user: User, application: Application) -> bool:
    """Whether `user` may add to and correct `application`: one who registers (administrators, starostas)
    and acts on the case by the access scope (applications/access.py)."""
    return can(user, "register_applications") and may_act_on(user, application)


def _check(user: User, application: Application) -> None:
    if not may_complete(user, application):
        raise PermissionDenied(_("Only the administrators of the case's office complete and correct it."))


def add_scans(*, application: Application, document: SubmittedDocument | None, files, acting_user: User) -> list[Scan]:
    """Attach scans to the case, tied to one of its documents (or to none). All or nothing: a file that
    is not a PDF, JPEG or PNG (by its content) refuses the lot."""
    _check(acting_user, application)
    if document is not None and document.application_id != application.pk:
        raise ValidationError({"document": _("Choose a document of this case.")})
    files = [f for f in files or () if f]
    if not files:
        raise ValidationError({"files": _("Choose the files to attach.")}, code="required")
    checked, errors = [], []
    for upload in files:
        try:
            checked.append(check_upload(upload))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError({"files": errors})
    now = timezone.now()
    names = []
    try:
        for item in checked:
            names.append(store_upload(item, when=now))
        with transaction.atomic():
            return [
                Scan.objects.create(
                    id=item.id,
                    application=application,
                    document=document,
                    file=name,
                    original_name=item.name,
                    content_type=item.content_type,
                    size=item.size,
                    sha256=item.sha256,
                    uploaded_at=now,
                    uploaded_by=acting_user,
                )
                for item, name in zip(checked, names, strict=True)
            ]
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise


def add_document(
    *,
    application: Application,
    required_document=None,
    name: str = "",
    kind: str = DocumentKind.ORIGINAL,
    copies: int = 1,
    sheets: int = 1,
    acting_user: User,
) -> SubmittedDocument:
    """A document the applicant handed in after the registration: one the service lists (not on the case
    yet) or an extra one by name. The receipt printed at registration stays as it was."""
    _check(acting_user, application)
    errors = {}
    if required_document is not None:
        if required_document.version_id != application.service_version_id:
            errors["required_document"] = _("This document is not one the service lists.")
        elif application.documents.filter(required_document=required_document).exists():
            errors["required_document"] = _("This document is already on the case.")
        name = required_document.name
    name = " ".join(str(name or "").split())
    if not name:
        errors["name"] = _("Enter the name of the document.")
    if kind not in DocumentKind.values:
        errors["kind"] = _("Choose original or copy.")
    for field_name, value in (("copies", copies), ("sheets", sheets)):
        if not isinstance(value, int) or not 1 <= value <= 999:
            errors[field_name] = _("A whole number from 1 to 999.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Application.objects.select_for_update(of=("self",)).get(pk=application.pk)  # orders concurrent additions
        last = application.documents.order_by("-order").values_list("order", flat=True).first() or 0
        document = SubmittedDocument(
            application=application,
            required_document=required_document,
            order=last + 1,
            name=name[:500],
            kind=kind,
            copies=copies,
            sheets=sheets,
            handed_in_at=timezone.now(),
        )
        record_author(document, acting_user).save()
    return document


#: The parts of the applicant's data a correction may change (the identifiers the case and the
#: register are keyed by, РНОКПП, ЄДРПОУ and the kind, stay).
CORRECTED_FIELDS = tuple(name for name in CORRECTABLE_FIELDS if name != "no_rnokpp")


def correct_applicant(
    *, application: Application, data: dict, reason: str, update_register: bool, acting_user: User
) -> CaseParty:
    """Correct the applicant's data of the case (its copy as submitted) and, if `update_register`, the
    register's record the same way. `data`: the applicant's fields as a form gives them; they are checked
    like at registration. Both histories record the author and the reason (the register's, the case too)."""
    _check(acting_user, application)
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why the data are corrected.")}, code="reason_required")
    party = CaseParty.objects.select_related("applicant").get(application=application, role=PartyRole.APPLICANT)
    # The keys stay: the data are checked together with the case's own identifiers.
    keyed = {**data, "kind": party.kind, "rnokpp": party.rnokpp, "edrpou": party.edrpou, "no_rnokpp": party.no_rnokpp}
    clean = validate_applicant_data(keyed)
    changes = {name: clean[name] for name in CORRECTED_FIELDS if clean[name] != getattr(party, name)}
    if not changes:
        raise ValidationError(_("Nothing was changed."), code="no_change")
    with transaction.atomic():
        locked = CaseParty.objects.select_for_update().get(pk=party.pk)
        for name, value in changes.items():
            setattr(locked, name, value)
        record_author(locked, acting_user, reason=reason).save()
        if update_register:
            update_applicant(
                applicant=party.applicant,
                changes=changes,
                reason=reason,
                acting_user=acting_user,
                application=application,
            )
    return locked
