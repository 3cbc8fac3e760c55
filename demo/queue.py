"""The demo offices' electronic queue (seed_demo): service groups mapped to the catalog's services,
windows with their administrators, opening hours, today's tickets made by the queue's own actions
(issued, called, recalled, no-shows, served, some out of turn, some booked, some with their case) and the
previous working days' tickets written at once, so the dashboard has figures. Idempotent: a day that has
tickets in an office is left as it is; groups, windows and hours are matched by their keys."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from applications.constants import ApplicationStatus
from applications.models import Application
from cnap.accounts.models import Office, User
from cnap.workdays import office_calendar
from equeue import actions
from equeue.constants import BookingChannel, BookingStatus, TicketStatus
from equeue.models import Booking, OpeningHours, PriorityCategory, QueueDay, ServiceGroup, Ticket, Window
from reporting.queue_stats import rebuild_queue_stats
from services.constants import ServiceCategory as C

from .staff import ensure_demo_allowed

# letter: (name, catalog categories, average service minutes, target wait minutes)
DEMO_GROUPS = {
    "А": ("Реєстрація місця проживання, документи", [C.RESIDENCE, C.IDENTITY, C.MILITARY], 10, 15),
    "Б": ("Нерухомість, земля, будівництво", [C.REAL_ESTATE, C.LAND, C.CONSTRUCTION], 20, 20),
    "В": ("Бізнес і податки", [C.BUSINESS, C.TAX], 15, 20),
    "Г": ("Соціальні та інші послуги", [C.SOCIAL, C.CIVIL_STATUS, C.MUNICIPAL, C.OTHER], 12, 15),
}
# office code: {window number: (operator's user name or None, group letters)}
DEMO_WINDOWS = {
    "ЦНАП1": {1: ("administrator", "АГ"), 2: ("head", "АБВГ"), 3: (None, "БВ")},
    "ТП1": {1: ("administrator2", "АБВГ")},
}
# office code: {weekday: (opens, closes)}
DEMO_HOURS = {
    "ЦНАП1": {0: (8, 17), 1: (8, 17), 2: (8, 20), 3: (8, 17), 4: (8, 16)},
    "ТП1": {0: (8, 16), 1: (8, 16), 2: (8, 16), 3: (8, 16), 4: (8, 16)},
}
# visitors an hour, by office; the groups' shares of them
ARRIVALS_PER_HOUR = {"ЦНАП1": 6.0, "ТП1": 3.0}
GROUP_WEIGHTS = {"А": 5, "Б": 2, "В": 1, "Г": 3}
PRIORITY_SHARE = 0.08
BOOKED_SHARE = 0.12
NO_SHOW_SHARE = 0.07
CASE_SHARE = 0.3  # of the tickets served today: a case registered at the window is linked
PAST_WORKING_DAYS = 10


@dataclass
class Visit:
    """A simulated visitor: when they took a ticket, and what happened at the window."""

    letter: str
    issued_at: dt.datetime
    priority: bool = False
    booked_for: dt.datetime | None = None
    window: int | None = None
    called_at: dt.datetime | None = None
    recalls: list[dt.datetime] = field(default_factory=list)
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    no_show: bool = False


def _at(day: dt.date, hour: float) -> dt.datetime:
    base = dt.datetime.combine(day, dt.time(0))
    return timezone.make_aware(base + dt.timedelta(hours=hour), timezone.get_default_timezone())


def simulate_day(rng: random.Random, office_code: str, day: dt.date, groups: dict) -> list[Visit]:
    """One day of an office: arrivals within the opening hours, windows calling the next (out of turn
    first, then in the order they came) and serving for about the group's average time."""
    opens, closes = DEMO_HOURS[office_code][day.weekday()]
    minute = dt.timedelta(minutes=1)
    rate = ARRIVALS_PER_HOUR[office_code]
    letters = [letter for letter in GROUP_WEIGHTS if letter in groups]
    visits = []
    moment = _at(day, opens) + rng.expovariate(rate) * 60 * minute
    end = _at(day, closes) - 10 * minute
    while moment < end:
        visit = Visit(letter=rng.choices(letters, weights=[GROUP_WEIGHTS[x] for x in letters])[0], issued_at=moment)
        visit.priority = rng.random() < PRIORITY_SHARE
        if not visit.priority and rng.random() < BOOKED_SHARE:
            visit.booked_for = moment + rng.randint(0, 8) * minute
        visits.append(visit)
        moment += rng.expovariate(rate) * 60 * minute
    windows = {
        number: {"free_at": _at(day, opens) + rng.randint(0, 10) * minute, "letters": set(letters_served)}
        for number, (operator, letters_served) in DEMO_WINDOWS[office_code].items()
        if operator
    }
    waiting: list[Visit] = []
    arrivals = iter(visits)
    upcoming = next(arrivals, None)
    while upcoming is not None or waiting:
        number = min(windows, key=lambda n: windows[n]["free_at"])
        free_at = windows[number]["free_at"]
        if upcoming is not None and upcoming.issued_at <= free_at:
            waiting.append(upcoming)
            upcoming = next(arrivals, None)
            continue
        mine = [v for v in waiting if v.letter in windows[number]["letters"]]
        if not mine:
            later = [v.issued_at for v in visits if v.issued_at > free_at]
            if not later and not waiting:
                break
            windows[number]["free_at"] = min(later) if later else free_at + 5 * minute
            continue
        visit = min(mine, key=lambda v: (not v.priority, v.issued_at))
        waiting.remove(visit)
        visit.window, visit.called_at = number, free_at
        if rng.random() < NO_SHOW_SHARE:
            visit.no_show = True
            visit.recalls = [free_at + minute, free_at + 2 * minute]
            visit.finished_at = free_at + 3 * minute
        else:
            visit.started_at = free_at + rng.randint(0, 2) * minute
            average = groups[visit.letter].average_service_minutes
            visit.finished_at = visit.started_at + max(2.0, rng.gauss(average, average / 3)) * minute
        windows[number]["free_at"] = visit.finished_at + rng.randint(0, 1) * minute
    return visits


