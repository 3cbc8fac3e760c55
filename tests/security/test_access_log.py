"""The personal-data access log: append-only at every level, readable by the head of ЦНАП with
filters, never showing a full tax number; the masking log filter."""

import io
import logging
from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cnap.accounts.constants import Role
from cnap.security.audit import log_personal_data_access
from cnap.security.log_filters import MaskPersonalData, mask_text
from cnap.security.models import PersonalDataAccess, PersonalDataAccessAction
from tests.applications.factories import ApplicationFactory
from tests.factories import OfficeFactory, UserFactory
from tests.security.factories import make_registry_request, make_scan

pytestmark = pytest.mark.django_db
Action = PersonalDataAccessAction


def request_by(user, ip="192.0.2.7"):
    request = RequestFactory().get("/", REMOTE_ADDR=ip)
    request.user = user
    return request


@pytest.fixture
def application():
    return ApplicationFactory()


def test_the_helper_records_who_what_when_and_the_case(application):
    user = application.registered_by
    scan = make_scan(application)
    row = log_personal_data_access(request=request_by(user), action=Action.VIEW_SCAN, scan=scan)
    assert (row.user, row.application_id, row.applicant_id, row.scan_id, row.ip) == (
        user,
        application.pk,
        application.applicant.pk,
        scan.pk,
        "192.0.2.7",
    )
    # the case's number and hromada are kept on the row: the log is read and scoped without the case
    assert (row.application_number, row.hromada_id) == (application.number, application.hromada_id)
    assert row.accessed_at > timezone.now() - timedelta(minutes=1)
    registry = make_registry_request(application)
    row = log_personal_data_access(
        request=request_by(user),
        action=Action.VIEW_REGISTRY_RESPONSE,
        registry_request=registry,
        detail=f"query {application.applicant.rnokpp}",
    )
    assert (row.application_id, row.registry_request_id) == (application.pk, registry.pk)
    assert application.applicant.rnokpp not in row.detail


def test_rows_cannot_be_changed_or_deleted(application):
    row = log_personal_data_access(
        request=request_by(application.registered_by), action=Action.VIEW_CASE, application=application
    )
    row.action = Action.EXPORT_LIST
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()
    with pytest.raises(ValueError):
        PersonalDataAccess.objects.filter(pk=row.pk).update(action=Action.EXPORT_LIST)
    with pytest.raises(ValueError):
        PersonalDataAccess.objects.filter(pk=row.pk).delete()
    # and the database itself refuses (a trigger), whatever the code does
    for sql in (
        "UPDATE applications_personaldataaccess SET action = 'export_list' WHERE id = %s",
        "DELETE FROM applications_personaldataaccess WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [row.pk])
    assert PersonalDataAccess.objects.get(pk=row.pk).action == Action.VIEW_CASE


def test_the_admin_offers_no_add_change_or_delete():
    admin = site._registry[PersonalDataAccess]
    root = UserFactory(role="", office=None, is_superuser=True, is_staff=True)
    request = request_by(root)
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)


def test_the_head_sees_the_log_of_their_hromada_with_filters_and_masked_tax_numbers(client):
    office = OfficeFactory()
    head = UserFactory(role=Role.CNAP_HEAD, office=office)
    mine = ApplicationFactory(journal__office=office)
    clerk = mine.registered_by
    theirs = ApplicationFactory()
    log_personal_data_access(request=request_by(clerk), action=Action.VIEW_CASE, application=mine)
    log_personal_data_access(
        request=request_by(clerk), action=Action.PRINT_DOCUMENT, application=mine, detail="receipt"
    )
    log_personal_data_access(request=request_by(theirs.registered_by), action=Action.VIEW_CASE, application=theirs)

    client.force_login(head)
    url = reverse("applications:access_log")
    page = client.get(url).content.decode()
    assert page.count('data-testid="access-row"') == 2
    assert mine.number in page and theirs.number not in page
    assert mine.applicant.rnokpp not in page
    assert mine.applicant.masked_tax_id in page

    assert client.get(url, {"action": Action.PRINT_DOCUMENT}).content.decode().count('data-testid="access-row"') == 1
    assert client.get(url, {"user": clerk.pk}).content.decode().count('data-testid="access-row"') == 2
    assert client.get(url, {"number": mine.number[-6:]}).content.decode().count('data-testid="access-row"') == 2
    today = timezone.localdate()
    rows = client.get(url, {"date_from": today - timedelta(days=3), "date_to": today - timedelta(days=1)})
    assert rows.content.decode().count('data-testid="access-row"') == 0
    rows = client.get(url, {"date_from": today, "date_to": today})
    assert rows.content.decode().count('data-testid="access-row"') == 2


@pytest.mark.parametrize(
    "role", [Role.ADMINISTRATOR, Role.STAROSTA, Role.PROVIDER_OFFICER, Role.COMMUNITY_HEAD, Role.CATALOG_MANAGER]
)
def test_other_roles_may_not_read_the_log(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get(reverse("applications:access_log")).status_code == 403


def test_the_log_filter_masks_tax_numbers_and_secrets():
    assert mask_text("applicant 3141592653 asked") == "applicant 31******53 asked"
    assert mask_text("phone +380501234567") == "phone +380501234567"  # 12 digits: not a tax number
    assert "abc123secret" not in mask_text("Authorization: Token abc123secret")
    assert "hunter2hunter2" not in mask_text("password=hunter2hunter2&x=1")
    assert "s3cr3t" not in mask_text('{"token": "s3cr3t"}')

    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "lookup for %s with token=%s", ("3141592653", "t0k"), None
    )
    assert MaskPersonalData().filter(record)
    message = record.getMessage()
    assert "3141592653" not in message and "t0k" not in message
    assert "31******53" in message
    forged = logging.LogRecord("x", logging.INFO, __file__, 1, "user %s", ("olena\n2026-01-01 INFO fake line",), None)
    MaskPersonalData().filter(forged)
    assert "\n" not in forged.getMessage()


def test_the_root_handler_masks_what_any_logger_writes():
    handler = logging.getLogger().handlers[0]
    assert any(isinstance(f, MaskPersonalData) for f in handler.filters)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logging.getLogger("applications.somewhere").warning("rnokpp %s refused", "3141592653")
    finally:
        handler.setStream(previous)
    assert "31******53" in stream.getvalue() and "3141592653" not in stream.getvalue()
