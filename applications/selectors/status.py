"""Reads for the public status page. The result is a plain record of what the public may see:
no applicant, no documents, so a template cannot show personal data even by mistake."""

import datetime as dt
import secrets
from dataclasses import dataclass

from applications.constants import ApplicationStatus
from applications.models import Application

# Compared against when the number is unknown, so both answers take the same path.
_DUMMY_CODE = "Z" * 8


@dataclass(frozen=True)
class PublicOffice:
    name: str
    address: str
    schedule: str
    phone: str
    email: str


@dataclass(frozen=True)
class PublicStatus:
    number: str
    service_title: str
    status: str
    status_label: str
    registered_at: dt.datetime
    due_date: dt.date
    is_overdue: bool
    result_ready_at: dt.datetime | None
    issued_at: dt.datetime | None
    result_delivery: str
    result_delivery_label: str
    office: PublicOffice

    @property
    def result_ready(self) -> bool:
        return self.status == ApplicationStatus.RESULT_READY

    @property
    def result_issued(self) -> bool:
        return self.status == ApplicationStatus.ISSUED

    @property
    def refusal_handed_over(self) -> bool:
        return self.status == ApplicationStatus.REFUSED and self.issued_at is not None


def _codes_match(given: str, stored: str) -> bool:
    return secrets.compare_digest(given.encode("utf-8"), stored.encode("utf-8"))


def public_status(*, number: str, code: str) -> PublicStatus | None:
    """The case with this number if the access code matches; None otherwise (unknown number and
    wrong code alike). `number` and `code` come normalized (applications/forms/status.py)."""
    candidates = {number, number.upper()}
    application = (
        Application.objects.filter(number__in=candidates)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("office", "service_version")
        .only(
            "number",
            "access_code",
            "status",
            "registered_at",
            "due_date",
            "is_overdue",
            "result_ready_at",
            "issued_at",
            "result_delivery",
            "office__name",
            "office__address",
            "office__schedule",
            "office__phone",
            "office__email",
            "service_version__title",
        )
        .first()
    )
    stored_code = application.access_code.upper() if application else _DUMMY_CODE
    if not _codes_match(code.upper(), stored_code) or application is None:
        return None
    office = application.office
    return PublicStatus(
        number=application.number,
        service_title=application.service_version.title,
        status=application.status,
        status_label=application.get_status_display(),
        registered_at=application.registered_at,
        due_date=application.due_date,
        is_overdue=application.is_overdue,
        result_ready_at=application.result_ready_at,
        issued_at=application.issued_at,
        result_delivery=application.result_delivery,
        result_delivery_label=application.get_result_delivery_display(),
        office=PublicOffice(
            name=office.name,
            address=office.address,
            schedule=office.schedule,
            phone=office.phone,
            email=office.email,
        ),
    )
