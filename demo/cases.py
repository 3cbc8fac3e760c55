"""Demo applications for `seed_demo`: a few hundred cases over the last months in the demo offices,
registered through `register_application` (so numbers, due dates, fees and history are real)."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from stdnum.ua import rntrc

from applications.actions import decisions, workflow
from applications.actions.deadlines import mark_overdue
from applications.actions.registration import register_application
from applications.constants import ApplicationStatus, DecisionKind
from applications.models import Application, Decision, StatusChange, Suspension
from cnap.accounts.constants import Role
from cnap.accounts.models import Hromada, Office, User
from cnap.workdays import office_calendar
from reporting.stats import rebuild_stats
from services.actions import set_provider_officer
from services.constants import DeliveryMethod, FeeOption
from services.fees import has_option
from services.models import Provider, RefusalGround
from services.selectors import provider_id_of, services_offered_by, version_in_force

from .staff import DEMO_HROMADA, DEMO_PASSWORD, ensure_demo_allowed

__all__ = ["progress_demo_applications", "seed_demo_applications"]

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
                late_filing=has_option(version, FeeOption.LATE) and rng.random() < 0.1,
                acting_user=registrars[office.pk],
                registered_at=moment,
            )
            registered += 1
    return registered


# --------------------------------------------------------------------------------------------------------------
# The lifecycle: demo cases carried on through the real workflow actions, with a believable history.

#: Shares of the cases whose term ended a while ago (older cases); the rest is issued (or waits for pickup).
REFUSED_SHARE = 0.04
WITHDRAWN_SHARE = 0.02
LEFT_SHARE = 0.01
STALLED_SHARE = 0.01  # forgotten at the provider: open and overdue
UNCLAIMED_SHARE = 0.03
LATE_SHARE = 0.06  # decided after the due date
REVISION_SHARE = 0.05
SUSPENSION_SHARE = 0.05
OFFICERS = [
    ("Гнатюк", "Ірина", "Василівна"),
    ("Остапенко", "Володимир", "Миколайович"),
    ("Дмитренко", "Алла", "Петрівна"),
    ("Кириленко", "Сергій", "Іванович"),
    ("Олійник", "Наталія", "Богданівна"),
    ("Бойко", "Андрій", "Олексійович"),
    ("Павленко", "Людмила", "Юріївна"),
    ("Сидоренко", "Ігор", "Степанович"),
    ("Левченко", "Марина", "Олегівна"),
    ("Зінченко", "Олександр", "Вікторович"),
]
DAY_START, DAY_END = dt.time(8, 30), dt.time(17, 30)
HISTORY = {
    "application": Application.history.model,
    "decision": Decision.history.model,
    "suspension": Suspension.history.model,
}


class _Stop(Exception):
    """The next step of a case would happen after now: the case stays where it is."""


def _demo_provider_officers(applications) -> dict[int, User]:
    """The officer of each provider with demo cases: the demo "provider" user for the provider it is linked
    to, else one demo officer per provider (username ``provider-<edrpou>``, the demo password)."""
    officers: dict[int, User] = {}
    password = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 is slow on purpose
    linked = User.objects.filter(username="provider", role=Role.PROVIDER_OFFICER).first()
    if linked is not None and provider_id_of(linked):
        officers[provider_id_of(linked)] = linked
    provider_ids = sorted({app.provider_id for app in applications} - set(officers))
    for index, provider in enumerate(Provider.objects.filter(pk__in=provider_ids).order_by("pk")):
        last, first, patronymic = OFFICERS[index % len(OFFICERS)]
        hromada = next(app.hromada for app in applications if app.provider_id == provider.pk)
        user, _created = User.objects.get_or_create(
            username=f"provider-{provider.edrpou or provider.pk}",
            defaults={
                "role": Role.PROVIDER_OFFICER,
                "hromada": hromada,
                "last_name": last,
                "first_name": first,
                "patronymic": patronymic,
                "position": "головний спеціаліст",
                "email": f"provider-{provider.edrpou or provider.pk}@svitanok-demo.gov.ua",
                "password": password,
            },
        )
        set_provider_officer(user=user, provider=provider)
        officers[provider.pk] = user
    return officers


class _Case:
    """Carries one case on, step by step: each action runs now, then the rows it wrote get the planned
    moment (after the previous step, before now)."""

    def __init__(self, app, *, officer, calendar, rng, now):
        self.app = app
        self.officer = officer
        self.registrar = app.registered_by
        self.calendar = calendar
        self.rng = rng
        self.now = now
        self.moment = app.registered_at
        self.moves = 0
        self.tz = timezone.get_current_timezone()

    # Moments ------------------------------------------------------------------------------------------------
    def _at(self, day: dt.date, earliest: dt.datetime | None = None) -> dt.datetime:
        start = dt.datetime.combine(day, DAY_START, tzinfo=self.tz)
        if earliest is not None and earliest > start:
            start = earliest
        end = max(dt.datetime.combine(day, DAY_END, tzinfo=self.tz), start + dt.timedelta(minutes=10))
        span = int((end - start).total_seconds() // 60)
        return start + dt.timedelta(minutes=self.rng.randrange(5, max(6, span)))

    def later(self, working_days: int = 0) -> dt.datetime:
        """A moment after the last step: the same day if it fits (``working_days`` 0), else that many working
        days on, in office hours."""
        local = timezone.localtime(self.moment, self.tz)
        if working_days == 0:
            moment = local + dt.timedelta(minutes=self.rng.randrange(15, 150))
            if moment.time() <= DAY_END and moment.date() == local.date():
                return moment
            working_days = 1
        return self._at(self.calendar.add_working_days(local.date(), working_days))

    def on_day(self, day: dt.date) -> dt.datetime:
        local = timezone.localtime(self.moment, self.tz)
        return self._at(day, earliest=local + dt.timedelta(minutes=5) if day == local.date() else None)

    # Steps --------------------------------------------------------------------------------------------------
    def step(self, moment: dt.datetime, action, /, **kwargs):
        if moment >= self.now:
            raise _Stop
        started = timezone.now()
        result = action(application=self.app, **kwargs)
        app = result if isinstance(result, Application) else Application.objects.get(pk=result.application_id)
        self._stamp(app, started, moment, decided=isinstance(result, Decision))
        self.moment = moment
        self.moves += 1
        return result

    def _stamp(self, app: Application, started: dt.datetime, moment: dt.datetime, *, decided: bool) -> None:
        """The rows the action just wrote (at ``started`` or later) get the planned ``moment``."""
        app_id = app.pk
        StatusChange.objects.filter(application_id=app_id, changed_at__gte=started).update(changed_at=moment)
        fields = {"status_changed_at": moment}
        for name in ("sent_to_provider_at", "result_ready_at", "closed_at"):
            value = getattr(app, name)
            if value is not None and value >= started:
                fields[name] = moment
        Application.objects.filter(pk=app_id).update(**fields)
        for name, value in fields.items():
            setattr(app, name, value)
        # The versions the action saved carry the same moments (the case page lists them as its edits).
        HISTORY["application"].objects.filter(id=app_id, history_date__gte=started).update(
            history_date=moment, **fields
        )
        if decided:
            Decision.objects.filter(application_id=app_id, created_at__gte=started).update(created_at=moment)
            HISTORY["decision"].objects.filter(application_id=app_id, history_date__gte=started).update(
                history_date=moment
            )
        if app.status == ApplicationStatus.SUSPENDED or app.suspended_working_days:
            HISTORY["suspension"].objects.filter(application_id=app_id, history_date__gte=started).update(
                history_date=moment
            )
        self.app = app  # the locked copy the action saved (with its applicant and version)

    def send(self, working_days=None):
        if working_days is None:
            working_days = self.rng.choice((0, 0, 0, 1))
        self.step(self.later(working_days), workflow.send_to_provider, acting_user=self.registrar)

    def take(self, working_days=None):
        if working_days is None:
            working_days = self.rng.choice((0, 0, 1, 1, 2)) if self.term_days >= 3 else 0
        self.step(self.later(working_days), workflow.take_into_work, acting_user=self.officer)

    @property
    def term_days(self) -> int:
        return (self.app.due_date - timezone.localdate(self.app.registered_at, self.tz)).days

    def decision_moment(self, *, late: bool) -> dt.datetime:
        local = timezone.localtime(self.moment, self.tz)
        due = self.app.due_date
        if late:
            return self.on_day(self.calendar.add_working_days(max(due, local.date()), self.rng.randint(1, 5)))
        if due <= local.date():
            return self.later(0) if local.date() == due else self.later(1)
        days = [day for day in _days(local.date(), due) if self.calendar.is_working_day(day)] or [due]
        # Most decisions come in the first half of the term, a few near its end.
        day = days[min(len(days) - 1, int(len(days) * self.rng.random() ** 1.6))]
        return self.on_day(day)

    def decide(self, *, kind: str, late: bool, grounds=()):
        moment = self.decision_moment(late=late)
        day = timezone.localdate(moment, self.tz)
        if self.app.service_version.result_kind == "registrar_action":
            # A state registrar acts in the national register; the officer records that action.
            self.step(
                moment,
                decisions.record_registry_action,
                kind="refusal" if kind == DecisionKind.REFUSAL else "record",
                register_name=self.app.service_version.title[:300],
                record_number=f"{self.app.pk:06d}{day:%Y%m%d}",
                recorded_on=day,
                registrar=self.officer.full_name or self.officer.username,
                grounds=grounds,
                acting_user=self.officer,
            )
            return
        self.step(
            moment, decisions.record_decision, kind=kind, grounds=grounds, decided_on=day, acting_user=self.officer
        )

    def revision_detour(self):
        self.step(
            self.later(self.rng.choice((0, 1))),
            workflow.return_for_revision,
            comment="Не вистачає копії документа, що підтверджує право власності; заявника повідомлено.",
            acting_user=self.officer,
        )
        self.send(self.rng.randint(1, 4))
        self.take()

    def suspension(self, *, resume: bool):
        local = timezone.localtime(self.moment, self.tz)
        start_day = self.calendar.add_working_days(local.date(), self.rng.choice((0, 1)))
        self.step(
            self.on_day(start_day),
            workflow.suspend,
            reason="Очікування відповіді на запит до органу державної влади",
            legal_act="",
            started_on=start_day,
            acting_user=self.officer,
        )
        if resume:
            resume_day = self.calendar.add_working_days(start_day, self.rng.randint(2, 8))
            self.step(self.on_day(resume_day), workflow.resume, resumed_on=resume_day, acting_user=self.officer)

    def issue(self):
        delay = self.rng.choice((0, 0, 1, 1, 1, 2, 3, 5, 8))
        moment = self.later(delay)
        applicant = self.app.applicant
        document = applicant.document_number or applicant.rnokpp
        self.step(
            moment,
            workflow.issue_result,
            issued_to=applicant.display_name,
            identity_document=f"паспорт (ID-картка) № {document}",
            issued_at=moment,
            acting_user=self.registrar,
        )

    def unclaimed(self):
        storage = self.app.service_version.storage_days
        ready = timezone.localdate(self.app.result_ready_at, self.tz)
        day = self.calendar.working_day_on_or_after(ready + dt.timedelta(days=storage + self.rng.randint(1, 5)))
        self.step(
            self.on_day(day),
            workflow.mark_unclaimed,
            comment="Результат не отримано у строк зберігання; передано до архіву.",
            acting_user=self.registrar,
        )


def _days(start: dt.date, end: dt.date):
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def progress_demo_applications(*, seed: int = 2026) -> int:
    """Carry the demo hromada's applications through their lifecycle with the real workflow actions, as the
    demo users (the registrar of the office, one officer per provider): most older cases issued, a few
    refused (citing a ground), withdrawn, left without consideration or unclaimed, some still open
    (registered, sent, in progress, returned, suspended, result ready), a handful overdue. The rows the
    actions stamp with the current time get moments after registration and before now; the summary
    tables are rebuilt at the end and the overdue flags set by the daily job.

    Embedded (demo) mode only. Idempotent: does nothing (returns 0) when a demo case has already left
    ``registered``. Returns how many cases were moved."""
    ensure_demo_allowed()
    hromada = Hromada.objects.filter(name=DEMO_HROMADA["name"]).first()
    if hromada is None:
        return 0
    cases = Application.objects.filter(hromada=hromada)
    if not cases.exists() or cases.exclude(status=ApplicationStatus.REGISTERED).exists():
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        applications = list(
            cases.select_related("applicant", "service_version", "registered_by", "hromada").order_by(
                "registered_at", "id"
            )
        )
        officers = _demo_provider_officers(applications)
        plans = _outcomes(applications, rng, today)
        calendars = {}
        grounds = _grounds_by_version(applications)
        moved = 0
        for app in applications:
            if app.office_id not in calendars:
                calendars[app.office_id] = office_calendar(app.office_id)
            case = _Case(app, officer=officers[app.provider_id], calendar=calendars[app.office_id], rng=rng, now=now)
            try:
                _carry(case, plans.get(app.pk, "normal"), grounds.get(app.service_version_id, []))
            except _Stop:
                pass
            moved += bool(case.moves)
        mark_overdue(today=today)
        rebuild_stats()
    return moved


def _grounds_by_version(applications) -> dict[int, list]:
    grounds: dict[int, list] = {}
    version_ids = {app.service_version_id for app in applications}
    for ground in RefusalGround.objects.filter(version_id__in=version_ids).order_by("version_id", "order", "pk"):
        grounds.setdefault(ground.version_id, []).append(ground)
    return grounds


def _outcomes(applications, rng, today) -> dict[int, str]:
    """Special fates, chosen among the older cases (term ended more than a week ago) so that each shows up
    even in a small demo; the other cases follow the normal path and stop where "now" catches them."""
    older = [app for app in applications if app.due_date < today - dt.timedelta(days=7)]
    recent = [app for app in applications if app.due_date >= today]
    rng.shuffle(older)
    plans: dict[int, str] = {}

    def pick(pool, share, fate, *, at_least=1, only=lambda app: True):
        chosen = [app for app in pool if app.pk not in plans and only(app)]
        for app in chosen[: max(at_least, round(len(applications) * share))]:
            plans[app.pk] = fate

    by_admin = lambda app: app.registered_by.role == Role.ADMINISTRATOR  # noqa: E731 (withdrawals, unclaimed)
    pick(older, REFUSED_SHARE, "refused")
    pick(older, WITHDRAWN_SHARE, "withdrawn", only=by_admin)
    pick(older, LEFT_SHARE, "left", at_least=0)
    pick(older, STALLED_SHARE, "stalled")
    pick(older, UNCLAIMED_SHARE, "unclaimed", only=by_admin)
    long_recent = [app for app in recent if (app.due_date - timezone.localdate(app.registered_at)).days >= 7]
    rng.shuffle(long_recent)
    pick(long_recent, 0, "suspended_open")
    pick(long_recent, 0, "returned_open")
    return plans


def _carry(case: _Case, fate: str, grounds: list) -> None:
    rng = case.rng
    case.send()
    if fate == "withdrawn":
        if rng.random() < 0.5:
            case.take()
        case.step(
            case.later(rng.randint(1, 3)),
            workflow.transition,
            to_status=ApplicationStatus.WITHDRAWN,
            comment="Заяву відкликано за письмовою заявою заявника.",
            acting_user=case.registrar,
        )
        return
    case.take()
    if fate == "stalled":
        return
    if fate == "left":
        case.step(
            case.later(rng.randint(1, 3)),
            workflow.transition,
            to_status=ApplicationStatus.LEFT_WITHOUT_CONSIDERATION,
            comment="Заявник не подав оригінали документів на вимогу; заяву залишено без розгляду.",
            acting_user=case.officer,
        )
        return
    if fate == "returned_open":
        case.step(
            case.later(0),
            workflow.return_for_revision,
            comment="Потрібна нотаріально засвідчена копія довіреності.",
            acting_user=case.officer,
        )
        return
    if fate == "suspended_open":
        case.suspension(resume=False)
        return
    if case.term_days >= 5 and rng.random() < REVISION_SHARE:
        case.revision_detour()
    if case.term_days >= 10 and rng.random() < SUSPENSION_SHARE:
        case.suspension(resume=True)
    late = rng.random() < LATE_SHARE
    if fate == "refused" and grounds:
        case.decide(kind=DecisionKind.REFUSAL, late=late, grounds=[rng.choice(grounds)])
        return
    case.decide(kind=DecisionKind.APPROVAL, late=late)
    if fate == "unclaimed":
        case.unclaimed()
        return
    if case.app.due_date >= timezone.localdate(case.now) and rng.random() < 0.3:
        return  # ready before the term ends: waits for the applicant to come
    case.issue()
