"""The personal-data access log: who looked at whose data, when, in which case.

Views that show a person's record, a case's personal fields, a scan or a registry response call
``log_personal_data_access`` once per response. Rows are append-only (the model refuses changes,
PostgreSQL refuses UPDATE and DELETE with a trigger, the admin has no change or delete permission).

The helper takes the objects the view has at hand (a case, an applicant, a scan, a registry request:
anything with the attributes used below) and keeps their ids; it imports no app."""

from typing import Any

from .client_ip import client_ip
from .models import PersonalDataAccess, PersonalDataAccessAction

Action = PersonalDataAccessAction


def log_personal_data_access(
    *,
    request,
    action: str,
    application: Any = None,
    applicant: Any = None,
    scan: Any = None,
    registry_request: Any = None,
    detail: str = "",
) -> PersonalDataAccess:
    """Records that ``request.user`` saw personal data. ``applicant`` defaults to the application's
    applicant; ``application`` to the scan's or the registry request's case. ``detail`` says what
    exactly (e.g. "receipt", "decision 12"); never put a tax number or a token in it."""
    if application is None:
        if scan is not None:
            application = scan.application
        elif registry_request is not None and registry_request.application_id:
            application = registry_request.application
    if applicant is None:
        if registry_request is not None and registry_request.applicant_id:
            applicant = registry_request.applicant
        elif application is not None:
            applicant = application.applicant
    if application is not None:
        hromada_id = application.hromada_id
    elif applicant is not None:
        hromada_id = applicant.hromada_id
    else:
        hromada_id = None
    return PersonalDataAccess.objects.create(
        user=request.user,
        action=action,
        hromada_id=hromada_id,
        application_id=application.pk if application is not None else None,
        application_number=application.number if application is not None else "",
        applicant_id=applicant.pk if applicant is not None else None,
        scan_id=scan.pk if scan is not None else None,
        registry_request_id=registry_request.pk if registry_request is not None else None,
        detail=mask_tax_number(detail)[:255],
        ip=client_ip(request),
    )


def mask_tax_number(value: str | None) -> str:
    """«1234567890» → «12******90»: enough to tell two people apart on a page, never the number."""
    from .log_filters import mask_text

    return mask_text(value or "")
