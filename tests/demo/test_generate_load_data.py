"""The bench's load data generator (demo/loaddata.py, `manage.py generate_load_data`)."""

import datetime as dt
import io
import zoneinfo
from collections import defaultdict

import pytest
from django.core.management import call_command
from stdnum.ua import edrpou, rntrc

from applications.constants import CLOSED_STATUSES, ApplicantKind, ApplicationStatus
from applications.models import Applicant, Application, JournalCounter, StatusChange, SubmittedDocument
from demo.loaddata import generate, rnokpp_for
from reporting.stats import compute_stats, normalized, stats_snapshot

pytestmark = pytest.mark.django_db

UNTIL = dt.date(2026, 11, 20)
KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")


@pytest.fixture
def loaded():
    out = io.StringIO()
    call_command(
        "generate_load_data", "--applications", "500", "--applicants", "150", "--seed", "11",
        "--until", UNTIL.isoformat(), stdout=out,
    )  # fmt: skip
    return out.getvalue()


def test_counts_and_report(loaded):
    assert "Generated 500 applications, 150 applicants" in loaded
    assert Application.objects.count() == 500
    assert Applicant.objects.count() == 150
    assert Application.objects.values("office").distinct().count() == 10
    assert Application.objects.values("service").distinct().count() > 10
    first = Application.objects.order_by("registered_at").first().registered_at.date()
    last = Application.objects.order_by("-registered_at").first().registered_at.date()
    assert first >= UNTIL - dt.timedelta(days=5 * 365) and last <= UNTIL
    assert (last - first).days > 4 * 365
    # 1-3 documents and at least the registration in the history of every case.
    docs = SubmittedDocument.objects.values("application").distinct().count()
    assert docs == 500
    assert SubmittedDocument.objects.count() <= 1500
    assert StatusChange.objects.filter(from_status="", to_status=ApplicationStatus.REGISTERED).count() == 500


def test_applicants_have_valid_tax_numbers_consistent_with_birth_date_and_sex(loaded):
    persons = Applicant.objects.filter(kind=ApplicantKind.PERSON)
    entities = Applicant.objects.filter(kind=ApplicantKind.LEGAL_ENTITY)
    assert persons.count() > 100 and entities.exists()
    for person in persons:
        assert rntrc.is_valid(person.rnokpp), person.rnokpp
        assert int(person.rnokpp[:5]) == (person.birth_date - dt.date(1899, 12, 31)).days
        male = person.patronymic.endswith("ич")
        assert int(person.rnokpp[8]) % 2 == (1 if male else 0), (person.patronymic, person.rnokpp)
        assert person.search_name == f"{person.last_name} {person.first_name} {person.patronymic}".lower().replace(
            "’", ""
        )
    assert all(edrpou.is_valid(entity.edrpou) for entity in entities)
    assert len({p.rnokpp for p in persons}) == persons.count()


def test_numbers_unique_gap_free_in_order_and_counters_consistent(loaded):
    by_scope = defaultdict(list)
    for app in Application.objects.order_by("registered_at", "id").select_related("journal"):
        assert app.number == f"{app.journal.prefix}-{app.year}-{app.sequence:06d}"
        assert app.year == app.registered_at.astimezone(KYIV).year
        by_scope[(app.journal_id, app.year)].append(app.sequence)
    assert Application.objects.values("number").distinct().count() == 500
    for (journal_id, year), sequences in by_scope.items():
        assert sequences == list(range(1, len(sequences) + 1)), (journal_id, year)  # in registration order
        assert JournalCounter.objects.get(journal_id=journal_id, year=year).last_number == len(sequences)
    assert JournalCounter.objects.count() == len(by_scope)


def test_statuses_follow_their_history(loaded):
    statuses = defaultdict(int)
    for app in Application.objects.prefetch_related("status_changes"):
        changes = sorted(app.status_changes.all(), key=lambda change: (change.changed_at, change.id))
        assert changes[-1].to_status == app.status
        assert all(a.to_status == b.from_status for a, b in zip(changes, changes[1:], strict=False))
        assert app.revision == len(changes)
        assert (app.closed_at is not None) == (app.status in CLOSED_STATUSES)
        statuses[app.status] += 1
    assert statuses[ApplicationStatus.ISSUED] > 400  # most are issued
    assert 5 <= statuses[ApplicationStatus.REFUSED] <= 40  # refusals 3-5 %


def test_summary_tables_match_a_recount(loaded):
    assert normalized(stats_snapshot()) == normalized(compute_stats())


def test_deterministic_with_a_seed_and_a_second_load_goes_on_numbering(loaded):
    first = list(Application.objects.order_by("id").values_list("number", flat=True))
    generate(applications=40, applicants=10, seed=11, until=UNTIL, rebuild_stats=False, log=lambda line: None)
    assert Application.objects.count() == 540
    numbers = list(Application.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 540
    for counter in JournalCounter.objects.all():
        assert counter.last_number == Application.objects.filter(journal=counter.journal, year=counter.year).count()
    assert first[0].endswith("-000001")
    assert set(first) <= set(numbers)


def test_same_seed_gives_the_same_rows():
    rows = []
    for _attempt in range(2):
        generate(applications=60, applicants=20, seed=5, until=UNTIL, rebuild_stats=False, log=lambda line: None)
        rows.append(
            list(
                Application.objects.order_by("id").values_list(
                    "number", "registered_at", "status", "due_date", "applicant__rnokpp", "applicant__last_name"
                )
            )
        )
        SubmittedDocument.objects.all().delete()
        StatusChange.objects.all().delete()
        Application.objects.all().delete()
        Applicant.objects.all().delete()
        JournalCounter.objects.all().delete()
    assert rows[0] == rows[1]


def test_rnokpp_helper():
    assert rntrc.is_valid(rnokpp_for(dt.date(1985, 5, 17), 12, True))
    assert rnokpp_for(dt.date(1985, 5, 17), 12, False)[8] == "2"
