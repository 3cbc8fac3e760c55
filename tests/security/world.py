"""The world of the URL walk: the object sets and case states of the access scope's documented matrix
(cnap.security.scope.OBJECT_SETS, CASE_STATES), with one user per role.

Hromada A has offices O1 (the users' office) and O2; hromada B has office O3. Provider S has no hromada
of its own and serves both (a council's executive committee, say); provider PB is B's own. The
provider officer works for S, in hromada A.

- own_office: cases of O1 for S;  other_office: cases of O2 for S;
- other_hromada: cases of O3 for PB;  shared_provider: cases of O3 for S.

Each set has one case per state (registered, sent, in progress, decided, issued, withdrawn: withdrawn
at the counter before it was sent), each with a scan, a registry lookup and its printed receipt; a
decided or issued case also has its decision. Each office has an e-application in its inbox."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from api.actions import create_api_client
from api.models import EApplication
from applications.constants import ApplicationStatus, DecisionKind, PrintedDocumentKind
from applications.models import Application, Decision, PrintedDocument
from cnap.accounts.constants import Role
from cnap.security.scope import CASE_STATES, OBJECT_SETS
from tests.applications.factories import ApplicantFactory, ApplicationFactory, RegistrationJournalFactory
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
#: An id no decision has: the decision URL of a case not yet decided.
NO_DECISION = 2**31 - 1

STATUSES = {
    "registered": ApplicationStatus.REGISTERED,
    "sent": ApplicationStatus.SENT_TO_PROVIDER,
    "in_progress": ApplicationStatus.IN_PROGRESS,
    "decided": ApplicationStatus.RESULT_READY,
    "issued": ApplicationStatus.ISSUED,
    "withdrawn": ApplicationStatus.WITHDRAWN,
}
assert tuple(STATUSES) == CASE_STATES


@dataclass
class Side:
    """The objects of one case (and of its office and service), as URLs name them."""

    application: Application
    scan: object
    registry_request: object
    decision: Decision | None
    printed: PrintedDocument
    e_application: EApplication
    service: object
    window: object = None  # the office's queue window
    kiosk_token: str = ""  # the kiosk's signed link to a ticket of the office
    queue_group: object = None  # the office's queue group
    booking_token: str = ""  # the booking page's signed link to a visit booked at the office
    cancel_token: str = ""  # that visit's cancel link
    booking_id: int = 0  # that visit

    @property
    def decision_pk(self) -> int:
        return self.decision.pk if self.decision else NO_DECISION


@dataclass
class World:
    users: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)  # (object set, state) -> Side
    offices: dict = field(default_factory=dict)  # object set -> the office of its cases

    @property
    def own(self) -> Side:
        """A decided case of the users' own office (it has every kind of object)."""
        return self.cases[("own_office", "decided")]

    @property
    def other(self) -> Side:
        """A decided case of another hromada."""
        return self.cases[("other_hromada", "decided")]


def _case(*, journal, version, state, clerk, officer, e_application) -> Side:
    now = timezone.now()
    registered = now - dt.timedelta(days=5)
    sent = state not in ("registered", "withdrawn")
    decided = state in ("decided", "issued")
    closed = state in ("issued", "withdrawn")
    application = ApplicationFactory(
        journal=journal,
        service_version=version,
        applicant=ApplicantFactory(hromada=journal.office.hromada),
        registered_by=clerk,
        registered_at=registered,
        status=STATUSES[state],
        sent_to_provider_at=registered + dt.timedelta(hours=2) if sent else None,
        assigned_to=officer if sent else None,
        result_ready_at=now - dt.timedelta(days=1) if decided else None,
        issued_at=now - dt.timedelta(hours=3) if state == "issued" else None,
        issued_to="Шевченко Тарас" if state == "issued" else "",
        issued_by=clerk if state == "issued" else None,
        closed_at=now - dt.timedelta(hours=3) if closed else None,
        comment="<script>alert('comment')</script>",
    )
    decision = None
    if decided:
        decision = Decision.objects.create(
            application=application,
            number=f"D-{application.pk}",
            kind=DecisionKind.APPROVAL,
            decided_on=dt.date.today() - dt.timedelta(days=1),
            text="Рішення",
            decided_by=officer,
        )
    printed = PrintedDocument(
        application=application, kind=PrintedDocumentKind.RECEIPT, sha256="0" * 64, created_by=clerk
    )
    printed.file.save("receipt.pdf", ContentFile(PDF_BYTES), save=False)
    printed.save()
    return Side(
        application=application,
        scan=make_scan(application),
        registry_request=make_registry_request(application),
        decision=decision,
        printed=printed,
        e_application=e_application,
        service=version.service,
    )


