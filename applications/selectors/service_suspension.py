"""Reads for the service-wide suspension page: the services whose open cases the user may act on."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from services.models import Service, ServiceVersion

from ..access import acting_cases
from ..constants import ApplicationStatus
from ..transitions import SUSPENDABLE


def services_with_open_cases(user) -> QuerySet:
    """Services with a suspendable or suspended case in the user's scope, each with its latest ``title``."""
    statuses = [str(s) for s in (*SUSPENDABLE, ApplicationStatus.SUSPENDED)]
    open_cases = acting_cases(user).filter(service=OuterRef("pk"), status__in=statuses)
    latest_title = ServiceVersion.objects.filter(service=OuterRef("pk")).order_by("-number").values("title")[:1]
    return Service.objects.filter(Exists(open_cases)).annotate(title=Subquery(latest_title)).order_by("local_code")
