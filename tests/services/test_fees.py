import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from services.constants import FeeKind
from services.fees import MissingSubsistenceMinimum, compute_fee

from .factories import ServiceVersionFactory, SubsistenceMinimumFactory

pytestmark = pytest.mark.django_db

PAID = {"payment_iban": "UA213223130000026007233566001", "payment_recipient": "ГУК у Київ.обл/тг"}


@pytest.fixture(autouse=True)
def minimums():
    SubsistenceMinimumFactory(year=2024, amount=Decimal("3028.00"))
    SubsistenceMinimumFactory(year=2026, amount=Decimal("3328.00"))


def test_a_free_service_costs_nothing():
    version = ServiceVersionFactory(fee_kind=FeeKind.FREE)
    assert compute_fee(version, on_date=dt.date(2026, 3, 2)) == Decimal("0.00")
    assert compute_fee(version, on_date=dt.date(2026, 3, 2), late=True) == Decimal("0.00")


def test_a_fixed_fee_is_the_amount_whatever_the_year():
    version = ServiceVersionFactory(fee_kind=FeeKind.FIXED, fee_amount=Decimal("279.00"), **PAID)
    assert compute_fee(version, on_date=dt.date(2026, 3, 2)) == Decimal("279.00")
    assert compute_fee(version, on_date=dt.date(2030, 1, 1)) == Decimal("279.00")


@pytest.mark.parametrize(
    ("on_date", "late", "expected"),
    [
        # 3028 x 0.0085 = 25.738 -> 25.74; 3028 x 0.0255 = 77.214 -> 77.21
        (dt.date(2024, 6, 1), False, Decimal("25.74")),
        (dt.date(2024, 6, 1), True, Decimal("77.21")),
        # 3328 x 0.0085 = 28.288 -> 28.29; 3328 x 0.0255 = 84.864 -> 84.86
        (dt.date(2026, 1, 1), False, Decimal("28.29")),
        (dt.date(2026, 12, 31), True, Decimal("84.86")),
    ],
)
def test_a_fraction_of_the_subsistence_minimum_of_that_year(on_date, late, expected):
    version = ServiceVersionFactory(
        fee_kind=FeeKind.SUBSISTENCE_FRACTION,
        fee_fraction=Decimal("0.0085"),
        fee_fraction_late=Decimal("0.0255"),
        **PAID,
    )
    assert compute_fee(version, on_date=on_date, late=late) == expected


def test_rounding_is_half_up_to_kopecks():
    # 3328 x 0.00125 = 4.16 exactly; 3328 x 0.000125 = 0.416 -> 0.42; 3028 x 0.0005 = 1.514 -> 1.51
    version = ServiceVersionFactory(fee_kind=FeeKind.SUBSISTENCE_FRACTION, fee_fraction=Decimal("0.00125"), **PAID)
    assert compute_fee(version, on_date=dt.date(2026, 5, 5)) == Decimal("4.16")
    version.fee_fraction = Decimal("0.00015")  # 3328 x 0.00015 = 0.4992 -> 0.50
    assert compute_fee(version, on_date=dt.date(2026, 5, 5)) == Decimal("0.50")
    version.fee_fraction = Decimal("0.00005")  # 3028 x 0.00005 = 0.1514 -> 0.15
    assert compute_fee(version, on_date=dt.date(2024, 5, 5)) == Decimal("0.15")
    SubsistenceMinimumFactory(year=2023, amount=Decimal("2685.00"))
    version.fee_fraction = Decimal("0.001")  # 2685 x 0.001 = 2.685 -> 2.69 (half up, not to even)
    assert compute_fee(version, on_date=dt.date(2023, 5, 5)) == Decimal("2.69")


def test_late_filing_without_a_late_fraction_uses_the_ordinary_one():
    version = ServiceVersionFactory(fee_kind=FeeKind.SUBSISTENCE_FRACTION, fee_fraction=Decimal("0.1"), **PAID)
    assert compute_fee(version, on_date=dt.date(2026, 2, 2), late=True) == Decimal("332.80")


def test_a_year_without_a_subsistence_minimum_is_an_error_not_last_years_amount():
    version = ServiceVersionFactory(fee_kind=FeeKind.SUBSISTENCE_FRACTION, fee_fraction=Decimal("0.1"), **PAID)
    with pytest.raises(MissingSubsistenceMinimum) as excinfo:
        compute_fee(version, on_date=dt.date(2027, 1, 4))
    assert excinfo.value.year == 2027
    assert "2027" in str(excinfo.value)


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"fee_kind": FeeKind.FIXED, **PAID}, "fee_amount"),
        ({"fee_kind": FeeKind.SUBSISTENCE_FRACTION, **PAID}, "fee_fraction"),
        ({"fee_kind": FeeKind.FREE, "fee_amount": Decimal("10")}, "fee_amount"),
        ({"fee_kind": FeeKind.FIXED, "fee_amount": Decimal("10")}, "payment_iban"),
        ({"fee_kind": FeeKind.FIXED, "fee_amount": Decimal("10"), **PAID, "payment_iban": "UA00123"}, "payment_iban"),
        (
            {"fee_kind": FeeKind.FIXED, "fee_amount": Decimal("10"), **PAID, "payment_recipient_edrpou": "00032113"},
            "payment_recipient_edrpou",
        ),
    ],
)
def test_the_fee_rule_must_be_consistent(fields, bad_field):
    version = ServiceVersionFactory.build(service=ServiceVersionFactory(published=True).service, number=2, **fields)
    with pytest.raises(ValidationError) as excinfo:
        version.full_clean()
    assert bad_field in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("term_value", "term_unit", "bad_field"),
    [
        (None, "working_days", "term_value"),
        (0, "calendar_days", "term_value"),
        (None, "hours", "term_value"),
        (3, "weeks", "term_unit"),
    ],
)
def test_term_validation(term_value, term_unit, bad_field):
    version = ServiceVersionFactory.build(
        service=ServiceVersionFactory(published=True).service, number=2, term_value=term_value, term_unit=term_unit
    )
    with pytest.raises(ValidationError) as excinfo:
        version.full_clean()
    assert bad_field in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("term_value", "term_unit"),
    [(10, "working_days"), (30, "calendar_days"), (24, "hours"), (None, "same_day"), (None, "next_working_day")],
)
def test_valid_terms_pass(term_value, term_unit):
    version = ServiceVersionFactory.build(
        service=ServiceVersionFactory(published=True).service, number=2, term_value=term_value, term_unit=term_unit
    )
    version.full_clean()
