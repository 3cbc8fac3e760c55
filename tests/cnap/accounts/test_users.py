import pytest
from django.core.exceptions import ValidationError

from cnap.accounts.constants import Role
from cnap.accounts.models import User
from cnap.accounts.permissions import CAPABILITIES, can
from tests.factories import HromadaFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_office_roles_require_an_office():
    for role in (Role.ADMINISTRATOR, Role.STAROSTA, Role.CNAP_HEAD):
        user = User(username=f"u-{role}", role=role)
        with pytest.raises(ValidationError) as error:
            user.full_clean(exclude=["password"])
        assert "office" in error.value.message_dict


def test_community_head_requires_a_hromada():
    with pytest.raises(ValidationError) as error:
        User(username="mayor", role=Role.COMMUNITY_HEAD).full_clean(exclude=["password"])
    assert "hromada" in error.value.message_dict
    User(username="mayor2", role=Role.COMMUNITY_HEAD, hromada=HromadaFactory()).full_clean(exclude=["password"])


def test_staff_in_an_office_belong_to_its_hromada():
    office = OfficeFactory()
    user = UserFactory(role=Role.ADMINISTRATOR, office=office, hromada=None)
    user.refresh_from_db()
    assert user.hromada == office.hromada


def test_names_for_documents():
    user = User(username="x", last_name="Шевченко", first_name="Тарас", patronymic="Григорович")
    assert user.full_name == "Шевченко Тарас Григорович"
    assert user.short_name == "Шевченко Т. Г."


def test_capabilities_follow_roles():
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    mayor = UserFactory(role=Role.COMMUNITY_HEAD)
    catalog = UserFactory(role=Role.CATALOG_MANAGER)
    assert can(administrator, "register_applications")
    assert not can(administrator, "edit_catalog")
    assert not can(mayor, "register_applications")
    assert can(mayor, "view_dashboard")
    assert capabilities(catalog) == {"view_catalog", "edit_catalog"}


def test_no_capability_for_inactive_or_roleless_users():
    inactive = UserFactory(role=Role.ADMINISTRATOR, is_active=False)
    roleless = UserFactory(role="", office=None)
    assert capabilities(inactive) == frozenset()
    assert capabilities(roleless) == frozenset()


def test_superuser_may_do_everything():
    root = UserFactory(role="", office=None, is_superuser=True)
    assert capabilities(root) == frozenset(CAPABILITIES)


def test_changes_to_staff_are_in_the_history_with_their_author():
    head = UserFactory(role=Role.CNAP_HEAD)
    user = UserFactory(role=Role.ADMINISTRATOR)
    user._history_user = head
    user.position = "головний адміністратор"
    user.save()
    latest = user.history.first()
    assert latest.position == "головний адміністратор"
    assert latest.history_user == head


def capabilities(user) -> frozenset[str]:
    return frozenset(name for name in CAPABILITIES if can(user, name))
