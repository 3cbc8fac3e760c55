"""Every write to the catalog: keyword-only, one transaction each, recording who acted."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cnap.accounts.models import User
from cnap.core.history import record_author

from .catalog_fields import EDITABLE_VERSION_FIELDS, PART_FIELDS, names
from .checks import publication_problems
from .constants import VersionStatus
from .models import Provider, ProviderOfficer, PublishedVersionError, Service, ServiceVersion

# The fields of a version's cards and its rows: one list for the forms, the import/export and these actions.
VERSION_FIELDS = EDITABLE_VERSION_FIELDS
SERVICE_FIELDS = ["local_code", "national_id", "category", "provider", "is_active"]
VERSION_PARTS: dict[str, tuple[Any, list[str]]] = {
    related_name: (model, names(fields)) for related_name, (model, fields) in PART_FIELDS.items()
}


def _save(instance, acting_user, *, exclude=None):
    """Validate and save, attributing the history record to `acting_user`."""
    record_author(instance, acting_user)
    instance.full_clean(exclude=exclude)
    instance.save()
    return instance


def _check_fields(fields: dict, allowed: list[str]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(unknown)}")


def _replace_parts(version: ServiceVersion, parts: dict[str, list[dict] | None], acting_user) -> None:
    """Replace the documents / stages / refusal grounds given (None leaves a kind untouched)."""
    for related_name, rows in parts.items():
        if rows is None:
            continue
        model, fields = VERSION_PARTS[related_name]
        getattr(version, related_name).all().delete()
        errors = {}
        for position, row in enumerate(rows, start=1):
            _check_fields(row, fields + ["order"])
            part = model(version=version, order=row.get("order", position), **{f: row[f] for f in fields if f in row})
            try:
                _save(part, acting_user, exclude=["version"])
            except ValidationError as exc:
                errors[f"{related_name}[{position}]"] = exc.messages
        if errors:
            raise ValidationError(errors)


def _copy_parts(source: ServiceVersion, target: ServiceVersion, acting_user) -> None:
    for related_name, (model, fields) in VERSION_PARTS.items():
        for row in getattr(source, related_name).all():
            part = model(version=target, order=row.order, **{f: getattr(row, f) for f in fields})
            record_author(part, acting_user)
            part.save()


def _next_number(service: Service) -> int:
    return (service.versions.aggregate(last=Max("number"))["last"] or 0) + 1


def _lock_service(service: Service) -> Service:
    return Service.objects.select_for_update().get(pk=service.pk)


@transaction.atomic
def create_service(
    *,
    local_code: str,
    category: str,
    provider,
    title: str,
    acting_user: User,
    national_id: str = "",
    offices=(),
    is_active: bool = True,
    documents: list[dict] | None = None,
    stages: list[dict] | None = None,
    refusal_grounds: list[dict] | None = None,
    fees: list[dict] | None = None,
    fee_exemptions: list[dict] | None = None,
    **card,
) -> Service:
    """A new service with its first version as a draft (`card`: the fields of `VERSION_FIELDS`)."""
    _check_fields(card, VERSION_FIELDS)
    service = _save(
        Service(
            local_code=local_code,
            national_id=national_id,
            category=category,
            provider=provider,
            is_active=is_active,
        ),
        acting_user,
    )
    if offices:
        service.offices.set(offices)
    version = _save(ServiceVersion(service=service, number=1, title=title, **card), acting_user)
    _replace_parts(
        version,
        {
            "documents": documents,
            "stages": stages,
            "refusal_grounds": refusal_grounds,
            "fees": fees,
            "fee_exemptions": fee_exemptions,
        },
        acting_user,
    )
    return service


@transaction.atomic
def update_service(*, service: Service, acting_user: User, offices=None, **fields) -> Service:
    """Change what identifies a service (codes, category, provider, active) and where it is offered."""
    _check_fields(fields, SERVICE_FIELDS)
    service = _lock_service(service)
    for name, value in fields.items():
        setattr(service, name, value)
    _save(service, acting_user)
    if offices is not None:
        service.offices.set(offices)
    return service


@transaction.atomic
def update_draft(
    *,
    version: ServiceVersion,
    acting_user: User,
    documents: list[dict] | None = None,
    stages: list[dict] | None = None,
    refusal_grounds: list[dict] | None = None,
    fees: list[dict] | None = None,
    fee_exemptions: list[dict] | None = None,
    **fields,
) -> ServiceVersion:
    """Edit a draft: card fields, and (when given) replace its documents, stages, refusal grounds."""
    _check_fields(fields, VERSION_FIELDS)
    version = ServiceVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise PublishedVersionError()
    for name, value in fields.items():
        setattr(version, name, value)
    _save(version, acting_user)
    _replace_parts(
        version,
        {
            "documents": documents,
            "stages": stages,
            "refusal_grounds": refusal_grounds,
            "fees": fees,
            "fee_exemptions": fee_exemptions,
        },
        acting_user,
    )
    return version


@transaction.atomic
def publish_version(*, version: ServiceVersion, valid_from: date, acting_user: User) -> ServiceVersion:
    """Publish a draft, in force from `valid_from`.

    `valid_from` may not precede the latest published version of the service (on the same date the
    newer version wins). The published version is frozen from then on.
    """
    service = _lock_service(version.service)
    version = ServiceVersion.objects.get(pk=version.pk)
    if not version.is_draft:
        raise PublishedVersionError(_("Only a draft can be published."))
    if valid_from is None:
        raise ValidationError({"valid_from": _("Required to publish.")})
    latest = (
        service.versions.filter(status=VersionStatus.PUBLISHED)
        .order_by("-valid_from")
        .values_list("valid_from", flat=True)
    ).first()
    if latest is not None and valid_from < latest:
        raise ValidationError(
            {
                "valid_from": _("Cannot be earlier than %(date)s, the start of the latest published version.")
                % {"date": latest.strftime("%d.%m.%Y")}
            }
        )
    if not version.stages.exists():
        raise ValidationError({"stages": _("The technological card needs at least one stage.")})
    problems = publication_problems(version)
    if problems:
        raise ValidationError(problems)
    version.status = VersionStatus.PUBLISHED
    version.valid_from = valid_from
    version.published_at = timezone.now()
    version.published_by = acting_user if getattr(acting_user, "pk", None) else None
    _save(version, acting_user)
    return version


@transaction.atomic
def copy_version_to_draft(
    *, service: Service, acting_user: User, source: ServiceVersion | None = None
) -> ServiceVersion:
    """The service's draft, made as a copy of `source` (default: the version in force, else the latest).

    A service has at most one draft: if it already has one, that draft is returned unchanged.
    """
    from .selectors import version_in_force

    service = _lock_service(service)
    existing = service.versions.filter(status=VersionStatus.DRAFT).first()
    if existing is not None:
        return existing
    if source is None:
        source = version_in_force(service) or service.versions.order_by("-number").first()
    if source is None:
        raise ValidationError(_("This service has no version to copy."))
    if source.service_id != service.pk:
        raise ValueError("the source version belongs to another service")
    draft = ServiceVersion(
        service=service,
        number=_next_number(service),
        status=VersionStatus.DRAFT,
        **{f: getattr(source, f) for f in VERSION_FIELDS},
    )
    _save(draft, acting_user)
    _copy_parts(source, draft, acting_user)
    return draft


@transaction.atomic
def discard_draft(*, version: ServiceVersion, acting_user: User) -> None:
    """Delete a draft that will not be published (a service's only version stays)."""
    version = ServiceVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise PublishedVersionError(_("A published version cannot be deleted."))
    if not version.service.versions.exclude(pk=version.pk).exists():
        raise ValidationError(_("This is the only version of the service: it cannot be deleted."))
    record_author(version, acting_user)
    version.delete()


@transaction.atomic
def copy_service(*, service: Service, new_local_code: str, acting_user: User) -> Service:
    """A new service (same provider, category, offices) whose first draft copies this one's card."""
    from .selectors import version_in_force

    source = (
        version_in_force(service)
        or service.versions.filter(status=VersionStatus.PUBLISHED).order_by("-valid_from", "-number").first()
        or service.versions.order_by("-number").first()
    )
    if source is None:
        raise ValidationError(_("This service has no version to copy."))
    new = _save(
        Service(
            local_code=new_local_code,
            national_id=service.national_id,
            category=service.category,
            provider=service.provider,
            is_active=service.is_active,
        ),
        acting_user,
    )
    new.offices.set(service.offices.all())
    draft = _save(
        ServiceVersion(service=new, number=1, **{f: getattr(source, f) for f in VERSION_FIELDS}),
        acting_user,
    )
    _copy_parts(source, draft, acting_user)
    return new


@transaction.atomic
def set_provider_officer(*, user, provider: Provider | None, acting_user: User | None = None) -> ProviderOfficer | None:
    """Make ``user`` work for ``provider`` (None: for no provider any more); recorded in the history."""
    current = ProviderOfficer.objects.select_for_update().filter(user=user).first()
    if provider is None:
        if current is not None:
            record_author(current, acting_user)
            current.delete()
            user._state.fields_cache.pop("provider_officer", None)
        return None
    if current is None:
        current = ProviderOfficer(user=user, provider=provider)
    elif current.provider_id == provider.pk:
        return current
    current.provider = provider
    record_author(current, acting_user)
    current.save()
    return current


# Import and export live in their own module; re-exported here as actions.
from .catalog_io import (  # noqa: E402
    CatalogImportError,
    ImportReport,
    export_catalog,
    import_catalog,
    load_demo_catalog,
)

__all__ = [
    "CatalogImportError",
    "ImportReport",
    "copy_service",
    "copy_version_to_draft",
    "create_service",
    "discard_draft",
    "export_catalog",
    "import_catalog",
    "load_demo_catalog",
    "publish_version",
    "set_provider_officer",
    "update_draft",
    "update_service",
]