def _e_application(office, service) -> EApplication:
    client, _token = create_api_client(hromada=office.hromada, name=f"Портал {office.code}")
    return EApplication.objects.create(
        client=client,
        hromada=office.hromada,
        office=office,
        service=service,
        applicant={"kind": "person", "last_name": "Петренко", "first_name": "Іван"},
    )


def build_world() -> World:
    hromada_a, hromada_b = HromadaFactory(), HromadaFactory()
    o1, o2 = OfficeFactory(hromada=hromada_a), OfficeFactory(hromada=hromada_a)
    o3 = OfficeFactory(hromada=hromada_b)
    shared, b_own = ProviderFactory(hromada=None), ProviderFactory(hromada=hromada_b)
    shared_version = ServiceVersionFactory(service__provider=shared, published=True)
    shared_version.service.offices.add(o1, o2, o3)
    b_version = ServiceVersionFactory(service__provider=b_own, published=True)
    b_version.service.offices.add(o3)

    world = World()
    world.users = {
        Role.ADMINISTRATOR.value: UserFactory(role=Role.ADMINISTRATOR, office=o1),
        Role.STAROSTA.value: UserFactory(role=Role.STAROSTA, office=o1),
        Role.PROVIDER_OFFICER.value: UserFactory(
            role=Role.PROVIDER_OFFICER, office=None, hromada=hromada_a, provider=shared
        ),
        Role.CNAP_HEAD.value: UserFactory(role=Role.CNAP_HEAD, office=o1),
        Role.COMMUNITY_HEAD.value: UserFactory(role=Role.COMMUNITY_HEAD, office=None, hromada=hromada_a),
        Role.CATALOG_MANAGER.value: UserFactory(role=Role.CATALOG_MANAGER, office=None, hromada=hromada_a),
        "superuser": UserFactory(role="", office=None, hromada=None, is_superuser=True, is_staff=True),
    }
    officers = {
        shared.pk: world.users[Role.PROVIDER_OFFICER.value],
        b_own.pk: UserFactory(role=Role.PROVIDER_OFFICER, office=None, hromada=hromada_b, provider=b_own),
    }
    clerks = {o1.pk: world.users[Role.ADMINISTRATOR.value]}
    for office in (o2, o3):
        clerks[office.pk] = UserFactory(role=Role.ADMINISTRATOR, office=office)
    journals = {office.pk: RegistrationJournalFactory(office=office) for office in (o1, o2, o3)}
    inbox = {office.pk: _e_application(office, shared_version.service) for office in (o1, o2, o3)}
    layout = {
        "own_office": (o1, shared_version),
        "other_office": (o2, shared_version),
        "other_hromada": (o3, b_version),
        "shared_provider": (o3, shared_version),
    }
    assert set(layout) == set(OBJECT_SETS)
    queues = {office.pk: _queue(office) for office in (o1, o2, o3)}
    for object_set, (office, version) in layout.items():
        world.offices[object_set] = office
        for state in CASE_STATES:
            side = _case(
                journal=journals[office.pk],
                version=version,
                state=state,
                clerk=clerks[office.pk],
                officer=officers[version.service.provider_id],
                e_application=inbox[office.pk],
            )
            (
                side.window,
                side.kiosk_token,
                side.queue_group,
                side.booking_token,
                side.cancel_token,
                side.booking_id,
            ) = queues[office.pk]
            world.cases[(object_set, state)] = side
    return world


def _queue(office):
    """A queue window of the office serving one group, the kiosk's link to a ticket in it, and a visit
    booked for tomorrow with its confirmation and cancel links."""
    import datetime as dt

    from django.utils import timezone

    from equeue.actions import issue_ticket
    from equeue.models import Booking, ServiceGroup, Window
    from equeue.views import ticket_link_token
    from equeue.views_booking import booking_link_token

    group = ServiceGroup.objects.create(office=office, letter="А", name="Консультація")
    window = Window.objects.create(office=office, number=1)
    window.groups.add(group)
    starts_at = timezone.now() + dt.timedelta(days=1)
    booking = Booking.objects.create(
        office=office, group=group, starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=15), name="Запис"
    )
    ticket = ticket_link_token(issue_ticket(office=office, group=group))
    return window, ticket, group, booking_link_token(booking), booking.cancel_token, booking.pk
