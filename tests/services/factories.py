import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory
from stdnum.ua import edrpou

from services.constants import FeeKind, ServiceCategory, StageAction, VersionStatus
from services.models import (
    Provider,
    RefusalGround,
    RequiredDocument,
    Service,
    ServiceVersion,
    SubsistenceMinimum,
    TechCardStage,
)


def _edrpou(n: int) -> str:
    seven = f"{4300000 + n:07d}"
    return seven + edrpou.calc_check_digit(seven)


class SubsistenceMinimumFactory(DjangoModelFactory):
    class Meta:
        model = SubsistenceMinimum
        django_get_or_create = ("year",)

    year = 2026
    amount = Decimal("3328.00")


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Відділ державної реєстрації №{n}")
    short_name = factory.Sequence(lambda n: f"Відділ №{n}")
    edrpou = factory.Sequence(_edrpou)
    address = "вул. Центральна, 1, с. Світанок"
    schedule = "Пн–Пт 08:00–17:00"
    phone = "+380 44 000 00 00"


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    local_code = factory.Sequence(lambda n: f"T-{n:03d}")
    category = ServiceCategory.RESIDENCE
    provider = factory.SubFactory(ProviderFactory)


class ServiceVersionFactory(DjangoModelFactory):
    """A draft by default; `published=True` publishes it (valid from 1 January 2026) with one stage."""

    class Meta:
        model = ServiceVersion
        skip_postgeneration_save = True

    class Params:
        published = factory.Trait(status=VersionStatus.PUBLISHED, valid_from=dt.date(2026, 1, 1))

    service = factory.SubFactory(ServiceFactory)
    number = factory.LazyAttribute(lambda o: o.service.versions.count() + 1)
    title = "Декларування місця проживання (перебування) особи"
    legal_basis = "Закон України «Про свободу пересування та вільний вибір місця проживання в Україні»"
    term_value = None
    term_unit = "same_day"
    fee_kind = FeeKind.FREE
    result = "Внесення відомостей до реєстру територіальної громади"
    result_delivery = factory.LazyFunction(lambda: ["in_person"])
    channels = factory.LazyFunction(lambda: ["in_person"])

    @factory.post_generation
    def with_parts(obj, create, extracted, **kwargs):
        """Documents, stages and grounds are added (before publishing) unless `with_parts=False`."""
        if not create or extracted is False:
            return
        published = obj.status == VersionStatus.PUBLISHED
        RequiredDocument(version=obj, order=1, name="Декларація про місце проживання").save(allow_published=published)
        RequiredDocument(version=obj, order=2, name="Паспорт громадянина України", kind="original").save(
            allow_published=published
        )
        TechCardStage(
            version=obj,
            order=1,
            name="Прийом і реєстрація заяви",
            responsible_position="Адміністратор ЦНАП",
            unit="Відділ ЦНАП",
            action=StageAction.EXECUTES,
            duration_unit="same_day",
        ).save(allow_published=published)
        TechCardStage(
            version=obj,
            order=2,
            name="Внесення відомостей до реєстру",
            responsible_position="Посадова особа органу реєстрації",
            action=StageAction.CONFIRMS,
            duration=1,
            duration_unit="working_days",
        ).save(allow_published=published)
        RefusalGround(version=obj, order=1, text="Подання неповного пакета документів").save(allow_published=published)
