"""Demo applications: registered through the action, spread over offices and months, idempotent."""

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from applications.models import Applicant, Application, StatusChange
from demo.cases import seed_demo_applications
from demo.staff import seed_demo_staff
from services.catalog_io import load_demo_catalog


@pytest.mark.django_db
def test_demo_applications_are_spread_gap_free_and_seeded_once():
    seed_demo_staff()
    load_demo_catalog()
    registered = seed_demo_applications(count=60)
    assert registered == 60
    assert seed_demo_applications(count=60) == 0
    assert Application.objects.count() == 60
    assert StatusChange.objects.count() == 60
    per_office = dict(Application.objects.values_list("office__code").annotate(n=Count("id")))
    assert set(per_office) == {"ЦНАП1", "ТП1", "ВРМ1"}
    for journal_id in Application.objects.values_list("journal", flat=True).distinct():
        sequences = sorted(Application.objects.filter(journal=journal_id).values_list("sequence", flat=True))
        assert sequences == list(range(1, len(sequences) + 1))
        # Numbers follow the registration order.
        ordered = list(Application.objects.filter(journal=journal_id).order_by("registered_at", "sequence"))
        assert [a.sequence for a in ordered] == sorted(a.sequence for a in ordered)
    today = timezone.localdate()
    first = timezone.localdate(Application.objects.order_by("registered_at").first().registered_at)
    assert today - dt.timedelta(days=125) <= first < today - dt.timedelta(days=30)
    assert Application.objects.values("service").distinct().count() >= 5
    assert Applicant.objects.count() < 60  # some applicants came back
    assert all(len(a.rnokpp) == 10 for a in Applicant.objects.all())
