import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from cnap.accounts.constants import OfficeKind, Role
from cnap.accounts.models import Hromada, Office, User
from demo.staff import DEMO_PASSWORD
from services.models import Provider
from services.selectors import provider_id_of

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_offices_and_one_user_per_role():
    call_command("seed_demo", applications=12, stdout=open("/dev/null", "w"))
    assert Hromada.objects.count() == 1
    assert set(Office.objects.values_list("kind", flat=True)) == {
        OfficeKind.CNAP,
        OfficeKind.BRANCH,
        OfficeKind.REMOTE,
    }
    assert set(Role.values) <= set(User.objects.values_list("role", flat=True))
    administrator = User.objects.get(username="administrator")
    assert administrator.check_password(DEMO_PASSWORD)
    assert administrator.office.kind == OfficeKind.CNAP
    assert User.objects.get(username="starosta").office.kind == OfficeKind.REMOTE
    assert User.objects.get(username="root").is_superuser


def test_seed_demo_is_idempotent():
    call_command("seed_demo", applications=12, stdout=open("/dev/null", "w"))
    counts = (Hromada.objects.count(), Office.objects.count(), User.objects.count())
    User.objects.filter(username="administrator").update(first_name="changed")
    call_command("seed_demo", applications=12, stdout=open("/dev/null", "w"))
    assert (Hromada.objects.count(), Office.objects.count(), User.objects.count()) == counts
    assert User.objects.get(username="administrator").first_name == "Олена"


def test_seed_demo_refuses_outside_the_embedded_mode(settings):
    settings.CNAP_DEMO_ALLOWED = False
    with pytest.raises(ImproperlyConfigured):
        call_command("seed_demo", applications=12, stdout=open("/dev/null", "w"))
    assert not User.objects.filter(username="administrator").exists()


def test_seed_demo_loads_the_catalog_and_links_the_provider_officer():
    from services.models import Service

    call_command("seed_demo", applications=12, stdout=open("/dev/null", "w"))
    assert Service.objects.count() >= 30
    officer = User.objects.get(username="provider")
    assert Provider.objects.get(pk=provider_id_of(officer)) is not None
    assert Provider.objects.get(pk=provider_id_of(officer)).services.exists()


def test_seed_demo_registers_demo_applications_once():
    from applications.models import Application

    call_command("seed_demo", applications=12, stdout=open("/dev/null", "w"))
    assert Application.objects.count() == 12
    assert Application.objects.values("office").distinct().count() >= 2
    call_command("seed_demo", applications=12, stdout=open("/dev/null", "w"))
    assert Application.objects.count() == 12
