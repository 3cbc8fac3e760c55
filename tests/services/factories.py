import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory
from stdnum.ua import edrpou

from services.constants import FeeBase, ServiceCategory, StageAction, VersionStatus
from services.models import (
    FeeComponent,
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
    national_id = factory.Sequence(lambda n: f"9{n:04d}")
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
    result = "Внесення відомостей до реєстру територіальної громади"
    result_delivery = factory.LazyFunction(lambda: ["in_person"])
    channels = factory.LazyFunction(lambda: ["in_person"])
    approved_by = "Виконавчий комітет Світанківської сільської ради"
    approval_act = "рішення № 12"
    approval_date = dt.date(2025, 12, 29)
    complaint_body = "Світанківський сільський голова"
    complaint_address = "вул. Центральна, 1, с. Світанок"
    complaint_term = "протягом 30 днів"
    complaint_court = "Київський окружний адміністративний суд"

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
            duration_unit="same_day",
        ).save(allow_published=published)
        RefusalGround(
            version=obj, order=1, text="Подання неповного пакета документів", citation="Закон № 1871-IX, ст. 8, ч. 1"
        ).save(allow_published=published)


PAYEE = {
    "payee": "ГУК у Київ.обл/Світанківська тг/22012500",
    "payee_edrpou": "37955989",
    "iban": "UA598999980000031417919000001",
    "budget_code": "22012500",
    "legal_source": "Закон України № 1871-IX",
}


def add_fee(
    version, *, share=None, amount=None, option="", slot=1, rounding="kopeck", base=None, **fields
) -> FeeComponent:
    """A charge row on ``version`` (a share of the subsistence minimum, or a fixed ``amount``)."""
    from services.models import ServiceVersion

    base = base or (FeeBase.FIXED if amount is not None else FeeBase.SUBSISTENCE_MINIMUM)
    component = FeeComponent(
        version=version,
        slot=slot,
        option=option,
        title=fields.pop("title", "Адміністративний збір"),
        base=base,
        share=None if share is None else Decimal(str(share)),
        amount=None if amount is None else Decimal(str(amount)),
        rounding=rounding,
        **{**PAYEE, **fields},
    )
    component.save(allow_published=version.status == VersionStatus.PUBLISHED)
    assert isinstance(version, ServiceVersion)
    return component
