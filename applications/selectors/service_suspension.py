"""Reads for the service-wide suspension page: the services whose open cases the user may act on."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from services.models import Service, ServiceVersion
from services.selectors import provider_id_of

from ..constants import ApplicationStatus
from ..models import Application
from ..transitions import SUSPENDABLE


def cases_in_scope(user) -> QuerySet:
    """The cases ``suspend_service``/``resume_service`` let the user act on (same scope as the actions)."""
    cases = Application.objects.all()
    if user.is_superuser:
        return cases
    if user.role == "provider_officer" and (provider_id := provider_id_of(user)):
        return cases.filter(provider_id=provider_id)
    if user.office_id:
        return cases.filter(office_id=user.office_id)
    return cases.none()


def services_with_open_cases(user) -> QuerySet:
    """Services with a suspendable or suspended case in the user's scope, each with its latest ``title``."""
    statuses = [str(s) for s in (*SUSPENDABLE, ApplicationStatus.SUSPENDED)]
    open_cases = cases_in_scope(user).filter(service=OuterRef("pk"), status__in=statuses)
    latest_title = ServiceVersion.objects.filter(service=OuterRef("pk")).order_by("-number").values("title")[:1]
    return Service.objects.filter(Exists(open_cases)).annotate(title=Subquery(latest_title)).order_by("local_code")
