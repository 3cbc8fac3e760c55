"""Reads for the personal-data access log page, scoped to the viewer's hromada. The log
(cnap.security) keeps plain ids; the page shows whose data by resolving them here."""

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from cnap.accounts.models import User
from cnap.security.models import PersonalDataAccess

from ..models import Applicant, Scan


def access_log_scope(user) -> QuerySet[PersonalDataAccess]:
    """A head of ЦНАП sees accesses by the staff of their hromada and to cases of their hromada;
    a superuser sees all."""
    rows = PersonalDataAccess.objects.select_related("user")
    if user.is_superuser:
        return rows
    if not user.hromada_id:
        return rows.none()
    return rows.filter(Q(user__hromada_id=user.hromada_id) | Q(hromada_id=user.hromada_id))


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
        rows = rows.filter(application_number__icontains=number.strip())
    return rows


def with_subjects(rows: Iterable[PersonalDataAccess]) -> list[PersonalDataAccess]:
    """The rows of a page with ``applicant`` and ``scan`` set to the records they name (None when the
    record is gone), in two queries."""
    rows = list(rows)
    applicants = Applicant.objects.in_bulk({row.applicant_id for row in rows if row.applicant_id})
    scans = Scan.objects.only("id", "original_name").in_bulk({row.scan_id for row in rows if row.scan_id})
    for row in rows:  # for the template: the records, not only their ids
        setattr(row, "applicant", applicants.get(row.applicant_id))  # noqa: B010
        setattr(row, "scan", scans.get(row.scan_id))  # noqa: B010
    return rows
