"""Demo applications for `seed_demo`: a few hundred cases over the last months in the demo offices,
registered through `register_application` (so numbers, due dates, fees and history are real)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from stdnum.ua import rntrc

from applications.actions.registration import register_application
from applications.models import Application
from cnap.accounts.constants import Role
from cnap.accounts.models import Hromada, Office, User
from cnap.core.demo import DEMO_HROMADA
from cnap.workdays import office_calendar
from services.constants import DeliveryMethod
from services.selectors import services_offered_by, version_in_force

__all__ = ["seed_demo_applications"]

MEN = [
    ("Шевченко", "Тарас", "Григорович"),
    ("Коваленко", "Андрій", "Петрович"),
    ("Бондаренко", "Олег", "Іванович"),
    ("Ткаченко", "Василь", "Миколайович"),
    ("Кравченко", "Сергій", "Олександрович"),
    ("Мельник", "Богдан", "Степанович"),
    ("Лисенко", "Юрій", "Володимирович"),
    ("Марченко", "Дмитро", "Андрійович"),
    ("Савчук", "Роман", "Васильович"),
    ("Гончаренко", "Ігор", "Михайлович"),
    ("Руденко", "Максим", "Олегович"),
    ("Поліщук", "Віктор", "Богданович"),
    ("Кузьменко", "Назар", "Юрійович"),
    ("Ярошенко", "Євген", "Тарасович"),
]
WOMEN = [
    ("Шевченко", "Оксана", "Петрівна"),
    ("Коваленко", "Марія", "Іванівна"),
    ("Бондаренко", "Наталія", "Олегівна"),
    ("Ткаченко", "Ірина", "Василівна"),
    ("Кравченко", "Олена", "Миколаївна"),
    ("Мельник", "Галина", "Степанівна"),
    ("Лисенко", "Світлана", "Юріївна"),
    ("Мар’яненко", "Ольга", "Андріївна"),
    ("Савчук", "Тетяна", "Романівна"),
    ("Гончаренко", "Юлія", "Ігорівна"),
    ("Ґудзь", "Євгенія", "Олексіївна"),
    ("Поліщук", "Людмила", "Вікторівна"),
    ("Кузьменко", "Анастасія", "Сергіївна"),
    ("Ярошенко", "Дарина", "Євгенівна"),
]
STREETS = ["Центральна", "Шкільна", "Садова", "Миру", "Польова", "Лісова", "Зарічна", "Вишнева", "Козацька"]
VILLAGES = ["Світанок", "Заріччя", "Вишневе"]
MONTHS_BACK = 4


def _rnokpp(born: dt.date, serial: int, male: bool) -> str:
    days = (born - dt.date(1899, 12, 31)).days
    first_nine = f"{days:05d}{serial % 1000:03d}{1 if male else 2}"
    return first_nine + rntrc.calc_check_digit(first_nine)


def _people(rng: random.Random, count: int) -> list[dict]:
    people = []
    for index in range(count):
        male = rng.random() < 0.48
        last, first, patronymic = rng.choice(MEN if male else WOMEN)
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 66))
        people.append(
            {
                "kind": "person",
                "last_name": last,
                "first_name": first,
                "patronymic": patronymic,
                "birth_date": born,
                "rnokpp": _rnokpp(born, index, male),
                "document_type": "id_card",
                "document_number": f"{rng.randrange(10**8, 10**9):09d}",
                "address": f"вул. {rng.choice(STREETS)}, {rng.randrange(1, 120)}, с. {rng.choice(VILLAGES)}",
                "phone": f"+38067{rng.randrange(10**6, 10**7):07d}",
                "consent": True,
            }
        )
    return people


def _moments(rng: random.Random, office, count: int, start: dt.date, end: dt.date) -> list[dt.datetime]:
    """`count` registration moments on the office's working days in [start, end], in office hours, sorted."""
    calendar = office_calendar(office)
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    days = [day for day in days if calendar.is_working_day(day)]
    tz = timezone.get_current_timezone()
    moments = []
    for _ in range(count):
        day = rng.choice(days)
        moments.append(dt.datetime.combine(day, dt.time(8 + rng.randrange(0, 8), rng.randrange(0, 60)), tzinfo=tz))
    return sorted(moments)


def seed_demo_applications(*, count: int = 300, seed: int = 2026) -> int:
    """Register `count` demo applications in the demo hromada's offices over the last ~4 months.

    Idempotent: does nothing (returns 0) if the demo hromada already has applications, or if it or
    its catalog is missing. Returns the number registered.
    """
    hromada = Hromada.objects.filter(name=DEMO_HROMADA["name"]).first()
    if hromada is None or Application.objects.filter(hromada=hromada).exists():
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    start = today - dt.timedelta(days=30 * MONTHS_BACK)
    end = today - dt.timedelta(days=1)
    offices = list(Office.objects.filter(hromada=hromada, is_active=True).order_by("kind", "code"))
    registrars = {}
    for office in offices:
        user = (
            User.objects.filter(office=office, is_active=True)
            .filter(Q(role=Role.ADMINISTRATOR) | Q(role=Role.STAROSTA))
            .order_by("pk")
            .first()
        )
        if user is not None:
            registrars[office.pk] = user
    offices = [office for office in offices if office.pk in registrars]
    if not offices:
        return 0
    # The main CNAP takes most of the work; the branch and the remote workplace less.
    weights = [6 if office.kind == "cnap" else 3 if office.kind == "branch" else 1 for office in offices]
    per_office = {office.pk: 0 for office in offices}
    for office in rng.choices(offices, weights=weights, k=count):
        per_office[office.pk] += 1
    people = _people(rng, max(20, count * 2 // 3))
    # One outer transaction: all or nothing, and one commit instead of hundreds (fast on SQLite).
    # No scans are registered here, so the files caveat of register_application does not apply.
    with transaction.atomic():
        return _register_all(rng, offices, per_office, registrars, people, start, end)


def _register_all(rng, offices, per_office, registrars, people, start, end) -> int:
    registered = 0
    for office in offices:
        services = list(services_offered_by(office, on_date=start))
        if not services:
            continue
        versions: dict = {}
        # Popular services first: a few take most of the cases, as at a real counter.
        service_weights = [max(1, 12 - index) for index in range(len(services))]
        for moment in _moments(rng, office, per_office[office.pk], start, end):
            service = rng.choices(services, weights=service_weights, k=1)[0]
            version = version_in_force(service, moment.date())
            if version.pk not in versions:
                versions[version.pk] = list(version.documents.all())
            documents = []
            for doc in versions[version.pk]:
                if doc.mandatory or rng.random() < 0.4:
                    documents.append(
                        {"required_document": doc, "copies": doc.copies, "sheets": rng.choice((1, 1, 1, 2, 3))}
                    )
            if rng.random() < 0.1:
                documents.append({"name": "Довідка про склад сім’ї", "kind": "copy", "sheets": 1})
            delivery = version.result_delivery or [DeliveryMethod.IN_PERSON]
            channel = "in_person" if "in_person" in (version.channels or ["in_person"]) else version.channels[0]
            register_application(
                office=office,
                service=service,
                applicant=rng.choice(people),
                documents=documents,
                channel=channel,
                result_delivery="in_person" if "in_person" in delivery else delivery[0],
                late_filing=version.fee_fraction_late is not None and rng.random() < 0.1,
                acting_user=registrars[office.pk],
                registered_at=moment,
            )
            registered += 1
    return registered
