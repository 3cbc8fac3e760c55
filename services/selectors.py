"""Reads of the catalog: the version in force, lists and search."""

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .constants import VersionStatus
from .fees import MissingSubsistenceMinimum, compute_fee
from .models import ProviderOfficer, Service, ServiceVersion
from .permissions import can_manage_catalog
from .search import normalize

__all__ = [
    "MissingSubsistenceMinimum",
    "catalog_list",
    "compute_fee",
    "service_card",
    "services_offered_by",
    "version_in_force",
]

IN_FORCE_ORDER = ("-valid_from", "-number")


def _in_force(on_date: date) -> QuerySet:
    return ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED, valid_from__lte=on_date).order_by(
        *IN_FORCE_ORDER
    )


def _in_force_subquery(on_date: date, field: str = "pk") -> Subquery:
    return Subquery(_in_force(on_date).filter(service=OuterRef("pk")).values(field)[:1])


def _latest_subquery(field: str = "pk") -> Subquery:
    return Subquery(ServiceVersion.objects.filter(service=OuterRef("pk")).order_by("-number").values(field)[:1])


def title_matches(search: str) -> Q:
    """A filter on `ServiceVersion` matching `search` in the title (trigram-indexed on PostgreSQL)."""
    needle = normalize(search)
    condition = Q(search_text__contains=needle)
    if connection.vendor == "postgresql" and len(needle) >= 4:
        # word_similarity(needle, title) above pg_trgm's threshold: tolerates typos and endings.
        condition |= Q(search_text__trigram_word_similar=needle)
    return condition


def version_in_force(service: Service, on_date: date | None = None) -> ServiceVersion | None:
    """The published version with the latest `valid_from` on or before `on_date` (today by default)."""
    on_date = on_date or timezone.localdate()
    return _in_force(on_date).filter(service=service).first()


def services_offered_by(office, *, search: str = "", on_date: date | None = None) -> QuerySet:
    """Active services offered at `office` with a version in force, for the registration type-ahead.

    Each service carries `current_version_id` and `current_title` (the version in force on `on_date`).
    """
    on_date = on_date or timezone.localdate()
    services = (
        Service.objects.filter(offices=office, is_active=True)
        .annotate(
            current_version_id=_in_force_subquery(on_date),
            current_title=_in_force_subquery(on_date, "title"),
        )
        .filter(current_version_id__isnull=False)
        .select_related("provider")
    )
    search = search.strip()
    if search:
        services = services.filter(
            Q(current_version_id__in=ServiceVersion.objects.filter(title_matches(search)).values("pk"))
            | Q(local_code__istartswith=search)
            | Q(national_id__startswith=search)
        )
    return services.order_by("current_title", "local_code")


def catalog_list(
    *,
    search: str = "",
    category: str = "",
    provider=None,
    office=None,
    user=None,
    on_date: date | None = None,
) -> QuerySet:
    """The catalog page's services, matched on the title shown (in force, else the latest version).

    Each service has `current_version_id`, `display_title`, `has_draft` and `in_force_versions`
    (a list: the version in force first). Staff who do not manage the catalog see only active
    services with a version in force. The query count does not depend on the number of rows.
    """
    on_date = on_date or timezone.localdate()
    services = Service.objects.select_related("provider").annotate(
        current_version_id=_in_force_subquery(on_date),
        display_version_id=Coalesce(_in_force_subquery(on_date), _latest_subquery()),
        display_title=Coalesce(_in_force_subquery(on_date, "title"), _latest_subquery("title")),
        has_draft=Exists(ServiceVersion.objects.filter(service=OuterRef("pk"), status=VersionStatus.DRAFT)),
    )
    if user is not None and not can_manage_catalog(user):
        services = services.filter(is_active=True, current_version_id__isnull=False)
    if category:
        services = services.filter(category=category)
    if provider:
        services = services.filter(provider=provider)
    if office:
        services = services.filter(offices=office)
    search = search.strip()
    if search:
        services = services.filter(
            Q(display_version_id__in=ServiceVersion.objects.filter(title_matches(search)).values("pk"))
            | Q(local_code__icontains=search)
            | Q(national_id__startswith=search)
            | Q(provider__name__icontains=search)
            | Q(provider__short_name__icontains=search)
        )
    return services.prefetch_related(
        Prefetch("versions", queryset=_in_force(on_date).prefetch_related("fees"), to_attr="in_force_versions")
    ).order_by("display_title", "local_code")


@dataclass
class ServiceCard:
    """What the service page shows: one version of the card and the list of all versions."""

    service: Service
    version: ServiceVersion | None
    in_force: ServiceVersion | None
    draft: ServiceVersion | None
    versions: list[ServiceVersion]


def service_card(service: Service, *, version_pk: int | None = None, on_date: date | None = None) -> ServiceCard:
    """The card of `service`: the requested version, else the one in force, else the latest.

    Raises `ServiceVersion.DoesNotExist` for a `version_pk` of another service.
    """
    on_date = on_date or timezone.localdate()
    versions = list(service.versions.select_related("published_by").order_by("-number"))
    in_force = next(
        iter(
            sorted(
                (v for v in versions if v.is_published and v.valid_from is not None and v.valid_from <= on_date),
                key=lambda v: (v.valid_from, v.number),
                reverse=True,
            )
        ),
        None,
    )
    draft = next((v for v in versions if v.is_draft), None)
    if version_pk is not None:
        matching = [v for v in versions if v.pk == version_pk]
        if not matching:
            raise ServiceVersion.DoesNotExist
        chosen: ServiceVersion | None = matching[0]
    else:
        chosen = in_force or (versions[0] if versions else None)
    if chosen is not None:
        chosen = (
            ServiceVersion.objects.select_related("service__provider", "published_by")
            .prefetch_related("documents", "stages", "refusal_grounds", "fees", "fee_exemptions")
            .get(pk=chosen.pk)
        )
    return ServiceCard(service=service, version=chosen, in_force=in_force, draft=draft, versions=versions)


def provider_id_of(user) -> int | None:
    """The provider a provider officer works for (its id), or None. The one way the code reads that link;
    cached on the user object by the one-to-one relation, so a request asks the database once."""
    if not getattr(user, "pk", None):
        return None
    try:
        return user.provider_officer.provider_id
    except ProviderOfficer.DoesNotExist:
        return None


def provider_of(user):
    """The :class:`Provider` a provider officer works for, or None."""
    if provider_id_of(user) is None:
        return None
    return user.provider_officer.provider
