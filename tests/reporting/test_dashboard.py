import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.constants import ApplicationStatus as S
from cnap.accounts.constants import Role
from reporting.selectors.dashboard import dashboard_data, split_period
from tests.applications.factories import RegistrationJournalFactory
from tests.factories import HromadaFactory, OfficeFactory, UserFactory
from tests.reporting.stats_helpers import moved, registered
from tests.services.factories import ServiceVersionFactory

TODAY = dt.date(2026, 3, 18)  # a Wednesday
D = dt.date


@pytest.fixture
def town(db):
    hromada = HromadaFactory()
    office = OfficeFactory(hromada=hromada)
    journal = RegistrationJournalFactory(office=office)
    admin = UserFactory(role=Role.ADMINISTRATOR, office=office)
    s1 = ServiceVersionFactory(published=True, with_parts=False)
    s2 = ServiceVersionFactory(published=True, with_parts=False)
    common = {"journal": journal, "registered_by": admin}
    apps = {
        1: registered(on=TODAY, due=D(2026, 3, 25), fee="100", service_version=s1, **common),
        2: registered(on=D(2026, 3, 16), due=D(2026, 3, 17), service_version=s1, **common),
        3: registered(on=D(2026, 3, 2), due=D(2026, 3, 10), service_version=s2, **common),
        4: registered(on=D(2026, 2, 10), due=D(2026, 2, 20), service_version=s2, **common),
        5: registered(on=D(2026, 1, 15), due=D(2026, 1, 20), fee="50", service_version=s1, **common),
    }
    moved(apps[2], S.SENT_TO_PROVIDER, on=D(2026, 3, 16))
    moved(apps[2], S.IN_PROGRESS, on=D(2026, 3, 17))
    for status, day in [(S.SENT_TO_PROVIDER, 3), (S.IN_PROGRESS, 4), (S.RESULT_READY, 9), (S.ISSUED, 12)]:
        moved(apps[3], status, on=D(2026, 3, day))
    for status, day in [
        (S.SENT_TO_PROVIDER, D(2026, 2, 11)),
        (S.IN_PROGRESS, D(2026, 2, 12)),
        (S.REFUSED, D(2026, 3, 5)),
    ]:
        moved(apps[4], status, on=day)
    moved(apps[5], S.SUSPENDED, on=D(2026, 1, 16))
    return {"hromada": hromada, "office": office, "apps": apps, "s1": s1.service, "s2": s2.service, "admin": admin}


def test_split_period():
    assert split_period(D(2026, 3, 5), D(2026, 3, 18)) == ([(D(2026, 3, 5), D(2026, 3, 18))], None)
    assert split_period(D(2026, 1, 10), D(2026, 3, 18)) == (
        [(D(2026, 1, 10), D(2026, 1, 31)), (D(2026, 3, 1), D(2026, 3, 18))],
        (D(2026, 2, 1), D(2026, 3, 1)),
    )
    assert split_period(D(2026, 1, 1), D(2026, 2, 28)) == ([], (D(2026, 1, 1), D(2026, 3, 1)))


def test_kpis_against_hand_computed_figures(town):
    board = dashboard_data(offices=[town["office"]], date_from=D(2026, 3, 1), date_to=TODAY, today=TODAY)
    assert (board.registered_today, board.registered_week, board.registered_month, board.registered_year) == (
        1,
        2,
        3,
        5,
    )
    t = board.total
    assert t.registered == 3
    assert t.fees == Decimal("100")
    assert (t.completed, t.completed_on_time, t.completed_late) == (2, 1, 1)
    assert t.on_time_percent == 50.0
    assert t.average_days == 15.0  # (7 + 23) / 2
    assert t.average_term_days == 9.0  # (8 + 10) / 2
    assert (t.refused, t.issued) == (1, 1)
    assert t.open == 3  # apps 1, 2 and the suspended 5
    assert t.overdue == 1  # app 2; the suspended case is not overdue
    by_service = {row.key: row.figures for row in board.by_service}
    assert by_service[town["s1"].pk].registered == 2
    assert by_service[town["s1"].pk].open == 3
    assert by_service[town["s1"].pk].overdue == 1
    assert by_service[town["s2"].pk].registered == 1
    assert by_service[town["s2"].pk].completed == 2
    assert by_service[town["s2"].pk].refused == 1
    assert [row.key for row in board.by_administrator] == [town["admin"].pk]
    trend = {point.start: point.registered for point in board.trend}
    assert len(trend) == 18 and trend[TODAY] == 1 and trend[D(2026, 3, 16)] == 1 and trend[D(2026, 3, 2)] == 1


