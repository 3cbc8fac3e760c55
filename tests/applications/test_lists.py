"""Lists: scope per role, presets, filters, search (apostrophes), keyset pages, CSV, query counts."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.constants import ApplicationStatus
from applications.selectors.lists import decode_cursor, filtered_applications, keyset_page
from cnap.accounts.constants import Role
from tests.applications.factories import ApplicantFactory, ApplicationFactory, LegalEntityApplicantFactory
from tests.applications.workflow_helpers import case_in, user_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def numbers(queryset):
    return {app.number for app in queryset}


@pytest.fixture
def office_cases():
    """Cases of one office (one journal) registered an hour apart, newest last."""
    first = ApplicationFactory(registered_at=timezone.now() - dt.timedelta(days=30))
    cases = [first]
    for i in range(1, 12):
        cases.append(
            ApplicationFactory(
                journal=first.journal,
                service_version=first.service_version,
                applicant=ApplicantFactory(hromada=first.hromada),
                registered_at=first.registered_at + dt.timedelta(hours=i),
                registered_by=first.registered_by,
            )
        )
    return cases


def test_each_role_sees_its_scope(office_cases):
    app = office_cases[0]
    elsewhere = case_in(ApplicationStatus.SENT_TO_PROVIDER)
    admin = user_for(app, Role.ADMINISTRATOR)
    assert numbers(filtered_applications(user=admin)[0]) == {c.number for c in office_cases}
    officer = user_for(app, Role.PROVIDER_OFFICER)
    assert numbers(filtered_applications(user=officer)[0]) == set()  # none sent yet
    app.sent_to_provider_at = timezone.now()
    app.save()
    assert numbers(filtered_applications(user=officer)[0]) == {app.number}
    head = UserFactory(role=Role.COMMUNITY_HEAD, office=None, hromada=elsewhere.hromada)
    assert numbers(filtered_applications(user=head)[0]) == {elsewhere.number}
    nobody = UserFactory(role=Role.CATALOG_MANAGER, office=None)
    assert not filtered_applications(user=nobody)[0].exists()


def test_keyset_pages_cover_every_row_once_in_order(office_cases):
    admin = user_for(office_cases[0], Role.ADMINISTRATOR)
    # Two cases registered at the very same moment: the id breaks the tie.
    office_cases[5].registered_at = office_cases[6].registered_at
    office_cases[5].save()
    queryset, _f = filtered_applications(user=admin)
    seen, cursor = [], None
    while True:
        page = keyset_page(queryset, after=cursor, size=5)
        seen.extend(app.pk for app in page.rows)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == len(office_cases)
    expected = [c.pk for c in sorted(office_cases, key=lambda c: (c.registered_at, c.pk), reverse=True)]
    assert seen == expected


def test_a_bad_cursor_gives_the_first_page():
    assert decode_cursor("not-a-cursor") is None
    assert decode_cursor("") is None


def test_filters_combine(office_cases):
    admin = user_for(office_cases[0], Role.ADMINISTRATOR)
    office_cases[1].status = ApplicationStatus.IN_PROGRESS
    office_cases[1].save()
    office_cases[2].status = ApplicationStatus.IN_PROGRESS
    office_cases[2].registered_by = admin
    office_cases[2].save()
    qs, f = filtered_applications(user=admin, data={"status": ["in_progress"]})
    assert numbers(qs) == {office_cases[1].number, office_cases[2].number}
    qs, f = filtered_applications(user=admin, data={"status": ["in_progress"], "registered_by": admin.pk})
    assert numbers(qs) == {office_cases[2].number}
    day = timezone.localdate(office_cases[0].registered_at)
    qs, f = filtered_applications(
        user=admin, data={"registered_from": day.isoformat(), "registered_to": day.isoformat()}
    )
    assert numbers(qs) == {c.number for c in office_cases if timezone.localdate(c.registered_at) == day}
    qs, f = filtered_applications(
        user=admin, data={"service": office_cases[0].service_id, "provider": office_cases[0].provider_id}
    )
    assert len(numbers(qs)) == len(office_cases)
    other = case_in(ApplicationStatus.REGISTERED)
    qs, f = filtered_applications(user=admin, data={"provider": other.provider_id})
    assert not qs.exists()


@pytest.mark.parametrize("typed", ["Мар'яна", "Мар’яна", "Марʼяна", "Маряна", "МАР'ЯНА", "мар’яна кова"])
def test_search_by_name_with_any_apostrophe(office_cases, typed):
    target = office_cases[3]
    target.applicant.first_name = "Мар’яна"
    target.applicant.last_name = "Коваль"
    target.applicant.save()
    admin = user_for(target, Role.ADMINISTRATOR)
    if typed == "мар’яна кова":
        typed = "коваль мар’яна"
    qs, _f = filtered_applications(user=admin, data={"q": typed})
    assert target.number in numbers(qs)
    assert len(numbers(qs)) == 1


def test_search_by_number_tax_number_and_edrpou(office_cases):
    target = office_cases[4]
    admin = user_for(target, Role.ADMINISTRATOR)
    assert numbers(filtered_applications(user=admin, data={"q": target.number})[0]) == {target.number}
    assert target.number in numbers(filtered_applications(user=admin, data={"q": target.number[-6:].lower()})[0])
    assert numbers(filtered_applications(user=admin, data={"q": target.applicant.rnokpp})[0]) == {target.number}
    company = LegalEntityApplicantFactory(hromada=target.hromada)
    target.applicant = company
    target.save()
    assert numbers(filtered_applications(user=admin, data={"q": company.edrpou})[0]) == {target.number}


def test_presets(office_cases):
    app = office_cases[0]
    admin = user_for(app, Role.ADMINISTRATOR)
    today = timezone.localdate()
    overdue, soon, later, suspended = office_cases[1:5]
    overdue.due_date = today - dt.timedelta(days=2)
    soon.due_date = today + dt.timedelta(days=1)
    later.due_date = today + dt.timedelta(days=30)
    suspended.due_date = today - dt.timedelta(days=2)
    suspended.status = ApplicationStatus.SUSPENDED
    for case in (overdue, soon, later, suspended):
        case.save()
    for case in office_cases[5:]:
        case.due_date = today + dt.timedelta(days=30)
        case.save()
    app.due_date = today + dt.timedelta(days=30)
    app.save()
    assert numbers(filtered_applications(user=admin, preset="overdue")[0]) == {overdue.number}
    assert numbers(filtered_applications(user=admin, preset="due_soon")[0]) == {soon.number}
    mine = filtered_applications(user=app.registered_by, preset="mine")[0]
    assert len(numbers(mine)) == len(office_cases)
    app.status = ApplicationStatus.IN_PROGRESS
    app.sent_to_provider_at = timezone.now()
    app.save()
    officer = user_for(app, Role.PROVIDER_OFFICER)
    assert numbers(filtered_applications(user=officer, preset="provider")[0]) == {app.number}
    assert app.number not in numbers(filtered_applications(user=admin, preset="office")[0])


def test_list_view_pages_by_link_and_keeps_the_query_count_fixed(client, office_cases, django_assert_max_num_queries):
    admin = user_for(office_cases[0], Role.ADMINISTRATOR)
    client.force_login(admin)
    # Session, user, device, filters' choices, the page (applications + applicants) and one query per
    # small table of the rows (office, version, service, provider, staff): fixed, whatever the data size.
    with django_assert_max_num_queries(20):
        response = client.get(reverse("applications:list"), {"status": ["registered"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "OFFSET" not in str(response.context["page"])
    assert all(case.number in html for case in office_cases)
    assert response.context["next_query"] == ""


def test_list_view_next_page_links_walk_the_whole_list(client, office_cases, monkeypatch):
    from applications.selectors import lists

    monkeypatch.setattr(lists, "PAGE_SIZE", 5)
    admin = user_for(office_cases[0], Role.ADMINISTRATOR)
    client.force_login(admin)
    seen, query, pages = [], "", 0
    while True:
        response = client.get(reverse("applications:list") + ("?" + query if query else ""))
        assert response.status_code == 200
        seen.extend(app.number for app in response.context["page"].rows)
        pages += 1
        query = response.context["next_query"]
        if not query:
            break
        assert "after=" in query and 'data-testid="next-page"' in response.content.decode()
    assert pages == 3
    assert sorted(seen) == sorted(c.number for c in office_cases) and len(seen) == len(set(seen))


def test_csv_export_of_the_filtered_list(client, office_cases):
    admin = user_for(office_cases[0], Role.ADMINISTRATOR)
    office_cases[1].status = ApplicationStatus.IN_PROGRESS
    office_cases[1].save()
    client.force_login(admin)
    response = client.get(reverse("applications:list"), {"status": "in_progress", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][0] == "Реєстраційний номер"
    assert [row[0] for row in rows[1:]] == [office_cases[1].number]
    assert office_cases[1].applicant.rnokpp not in body  # tax numbers masked


def test_provider_queue_is_for_provider_officers(client, office_cases):
    admin = user_for(office_cases[0], Role.ADMINISTRATOR)
    client.force_login(admin)
    assert client.get(reverse("applications:provider_queue")).status_code == 403
    officer = user_for(office_cases[0], Role.PROVIDER_OFFICER)
    client.force_login(officer)
    assert client.get(reverse("applications:provider_queue")).status_code == 200


@pytest.mark.parametrize("limit", [1000, 2])
def test_a_name_shared_by_many_applicants_finds_all_their_cases(office_cases, monkeypatch, limit):
    """The applicants are looked up first; past MAX_APPLICANT_IDS the search stays a subquery, with the
    same answer."""
    from applications.selectors import lists

    monkeypatch.setattr(lists, "MAX_APPLICANT_IDS", limit)
    namesakes = office_cases[2:7]
    for case in namesakes:
        case.applicant.last_name = "Ткачук"
        case.applicant.save()
    admin = user_for(office_cases[0], Role.ADMINISTRATOR)
    qs, _f = filtered_applications(user=admin, data={"q": "ткачук"})
    assert numbers(qs) == {case.number for case in namesakes}


def test_a_typo_in_a_rare_name_still_finds_the_case(office_cases):
    """Few applicants match the name as typed, so similar spellings are searched too (pg_trgm)."""
    target = office_cases[5]
    target.applicant.last_name = "Мельничук"
    target.applicant.save()
    admin = user_for(target, Role.ADMINISTRATOR)
    assert target.number in numbers(filtered_applications(user=admin, data={"q": "Мельничукк"})[0])
    assert numbers(filtered_applications(user=admin, data={"q": "Мельничук"})[0]) == {target.number}
