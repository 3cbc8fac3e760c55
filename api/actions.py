"""Writes of the API app: clients and their tokens, the request log, e-applications and their acceptance.

An e-application is checked on arrival by the same rules as registration at the counter (the office
offers the service today, it may be filed online, the applicant's identifiers, the documents the
service lists); accepting it registers it through `applications.actions.registration.register_application`,
which gives it its number, due date, receipt and first status change like any other case."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.actions.applicants import validate_applicant_data
from applications.actions.registration import _check_documents, register_application
from applications.models import Application
from cnap.accounts.models import Office, User
from cnap.accounts.permissions import can
from services.constants import Channel
from services.selectors import services_offered_by, version_in_force

from .models import ApiClient, ApiRequestLog, EApplication, EApplicationState, new_token

__all__ = [
    "accept_e_application",
    "create_api_client",
    "record_request",
    "reject_e_application",
    "revoke_api_client",
    "submit_e_application",
]


def create_api_client(*, hromada, name: str, acting_user: User | None = None) -> tuple[ApiClient, str]:
    """A new client of `hromada`; returns it and its token, shown this once (only its hash is kept)."""
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError({"name": _("Enter the name of the integrating system.")})
    token = new_token()
    client = ApiClient(hromada=hromada, name=name[:200], created_by=acting_user)
    client.set_token(token)
    client.save()
    return client, token


def revoke_api_client(*, client: ApiClient, acting_user: User | None = None) -> ApiClient:
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
    return client


def record_request(*, client: ApiClient, method: str, path: str, status_code: int, at: dt.datetime | None = None):
    """Logs one use of a token (no body, no query string) and marks the client as used."""
    at = at or timezone.now()
    ApiRequestLog.objects.create(client=client, at=at, method=method[:10], path=path[:500], status_code=status_code)
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=at)


def _json_safe(data: dict) -> dict:
    return {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in data.items()}


def _registration_lines(documents: list[dict]) -> list[dict]:
    return [
        {
            "required_document": line.get("required_document"),
            "name": line.get("name", ""),
            "kind": line.get("kind", ""),
            "copies": line.get("copies", 1),
            "sheets": line.get("sheets", 1),
        }
        for line in documents
    ]


def submit_e_application(
    *,
    client: ApiClient,
    office_id: int,
    service_code: str,
    applicant: dict,
    documents: list[dict],
    result_delivery: str,
    comment: str = "",
    external_id: str = "",
) -> tuple[EApplication, bool]:
    """Receive an e-application from `client` (state draft); returns it and whether it is new.

    The same `external_id` from the same client returns the e-application received before (no
    duplicate on a retried request). Raises `ValidationError` keyed by field (`office`, `service`,
    `result_delivery`, `documents`, `applicant.<field>`) and saves nothing."""
    external_id = (external_id or "").strip()
    if external_id:
        existing = EApplication.objects.filter(client=client, external_id=external_id).first()
        if existing is not None:
            return existing, False
    errors: dict[str, list] = {}
    today = timezone.localdate()
    office = Office.objects.filter(pk=office_id, hromada_id=client.hromada_id, is_active=True).first()
    service = version = None
    if office is None:
        errors["office"] = [ValidationError(_("Unknown office."), code="unknown_office")]
    else:
        service = services_offered_by(office, on_date=today).filter(local_code=service_code).first()
        if service is None:
            errors["service"] = [
                ValidationError(
                    _("This office does not offer this service (or it has no version in force)."),
                    code="service_not_offered",
                )
            ]
        else:
            version = version_in_force(service, today)
    if version is not None:
        if version.channels and Channel.ONLINE not in version.channels:
            errors["service"] = [ValidationError(_("This service cannot be applied for online."), code="not_online")]
        if version.result_delivery and result_delivery not in version.result_delivery:
            errors["result_delivery"] = [
                ValidationError(_("The result of this service is not given this way."), code="invalid_delivery")
            ]
        lines = _registration_lines(documents)
        _check_documents(version, lines, errors)
    try:
        validate_applicant_data(applicant)
    except ValidationError as exc:
        for field, field_errors in exc.error_dict.items():
            errors.setdefault(f"applicant.{field}", []).extend(field_errors)
    if errors:
        raise ValidationError(errors)
    e_application = EApplication(
        client=client,
        hromada_id=client.hromada_id,
        office=office,
        service=service,
        external_id=external_id,
        applicant=_json_safe(applicant),
        documents=[_json_safe(line) for line in _registration_lines(documents)],
        result_delivery=result_delivery,
        comment=(comment or "").strip(),
    )
    try:
        with transaction.atomic():
            e_application.save()
    except IntegrityError:
        existing = EApplication.objects.filter(client=client, external_id=external_id).first() if external_id else None
        if existing is None:
            raise
        return existing, False
    return e_application, True


def _check_may_decide(e_application: EApplication, acting_user) -> None:
    if not can(acting_user, "register_applications"):
        raise PermissionDenied
    if not acting_user.is_superuser and acting_user.office_id != e_application.office_id:
        raise PermissionDenied


def _lock_draft(e_application) -> EApplication:
    locked = EApplication.objects.select_for_update().select_related("office", "service").get(pk=e_application.pk)
    if locked.state != EApplicationState.DRAFT:
        raise ValidationError(
            _("This e-application was already %(state)s.") % {"state": locked.get_state_display()},
            code="already_decided",
        )
    return locked


def accept_e_application(*, e_application: EApplication, acting_user: User) -> Application:
    """Register the e-application (channel online) in its office: it gets its number like any case.

    Only an administrator or starosta of its office (or a superuser). Raises `ValidationError` (the
    registration's own, keyed by field, or `already_decided`) or `PermissionDenied`; then nothing is saved.
    The registration has no scans, so running it inside this transaction leaves no files behind."""
    _check_may_decide(e_application, acting_user)
    with transaction.atomic():
        locked = _lock_draft(e_application)
        application = register_application(
            office=locked.office,
            service=locked.service,
            applicant=dict(locked.applicant),
            documents=[dict(line) for line in locked.documents],
            channel=Channel.ONLINE,
            result_delivery=locked.result_delivery,
            comment=locked.comment,
            acting_user=acting_user,
        )
        locked.state = EApplicationState.ACCEPTED
        locked.application = application
        locked.decided_at = timezone.now()
        locked.decided_by = acting_user
        locked.save(update_fields=["state", "application", "decided_at", "decided_by"])
    e_application.refresh_from_db()
    return application


def reject_e_application(*, e_application: EApplication, reason: str, acting_user: User) -> EApplication:
    """Refuse to register an e-application (e.g. not the applicant's, unreadable): the portal sees the reason."""
    _check_may_decide(e_application, acting_user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason: the portal shows it to the applicant.")})
    with transaction.atomic():
        locked = _lock_draft(e_application)
        locked.state = EApplicationState.REJECTED
        locked.rejection_reason = reason
        locked.decided_at = timezone.now()
        locked.decided_by = acting_user
        locked.save(update_fields=["state", "rejection_reason", "decided_at", "decided_by"])
    e_application.refresh_from_db()
    return e_application