def test_long_period_reads_whole_months_and_edges(town):
    board = dashboard_data(
        offices=[town["office"]], date_from=D(2026, 1, 1), date_to=TODAY, granularity="month", today=TODAY
    )
    assert board.total.registered == 5
    assert board.total.fees == Decimal("150")
    assert {p.start: p.registered for p in board.trend} == {D(2026, 1, 1): 1, D(2026, 2, 1): 1, D(2026, 3, 1): 3}
    # Before 3 March the refusal (5 March) and the result (9 March) had not happened.
    board = dashboard_data(offices=[town["office"]], date_from=D(2026, 1, 1), date_to=D(2026, 3, 4), today=TODAY)
    assert (board.total.registered, board.total.completed) == (3, 0)


def test_a_figure_links_to_the_list_behind_it(town):
    board = dashboard_data(offices=[town["office"]], date_from=D(2026, 3, 1), date_to=TODAY, today=TODAY)
    assert board.link_overdue == f"{reverse('applications:list_overdue')}"
    row = board.by_service[0]
    assert f"service={row.key}" in row.link_registered
    assert "registered_from=2026-03-01" in row.link_registered and "registered_to=2026-03-18" in row.link_registered
    assert (
        row.link_overdue.startswith(reverse("applications:list_overdue")) and f"service={row.key}" in row.link_overdue
    )


def test_issued_and_refused_open_the_lists_they_count(client, town):
    """«Видано результатів» and «Відмови» count the cases closed in the period, whenever registered:
    their lists are the same cases (a case registered in February and refused in March is in both)."""
    head = UserFactory(role=Role.CNAP_HEAD, office=town["office"])
    late = registered(
        on=D(2026, 2, 3), due=D(2026, 2, 20), service_version=town["apps"][1].service_version,
        journal=town["apps"][1].journal, registered_by=town["admin"],
    )  # fmt: skip
    for status, day in [(S.SENT_TO_PROVIDER, 4), (S.IN_PROGRESS, 5), (S.RESULT_READY, 20)]:
        moved(late, status, on=D(2026, 2, day))
    moved(late, S.ISSUED, on=D(2026, 3, 10))
    board = dashboard_data(offices=[town["office"]], date_from=D(2026, 3, 1), date_to=TODAY, today=TODAY)
    assert (board.total.issued, board.total.refused) == (2, 1)
    _client_for(client, head)
    for link, count in ((board.link_issued, 2), (board.link_refused, 1)):
        page = client.get(link).content.decode()
        assert page.count('data-testid="application-row"') == count, link
    refused_row = next(row for row in board.by_service if row.figures.refused)
    page = client.get(refused_row.link_refused).content.decode()
    assert page.count('data-testid="application-row"') == refused_row.figures.refused


def _client_for(client, user):
    """Logged in with both factors (a verified django-otp device in the session)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    client.force_login(user)
    device = StaticDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_community_head_sees_own_hromada_only(client, town):
    other = OfficeFactory(hromada=HromadaFactory())
    registered(
        on=TODAY,
        due=D(2026, 3, 30),
        journal=RegistrationJournalFactory(office=other),
        registered_by=UserFactory(role=Role.ADMINISTRATOR, office=other),
    )
    mayor = UserFactory(role=Role.COMMUNITY_HEAD, office=None, hromada=town["hromada"])
    response = _client_for(client, mayor).get(reverse("reporting:dashboard"), {"date_from": "2026-03-01"})
    assert response.status_code == 200
    board = response.context["board"]
    assert [o.pk for o in board.offices] == [town["office"].pk]
    assert str(other) not in response.content.decode()
    # Asking for the other hromada's office falls back to the own scope.
    response = client.get(reverse("reporting:dashboard"), {"date_from": "2026-03-01", "office": other.pk})
    assert response.context["board"].office is None
    assert response.context["board"].total.registered == board.total.registered


def test_head_of_cnap_sees_every_office_of_the_hromada_and_no_other(client, town):
    """The head of ЦНАП runs the centre with its territorial units and remote workplaces: the board
    counts the branch's cases too, as the community head's does, and never another hromada's."""
    branch = OfficeFactory(hromada=town["hromada"])
    registered(
        on=D(2026, 3, 3),
        due=D(2026, 3, 30),
        journal=RegistrationJournalFactory(office=branch),
        registered_by=UserFactory(role=Role.ADMINISTRATOR, office=branch),
    )
    elsewhere = OfficeFactory(hromada=HromadaFactory())
    registered(
        on=D(2026, 3, 4),
        due=D(2026, 3, 30),
        journal=RegistrationJournalFactory(office=elsewhere),
        registered_by=UserFactory(role=Role.ADMINISTRATOR, office=elsewhere),
    )
    head = UserFactory(role=Role.CNAP_HEAD, office=town["office"])
    mayor = UserFactory(role=Role.COMMUNITY_HEAD, office=None, hromada=town["hromada"])
    params = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    head_board = _client_for(client, head).get(reverse("reporting:dashboard"), params).context["board"]
    assert {o.pk for o in head_board.offices} == {town["office"].pk, branch.pk}
    client.logout()
    mayor_board = _client_for(client, mayor).get(reverse("reporting:dashboard"), params).context["board"]
    assert mayor_board.total.registered == head_board.total.registered
    assert elsewhere.pk not in {o.pk for o in head_board.offices}


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.PROVIDER_OFFICER, Role.CATALOG_MANAGER])
def test_other_roles_are_refused(client, town, role):
    user = UserFactory(role=role, office=town["office"] if role == Role.ADMINISTRATOR else None)
    _client_for(client, user)
    for name in ("reporting:dashboard", "reporting:overdue", "reporting:reports"):
        assert client.get(reverse(name)).status_code == 403


