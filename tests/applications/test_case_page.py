"""The case page: everything on one screen, the actions the user may take, 404 for other offices,
a fixed number of queries, and the forms posting through the actions."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from applications.actions import workflow
from applications.actions.decisions import record_decision
from applications.constants import ApplicationStatus, DecisionKind
from applications.models import Application, SubmittedDocument
from cnap.accounts.constants import Role
from tests.applications.workflow_helpers import case_in, user_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def str_in_uk(status) -> str:
    with translation.override("uk"):
        return str(status.label)


def page_of(client, user, app):
    client.force_login(user)
    return client.get(reverse("applications:detail", args=[app.pk]))


def test_the_page_shows_the_case_its_timeline_edits_decisions_and_the_moves_allowed(client):
    app = case_in(ApplicationStatus.REGISTERED)
    SubmittedDocument.objects.create(application=app, name="Паспорт громадянина України", kind="original")
    admin = user_for(app, Role.ADMINISTRATOR, first_name="Ірина", last_name="Бондар")
    officer = user_for(app, Role.PROVIDER_OFFICER, first_name="Петро", last_name="Мельник")
    workflow.send_to_provider(application=app, acting_user=admin)
    workflow.take_into_work(application=app, acting_user=officer)
    ground = app.service_version.refusal_grounds.get()
    decision = record_decision(application=app, kind=DecisionKind.REFUSAL, grounds=[ground], acting_user=officer)

    response = page_of(client, admin, app)
    assert response.status_code == 200
    html = response.content.decode()
    assert app.number in html and app.applicant.display_name in html and app.applicant.phone in html
    assert "Паспорт громадянина України" in html
    assert app.provider.name in html
    assert "Бондар Ірина" in html and "Мельник Петро" in html
    assert decision.number in html and ground.text in html
    assert reverse("applications:decision_pdf", args=[app.pk, decision.pk]) in html
    assert reverse("applications:routing_slip_pdf", args=[app.pk]) in html
    # The administrator may hand over the refusal, not decide.
    assert 'data-testid="issue-form"' in html
    assert 'data-testid="decision-form"' not in html
    page = response.context["page"]
    assert [c.to_status for c in page.timeline] == ["sent_to_provider", "in_progress", "refused"]
    with translation.override("uk"):
        refused, status_label = (
            str(ApplicationStatus.REFUSED.label),
            str(Application._meta.get_field("status").verbose_name),
        )
    status_edits = [(edit.who, change) for edit in page.edits for change in edit.changes if change[0] == status_label]
    assert (officer, (status_label, str_in_uk(ApplicationStatus.IN_PROGRESS), refused)) in status_edits


def test_an_officer_of_the_provider_sees_the_take_button_only_when_sent(client):
    app = case_in(ApplicationStatus.SENT_TO_PROVIDER)
    officer = user_for(app, Role.PROVIDER_OFFICER)
    html = page_of(client, officer, app).content.decode()
    assert 'data-testid="move-in_progress"' in html
    assert 'data-testid="move-returned_for_revision"' in html
    assert 'data-testid="move-sent_to_provider"' not in html


def test_days_left_and_the_overdue_badge(client):
    app = case_in(ApplicationStatus.IN_PROGRESS)
    app.due_date = timezone.localdate() - dt.timedelta(days=7)
    app.save()
    response = page_of(client, user_for(app, Role.ADMINISTRATOR), app)
    assert response.context["page"].days_left < 0
    assert 'data-testid="overdue-badge"' in response.content.decode()


@pytest.mark.parametrize(
    "role", [Role.ADMINISTRATOR, Role.STAROSTA, Role.CNAP_HEAD, Role.PROVIDER_OFFICER, Role.COMMUNITY_HEAD]
)
def test_a_case_of_another_office_or_provider_answers_404(client, role):
    app = case_in(ApplicationStatus.IN_PROGRESS)
    elsewhere = case_in(ApplicationStatus.IN_PROGRESS)  # another hromada, office and provider
    stranger = user_for(elsewhere, role)
    assert page_of(client, stranger, app).status_code == 404
    assert page_of(client, stranger, elsewhere).status_code == 200


def test_a_provider_officer_does_not_see_a_case_not_yet_sent(client):
    app = case_in(ApplicationStatus.REGISTERED)
    assert page_of(client, user_for(app, Role.PROVIDER_OFFICER), app).status_code == 404


def test_the_page_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    app = case_in(ApplicationStatus.REGISTERED)
    admin = user_for(app, Role.ADMINISTRATOR)
    officer = user_for(app, Role.PROVIDER_OFFICER)
    for i in range(5):
        SubmittedDocument.objects.create(application=app, name=f"Документ {i}", kind="copy")
    workflow.send_to_provider(application=app, acting_user=admin)
    workflow.take_into_work(application=app, acting_user=officer)
    workflow.suspend(application=app, reason="Запит", acting_user=officer)
    workflow.resume(application=app, acting_user=officer)
    record_decision(application=app, kind=DecisionKind.APPROVAL, acting_user=officer)
    client.force_login(admin)
    # 25, plus the payments of the case, the applicant as submitted, its history, the register's history,
    # the documents the service lists (for "a document handed in later"), the queue ticket of the visit: a fixed
    # number, whatever the case holds.
    with django_assert_max_num_queries(31):
        response = client.get(reverse("applications:detail", args=[app.pk]))
    assert response.status_code == 200
    assert len(response.context["page"].timeline) == 5


def test_posting_a_move_through_the_page(client):
    app = case_in(ApplicationStatus.REGISTERED)
    admin = user_for(app, Role.ADMINISTRATOR)
    client.force_login(admin)
    url = reverse("applications:move", args=[app.pk])
    response = client.post(url, {"to_status": "sent_to_provider", "revision": app.revision, "comment": ""}, follow=True)
    assert response.status_code == 200
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.SENT_TO_PROVIDER
    # The same stale form again: refused with a message naming who changed it.
    response = client.post(
        url, {"to_status": "withdrawn", "revision": app.revision, "comment": "Відкликано"}, follow=True
    )
    text = response.content.decode()
    assert admin.full_name in text
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.SENT_TO_PROVIDER


def test_a_forbidden_move_posted_by_hand_is_refused_with_a_message(client):
    app = case_in(ApplicationStatus.REGISTERED)
    officer = user_for(app, Role.PROVIDER_OFFICER)
    admin = user_for(app, Role.ADMINISTRATOR)
    client.force_login(admin)
    response = client.post(
        reverse("applications:move", args=[app.pk]), {"to_status": "issued", "revision": app.revision}, follow=True
    )
    assert "alert-danger" in response.content.decode()
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.REGISTERED
    client.force_login(officer)  # not sent yet: the officer cannot even see it
    response = client.post(reverse("applications:move", args=[app.pk]), {"to_status": "in_progress", "revision": 1})
    assert response.status_code == 404


def test_a_refusal_without_grounds_posted_through_the_page_is_refused(client):
    app = case_in(ApplicationStatus.IN_PROGRESS)
    officer = user_for(app, Role.PROVIDER_OFFICER)
    client.force_login(officer)
    response = client.post(
        reverse("applications:decide", args=[app.pk]), {"kind": "refusal", "revision": app.revision}, follow=True
    )
    assert "alert-danger" in response.content.decode()
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.IN_PROGRESS


def test_pdf_downloads(client):
    app = case_in(ApplicationStatus.IN_PROGRESS)
    officer = user_for(app, Role.PROVIDER_OFFICER)
    decision = record_decision(application=app, kind=DecisionKind.APPROVAL, acting_user=officer)
    client.force_login(officer)
    first = client.get(reverse("applications:decision_pdf", args=[app.pk, decision.pk]))
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    body = b"".join(first.streaming_content)
    assert body.startswith(b"%PDF")
    again = b"".join(client.get(reverse("applications:decision_pdf", args=[app.pk, decision.pk])).streaming_content)
    assert again == body
    slip = client.get(reverse("applications:routing_slip_pdf", args=[app.pk]))
    assert slip.status_code == 200
    stranger = UserFactory(role=Role.PROVIDER_OFFICER, office=None)
    client.force_login(stranger)
    assert client.get(reverse("applications:decision_pdf", args=[app.pk, decision.pk])).status_code == 404


def test_the_page_offers_registry_lookups_to_those_who_may_ask_and_lists_the_notices(client):
    from notifications.models import Notification, NotificationChannel, NotificationEvent

    app = case_in(ApplicationStatus.REGISTERED)
    Notification.objects.create(
        application=app,
        event=NotificationEvent.REGISTERED,
        channel=NotificationChannel.EMAIL,
        recipient="o***@example.com",
    )
    html = page_of(client, user_for(app, Role.ADMINISTRATOR), app).content.decode()
    assert 'data-testid="case-registry"' in html
    assert f'name="registry_application" value="{app.pk}"' in html
    assert 'data-testid="notification-registered-email"' in html
    assert "o***@example.com" in html

    head = user_for(app, Role.CNAP_HEAD)
    html = page_of(client, head, app).content.decode()
    assert 'data-testid="case-registry"' not in html
    assert 'data-testid="notification-registered-email"' in html
