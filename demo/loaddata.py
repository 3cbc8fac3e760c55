"""Synthetic load data for the bench (make bench): a hromada with offices, staff, the catalog, and
N applications with their applicants, status history and documents over several years.

Written with PostgreSQL ``COPY ... FROM STDIN`` in chunks from an in-memory buffer (psycopg2
``copy_expert``), with ids assigned here so the child rows can point at their parents; the sequences,
the journal counters, ``ANALYZE`` and the dashboards' summary tables are brought up to date at the end.

Deterministic for a given ``seed`` and ``until`` date on an empty database. Every row is what the
actions would have written (valid РНОКПП with the birth date and sex in it, valid ЄДРПОУ, numbers
gap-free per journal and year in registration order, a status history that leads to the status), but
no ``simple_history`` rows are written for the generated cases.

Entry point: :func:`generate` (``manage.py generate_load_data``)."""

from __future__ import annotations

import bisect
import datetime as dt
import io
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from stdnum.ua import edrpou as edrpou_check
from stdnum.ua import rntrc

from applications.actions.registration import default_journal, format_number
from applications.constants import ApplicantKind, ApplicationStatus
from applications.models import (
    Applicant,
    Application,
    JournalCounter,
    StatusChange,
    SubmittedDocument,
    normalize_for_search,
)
from cnap.accounts.constants import OfficeKind, Role
from cnap.accounts.models import Hromada, Office, User
from cnap.workdays import TermUnit, WorkCalendar, compute_due_date
from reporting.stats import rebuild_stats as rebuild_summary_tables
from services.actions import load_demo_catalog, set_provider_officer
from services.constants import VersionStatus
from services.fees import MissingSubsistenceMinimum, compute_fee
from services.models import Provider, Service

__all__ = ["LOAD_HROMADA", "LoadReport", "OFFICE_SPECS", "generate", "rnokpp_for", "edrpou_for"]

KYIV = ZoneInfo("Europe/Kyiv")
S = ApplicationStatus
CHUNK_ROWS = 20_000

LOAD_HROMADA = {
    "name": "Новоградська міська територіальна громада",
    "council_name": "Новоградська міська рада",
    "edrpou": "04054903",
    "region": "Житомирська область",
    "address": "вул. Соборна, 1, м. Новоград, 11700",
}

# code, kind, short name, share of the hromada's registrations
OFFICE_SPECS = [
    ("НГ-ЦНАП", OfficeKind.CNAP, "ЦНАП Новоград", 30),
    ("НГ-ТП1", OfficeKind.BRANCH, "ТП Звягель", 14),
    ("НГ-ТП2", OfficeKind.BRANCH, "ТП Пилиповичі", 12),
    ("НГ-ТП3", OfficeKind.BRANCH, "ТП Гульськ", 10),
    ("НГ-ТП4", OfficeKind.BRANCH, "ТП Ярунь", 9),
    ("НГ-ВРМ1", OfficeKind.REMOTE, "ВРМ Броницька Гута", 6),
    ("НГ-ВРМ2", OfficeKind.REMOTE, "ВРМ Суємці", 6),
    ("НГ-ВРМ3", OfficeKind.REMOTE, "ВРМ Великий Молодьків", 5),
    ("НГ-ВРМ4", OfficeKind.REMOTE, "ВРМ Орепи", 4),
    ("НГ-МОБ", OfficeKind.MOBILE, "Мобільний ЦНАП", 4),
]

