"""The demo hromada, its offices and one user per role (seed_demo). Embedded mode only."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Count

from cnap.accounts.constants import OfficeKind, Role
from cnap.accounts.models import Hromada, Office, User
from services.actions import set_provider_officer
from services.models import Provider

DEMO_PASSWORD = "cnap-demo-2026"

DEMO_HROMADA = {
    "name": "Світанківська сільська територіальна громада",
    "council_name": "Світанківська сільська рада",
    "edrpou": "04054903",
    "region": "Київська область",
    "address": "вул. Центральна, 1, с. Світанок, Київська обл., 08100",
    "phone": "+380 44 000 00 00",
    "email": "rada@svitanok-demo.gov.ua",
}

DEMO_OFFICES = [
    {
        "code": "ЦНАП1",
        "kind": OfficeKind.CNAP,
        "name": "Центр надання адміністративних послуг Світанківської сільської ради",
        "short_name": "ЦНАП Світанок",
        "address": "вул. Центральна, 1, с. Світанок",
        "schedule": "Пн–Чт 08:00–17:00, Пт 08:00–16:00, Ср до 20:00; без перерви",
        "phone": "+380 44 000 00 01",
        "email": "cnap@svitanok-demo.gov.ua",
    },
    {
        "code": "ТП1",
        "kind": OfficeKind.BRANCH,
        "name": "Територіальний підрозділ ЦНАП у с. Заріччя",
        "short_name": "ТП Заріччя",
        "address": "вул. Шкільна, 5, с. Заріччя",
        "schedule": "Пн–Пт 08:00–16:00",
        "phone": "+380 44 000 00 02",
    },
    {
        "code": "ВРМ1",
        "kind": OfficeKind.REMOTE,
        "name": "Віддалене робоче місце адміністратора у с. Вишневе",
        "short_name": "ВРМ Вишневе",
        "address": "вул. Садова, 12, с. Вишневе (приміщення старостату)",
        "schedule": "Вт, Чт 09:00–15:00",
        "phone": "+380 44 000 00 03",
    },
]

# username: (role, office code or None, last name, first name, patronymic, position)
DEMO_USERS = {
    "administrator": (Role.ADMINISTRATOR, "ЦНАП1", "Коваленко", "Олена", "Петрівна", "адміністратор ЦНАП"),
    "administrator2": (Role.ADMINISTRATOR, "ТП1", "Литвиненко", "Оксана", "Іванівна", "адміністратор ЦНАП"),
    "starosta": (Role.STAROSTA, "ВРМ1", "Мельник", "Петро", "Васильович", "староста с. Вишневе"),
    "provider": (Role.PROVIDER_OFFICER, None, "Бондаренко", "Ірина", "Олегівна", "головний спеціаліст"),
    "head": (Role.CNAP_HEAD, "ЦНАП1", "Ткаченко", "Наталія", "Миколаївна", "начальник відділу ЦНАП"),
    "mayor": (Role.COMMUNITY_HEAD, None, "Шевчук", "Василь", "Андрійович", "сільський голова"),
    "catalog": (Role.CATALOG_MANAGER, None, "Кравченко", "Андрій", "Сергійович", "адміністратор системи"),
}


def ensure_demo_allowed() -> None:
    if not settings.CNAP_DEMO_ALLOWED:
        raise ImproperlyConfigured("Demo data with known passwords is only allowed in the embedded mode.")


@transaction.atomic
def seed_demo_staff() -> dict[str, User]:
    """Creates or refreshes the demo hromada, offices and users; safe to run again."""
    ensure_demo_allowed()
    hromada, _ = Hromada.objects.update_or_create(name=DEMO_HROMADA["name"], defaults=DEMO_HROMADA)
    offices = {}
    for data in DEMO_OFFICES:
        office, _ = Office.objects.update_or_create(code=data["code"], defaults={**data, "hromada": hromada})
        offices[office.code] = office
    users = {}
    for username, (role, office_code, last, first, patronymic, position) in DEMO_USERS.items():
        user, created = User.objects.update_or_create(
            username=username,
            defaults={
                "role": role,
                "office": offices.get(office_code),
                "hromada": hromada,
                "last_name": last,
                "first_name": first,
                "patronymic": patronymic,
                "position": position,
                "email": f"{username}@svitanok-demo.gov.ua",
                "is_active": True,
            },
        )
        if created:  # a demo user given a new password (or locked: lock_demo_users) keeps it
            user.set_password(DEMO_PASSWORD)
            user.save()
        users[username] = user
    root, created = User.objects.update_or_create(
        username="root",
        defaults={"is_superuser": True, "is_staff": True, "hromada": hromada, "last_name": "Адміністратор"},
    )
    if created:
        root.set_password(DEMO_PASSWORD)
        root.save()
    users["root"] = root
    return users


def link_demo_provider_officer() -> str:
    """The demo provider officer works for the provider of most demo services (the council's
    executive committee, which decides on residence registration)."""
    ensure_demo_allowed()
    provider = (
        Provider.objects.filter(short_name="Виконком Світанківської сільради").first()
        or Provider.objects.annotate(n=Count("services")).order_by("-n", "pk").first()
    )
    if provider is None:
        return "no provider in the catalog"
    for user in User.objects.filter(username="provider"):
        set_provider_officer(user=user, provider=provider)
    return f"provider officer works for {provider}"


def demo_users_with_known_password() -> list[str]:
    """The user names of demo users whose password is still the published one (checked, not assumed:
    a demo user given another password, or locked, is not listed)."""
    from django.contrib.auth.hashers import check_password

    candidates = User.objects.filter(
        models.Q(username__in=[*DEMO_USERS, "root"]) | models.Q(username__startswith="provider-")
    ).order_by("username")
    known: dict[str, bool] = {}  # one hash may serve many users (seeded together): checked once
    names = []
    for user in candidates.only("username", "password"):
        if user.password not in known:
            known[user.password] = bool(user.password) and check_password(DEMO_PASSWORD, user.password)
        if known[user.password]:
            names.append(user.username)
    return names


def lock_demo_users() -> list[str]:
    """Demo users with the published password can no longer log in (unusable password); returns them.
    A superuser gives any of them a password again with ``manage.py changepassword <name>``."""
    names = demo_users_with_known_password()
    for user in User.objects.filter(username__in=names):
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return names
