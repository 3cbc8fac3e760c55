"""The Django admin of the applications app: every registered page answers for a superuser, the case is
read-mostly, the lists never count the whole table, and the access log stays append-only."""

import datetime as dt

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from applications.admin import ApplicationAdmin
from applications.constants import ApplicationStatus
from applications.models import (
    Applicant,
    Application,
    Decision,
    PrintedDocument,
    RegistrationJournal,
    Scan,
    StatusChange,
    SubmittedDocument,
    Suspension,
)
from cnap.core.admin_tools import COUNT_CAP
from cnap.security.models import PersonalDataAccess
from notifications.models import Notification
from registry.constants import RegistryName
from registry.models import RegistryRequest
from reporting.models import DailyStats, MonthlyStats, OpenStats
from tests.applications.factories import ApplicationFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(username="root-admin", role="", office=None, is_superuser=True, is_staff=True)


@pytest.fixture
def case(superuser):
    """One case with a row of every kind attached to it."""
    app = ApplicationFactory(status=ApplicationStatus.REFUSED, registered_at=timezone.now() - dt.timedelta(days=5))
    user = app.registered_by
    StatusChange.objects.create(
        application=app, from_status="", to_status="registered", changed_at=app.registered_at, changed_by=user
    )
    SubmittedDocument.objects.create(application=app, name="Паспорт", kind="original")
    Scan.objects.create(
        application=app,
        file="scans/2026/01/x",
        original_name="паспорт.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_at=timezone.now(),
        uploaded_by=user,
    )
    Suspension.objects.create(application=app, started_on=timezone.localdate(), reason="Очікування", created_by=user)
    decision = Decision.objects.create(
        application=app,
        number="Р-00000000-2026-00001",
        kind="refusal",
        decided_on=timezone.localdate(),
        text="Відмовити",
        grounds_text="Неповний пакет",
        decided_by=user,
    )
    PrintedDocument.objects.create(
        application=app, kind="decision", decision=decision, file="printed/x.pdf", sha256="1" * 64, created_by=user
    )
    RegistryRequest.objects.create(
        application=app,
        office=app.office,
        registry=RegistryName.EDDR_PERSON,
        query={"rnokpp": app.applicant.rnokpp},
        requested_by=user,
    )
    Notification.objects.create(application=app, event="refused", channel="sms", recipient="+38050***4567")
    return app


def _object_of(model, case):
    return {
        Applicant: case.applicant,
        Application: case,
        RegistrationJournal: case.journal,
        Decision: case.decisions.first(),
        RegistryRequest: case.registry_requests.first(),
        Notification: case.notifications.first(),
    }.get(model) or model.objects.first()


CASE_APPS = {"applications", "registry", "notifications", "security"}


def _case_admins():
    """The admin pages of the case app and of the apps that keep rows about cases."""
    return [model for model in admin.site._registry if model._meta.app_label in CASE_APPS]


def test_each_admin_changelist_and_change_page_answers(client, superuser, case):
    client.force_login(superuser)
    models = _case_admins()
    assert {Applicant, Application, RegistrationJournal, RegistryRequest, Notification, PersonalDataAccess} <= set(
        models
    )
    PersonalDataAccess.objects.create(
        user=superuser, action="view_case", application_id=case.pk, application_number=case.number
    )
    for model in models:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        changelist = client.get(reverse(f"{prefix}_changelist"))
        assert changelist.status_code == 200, model
        obj = _object_of(model, case)
        assert obj is not None, model
        change = client.get(reverse(f"{prefix}_change", args=[obj.pk]))
        assert change.status_code == 200, model
        if isinstance(admin.site._registry[model], SimpleHistoryAdmin):
            assert client.get(reverse(f"{prefix}_history", args=[obj.pk])).status_code == 200, model


def test_the_case_page_shows_its_timeline_and_documents_and_logs_the_access(client, superuser, case):
    client.force_login(superuser)
    response = client.get(reverse("admin:applications_application_change", args=[case.pk]))
    html = response.content.decode()
    assert case.number in html
    for text in ("Паспорт", "паспорт.pdf", "Р-00000000-2026-00001", "Очікування", "Неповний пакет"):
        assert text in html, text
    assert "scans/2026/01/x" not in html  # no link to the private file
    assert PersonalDataAccess.objects.filter(user=superuser, application_id=case.pk, detail="admin").exists()


def test_derived_tables_are_not_registered():
    for model in (DailyStats, MonthlyStats, OpenStats):
        assert model not in admin.site._registry


def test_personal_data_access_is_append_only_in_the_admin(rf, superuser):
    model_admin = admin.site._registry[PersonalDataAccess]
    request = rf.get("/admin/")
    request.user = superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)


def test_the_case_is_read_mostly(client, superuser, case):
    """What the actions own is read-only; a superuser corrects the comment, the revision moves on, and
    the history records who did it. No add, no delete."""
    model_admin = admin.site._registry[Application]
    assert isinstance(model_admin, ApplicationAdmin)
    client.force_login(superuser)
    url = reverse("admin:applications_application_change", args=[case.pk])
    form = client.get(url).context["adminform"].form
    assert set(form.fields) == {
        "representative",
        "power_of_attorney_number",
        "power_of_attorney_date",
        "power_of_attorney_issued_by",
        "result_delivery",
        "comment",
    }
    revision = case.revision
    data = {
        "representative": "",
        "power_of_attorney_number": "",
        "power_of_attorney_date": "",
        "power_of_attorney_issued_by": "",
        "result_delivery": case.result_delivery,
        "comment": "Виправлено номер телефону в коментарі",
        # The inlines' management forms (read-only, no rows posted).
        **{
            f"{prefix}-{key}": value
            for prefix in ("documents", "scans", "status_changes", "suspensions", "decisions", "printed_documents")
            for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"), ("MIN_NUM_FORMS", "0"))
        },
        "status": "issued",  # not a form field: ignored
        "number": "FAKE-1",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    case.refresh_from_db()
    assert case.comment == "Виправлено номер телефону в коментарі"
    assert case.status == ApplicationStatus.REFUSED and case.number != "FAKE-1"
    assert case.revision == revision + 1
    assert case.history.latest().history_user == superuser
    assert client.get(reverse("admin:applications_application_add")).status_code == 403
    assert client.get(reverse("admin:applications_application_delete", args=[case.pk])).status_code == 403


def test_the_list_never_counts_the_whole_table(client, superuser, case):
    ApplicationFactory.create_batch(3)
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:applications_application_changelist"), {"status__exact": "registered"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts, "the paginator counts"
    for sql in counts:
        if "applications_application" in sql:
            assert f"LIMIT {COUNT_CAP + 1}" in sql, sql


def test_search_by_number(client, superuser, case):
    other = ApplicationFactory()
    client.force_login(superuser)
    response = client.get(reverse("admin:applications_application_changelist"), {"q": case.number[-6:].lower()})
    found = list(response.context["cl"].result_list)
    assert found == [case] and other not in found


def test_search_applicants_by_tax_number_and_name(client, superuser, case):
    client.force_login(superuser)
    url = reverse("admin:applications_applicant_changelist")
    by_number = client.get(url, {"q": case.applicant.rnokpp})
    assert list(by_number.context["cl"].result_list) == [case.applicant]
    by_name = client.get(url, {"q": case.applicant.last_name.upper()})
    assert list(by_name.context["cl"].result_list) == [case.applicant]
    assert list(client.get(url, {"q": "Неіснуюче"}).context["cl"].result_list) == []