# Surnames in -енко, -ук, -чук, ... are the same for men and women; adjectival ones are not.
UNISEX_SURNAMES = (
    "Шевченко Коваленко Бондаренко Ткаченко Кравченко Олійник Шевчук Коваль Поліщук Бойко Ткачук "
    "Марченко Мельник Савченко Руденко Петренко Лисенко Кузьменко Павленко Мороз Романенко Кравчук "
    "Гончаренко Клименко Левченко Карпенко Василенко Мельничук Данилюк Іваненко Литвиненко Гаврилюк "
    "Харченко Пономаренко Сидоренко Панченко Власенко Демченко Костенко Ярошенко Мартинюк Савчук "
    "Білоус Гуменюк Андрієнко Кириленко Тимошенко Ковальчук Мазур Приходько Нестеренко Лук’яненко "
    "Кушнір Ігнатенко Остапчук Яковенко Ґудзь Дем’яненко Стасюк Гнатюк Рибак Собко Зінченко"
).split()
GENDERED_SURNAMES = [
    ("Ковальський", "Ковальська"),
    ("Левицький", "Левицька"),
    ("Вишневський", "Вишневська"),
    ("Савицький", "Савицька"),
    ("Заїчний", "Заїчна"),
    ("Білий", "Біла"),
    ("Чорний", "Чорна"),
    ("Грабовський", "Грабовська"),
    ("Сокольський", "Сокольська"),
    ("Городецький", "Городецька"),
]
MALE_NAMES = (
    "Олександр Андрій Сергій Володимир Іван Микола Василь Петро Юрій Олег Віктор Дмитро Максим Богдан "
    "Тарас Роман Ігор Михайло Євген Степан Назар Артем Денис Анатолій Павло Григорій Ярослав Остап "
    "Віталій Антон Костянтин Валерій Леонід Федір Данило Матвій Ілля Тимофій Захар Кирило"
).split()
FEMALE_NAMES = (
    "Олена Наталія Тетяна Ірина Світлана Оксана Марія Юлія Людмила Галина Ольга Анна Катерина Вікторія "
    "Анастасія Дарина Софія Валентина Надія Любов Лариса Ніна Зоряна Мар’яна Христина Соломія Яна "
    "Алла Інна Лілія Євгенія Богдана Вероніка Діана Аліна Уляна Ганна Ангеліна Злата Віра"
).split()
# father's name -> (patronymic of a son, of a daughter)
PATRONYMICS = {
    "Олександр": ("Олександрович", "Олександрівна"),
    "Андрій": ("Андрійович", "Андріївна"),
    "Сергій": ("Сергійович", "Сергіївна"),
    "Володимир": ("Володимирович", "Володимирівна"),
    "Іван": ("Іванович", "Іванівна"),
    "Микола": ("Миколайович", "Миколаївна"),
    "Василь": ("Васильович", "Василівна"),
    "Петро": ("Петрович", "Петрівна"),
    "Юрій": ("Юрійович", "Юріївна"),
    "Олег": ("Олегович", "Олегівна"),
    "Віктор": ("Вікторович", "Вікторівна"),
    "Дмитро": ("Дмитрович", "Дмитрівна"),
    "Богдан": ("Богданович", "Богданівна"),
    "Тарас": ("Тарасович", "Тарасівна"),
    "Роман": ("Романович", "Романівна"),
    "Ігор": ("Ігорович", "Ігорівна"),
    "Михайло": ("Михайлович", "Михайлівна"),
    "Євген": ("Євгенович", "Євгенівна"),
    "Степан": ("Степанович", "Степанівна"),
    "Анатолій": ("Анатолійович", "Анатоліївна"),
    "Павло": ("Павлович", "Павлівна"),
    "Григорій": ("Григорович", "Григорівна"),
    "Ярослав": ("Ярославович", "Ярославівна"),
    "Віталій": ("Віталійович", "Віталіївна"),
    "Леонід": ("Леонідович", "Леонідівна"),
    "Федір": ("Федорович", "Федорівна"),
    "Костянтин": ("Костянтинович", "Костянтинівна"),
    "Валерій": ("Валерійович", "Валеріївна"),
}
STREETS = (
    "Соборна Шевченка Київська Житомирська Шкільна Садова Миру Польова Лісова Зарічна Вишнева Козацька "
    "Лесі Українки Івана Франка Незалежності Героїв Майдану Кооперативна Молодіжна Набережна Степова"
).split()
SETTLEMENTS = ["м. Новоград", "с. Пилиповичі", "с. Гульськ", "с. Ярунь", "с. Суємці", "с. Орепи", "с. Броницька Гута"]
ENTITY_FORMS = ["ТОВ", "ФГ", "ПП", "ПрАТ", "ГО", "ОСББ"]
ENTITY_WORDS = (
    "Агросвіт Полісся Новоградбуд Зоря Лісовик Колос Джерело Левада Граніт Вербиця Світанок Поділля "
    "Злагода Добробут Оберіг Перлина Сокіл Ласка Діброва Калина"
).split()

