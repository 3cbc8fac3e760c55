"""Two offices in two hromadas, one user per role in the first, and one object of each kind for each
office: what the URL walk fills URL parameters with ("own" objects of the user's office, "other"
objects of the other office)."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from api.actions import create_api_client
from api.models import EApplication
from applications.constants import ApplicationStatus, DecisionKind, PrintedDocumentKind
from applications.models import Application, Decision, PrintedDocument
from cnap.accounts.constants import Role
from tests.applications.factories import ApplicationFactory
from tests.factories import HromadaFactory, OfficeFactory, UserFactory
from tests.security.factories import PDF_BYTES, make_registry_request, make_scan
from tests.services.factories import ProviderFactory, ServiceVersionFactory

ROLES = [
    "anonymous",
    Role.ADMINISTRATOR.value,
    Role.STAROSTA.value,
    Role.PROVIDER_OFFICER.value,
    Role.CNAP_HEAD.value,
    Role.COMMUNITY_HEAD.value,
    Role.CATALOG_MANAGER.value,
    "superuser",
]


@dataclass
class Side:
    """The objects of one office."""

    application: Application
    scan: object
    registry_request: object
    decision: Decision
    printed: PrintedDocument
    e_application: EApplication
    service: object


@dataclass
class World:
    users: dict = field(default_factory=dict)
    own: Side | None = None
    other: Side | None = None


def _side(office, provider, clerk) -> Side:
    version = ServiceVersionFactory(service__provider=provider, published=True)
    service = version.service
    service.offices.add(office)
    now = timezone.now()
    application = ApplicationFactory(
        journal__office=office,
        service_version=version,
        registered_by=clerk,
        status=ApplicationStatus.SENT_TO_PROVIDER,
        sent_to_provider_at=now,
        comment="<script>alert('comment')</script>",
    )
    decision = Decision.objects.create(
        application=application,
        number=f"D-{application.pk}",
        kind=DecisionKind.values[0],
        decided_on=dt.date.today(),
        text="Рішення",
        decided_by=clerk,
    )
    printed = PrintedDocument(
        application=application, kind=PrintedDocumentKind.RECEIPT, sha256="0" * 64, created_by=clerk
    )
    printed.file.save("receipt.pdf", ContentFile(PDF_BYTES), save=False)
    printed.save()
    client, _token = create_api_client(hromada=office.hromada, name=f"Портал {office.code}")
    e_application = EApplication.objects.create(
        client=client,
        hromada=office.hromada,
        office=office,
        service=service,
        applicant={"kind": "person", "last_name": "Петренко", "first_name": "Іван"},
    )
    return Side(
        application=application,
        scan=make_scan(application),
        registry_request=make_registry_request(application),
        decision=decision,
        printed=printed,
        e_application=e_application,
        service=service,
    )


def build_world() -> World:
    hromada, other_hromada = HromadaFactory(), HromadaFactory()
    office = OfficeFactory(hromada=hromada)
    other_office = OfficeFactory(hromada=other_hromada)
    provider, other_provider = ProviderFactory(), ProviderFactory()
    world = World()
    world.users = {
        Role.ADMINISTRATOR.value: UserFactory(role=Role.ADMINISTRATOR, office=office),
        Role.STAROSTA.value: UserFactory(role=Role.STAROSTA, office=office),
        Role.PROVIDER_OFFICER.value: UserFactory(
            role=Role.PROVIDER_OFFICER, office=None, hromada=hromada, provider=provider
        ),
        Role.CNAP_HEAD.value: UserFactory(role=Role.CNAP_HEAD, office=office),
        Role.COMMUNITY_HEAD.value: UserFactory(role=Role.COMMUNITY_HEAD, office=None, hromada=hromada),
        Role.CATALOG_MANAGER.value: UserFactory(role=Role.CATALOG_MANAGER, office=None, hromada=hromada),
        "superuser": UserFactory(role="", office=None, hromada=None, is_superuser=True, is_staff=True),
    }
    other_clerk = UserFactory(role=Role.ADMINISTRATOR, office=other_office)
    world.own = _side(office, provider, world.users[Role.ADMINISTRATOR.value])
    world.other = _side(other_office, other_provider, other_clerk)
    return world
