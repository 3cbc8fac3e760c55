import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from stdnum.ua import edrpou, rntrc

from applications.constants import ApplicantKind, ApplicationStatus, IdentityDocumentType
from applications.models import Applicant, Application, RegistrationJournal
from tests.factories import HromadaFactory, OfficeFactory, UserFactory
from tests.services.factories import ServiceVersionFactory


def valid_rnokpp(n: int, *, born: dt.date = dt.date(1985, 5, 17), male: bool = False) -> str:
    """A РНОКПП with a correct check digit: days since 31.12.1899, a serial whose last digit
    tells the sex (odd for men), then the check digit."""
    days = (born - dt.date(1899, 12, 31)).days
    serial = f"{n % 1000:03d}{1 if male else 2}"
    first_nine = f"{days:05d}{serial}"
    return first_nine + rntrc.calc_check_digit(first_nine)


def valid_edrpou(n: int) -> str:
    seven = f"{3100000 + n:07d}"
    return seven + edrpou.calc_check_digit(seven)


class ApplicantFactory(DjangoModelFactory):
    class Meta:
        model = Applicant

    hromada = factory.SubFactory(HromadaFactory)
    kind = ApplicantKind.PERSON
    last_name = factory.Sequence(lambda n: f"Шевченко{n}")
    first_name = "Тарас"
    patronymic = "Григорович"
    birth_date = dt.date(1985, 5, 17)
    rnokpp = factory.Sequence(valid_rnokpp)
    document_type = IdentityDocumentType.ID_CARD
    document_number = factory.Sequence(lambda n: f"{100000000 + n}")
    address = "вул. Садова, 3, с. Світанок"
    phone = "+380501234567"
    consent_given_at = factory.LazyFunction(timezone.now)


class LegalEntityApplicantFactory(ApplicantFactory):
    kind = ApplicantKind.LEGAL_ENTITY
    last_name = ""
    first_name = ""
    patronymic = ""
    birth_date = None
    rnokpp = ""
    document_type = ""
    document_number = ""
    name = factory.Sequence(lambda n: f"ТОВ «Світанок-Агро {n}»")
    edrpou = factory.Sequence(valid_edrpou)
    head_name = "Мельник Петро Васильович"


class RegistrationJournalFactory(DjangoModelFactory):
    class Meta:
        model = RegistrationJournal

    office = factory.SubFactory(OfficeFactory)
    name = "Журнал реєстрації заяв"
    prefix = factory.LazyAttribute(lambda o: o.office.code)
    is_default = True


class ApplicationFactory(DjangoModelFactory):
    """A registered case created directly (no numbering lock, no receipt): for tests of what
    happens after registration. Registration itself is tested through its action."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    journal = factory.SubFactory(RegistrationJournalFactory)
    office = factory.LazyAttribute(lambda o: o.journal.office)
    hromada = factory.LazyAttribute(lambda o: o.office.hromada)
    service_version = factory.SubFactory(ServiceVersionFactory, published=True)
    service = factory.LazyAttribute(lambda o: o.service_version.service)
    provider = factory.LazyAttribute(lambda o: o.service.provider)
    applicant = factory.SubFactory(ApplicantFactory, hromada=factory.SelfAttribute("..hromada"))
    year = 2026
    sequence = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: f"{o.journal.prefix}-{o.year}-{o.sequence:06d}")
    status = ApplicationStatus.REGISTERED
    registered_at = factory.LazyFunction(timezone.now)
    status_changed_at = factory.LazyAttribute(lambda o: o.registered_at)
    registered_by = factory.SubFactory(UserFactory, office=factory.SelfAttribute("..office"))
    due_date = factory.LazyAttribute(lambda o: timezone.localdate(o.registered_at) + dt.timedelta(days=10))
    initial_due_date = factory.LazyAttribute(lambda o: o.due_date)

    @factory.post_generation
    def parties(obj, create, extracted, **kwargs):
        """The case's applicant (and representative) as submitted, copied from the register as the
        registration does."""
        if not create:
            return
        from applications.constants import PartyRole
        from applications.models import PARTY_FIELDS, CaseParty

        for role, record in ((PartyRole.APPLICANT, obj.applicant), (PartyRole.REPRESENTATIVE, obj.representative)):
            if record is not None:
                CaseParty.objects.create(
                    application=obj,
                    role=role,
                    applicant=record,
                    **{name: getattr(record, name) for name in PARTY_FIELDS},
                )