# What happens to a case in the end (the rest are issued).
REFUSED_SHARE = 0.04
LEFT_SHARE = 0.008
WITHDRAWN_SHARE = 0.01
UNCLAIMED_SHARE = 0.012
LATE_SHARE = 0.07  # completed after the due date
STUCK_SHARE = 0.003  # never completed: overdue and still open
SUSPENDED_SHARE = 0.02  # of the open cases
RETURNED_SHARE = 0.03  # of the open cases
ENTITY_SHARE = 0.07
REPRESENTATIVE_SHARE = 0.02


def rnokpp_for(born: dt.date, serial: int, male: bool, sex_digit: int | None = None) -> str:
    """A valid РНОКПП: days since 31.12.1899, a serial number, the sex digit (odd: man), the check digit."""
    days = (born - dt.date(1899, 12, 31)).days
    if sex_digit is None:
        sex_digit = 1 if male else 2
    first_nine = f"{days:05d}{serial:03d}{sex_digit}"
    return first_nine + rntrc.calc_check_digit(first_nine)


def edrpou_for(index: int) -> str:
    """A valid ЄДРПОУ code (8 digits with the check digit) for the index-th generated entity."""
    first_seven = f"{3_000_000 + index * 7:07d}"[-7:]
    return first_seven + edrpou_check.calc_check_digit(first_seven)


@dataclass
class LoadReport:
    applicants: int = 0
    applications: int = 0
    status_changes: int = 0
    documents: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    stats: dict | None = None

    def __str__(self) -> str:
        times = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.seconds.items())
        return (
            f"{self.applications} applications, {self.applicants} applicants, {self.status_changes} status changes, "
            f"{self.documents} documents ({times})"
        )


# ---- COPY -------------------------------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _fmt(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


class CopyWriter:
    """Rows of one model into its table by COPY, in chunks. A row is a dict {column: formatted text};
    a column it leaves out gets the field's default (so a field added to the model later still loads,
    as long as it has a default or is nullable)."""

    def __init__(self, model, *, chunk_rows: int = CHUNK_ROWS):
        self.model = model
        self.table = model._meta.db_table
        self.columns = [f.column for f in model._meta.concrete_fields]
        self.defaults = {}
        for f in model._meta.concrete_fields:
            default = f.get_default()
            if default is None and not f.null and f.column != "id":
                self.defaults[f.column] = None  # must be given by every row
            else:
                self.defaults[f.column] = _fmt(default)
        self.chunk_rows = chunk_rows
        self.buffer = io.StringIO()
        self.pending = 0
        self.total = 0
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        self.sql = f"COPY {connection.ops.quote_name(self.table)} ({quoted}) FROM STDIN"

    def add(self, row: dict) -> None:
        defaults = self.defaults
        try:
            line = "\t".join([row[c] if c in row else defaults[c] for c in self.columns])
        except TypeError as exc:  # a required column left out
            missing = [c for c in self.columns if c not in row and defaults[c] is None]
            raise ValueError(f"{self.table}: no value for {missing}") from exc
        self.buffer.write(line)
        self.buffer.write("\n")
        self.pending += 1
        if self.pending >= self.chunk_rows:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        self.buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(self.sql, self.buffer)
        self.total += self.pending
        self.pending = 0
        self.buffer = io.StringIO()


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(model._meta.db_table)}")
        return cursor.fetchone()[0]


def _reset_sequence(model) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))", [table]
        )


# ---- Reference data (ORM) ----------------------------------------------------------------------------


