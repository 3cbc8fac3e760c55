"""A queue set up for tests: an office with service groups, windows and the administrators at them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import factory
from factory.django import DjangoModelFactory

from cnap.accounts.constants import Role
from equeue.models import ServiceGroup, Window
from tests.factories import OfficeFactory, UserFactory

LETTERS = "АБВГДЕЖИКЛМНПРСТУФ"


class ServiceGroupFactory(DjangoModelFactory):
    class Meta:
        model = ServiceGroup

    office = factory.SubFactory(OfficeFactory)
    letter = factory.Sequence(lambda n: LETTERS[n % len(LETTERS)])
    name = factory.Sequence(lambda n: f"Група {n}")
    average_service_minutes = 10


class WindowFactory(DjangoModelFactory):
    class Meta:
        model = Window
        skip_postgeneration_save = True

    office = factory.SubFactory(OfficeFactory)
    number = factory.Sequence(lambda n: n + 1)
    is_open = True

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.groups.set(extracted)


@dataclass
class Hall:
    office: object
    groups: list
    windows: list
    users: list = field(default_factory=list)

    @property
    def user(self):
        return self.users[0]


def make_hall(*, office=None, groups: int = 2, windows: int = 2, letters: str = "АБВГДЕ") -> Hall:
    """``groups`` groups (letters А, Б, ...), ``windows`` windows each serving every group, and an
    administrator of the office per window."""
    office = office or OfficeFactory()
    made_groups = [
        ServiceGroupFactory(office=office, letter=letters[i], name=f"Група {letters[i]}", position=i)
        for i in range(groups)
    ]
    made_windows = [WindowFactory(office=office, number=i + 1, groups=made_groups) for i in range(windows)]
    users = [UserFactory(role=Role.ADMINISTRATOR, office=office) for _ in range(windows)]
    return Hall(office=office, groups=made_groups, windows=made_windows, users=users)


def at(hour: int, minute: int = 0, *, day: dt.date | None = None) -> dt.datetime:
    """A moment of a working Monday (or ``day``) in Kyiv."""
    from zoneinfo import ZoneInfo

    day = day or dt.date(2026, 11, 30)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Europe/Kyiv"))
