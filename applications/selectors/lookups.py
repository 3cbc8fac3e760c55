"""The small tables a list page names by id (offices, service versions, providers) and the choices of the
list filters, kept per worker by :class:`cnap.core.lookups.Lookups` and dropped everywhere when one of those
tables changes (:func:`connect_invalidation`, called from the app's ready())."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_delete, post_save

from cnap.accounts.constants import Role
from cnap.accounts.models import Hromada, Office, User
from cnap.core.lookups import Lookups
from services.models import Provider, Service, ServiceVersion

LOOKUPS = Lookups("application-lists")

#: The staff fields a filter choice or a list row shows, or that decide who is in which list of choices.
USER_FIELDS = frozenset(
    {"username", "first_name", "last_name", "patronymic", "role", "office", "office_id", "hromada", "hromada_id"}
)


@dataclass(frozen=True)
class RowLabels:
    """What list rows show of the small tables, by id."""

    offices: dict[int, str]
    titles: dict[int, str]  # service versions
    providers: dict[int, str]


def row_labels() -> RowLabels:
    def build() -> RowLabels:
        return RowLabels(
            offices={o.pk: str(o) for o in Office.objects.only("name", "short_name")},
            titles=dict(ServiceVersion.objects.values_list("id", "title")),
            providers={p.pk: str(p) for p in Provider.objects.only("name", "short_name")},
        )

    return LOOKUPS.get("rows", build)


def filter_choices(user=None) -> dict[str, list[tuple[str, str]]]:
    """The choices of the list filters the user may pick: services, providers, and the offices and staff of
    the user's hromada (only their own office for an administrator or a starosta); without a user, all."""
    everything = user is None or user.is_superuser
    hromada = None if everything else user.hromada_id
    own_office = None
    if not everything and user.office_id and user.role in (Role.ADMINISTRATOR, Role.STAROSTA):
        own_office = user.office_id
    scope = ("choices", everything, hromada, own_office)

    def build() -> dict[str, list[tuple[str, str]]]:
        offices = Office.objects.order_by("name")
        staff = User.objects.filter(role__in=[Role.ADMINISTRATOR, Role.STAROSTA]).order_by("last_name", "first_name")
        if not everything:
            if hromada:
                offices = offices.filter(hromada_id=hromada)
                staff = staff.filter(hromada_id=hromada)
            if own_office:
                offices = offices.filter(pk=own_office)
                staff = staff.filter(office_id=own_office)
        staff = staff.only("username", "first_name", "last_name", "patronymic")
        return {
            "service": [(str(s.pk), str(s)) for s in Service.objects.only("local_code").order_by("local_code")],
            "provider": [(str(p.pk), str(p)) for p in Provider.objects.only("name", "short_name").order_by("name")],
            "office": [(str(o.pk), str(o)) for o in offices.only("name", "short_name")],
            "registered_by": [(str(u.pk), str(u)) for u in staff],
        }

    return LOOKUPS.get(scope, build)


def _user_changed(sender, instance=None, update_fields=None, **kwargs) -> None:
    """A staff member saved: only a change of what the lookups show or sort by (not a login's last_login)."""
    if update_fields is None or USER_FIELDS & set(update_fields):
        LOOKUPS.invalidate()


def connect_invalidation() -> None:
    for model in (Hromada, Office, Service, ServiceVersion, Provider):
        post_save.connect(LOOKUPS.invalidate, sender=model, dispatch_uid=f"lookups-save-{model.__name__}")
        post_delete.connect(LOOKUPS.invalidate, sender=model, dispatch_uid=f"lookups-delete-{model.__name__}")
    post_save.connect(_user_changed, sender=User, dispatch_uid="lookups-save-User")
    post_delete.connect(LOOKUPS.invalidate, sender=User, dispatch_uid="lookups-delete-User")


@dataclass(frozen=True)
class ReportNames:
    """What the dashboards call services (code and current title), providers and staff, by id."""

    services: dict[int, str]
    providers: dict[int, str]
    staff: dict[int, str]


def report_names() -> ReportNames:
    def build() -> ReportNames:
        latest_title = ServiceVersion.objects.filter(service=OuterRef("pk")).order_by("-number").values("title")[:1]
        services = Service.objects.annotate(title=Subquery(latest_title)).values_list("id", "local_code", "title")
        staff = User.objects.only("username", "first_name", "last_name", "patronymic")
        return ReportNames(
            services={pk: f"{code} {title or ''}".strip() for pk, code, title in services},
            providers={p.pk: p.short_name or p.name for p in Provider.objects.only("name", "short_name")},
            staff={user.pk: user.short_name for user in staff},
        )

    return LOOKUPS.get("report-names", build)