def ensure_reference_data(*, offices: int = 10) -> dict:
    """The hromada, its offices with their journals, staff (no usable passwords), and the catalog."""
    hromada, _ = Hromada.objects.get_or_create(name=LOAD_HROMADA["name"], defaults=LOAD_HROMADA)
    specs = OFFICE_SPECS[:offices]
    office_rows = []
    for code, kind, short, weight in specs:
        office, _ = Office.objects.get_or_create(
            code=code,
            defaults={"hromada": hromada, "kind": kind, "short_name": short, "name": f"{short} (Новоградська громада)"},
        )
        office_rows.append((office, weight))
    if not Service.objects.filter(offices__hromada=hromada).exists():
        load_demo_catalog(hromada=hromada)
    providers = list(Provider.objects.filter(services__offices__hromada=hromada).distinct().order_by("pk"))
    rng = random.Random(7)
    registrars: dict[int, list[User]] = {}
    for index, (office, _weight) in enumerate(office_rows, start=1):
        count = 6 if office.kind == OfficeKind.CNAP else 1 if office.kind == OfficeKind.REMOTE else 2
        role = Role.STAROSTA if office.kind == OfficeKind.REMOTE else Role.ADMINISTRATOR
        users = []
        for n in range(1, count + 1):
            users.append(_staff(f"load-{index:02d}-{n}", role, office, hromada, rng))
        registrars[office.pk] = users
    officers = {}
    for index, provider in enumerate(providers, start=1):
        user = _staff(f"load-provider-{index:02d}", Role.PROVIDER_OFFICER, None, hromada, rng)
        set_provider_officer(user=user, provider=provider)
        officers[provider.pk] = user
    _staff("load-head", Role.CNAP_HEAD, office_rows[0][0], hromada, rng)
    _staff("load-mayor", Role.COMMUNITY_HEAD, None, hromada, rng)
    journals = {office.pk: default_journal(office=office) for office, _weight in office_rows}
    return {
        "hromada": hromada,
        "offices": office_rows,
        "registrars": registrars,
        "officers": officers,
        "journals": journals,
    }


def _staff(username, role, office, hromada, rng) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        male = rng.random() < 0.4
        user = User(
            username=username,
            role=role,
            office=office,
            hromada=hromada,
            last_name=_surname(rng, male),
            first_name=rng.choice(MALE_NAMES if male else FEMALE_NAMES),
            patronymic=rng.choice(list(PATRONYMICS.values()))[0 if male else 1],
            is_active=True,
        )
        user.set_unusable_password()
        user.save()
    return user


def _surname(rng, male: bool) -> str:
    if rng.random() < 0.15:
        pair = rng.choice(GENDERED_SURNAMES)
        return pair[0] if male else pair[1]
    return rng.choice(UNISEX_SURNAMES)


def _services(hromada) -> list[dict]:
    """The services offered in the hromada, each with its newest published version, documents and
    a popularity weight (a few services take most of the cases, as at a real counter)."""
    services = list(Service.objects.filter(offices__hromada=hromada).distinct().order_by("local_code"))
    result = []
    for rank, service in enumerate(services):
        version = service.versions.filter(status=VersionStatus.PUBLISHED).order_by("-valid_from", "-number").first()
        if version is None:
            continue
        documents = list(version.documents.order_by("-mandatory", "order", "pk"))
        fees = {}
        for year in range(2015, 2040):
            try:
                fees[year] = _fmt(compute_fee(version, on_date=dt.date(year, 6, 1)))
            except MissingSubsistenceMinimum:
                fees[year] = None
        known = [value for value in fees.values() if value is not None]
        for year, value in fees.items():
            if value is None:
                fees[year] = known[-1] if known else "0.00"
        result.append(
            {
                "service": service,
                "version": version,
                "documents": documents,
                "fees": fees,
                "weight": 40 / (rank + 2) + 1,
                "delivery": (version.result_delivery or ["in_person"])[0],
                "channel": "in_person" if "in_person" in (version.channels or ["in_person"]) else version.channels[0],
            }
        )
    return result


# ---- Generation ---------------------------------------------------------------------------------------


def _working_days(start: dt.date, end: dt.date, calendar: WorkCalendar) -> list[dt.date]:
    days = []
    day = start
    while day <= end:
        if calendar.is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _at(day: dt.date, minutes: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=KYIV)


