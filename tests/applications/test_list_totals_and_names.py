"""Lists say how many they found («Знайдено N», «понад N» above the limit, cheaply), names are found in
any word order and by a part of a double surname, filters use words and checkboxes, and the home page
counts the user's own work exactly as the lists it opens."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from applications.constants import ApplicationStatus
from applications.selectors.lists import filtered_applications, total_found
from cnap.accounts.constants import Role
from cnap.security.audit import describe_detail
from tests.applications.factories import ApplicantFactory, ApplicationFactory
from tests.applications.workflow_helpers import user_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_total_found_counts_up_to_the_limit():
    first = ApplicationFactory()
    for _ in range(4):
        ApplicationFactory(journal=first.journal, service_version=first.service_version)
    admin = user_for(first, Role.ADMINISTRATOR)
    cases, _filter = filtered_applications(user=admin)
    assert total_found(cases).count == 5 and not total_found(cases).more
    limited = total_found(cases, limit=3)
    assert (limited.count, limited.more) == (3, True)


def test_the_list_page_shows_the_total(client):
    first = ApplicationFactory()
    ApplicationFactory(journal=first.journal, service_version=first.service_version)
    client.force_login(user_for(first, Role.ADMINISTRATOR))
    with translation.override("uk"):
        html = client.get(reverse("applications:list"), HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    total = html.split('data-testid="total-found"')[1].split("</p>")[0]
    assert "2" in total


def test_names_in_any_order_and_by_part_of_a_double_surname(client):
    first = ApplicationFactory(
        applicant=ApplicantFactory(last_name="Зелінська-Коваль", first_name="Олена", patronymic="Петрівна")
    )
    ApplicationFactory(
        journal=first.journal,
        service_version=first.service_version,
        applicant=ApplicantFactory(hromada=first.hromada, last_name="Олененко", first_name="Петро"),
    )
    admin = user_for(first, Role.ADMINISTRATOR)
    for query in ("Зелінська-Коваль Олена", "Олена Зелінська-Коваль", "Олена Коваль", "коваль", "Зелінська Петрівна"):
        cases, _filter = filtered_applications(user=admin, data={"q": query})
        assert [c.number for c in cases] == [first.number], query


def test_filters_speak_in_words_and_statuses_are_checkboxes(client):
    first = ApplicationFactory()
    client.force_login(user_for(first, Role.ADMINISTRATOR))
    with translation.override("uk"):
        html = client.get(reverse("applications:list"), HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "---------" not in html
    statuses = html.split('data-testid="status-filter"')[1].split("</fieldset>")[0]
    assert statuses.count('type="checkbox"') == len(ApplicationStatus.choices)
    assert "<select" not in statuses
    # Two statuses ticked at once filter by both.
    returned = ApplicationFactory(
        journal=first.journal, service_version=first.service_version, status=ApplicationStatus.RETURNED_FOR_REVISION
    )
    cases, _filter = filtered_applications(
        user=user_for(first, Role.ADMINISTRATOR),
        data={"status": [ApplicationStatus.REGISTERED, ApplicationStatus.RETURNED_FOR_REVISION]},
    )
    assert {c.pk for c in cases} == {first.pk, returned.pk}


def test_the_end_date_filter_is_not_labelled_to_whom(client):
    first = ApplicationFactory()
    client.force_login(user_for(first, Role.ADMINISTRATOR))
    with translation.override("uk"):
        html = client.get(reverse("applications:list"), HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    label = html.split('for="id_registered_to"')[1].split("</label>")[0]
    assert "Кому" not in label


def test_home_counters_match_the_lists_they_open(client):
    today = timezone.localdate()
    first = ApplicationFactory(due_date=today)
    admin = first.registered_by
    same = {"journal": first.journal, "service_version": first.service_version, "registered_by": admin}
    ApplicationFactory(**same, due_date=today - dt.timedelta(days=2))
    ApplicationFactory(**same, due_date=today - dt.timedelta(days=1))
    ApplicationFactory(**same, status=ApplicationStatus.RETURNED_FOR_REVISION, due_date=today + dt.timedelta(days=5))
    ApplicationFactory(journal=first.journal, service_version=first.service_version, due_date=today)  # a colleague's
    client.force_login(admin)
    html = client.get(reverse("home")).content.decode()
    expected = {"mine_due_today": 1, "mine_overdue": 2, "returned": 1, "e_applications": 0}
    for key, count in expected.items():
        block = html.split(f'data-testid="counter-{key}"')[1]
        assert block.split('data-testid="counter-value">')[1].split("<")[0].strip() == str(count), key
    for key in ("mine_due_today", "mine_overdue", "returned"):
        page = client.get(reverse(f"applications:list_{key}")).content.decode()
        assert page.count('data-testid="application-row"') == expected[key], key


def test_a_provider_officers_home_page_names_the_provider(client):
    first = ApplicationFactory()
    officer = user_for(first, Role.PROVIDER_OFFICER)
    client.force_login(officer)
    html = client.get(reverse("home")).content.decode()
    assert first.provider.name in html.split('data-testid="home-affiliation"')[1].split("</span>")[0]


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    from django.contrib.staticfiles import finders

    assert response["Location"].endswith("img/favicon.ico")
    with open(finders.find("img/favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file


def test_access_log_details_in_words(client):
    from cnap.security.models import PersonalDataAccess

    first = ApplicationFactory()
    head = UserFactory(role=Role.CNAP_HEAD, office=first.office)
    for detail in ("registered", "receipt", "3 found"):
        PersonalDataAccess.objects.create(
            user=head,
            action="view_case",
            application_id=first.pk,
            application_number=first.number,
            hromada=first.hromada,
            detail=detail,
        )
    client.force_login(head)
    with translation.override("uk"):
        html = client.get(reverse("applications:access_log"), HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    rows = html.split('data-testid="access-log"')[1]
    with translation.override("uk"):
        for code in ("registered", "receipt", "3 found"):
            assert f"> {code}</td>" not in rows, code  # the code as stored
            assert f"> {describe_detail(code)}</td>" in rows, code  # in words


def test_the_closed_period_filter():
    now = timezone.now()
    first = ApplicationFactory(status=ApplicationStatus.ISSUED, closed_at=now - dt.timedelta(days=40))
    recent = ApplicationFactory(
        journal=first.journal,
        service_version=first.service_version,
        status=ApplicationStatus.ISSUED,
        closed_at=now - dt.timedelta(days=2),
        registered_at=now - dt.timedelta(days=90),
    )
    ApplicationFactory(journal=first.journal, service_version=first.service_version)  # open
    admin = user_for(first, Role.ADMINISTRATOR)
    since = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    cases, _filter = filtered_applications(user=admin, data={"closed_from": since, "status": ["issued"]})
    assert [c.pk for c in cases] == [recent.pk]
    cases, _filter = filtered_applications(user=admin, data={"closed_to": since})
    assert [c.pk for c in cases] == [first.pk]
