"""A database of the old layout, with rows, migrates to the new one without losing anything.

Old layout: the registry requests, notifications, summary tables and the personal-data access log were
models of the case app (``applications``), and the provider officer's provider was a column of
``accounts.User``. The test builds the database at that state with the migration executor, writes rows
through the old models, migrates forward and reads every row back through the new models."""

import datetime as dt
import uuid

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from applications.models import Application
from cnap.accounts.models import User
from cnap.security.models import PersonalDataAccess
from notifications.models import Notification
from registry.models import RegistryRequest
from reporting.models import DailyStats, MonthlyStats, OpenStats
from services.models import ProviderOfficer
from services.selectors import provider_id_of
from tests.applications.factories import ApplicationFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

OLD_LAYOUT = [
    ("accounts", "0002_user_provider"),
    ("services", "0002_trigram_search"),
    ("applications", "0008_number_search_index"),
    ("registry", None),
    ("notifications", None),
    ("reporting", None),
    ("security", None),
]
MOVED = {
    "registryrequest": "registry",
    "notification": "notifications",
    "dailystats": "reporting",
    "monthlystats": "reporting",
    "openstats": "reporting",
    "personaldataaccess": "security",
}


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    if targets is None:
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return MigrationExecutor(connection)


def test_a_populated_database_of_the_old_layout_migrates_forward():
    # Rows of the tables that do not move, made with today's models.
    case = ApplicationFactory()
    officer = UserFactory(username="officer-moved", role="provider_officer", office=None, hromada=case.hromada)
    head = UserFactory(username="head-moved", role="cnap_head", office=case.office)
    old_content_types = {
        model: ContentType.objects.get_or_create(app_label="applications", model=model)[0].pk for model in MOVED
    }
    ContentType.objects.filter(app_label__in=set(MOVED.values())).delete()

    old = migrate(OLD_LAYOUT).loader.project_state([node for node in OLD_LAYOUT if node[1]]).apps
    for model, pk in old_content_types.items():  # what post_migrate had made when the models lived in applications
        content_type = old.get_model("contenttypes", "ContentType").objects.get(pk=pk)
        old.get_model("auth", "Permission").objects.get_or_create(
            content_type=content_type, codename=f"view_{model}", defaults={"name": f"Can view {model}"}
        )

    # The provider link as a column of the user, with two changes in the user's history.
    old_user = old.get_model("accounts", "User")
    old_history = old.get_model("accounts", "HistoricalUser")
    provider_id = case.provider_id
    old_user.objects.filter(pk=officer.pk).update(provider_id=provider_id)
    base = {
        field.attname: getattr(old_user.objects.get(pk=officer.pk), field.attname)
        for field in old_user._meta.concrete_fields
        if field.attname not in ("last_login", "password")
    }
    first, second = timezone.now() - dt.timedelta(days=3), timezone.now() - dt.timedelta(days=2)
    old_history.objects.filter(id=officer.pk).delete()
    old_history.objects.create(
        **{**base, "provider_id": None}, history_date=first, history_type="+", history_user_id=head.pk
    )
    old_history.objects.create(
        **base, history_date=second, history_type="~", history_user_id=head.pk, history_change_reason="assigned"
    )

    # Rows of every moved model, through the old models.
    registry_request_id = uuid.uuid4()
    old.get_model("applications", "RegistryRequest").objects.create(
        id=registry_request_id,
        application_id=case.pk,
        applicant_id=case.applicant_id,
        office_id=case.office_id,
        registry="eddr_person",
        query={"rnokpp": case.applicant.rnokpp},
        state="succeeded",
        response={"surname": "Шевченко"},
        requested_by_id=case.registered_by_id,
    )
    notification = old.get_model("applications", "Notification").objects.create(
        application_id=case.pk, event="registered", channel="email", recipient="o***@example.com", status="sent"
    )
    dims = {
        "office_id": case.office_id,
        "service_id": case.service_id,
        "provider_id": case.provider_id,
        "registered_by_id": case.registered_by_id,
    }
    day = timezone.localdate()
    old.get_model("applications", "DailyStats").objects.create(date=day, registered=3, fees="150.00", **dims)
    old.get_model("applications", "MonthlyStats").objects.create(month=day.replace(day=1), registered=7, **dims)
    old.get_model("applications", "OpenStats").objects.create(status="registered", due_date=day, count=2, **dims)
    access = old.get_model("applications", "PersonalDataAccess").objects.create(
        user_id=head.pk,
        action="view_registry_response",
        application_id=case.pk,
        applicant_id=case.applicant_id,
        registry_request_id=registry_request_id,
        ip="192.0.2.1",
    )

    migrate(None)  # forward, to the newest layout

    request = RegistryRequest.objects.get(pk=registry_request_id)
    assert (request.application, request.state, request.response) == (case, "succeeded", {"surname": "Шевченко"})
    assert Notification.objects.get(pk=notification.pk).recipient == "o***@example.com"
    assert DailyStats.objects.get(date=day).registered == 3
    assert str(DailyStats.objects.get(date=day).fees) == "150.00"
    assert MonthlyStats.objects.get(month=day.replace(day=1)).registered == 7
    assert OpenStats.objects.get(status="registered").count == 2
    row = PersonalDataAccess.objects.get(pk=access.pk)
    assert (row.user_id, row.application_id, row.applicant_id, row.registry_request_id) == (
        head.pk,
        case.pk,
        case.applicant_id,
        registry_request_id,
    )
    # copied from the case, so the log is scoped and readable without it
    assert (row.application_number, row.hromada_id) == (case.number, case.hromada_id)
    # still append-only in the database
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE applications_personaldataaccess SET detail = 'x' WHERE id = %s", [row.pk])

    # The provider link, now a membership in the catalog, with its history.
    officer = User.objects.get(pk=officer.pk)
    assert provider_id_of(officer) == provider_id
    membership = ProviderOfficer.objects.get(user=officer)
    history = list(membership.history.order_by("history_date").values_list("history_type", "provider_id"))
    assert history == [("+", provider_id)]
    record = membership.history.get()
    assert (record.history_date, record.history_user_id, record.history_change_reason) == (second, head.pk, "assigned")
    assert not hasattr(Application.objects.first().registered_by, "provider_id")

    # The content types (and so the permissions) moved with the models, keeping their ids.
    for model, app_label in MOVED.items():
        content_type = ContentType.objects.get_for_model(
            {
                "registryrequest": RegistryRequest,
                "notification": Notification,
                "dailystats": DailyStats,
                "monthlystats": MonthlyStats,
                "openstats": OpenStats,
                "personaldataaccess": PersonalDataAccess,
            }[model]
        )
        assert (content_type.app_label, content_type.pk) == (app_label, old_content_types[model])
        assert Permission.objects.filter(content_type=content_type, codename=f"view_{model}").exists()
    assert not ContentType.objects.filter(app_label="applications", model__in=list(MOVED)).exists()