def ensure_queue_config(office: Office) -> tuple[dict[str, ServiceGroup], dict[int, Window]]:
    """The office's groups (with their catalog services), windows and opening hours."""
    from services.models import Service

    groups = {}
    for position, (letter, (name, categories, average, target)) in enumerate(DEMO_GROUPS.items()):
        group, created = ServiceGroup.objects.get_or_create(
            office=office,
            letter=letter,
            defaults={
                "name": name,
                "average_service_minutes": average,
                "target_wait_minutes": target,
                "position": position,
            },
        )
        if created:
            group.services.set(Service.objects.filter(category__in=categories))
        groups[letter] = group
    windows = {}
    users = {
        u.username: u for u in User.objects.filter(username__in=[op for op, _ in DEMO_WINDOWS[office.code].values()])
    }
    for number, (operator, letters) in DEMO_WINDOWS[office.code].items():
        window, created = Window.objects.get_or_create(
            office=office, number=number, defaults={"label": f"Вікно {number}", "operator": users.get(operator or "")}
        )
        if created:
            window.groups.set([groups[letter] for letter in letters])
        windows[number] = window
    for weekday, (opens, closes) in DEMO_HOURS[office.code].items():
        OpeningHours.objects.get_or_create(
            office=office, weekday=weekday, defaults={"opens_at": dt.time(opens), "closes_at": dt.time(closes)}
        )
    return groups, windows


def _booking(office, group, visit: Visit, status: str) -> Booking:
    assert visit.booked_for is not None
    return Booking(
        office=office,
        group=group,
        starts_at=visit.booked_for,
        ends_at=visit.booked_for + dt.timedelta(minutes=15),
        name="Демо Відвідувач",
        status=status,
        channel=BookingChannel.WEB,
        checked_in_at=visit.issued_at if status == BookingStatus.CHECKED_IN else None,
    )


def write_past_day(office, day: dt.date, visits: list[Visit], groups: dict, windows: dict, priority) -> int:
    """A finished day's tickets written at once (the day is over: every visitor was called)."""
    numbers: dict[str, int] = {}
    bookings = Booking.objects.bulk_create(
        [_booking(office, groups[v.letter], v, BookingStatus.CHECKED_IN) for v in visits if v.booked_for]
    )
    booked = iter(bookings)
    tickets = []
    for visit in visits:
        numbers[visit.letter] = numbers.get(visit.letter, 0) + 1
        number = numbers[visit.letter]
        window = windows[visit.window]
        tickets.append(
            Ticket(
                office=office,
                group=groups[visit.letter],
                date=day,
                number=number,
                code=actions.ticket_code(visit.letter, number),
                status=TicketStatus.NO_SHOW if visit.no_show else TicketStatus.DONE,
                priority=priority if visit.priority else None,
                booking=next(booked) if visit.booked_for else None,
                booked_for=visit.booked_for,
                window=window,
                served_by_id=window.operator_id,
                issued_at=visit.issued_at,
                queued_at=visit.issued_at,
                called_at=visit.called_at,
                last_called_at=visit.recalls[-1] if visit.recalls else visit.called_at,
                started_at=visit.started_at,
                finished_at=visit.finished_at,
                call_count=1 + len(visit.recalls),
            )
        )
    Ticket.objects.bulk_create(tickets)
    QueueDay.objects.bulk_create(
        [QueueDay(group=groups[letter], date=day, last_number=n) for letter, n in numbers.items()]
    )
    return len(tickets)