def _applicants(rng, *, count: int, hromada_id: int, first_id: int, since: dt.datetime, writer: CopyWriter):
    """Writes `count` applicants; returns (ids of persons, ids of legal entities, names by id for issuing)."""
    persons, entities = [], []
    serials: dict[tuple[int, int], int] = defaultdict(int)
    hromada = str(hromada_id)
    created = _fmt(since)
    patronymic_pairs = list(PATRONYMICS.values())
    names = {}
    existing = Applicant.objects.filter(hromada_id=hromada_id)
    taken = set(existing.exclude(rnokpp="").values_list("rnokpp", flat=True))
    taken |= set(existing.exclude(edrpou="").values_list("edrpou", flat=True))
    entity_index = 0
    for index in range(count):
        pk = first_id + index
        row = {"id": str(pk), "hromada_id": hromada, "created_at": created, "updated_at": created}
        address = f"{rng.choice(SETTLEMENTS)}, вул. {rng.choice(STREETS)}, {rng.randrange(1, 160)}"
        row["address"] = address
        if rng.random() < ENTITY_SHARE:
            while (code := edrpou_for(entity_index)) in taken:
                entity_index += 1
            entity_index += 1
            title = f"{rng.choice(ENTITY_FORMS)} «{rng.choice(ENTITY_WORDS)}-{index % 997 + 1}»"
            head_male = rng.random() < 0.6
            head = f"{_surname(rng, head_male)} {rng.choice(MALE_NAMES if head_male else FEMALE_NAMES)}"
            row.update(
                kind=ApplicantKind.LEGAL_ENTITY.value,
                name=title,
                edrpou=code,
                head_name=head,
                search_name=normalize_for_search(title),
                phone=f"+38041{rng.randrange(10**6, 10**7):07d}",
            )
            entities.append(pk)
            names[pk] = head
        else:
            male = rng.random() < 0.47
            last = _surname(rng, male)
            first = rng.choice(MALE_NAMES if male else FEMALE_NAMES)
            patronymic = rng.choice(patronymic_pairs)[0 if male else 1]
            born = dt.date(1938, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 68))
            days = (born - dt.date(1899, 12, 31)).days
            sex_digit = rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
            while True:  # unique in the hromada, also beside applicants already there
                serial = serials[(days, sex_digit)]
                serials[(days, sex_digit)] += 1
                rnokpp = rnokpp_for(born, serial, male, sex_digit)
                if rnokpp not in taken:
                    break
            full = f"{last} {first} {patronymic}"
            row.update(
                kind=ApplicantKind.PERSON.value,
                last_name=last,
                first_name=first,
                patronymic=patronymic,
                birth_date=born.isoformat(),
                rnokpp=rnokpp,
                document_type="id_card",
                document_number=f"{rng.randrange(10**8, 10**9):09d}",
                unzr=f"{born:%Y%m%d}-{rng.randrange(10**4, 10**5):05d}",
                phone=f"+38067{rng.randrange(10**6, 10**7):07d}",
                consent_given_at=created,
                notify_by_sms="t" if rng.random() < 0.3 else "f",
                search_name=normalize_for_search(full),
            )
            persons.append(pk)
            names[pk] = full
        writer.add(row)
    writer.flush()
    return persons, entities, names


