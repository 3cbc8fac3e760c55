"""The persons served out of turn are data with their acts: seeded by the migration, each with its act
(and article where one is known), none marked verified until checked against the official text."""

import pytest

from equeue.models import PriorityCategory
from equeue.priority_categories import CATEGORIES, VETERANS_ACT

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_every_category_with_its_act():
    seeded = {c.code: c for c in PriorityCategory.objects.all()}
    assert set(seeded) == {data["code"] for data in CATEGORIES}
    for category in seeded.values():
        assert category.legal_act and category.name and category.kiosk_label
        assert category.is_active and not category.is_verified


@pytest.mark.parametrize(
    ("code", "article"),
    [
        ("combatants", "ст. 12"),
        ("war-disabled", "ст. 13"),
        ("war-participants", "ст. 14"),
        ("fallen-families", "ст. 15"),
    ],
)
def test_veterans_categories_cite_the_veterans_law(code, article):
    category = PriorityCategory.objects.get(code=code)
    assert category.legal_act == VETERANS_ACT and "3551-XII" in category.legal_act
    assert category.article == article
    assert category.source_url == "https://zakon.rada.gov.ua/laws/show/3551-12"


def test_a_category_without_a_national_act_says_where_its_rule_lives():
    pregnant = PriorityCategory.objects.get(code="pregnant")
    assert "Регламент ЦНАП" in pregnant.legal_act and pregnant.note