def play_today(office, visits: list[Visit], groups: dict, windows: dict, priority, until: dt.datetime) -> int:
    """Today's visitors through the queue's actions, in the order things happened, up to ``until``:
    what comes later (a call, the end of a service) has not happened yet, so some wait and some are
    at a window when the demo starts."""
    events: list[tuple[dt.datetime, int, str, Visit]] = []
    for visit in visits:
        # At one moment: a window's visit ends (0) before tickets are issued (1) and the next is called (2).
        events.append((visit.issued_at, 1, "issue", visit))
        if visit.called_at:
            events.append((visit.called_at, 2, "call", visit))
            events += [(moment, 3, "recall", visit) for moment in visit.recalls]
            if visit.no_show:
                events.append((visit.finished_at, 0, "no_show", visit))  # type: ignore[arg-type]
            else:
                events.append((visit.started_at, 3, "start", visit))  # type: ignore[arg-type]
                events.append((visit.finished_at, 0, "finish", visit))  # type: ignore[arg-type]
    events.sort(key=lambda e: (e[0], e[1]))
    called: dict[int, Ticket | None] = {}  # by id(visit): the ticket the real «call next» gave
    issued = 0
    for moment, _order, kind, visit in events:
        if moment > until:
            break
        if kind == "issue":
            booking = None
            if visit.booked_for:
                booking = _booking(office, groups[visit.letter], visit, BookingStatus.BOOKED)
                booking.save()
            actions.issue_ticket(
                office=office,
                group=groups[visit.letter],
                priority=priority if visit.priority else None,
                booking=booking,
                now=moment,
            )
            issued += 1
            continue
        window = windows[visit.window]
        operator = window.operator
        if kind == "call":
            called[id(visit)] = actions.call_next(window=window, acting_user=operator, now=moment)
            continue
        if called.get(id(visit)) is None:  # the real queue had no one for this window then
            continue
        move = {
            "recall": actions.recall,
            "no_show": actions.mark_no_show,
            "start": actions.start_service,
            "finish": actions.finish,
        }[kind]
        move(window=window, acting_user=operator, now=moment)
    return issued


def link_cases(office, tickets: list[Ticket], rng: random.Random) -> int:
    """Some visits served today brought a case: linked as a registration from the ticket would link it."""
    free = list(
        Application.objects.filter(office=office, queue_visit__isnull=True)
        .exclude(status=ApplicationStatus.DRAFT)
        .order_by("-registered_at")[: len(tickets)]
    )
    linked = 0
    for ticket in tickets:
        if free and rng.random() < CASE_SHARE and actions.link_case(ticket_id=ticket.pk, application=free.pop(0)):
            linked += 1
    return linked


def seed_demo_queue(*, now: dt.datetime | None = None, seed: int = 2026) -> dict[str, int]:
    """The demo queue of every demo office that has windows (see DEMO_WINDOWS); safe to run again."""
    ensure_demo_allowed()
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    priority = PriorityCategory.objects.filter(is_active=True).order_by("position", "code").first()
    result = {"past": 0, "today": 0, "cases": 0}
    for office in Office.objects.filter(code__in=list(DEMO_WINDOWS)).order_by("code"):
        with transaction.atomic():
            groups, windows = ensure_queue_config(office)
        calendar = office_calendar(office)
        days = []
        day = today - dt.timedelta(days=1)
        while len(days) < PAST_WORKING_DAYS:
            if calendar.is_working_day(day) and day.weekday() in DEMO_HOURS[office.code]:
                days.append(day)
            day -= dt.timedelta(days=1)
        done = set(Ticket.objects.filter(office=office, date__gte=days[-1]).values_list("date", flat=True).distinct())
        with transaction.atomic():
            for day in days:
                if day not in done:
                    rng = random.Random(f"{seed}-{office.code}-{day}")
                    visits = simulate_day(rng, office.code, day, groups)
                    result["past"] += write_past_day(office, day, visits, groups, windows, priority)
        if today not in done and calendar.is_working_day(today) and today.weekday() in DEMO_HOURS[office.code]:
            rng = random.Random(f"{seed}-{office.code}-{today}")
            visits = simulate_day(rng, office.code, today, groups)
            with transaction.atomic():
                result["today"] += play_today(office, visits, groups, windows, priority, now)
                served = list(Ticket.objects.filter(office=office, date=today, status=TicketStatus.DONE))
                result["cases"] += link_cases(office, served, rng)
    if result["past"]:
        rebuild_queue_stats()
    return result
