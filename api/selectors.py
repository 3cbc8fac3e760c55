"""Reads of the API: the public catalog (services in force, offices) and, scoped to a client's hromada,
applications, e-applications and status changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from applications.models import Application, StatusChange
from cnap.accounts.models import Office
from cnap.security.scope import client_condition
from services.constants import FeeOption
from services.fees import MissingSubsistenceMinimum, compute_fee, has_option
from services.models import Service, ServiceVersion
from services.selectors import catalog_list, version_in_force

from .models import EApplication


def _offices() -> QuerySet:
    return Office.objects.filter(is_active=True).select_related("hromada").order_by("pk")


def catalog_offices() -> QuerySet:
    return _offices()


def attach_fees(version: ServiceVersion, on_date: dt.date) -> ServiceVersion:
    """Sets `fee_today` and `fee_today_late` (None when no subsistence minimum is recorded for the year)."""
    fee: Decimal | None
    late: Decimal | None
    try:
        fee = compute_fee(version, on_date=on_date)
        late = compute_fee(version, on_date=on_date, late=True) if has_option(version, FeeOption.LATE) else None
    except MissingSubsistenceMinimum:
        fee = late = None
    setattr(version, "fee_today", fee)  # noqa: B010 - read by the serializer
    setattr(version, "fee_today_late", late)  # noqa: B010
    return version


def catalog_services(*, office=None, category: str = "", search: str = "", on_date: dt.date | None = None) -> QuerySet:
    """Active services with a version in force on `on_date`; each has `in_force_versions` (the version
    in force first) and its active offices prefetched."""
    on_date = on_date or timezone.localdate()
    return (
        catalog_list(search=search, category=category, office=office, on_date=on_date)
        .filter(is_active=True, current_version_id__isnull=False)
        .prefetch_related(Prefetch("offices", queryset=_offices(), to_attr="active_offices"))
    )


def catalog_service(local_code: str, *, on_date: dt.date | None = None) -> tuple[Service, ServiceVersion] | None:
    """The service with this code and its version in force (with documents, stages, grounds and fees)."""
    on_date = on_date or timezone.localdate()
    service = (
        Service.objects.filter(local_code=local_code, is_active=True)
        .select_related("provider")
        .prefetch_related(Prefetch("offices", queryset=_offices(), to_attr="active_offices"))
        .first()
    )
    if service is None:
        return None
    version = version_in_force(service, on_date)
    if version is None:
        return None
    version = ServiceVersion.objects.prefetch_related(
        "documents", "stages", "refusal_grounds", "fees", "fee_exemptions"
    ).get(pk=version.pk)
    return service, attach_fees(version, on_date)


def client_applications(client) -> QuerySet:
    """The cases a client's token reaches (the access scope: its hromada's)."""
    return Application.objects.filter(client_condition(client.hromada_id)).select_related("service_version", "office")


def client_e_applications(client) -> QuerySet:
    return EApplication.objects.filter(client_condition(client.hromada_id)).select_related(
        "application", "office", "service"
    )


def client_status_changes(client, *, since: dt.datetime | None = None) -> QuerySet:
    changes = StatusChange.objects.filter(
        client_condition(client.hromada_id, hromada="application__hromada_id")
    ).select_related("application", "application__e_application")
    if since is not None:
        changes = changes.filter(changed_at__gte=since)
    return changes
