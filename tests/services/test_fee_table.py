"""The fee of every service of the demo catalog in every year 2024-2026, against cited amounts.

The subsistence minimum for able-bodied persons on 1 January: 3028 UAH in 2024 and 2025, 3328 UAH in
2026 (the State Budget laws); the non-taxable minimum income for state duty: 17 UAH. Where an amount
was read in a published source it is cited beside the row; the others follow from the rule and its
act (docs/legal-sources.md says which rules are verified and which are not).
"""

import datetime as dt
from decimal import Decimal

import pytest

from services.catalog_io import load_demo_catalog
from services.fees import charges, compute_fee, round_amount
from services.models import Service
from services.selectors import version_in_force

pytestmark = pytest.mark.django_db

Y = (2024, 2025, 2026)
FREE = (
    "01-04 02-01 02-02 03-01 03-03 05-03 05-04 05-05 06-01 06-02 06-03 06-04 06-05 "
    "08-02 08-03 08-04 08-05 08-06 09-01 09-02"
).split()

# (service, options, amounts in 2024, 2025, 2026, where the amount was read)
TABLE = [
    # Residence, Law 1871-IX: 1.5 % ПМ, late 2.5 % ПМ, to the kopeck.
    ("01-01", (), ("45.42", "45.42", "49.92"), "petropavlivsca-gromada.gov.ua/news/1707213340 (2024: 45,42)"),
    ("01-01", ("late",), ("75.70", "75.70", "83.20"), "petropavlivsca-gromada.gov.ua (2024: 75,70)"),
    ("01-02", (), ("45.42", "45.42", "49.92"), "kyivcnap.gov.ua: 1,5 % ПМ"),
    ("01-02", ("late",), ("75.70", "75.70", "83.20"), "kyivcnap.gov.ua: 2,5 % ПМ"),
    ("01-03", (), ("45.42", "45.42", "49.92"), "petropavlivsca-gromada.gov.ua (зняття: 45,42)"),
    ("01-03", ("late",), ("75.70", "75.70", "83.20"), "petropavlivsca-gromada.gov.ua (75,70)"),
    # State duty, Decree 7-93: shares of the НМДГ (17 UAH).
    ("02-03", (), ("0.85", "0.85", "0.85"), "0,05 НМДГ"),
    ("02-04", (), ("8.50", "8.50", "8.50"), "0,5 НМДГ"),
    ("02-05", (), ("5.10", "5.10", "5.10"), "0,3 НМДГ"),
    ("02-05", ("repeat",), ("51.00", "51.00", "51.00"), "3 НМДГ"),
    # ЄДР, Law 755-IV art. 36: rounded to the nearest 10 UAH.
    ("03-02", (), ("300.00", "300.00", "330.00"), "0,1 ПМ: 302,80 → 300; 332,80 → 330"),
    ("03-04", (), ("150.00", "150.00", "170.00"), "0,05 ПМ: 151,40 → 150; 166,40 → 170"),
    # ДРРП, Law 1952-IV art. 34: rounded to the nearest 10 UAH, urgency tiers.
    ("04-01", (), ("300.00", "300.00", "330.00"), "kozynska-gromada.gov.ua/news/1704113778 (2024: 300)"),
    ("04-01", ("urgent_2wd",), ("3030.00", "3030.00", "3330.00"), "kozynska-gromada.gov.ua (2024: 3030)"),
    ("04-01", ("urgent_1wd",), ("6060.00", "6060.00", "6660.00"), "kozynska-gromada.gov.ua (2024: 6060)"),
    ("04-01", ("urgent_2h",), ("15140.00", "15140.00", "16640.00"), "kozynska-gromada.gov.ua (2024: 15140)"),
    ("04-02", (), ("80.00", "80.00", "80.00"), "petropavlivsca-gromada.gov.ua (2024: 80 на папері)"),
    # ДЗК: 0.05 ПМ to the kopeck; with ДРРП data the ДРРП fee is added as a second payment.
    ("05-01", (), ("151.40", "151.40", "166.40"), "petropavlivsca-gromada.gov.ua (2024: 151,40)"),
    ("05-01", ("drrp_data",), ("231.40", "231.40", "246.40"), "petropavlivsca-gromada.gov.ua (+80)"),
    ("05-02", (), ("181.68", "181.68", "199.68"), "0,06 ПМ (unverified)"),
    # ID card: the blank form and the service, two payments (amounts unverified).
    ("07-01", (), ("345.00", "345.00", "345.00"), "279 + 66 (unverified)"),
    ("07-01", ("urgent",), ("463.00", "463.00", "463.00"), "279 + 184 (unverified)"),
    ("08-01", (), ("302.80", "302.80", "332.80"), "0,1 ПМ (unverified)"),
]