def test_community_head_cannot_change_anything(client, town):
    from django.core.exceptions import PermissionDenied

    from applications.actions.workflow import transition

    mayor = UserFactory(role=Role.COMMUNITY_HEAD, office=None, hromada=town["hromada"])
    _client_for(client, mayor)
    for name in ("reporting:dashboard", "reporting:overdue", "reporting:reports"):
        assert client.post(reverse(name), {"date_from": "2026-03-01"}).status_code == 405
    app = town["apps"][1]
    with pytest.raises(PermissionDenied):
        transition(application=app, to_status=S.SENT_TO_PROVIDER, acting_user=mayor)
    app.refresh_from_db()
    assert app.status == S.REGISTERED
    # The case page's action answers with a refusal (or a redirect carrying the message): nothing moves.
    response = client.post(reverse("applications:move", args=[app.pk]), {"to_status": S.SENT_TO_PROVIDER})
    assert response.status_code in (302, 403, 404, 405)
    app.refresh_from_db()
    assert app.status == S.REGISTERED


def test_page_shows_charts_data_and_tables(client, town):
    head = UserFactory(role=Role.CNAP_HEAD, office=town["office"])
    response = _client_for(client, head).get(reverse("reporting:dashboard"), {"date_from": "2026-03-01"})
    html = response.content.decode()
    assert 'id="dashboard-data"' in html and "chart.umd.min.js" in html and "js/dashboard.js" in html
    assert 'data-testid="table-service"' in html and 'data-testid="table-trend"' in html
    assert "<script>" not in html  # data only through json_script, code only in files
    assert response.context["chart_data"]["trend"]["labels"][0] == "01.03.2026"


LAST = []


def _dashboard_queries(client, user) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reporting:dashboard"), {"date_from": "2025-01-15", "date_to": "2026-12-31"})
    assert response.status_code == 200
    LAST[:] = queries.captured_queries
    assert "applications_application" not in " ".join(q["sql"] for q in queries.captured_queries[2:])
    return len(queries)


def test_query_count_does_not_grow_with_data(client, db):
    hromada = HromadaFactory()
    offices = [OfficeFactory(hromada=hromada) for _ in range(2)]
    journals = [RegistrationJournalFactory(office=o) for o in offices]
    admins = [UserFactory(role=Role.ADMINISTRATOR, office=o) for o in offices]
    versions = [ServiceVersionFactory(published=True, with_parts=False) for _ in range(3)]
    mayor = UserFactory(role=Role.COMMUNITY_HEAD, office=None, hromada=hromada)
    _client_for(client, mayor)

    def add(n, start):
        for i in range(start, start + n):
            day = D(2025, 1, 20) + dt.timedelta(days=(i * 3) % 600)
            app = registered(
                on=day,
                due=day + dt.timedelta(days=10),
                journal=journals[i % 2],
                registered_by=admins[i % 2],
                service_version=versions[i % 3],
            )
            if i % 4 == 0:
                moved(app, S.SENT_TO_PROVIDER, on=day)

    add(10, 0)
    _dashboard_queries(client, mayor)  # the worker's first page builds its lookups (cnap/core/lookups.py)
    small = _dashboard_queries(client, mayor)
    add(190, 10)
    large = _dashboard_queries(client, mayor)
    assert small == large, "\n".join(q["sql"][:150] for q in LAST)
    # session, user, OTP device, session save (3) + the dashboard's own 7 (names come from the lookups)
    assert large <= 13, "\n".join(q["sql"][:150] for q in LAST)


def test_chart_labels_keep_the_start_of_long_service_names(town):
    from reporting.selectors.dashboard import CHART_LABEL_WIDTH, chart_label_lines

    name = "Державна реєстрація речового права на нерухоме майно (у тому числі іпотеки) та його обтяження, витяг"
    lines = chart_label_lines(name)
    assert lines[0].startswith("Державна реєстрація")
    assert all(len(line) <= CHART_LABEL_WIDTH for line in lines) and len(lines) == 3
    assert lines[-1].endswith("…")
    assert chart_label_lines("Видача довідки") == ["Видача довідки"]
    board = dashboard_data(offices=[town["office"]], date_from=D(2026, 3, 1), date_to=TODAY, today=TODAY)
    data = board.chart_data()["by_service"]
    assert data["label_lines"] == [chart_label_lines(label) for label in data["labels"]]
