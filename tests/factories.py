import factory
from factory.django import DjangoModelFactory

from cnap.accounts.constants import OFFICE_ROLES, OfficeKind, Role
from cnap.accounts.models import Hromada, Office, OfficeDayOff, User

TEST_PASSWORD = "test-password-2026"


class HromadaFactory(DjangoModelFactory):
    class Meta:
        model = Hromada
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Тестова громада {n}")
    council_name = factory.LazyAttribute(lambda o: f"{o.name} рада")


class OfficeFactory(DjangoModelFactory):
    class Meta:
        model = Office

    hromada = factory.SubFactory(HromadaFactory)
    name = factory.Sequence(lambda n: f"ЦНАП №{n}")
    short_name = factory.LazyAttribute(lambda o: o.name)
    code = factory.Sequence(lambda n: f"Ц{n}")
    kind = OfficeKind.CNAP
    address = "вул. Центральна, 1"
    schedule = "Пн–Пт 08:00–17:00"


class OfficeDayOffFactory(DjangoModelFactory):
    class Meta:
        model = OfficeDayOff

    office = factory.SubFactory(OfficeFactory)
    reason = "Рішення виконкому"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Олена"
    last_name = factory.Sequence(lambda n: f"Коваленко{n}")
    patronymic = "Петрівна"
    role = Role.ADMINISTRATOR
    office = factory.LazyAttribute(lambda o: OfficeFactory() if o.role in OFFICE_ROLES else None)
    hromada = factory.LazyAttribute(lambda o: o.office.hromada if o.office else HromadaFactory())
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def provider(obj, create, extracted, **kwargs):
        """``UserFactory(provider=...)``: the provider officer works for that provider."""
        if create and extracted is not None:
            from services.actions import set_provider_officer

            set_provider_officer(user=obj, provider=extracted)