@pytest.fixture
def catalog():
    load_demo_catalog()
    return {s.local_code: s for s in Service.objects.all()}


def _version(catalog, code, year):
    """The catalog's rule (its version in force from 2026; the laws' rules did not change in 2024-2026)."""
    return version_in_force(catalog[code], dt.date(2026, 12, 31))


def test_every_service_of_the_catalog_is_in_the_table(catalog):
    assert set(catalog) == set(FREE) | {row[0] for row in TABLE}


@pytest.mark.parametrize("code", FREE)
def test_free_services_cost_nothing_in_every_year(catalog, code):
    for year in Y:
        assert compute_fee(_version(catalog, code, year), on_date=dt.date(year, 6, 1)) == Decimal("0.00")


@pytest.mark.parametrize(("code", "options", "amounts", "source"), TABLE, ids=[f"{r[0]}{r[1]}" for r in TABLE])
def test_fee_of_each_service_in_each_year(catalog, code, options, amounts, source):
    for year, expected in zip(Y, amounts, strict=True):
        version = _version(catalog, code, year)
        assert compute_fee(version, on_date=dt.date(year, 3, 2), options=options) == Decimal(expected), (year, source)


def test_2023_real_property_fees_match_the_published_table(catalog):
    """berezanska-gromada.gov.ua (ПМ 2684): 270, 2680, 5370, 13420 UAH."""
    version = _version(catalog, "04-01", 2026)
    got = [
        compute_fee(version, on_date=dt.date(2023, 5, 5), options=o)
        for o in [(), ("urgent_2wd",), ("urgent_1wd",), ("urgent_2h",)]
    ]
    assert got == [Decimal("270.00"), Decimal("2680.00"), Decimal("5370.00"), Decimal("13420.00")]


def test_split_payments_each_with_its_own_payee_and_budget_code(catalog):
    version = _version(catalog, "05-01", 2026)
    first, second = charges(version, on_date=dt.date(2026, 3, 2), options={"drrp_data"})
    assert (first.slot, first.amount) == (1, Decimal("166.40"))
    assert (second.slot, second.amount, second.component.budget_code) == (2, Decimal("80.00"), "22012600")
    assert first.component.iban != second.component.iban


def test_budget_codes_of_the_registers_are_not_swapped(catalog):
    edr = {
        c.component.budget_code
        for code in ("03-02", "03-04")
        for c in charges(_version(catalog, code, 2026), on_date=dt.date(2026, 3, 2))
    }
    drrp = {
        c.component.budget_code
        for code in ("04-01", "04-02")
        for c in charges(_version(catalog, code, 2026), on_date=dt.date(2026, 3, 2))
    }
    assert edr == {"22010300"} and drrp == {"22012600"}


def test_an_exemption_zeroes_the_payments_it_covers(catalog):
    version = _version(catalog, "07-01", 2026)
    exemption = version.fee_exemptions.get()
    assert exemption.proving_document
    assert compute_fee(version, on_date=dt.date(2026, 3, 2), exemption=exemption) == Decimal("0.00")
    assert [c.amount for c in charges(version, on_date=dt.date(2026, 3, 2), exemption=exemption)] == [
        Decimal("279.00"),
        Decimal("66.00"),
    ]


@pytest.mark.parametrize(
    ("value", "rounding", "expected"),
    [
        ("165.00", "nearest_10", "170.00"),
        ("164.99", "nearest_10", "160.00"),
        ("83.20", "nearest_10", "80.00"),
        ("3328.00", "nearest_10", "3330.00"),
        ("0.4992", "kopeck", "0.50"),
        ("2.685", "kopeck", "2.69"),
    ],
)
def test_rounding_per_legal_regime(value, rounding, expected):
    assert round_amount(Decimal(value), rounding) == Decimal(expected)
