"""Reads for the security pages: the personal-data access log, scoped to the viewer's hromada."""

from datetime import datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from applications.models import PersonalDataAccess
from cnap.accounts.models import User


def access_log_scope(user) -> QuerySet[PersonalDataAccess]:
    """A head of ЦНАП sees accesses by the staff of their hromada and to cases of their hromada;
    a superuser sees all."""
    rows = PersonalDataAccess.objects.select_related("user", "application", "applicant", "scan", "registry_request")
    if user.is_superuser:
        return rows
    if not user.hromada_id:
        return rows.none()
    return rows.filter(Q(user__hromada_id=user.hromada_id) | Q(application__hromada_id=user.hromada_id))


def access_log_staff(user) -> QuerySet[User]:
    staff = User.objects.order_by("last_name", "first_name", "username")
    return staff if user.is_superuser else staff.filter(hromada_id=user.hromada_id)


def filter_access_log(rows: QuerySet, *, user=None, date_from=None, date_to=None, action="", number="") -> QuerySet:
    tz = timezone.get_current_timezone()
    if user is not None:
        rows = rows.filter(user=user)
    if date_from:
        rows = rows.filter(accessed_at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        rows = rows.filter(accessed_at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz))
    if action:
        rows = rows.filter(action=action)
    if number:
        rows = rows.filter(application__number__icontains=number.strip())
    return rows