def generate(
    *,
    applications: int,
    applicants: int | None = None,
    years: int = 5,
    offices: int = 10,
    seed: int = 2026,
    until: dt.date | None = None,
    rebuild_stats: bool = True,
    log=print,
) -> LoadReport:
    """Generate the load data (PostgreSQL only). Returns a :class:`LoadReport`."""
    if connection.vendor != "postgresql":
        raise RuntimeError("generate_load_data needs PostgreSQL (it loads with COPY)")
    if applications < 1:
        raise ValueError("applications must be positive")
    applicants = applicants or max(1, applications * 3 // 10)
    until = until or (dt.datetime.now(KYIV).date() - dt.timedelta(days=1))
    start = until - dt.timedelta(days=365 * years)
    report = LoadReport()
    clock = time.monotonic()
    rng = random.Random(seed)

    with transaction.atomic():
        ref = ensure_reference_data(offices=offices)
        services = _services(ref["hromada"])
        if not services:
            raise RuntimeError("no published services in the catalog")
        report.seconds["reference data"] = time.monotonic() - clock
        log(f"reference data: {len(ref['offices'])} offices, {len(services)} services")

        clock = time.monotonic()
        first_applicant = _next_id(Applicant)
        persons, entities, issued_names = _applicants(
            rng,
            count=applicants,
            hromada_id=ref["hromada"].pk,
            first_id=first_applicant,
            since=_at(start, 8 * 60),
            writer=(applicant_writer := CopyWriter(Applicant)),
        )
        report.applicants = applicant_writer.total
        report.seconds["applicants"] = time.monotonic() - clock
        log(f"applicants: {report.applicants} in {report.seconds['applicants']:.1f} s")

        clock = time.monotonic()
        counts = _cases(rng, ref, services, persons, entities, issued_names, applications, start, until, report)
        report.seconds["applications"] = time.monotonic() - clock
        log(
            f"applications: {report.applications}, status changes: {report.status_changes}, "
            f"documents: {report.documents} in {report.seconds['applications']:.1f} s"
        )

        clock = time.monotonic()
        for model in (Applicant, Application, StatusChange, SubmittedDocument):
            _reset_sequence(model)
        for (journal_id, year), last in counts.items():
            counter, _ = JournalCounter.objects.get_or_create(journal_id=journal_id, year=year)
            if counter.last_number < last:
                counter.last_number = last
                counter.save(update_fields=["last_number"])
        report.seconds["counters"] = time.monotonic() - clock

    clock = time.monotonic()
    with connection.cursor() as cursor:
        for model in (Applicant, Application, StatusChange, SubmittedDocument, JournalCounter):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    report.seconds["analyze"] = time.monotonic() - clock

    if rebuild_stats:
        clock = time.monotonic()
        report.stats = rebuild_summary_tables()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        report.seconds["summary tables"] = time.monotonic() - clock
        log(f"summary tables: {report.stats} in {report.seconds['summary tables']:.1f} s")
    return report


def _due_dates(services, calendar: WorkCalendar):
    cache: dict = {}

    def due(service: dict, moment: dt.datetime) -> dt.date:
        version = service["version"]
        key = (version.pk, moment.date()) if version.term_unit != TermUnit.HOURS else (version.pk, moment)
        if key not in cache:
            try:
                cache[key] = compute_due_date(
                    registered_at=moment, term_value=version.term_value, term_unit=version.term_unit, calendar=calendar
                )
            except ValueError:
                cache[key] = calendar.add_calendar_days(moment.date(), 30)
        return cache[key]

    return due


def _cases(rng, ref, services, persons, entities, issued_names, total, start, until, report) -> dict:
    """Applications with their status changes and documents, office by office in registration order.
    Returns {(journal id, year): last sequence}."""
    calendar = WorkCalendar()
    days = _working_days(start, until, calendar)
    day_index = {day: index for index, day in enumerate(days)}
    # Slow growth over the years: later days are a little busier.
    day_weights = [1.0 + 0.5 * index / len(days) for index in range(len(days))]
    cumulative = []
    running = 0.0
    for weight in day_weights:
        running += weight
        cumulative.append(running)
    due_of = _due_dates(services, calendar)
    service_weights = [s["weight"] for s in services]
    now = dt.datetime.combine(until, dt.time(19, 0), tzinfo=KYIV)

    app_writer = CopyWriter(Application)
    change_writer = CopyWriter(StatusChange, chunk_rows=CHUNK_ROWS * 4)
    doc_writer = CopyWriter(SubmittedDocument, chunk_rows=CHUNK_ROWS * 2)
    app_id = _next_id(Application)
    change_id = _next_id(StatusChange)
    doc_id = _next_id(SubmittedDocument)
    hromada_id = str(ref["hromada"].pk)
    weights = [weight for _office, weight in ref["offices"]]
    total_weight = sum(weights)
    shares = [total * weight // total_weight for weight in weights]
    shares[0] += total - sum(shares)
    counts: dict[tuple[int, int], int] = {}
    n_persons = len(persons)
    access_alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

    for (office, _weight), share in zip(ref["offices"], shares, strict=True):
        journal = ref["journals"][office.pk]
        registrars = ref["registrars"][office.pk]
        office_id = str(office.pk)
        journal_id = str(journal.pk)
        # Registration moments of this office, in order: a working day (busier later), 08:00-17:59.
        moments = sorted(
            (bisect.bisect_left(cumulative, rng.random() * running), rng.randrange(8 * 60, 18 * 60))
            for _ in range(share)
        )
        # Numbers go on from what the journal already gave (a second load into the same database).
        sequence_by_year: dict[int, int] = defaultdict(int)
        for counter in JournalCounter.objects.filter(journal=journal):
            sequence_by_year[counter.year] = counter.last_number
        for day_no, minutes in moments:
            day = days[min(day_no, len(days) - 1)]
            registered_at = _at(day, minutes)
            year = day.year
            sequence_by_year[year] += 1
            sequence = sequence_by_year[year]
            service = rng.choices(services, weights=service_weights, k=1)[0]
            version = service["version"]
            provider_id = version.service.provider_id
            registrar = rng.choice(registrars)
            officer = ref["officers"].get(provider_id)
            officer_id = officer.pk if officer else registrar.pk
            due = due_of(service, registered_at)
            # The applicant: persons mostly, a few regulars come often.
            if entities and rng.random() < ENTITY_SHARE:
                applicant_id = entities[int(len(entities) * rng.random() ** 1.3)]
            else:
                applicant_id = persons[int(n_persons * rng.random() ** 1.3)]

            # The timeline: sent the same or the next working day, taken into work, completed (a few
            # late), then issued / refused / ... A case whose next step lies after `now` stops there.
            index = day_index[day]
            sent_at = registered_at + dt.timedelta(minutes=rng.randrange(20, 240))
            if sent_at.hour >= 18 or rng.random() < 0.5:
                next_day = days[index + 1] if index + 1 < len(days) else day + dt.timedelta(days=1)
                sent_at = _at(next_day, 9 * 60 + rng.randrange(0, 60))
            work_at = sent_at + dt.timedelta(hours=rng.randrange(1, 48))
            term_days = max(1, (due - day).days)
            if rng.random() < LATE_SHARE:
                done_day = due + dt.timedelta(days=rng.randrange(1, 12))
            else:
                done_day = day + dt.timedelta(days=int(term_days * (0.3 + 0.7 * rng.random())))
            done_at = max(work_at + dt.timedelta(hours=1), _at(done_day, rng.randrange(9 * 60, 17 * 60)))
            outcome = rng.random()
            if outcome < REFUSED_SHARE:
                final = S.REFUSED
            elif outcome < REFUSED_SHARE + LEFT_SHARE:
                final = S.LEFT_WITHOUT_CONSIDERATION
            elif outcome < REFUSED_SHARE + LEFT_SHARE + WITHDRAWN_SHARE:
                final = S.WITHDRAWN
            elif outcome < REFUSED_SHARE + LEFT_SHARE + WITHDRAWN_SHARE + UNCLAIMED_SHARE:
                final = S.UNCLAIMED
            else:
                final = S.ISSUED
            stuck = rng.random() < STUCK_SHARE
            steps = [("", S.REGISTERED, registered_at, registrar.pk)]
            if final == S.WITHDRAWN:
                steps.append((S.REGISTERED, S.WITHDRAWN, sent_at, registrar.pk))
            else:
                steps.append((S.REGISTERED, S.SENT_TO_PROVIDER, sent_at, registrar.pk))
                steps.append((S.SENT_TO_PROVIDER, S.IN_PROGRESS, work_at, officer_id))
                if not stuck:
                    if final in (S.REFUSED, S.LEFT_WITHOUT_CONSIDERATION):
                        steps.append((S.IN_PROGRESS, final, done_at, officer_id))
                    else:
                        steps.append((S.IN_PROGRESS, S.RESULT_READY, done_at, officer_id))
                        if final == S.ISSUED:
                            issue_at = done_at + dt.timedelta(days=rng.randrange(0, 15), minutes=rng.randrange(0, 90))
                            steps.append((S.RESULT_READY, S.ISSUED, issue_at, registrar.pk))
                        else:
                            steps.append((S.RESULT_READY, S.UNCLAIMED, done_at + dt.timedelta(days=62), registrar.pk))
            steps = [step for step in steps if step[2] <= now]
            status = steps[-1][1]
            changed_at = steps[-1][2]
            closed = status in (S.ISSUED, S.REFUSED, S.LEFT_WITHOUT_CONSIDERATION, S.WITHDRAWN, S.UNCLAIMED)
            if not closed and status in (S.SENT_TO_PROVIDER, S.IN_PROGRESS):
                extra = rng.random()
                if extra < SUSPENDED_SHARE:
                    steps.append((status, S.SUSPENDED, changed_at + dt.timedelta(minutes=30), officer_id))
                elif extra < SUSPENDED_SHARE + RETURNED_SHARE:
                    steps.append((status, S.RETURNED_FOR_REVISION, changed_at + dt.timedelta(minutes=30), officer_id))
                if steps[-1][2] <= now:
                    status, changed_at = steps[-1][1], steps[-1][2]
                else:
                    steps.pop()
            times = {to: at for _from, to, at, _by in steps}
            fee = service["fees"].get(year, "0.00")
            row = {
                "id": str(app_id),
                "number": format_number(journal.prefix, year, sequence),
                "journal_id": journal_id,
                "year": str(year),
                "sequence": str(sequence),
                "office_id": office_id,
                "hromada_id": hromada_id,
                "service_id": str(version.service_id),
                "service_version_id": str(version.pk),
                "provider_id": str(provider_id),
                "applicant_id": str(applicant_id),
                "channel": service["channel"],
                "result_delivery": service["delivery"],
                "status": status.value,
                "status_changed_at": changed_at.isoformat(),
                "registered_at": registered_at.isoformat(),
                "registered_by_id": str(registrar.pk),
                "due_date": due.isoformat(),
                "initial_due_date": due.isoformat(),
                "is_overdue": "t" if (not closed and status != S.RESULT_READY and due < until) else "f",
                "fee_amount": fee,
                "access_code": "".join(rng.choices(access_alphabet, k=8)),
                "revision": str(len(steps)),
            }
            if rng.random() < REPRESENTATIVE_SHARE:
                row["representative_id"] = str(persons[rng.randrange(n_persons)])
                row["power_of_attorney_number"] = f"{rng.randrange(100, 9999)}"
                row["power_of_attorney_date"] = (day - dt.timedelta(days=rng.randrange(1, 300))).isoformat()
                row["power_of_attorney_issued_by"] = "Приватний нотаріус Новоградського районного нотаріального округу"
            if S.SENT_TO_PROVIDER in times:
                row["sent_to_provider_at"] = times[S.SENT_TO_PROVIDER].isoformat()
            if S.IN_PROGRESS in times:
                row["assigned_to_id"] = str(officer_id)
            if S.RESULT_READY in times:
                row["result_ready_at"] = times[S.RESULT_READY].isoformat()
            if closed:
                row["closed_at"] = changed_at.isoformat()
            if status == S.ISSUED:
                row["issued_at"] = changed_at.isoformat()
                row["issued_to"] = issued_names.get(applicant_id, "")
                row["issued_identity_document"] = "паспорт (ID-картка)"
                row["issued_by_id"] = str(registrar.pk)
            app_writer.add(row)

            app_text = str(app_id)
            for from_status, to_status, at, by in steps:
                change_writer.add(
                    {
                        "id": str(change_id),
                        "application_id": app_text,
                        "from_status": str(from_status),
                        "to_status": str(to_status),
                        "changed_at": at.isoformat(),
                        "changed_by_id": str(by),
                    }
                )
                change_id += 1
            documents = service["documents"]
            if documents:
                for order, doc in enumerate(documents[: rng.randrange(1, 4)], start=1):
                    doc_writer.add(
                        {
                            "id": str(doc_id),
                            "application_id": app_text,
                            "required_document_id": str(doc.pk),
                            "order": str(order),
                            "name": _fmt(doc.name),
                            "kind": doc.kind,
                            "copies": str(doc.copies),
                            "sheets": str(rng.choice((1, 1, 1, 2, 3))),
                        }
                    )
                    doc_id += 1
            else:
                doc_writer.add(
                    {
                        "id": str(doc_id),
                        "application_id": app_text,
                        "order": "1",
                        "name": "Заява",
                        "kind": "original",
                        "sheets": "1",
                    }
                )
                doc_id += 1
            app_id += 1
        for year, last in sequence_by_year.items():
            counts[(journal.pk, year)] = last
    app_writer.flush()
    change_writer.flush()
    doc_writer.flush()
    report.applications = app_writer.total
    report.status_changes = change_writer.total
    report.documents = doc_writer.total
    return counts
