"""Scans and registry requests for the security tests (private files in the test storage)."""

import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from applications.models import Scan
from registry.constants import RegistryName, RegistryRequestState
from registry.models import RegistryRequest

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_scan(application, *, user=None, content: bytes = PDF_BYTES, name: str = "passport.pdf") -> Scan:
    scan = Scan(
        application=application,
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_at=timezone.now(),
        uploaded_by=user or application.registered_by,
    )
    scan.file.save(name, ContentFile(content), save=False)
    scan.save()
    return scan


def make_registry_request(application, *, user=None, response=None) -> RegistryRequest:
    request = RegistryRequest.objects.create(
        application=application,
        applicant=application.applicant,
        office=application.office,
        registry=RegistryName.EDDR_PERSON,
        query={"rnokpp": application.applicant.rnokpp},
        state=RegistryRequestState.SUCCEEDED,
        response=response if response is not None else {"found": True, "last_name": application.applicant.last_name},
        requested_by=user or application.registered_by,
        finished_at=timezone.now(),
    )
    request.evidence.save(f"{request.pk}.asice", ContentFile(b"PK\x03\x04 signed evidence"), save=False)
    request.evidence_state = "stored"
    request.save(update_fields=["evidence", "evidence_state"])
    return request
