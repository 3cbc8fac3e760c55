import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from services.constants import FeeBase
from services.fees import MissingSubsistenceMinimum, charges, compute_fee
from services.models import FeeComponent

from .factories import PAYEE, ServiceVersionFactory, SubsistenceMinimumFactory, add_fee

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def minimums():
    SubsistenceMinimumFactory(year=2024, amount=Decimal("3028.00"))
    SubsistenceMinimumFactory(year=2026, amount=Decimal("3328.00"))


def test_a_service_without_charges_costs_nothing():
    version = ServiceVersionFactory()
    assert compute_fee(version, on_date=dt.date(2026, 3, 2)) == Decimal("0.00")
    assert compute_fee(version, on_date=dt.date(2026, 3, 2), late=True) == Decimal("0.00")
    assert charges(version, on_date=dt.date(2026, 3, 2)) == []


def test_a_fixed_fee_is_the_amount_whatever_the_year():
    version = ServiceVersionFactory()
    add_fee(version, amount="279.00")
    assert compute_fee(version, on_date=dt.date(2026, 3, 2)) == Decimal("279.00")
    assert compute_fee(version, on_date=dt.date(2030, 1, 1)) == Decimal("279.00")


@pytest.mark.parametrize(
    ("on_date", "late", "expected"),
    [
        (dt.date(2024, 6, 1), False, Decimal("45.42")),  # 3028 x 0.015
        (dt.date(2024, 6, 1), True, Decimal("75.70")),  # 3028 x 0.025
        (dt.date(2026, 1, 1), False, Decimal("49.92")),
        (dt.date(2026, 12, 31), True, Decimal("83.20")),
    ],
)
def test_a_share_of_the_subsistence_minimum_of_that_year_with_a_late_tier(on_date, late, expected):
    version = ServiceVersionFactory()
    add_fee(version, share="0.015")
    add_fee(version, share="0.025", option="late", order=2)
    assert compute_fee(version, on_date=on_date, late=late) == expected


def test_rounding_half_up_to_kopecks_or_to_the_nearest_ten():
    version = ServiceVersionFactory()
    component = add_fee(version, share="0.00015")  # 3328 x 0.00015 = 0.4992 -> 0.50
    assert compute_fee(version, on_date=dt.date(2026, 5, 5)) == Decimal("0.50")
    FeeComponent.objects.filter(pk=component.pk).update(share=Decimal("0.05"), rounding="nearest_10")
    assert compute_fee(version, on_date=dt.date(2026, 5, 5)) == Decimal("170.00")  # 166.40 -> 170
    assert compute_fee(version, on_date=dt.date(2024, 5, 5)) == Decimal("150.00")  # 151.40 -> 150


def test_state_duty_is_a_share_of_17_uah():
    version = ServiceVersionFactory()
    add_fee(version, share="0.3", base=FeeBase.NMDG, charge_kind="state_duty")
    assert compute_fee(version, on_date=dt.date(2026, 5, 5)) == Decimal("5.10")


def test_late_filing_without_a_late_tier_uses_the_ordinary_charge():
    version = ServiceVersionFactory()
    add_fee(version, share="0.1")
    assert compute_fee(version, on_date=dt.date(2026, 2, 2), late=True) == Decimal("332.80")


def test_an_add_on_is_charged_only_when_chosen():
    version = ServiceVersionFactory()
    add_fee(version, share="0.05")
    add_fee(version, share="0.025", option="drrp_data", slot=2, rounding="nearest_10", order=2)
    assert compute_fee(version, on_date=dt.date(2026, 2, 2)) == Decimal("166.40")
    assert compute_fee(version, on_date=dt.date(2026, 2, 2), options={"drrp_data"}) == Decimal("246.40")


def test_a_year_without_a_subsistence_minimum_is_an_error_not_last_years_amount():
    version = ServiceVersionFactory()
    add_fee(version, share="0.1")
    with pytest.raises(MissingSubsistenceMinimum) as excinfo:
        compute_fee(version, on_date=dt.date(2027, 1, 4))
    assert excinfo.value.year == 2027
    assert "2027" in str(excinfo.value)


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"base": "fixed"}, "amount"),
        ({"base": "subsistence_minimum"}, "share"),
        ({"base": "fixed", "amount": Decimal("10"), "share": Decimal("0.1")}, "share"),
        ({"base": "fixed", "amount": Decimal("10"), "iban": "UA00123"}, "iban"),
        ({"base": "fixed", "amount": Decimal("10"), "payee_edrpou": "00032113"}, "payee_edrpou"),
        ({"base": "fixed", "amount": Decimal("10"), "budget_code": "2201"}, "budget_code"),
    ],
)
def test_the_charge_rule_must_be_consistent(fields, bad_field):
    component = FeeComponent(version=ServiceVersionFactory(), title="Збір", **{**PAYEE, **fields})
    with pytest.raises(ValidationError) as excinfo:
        component.full_clean()
    assert bad_field in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("term_value", "term_unit", "bad_field"),
    [
        (None, "working_days", "term_value"),
        (0, "calendar_days", "term_value"),
        (None, "hours", "term_value"),
        (None, "months", "term_value"),
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
