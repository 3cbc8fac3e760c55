"""One submit, one effect: the one-time token of the registration form and of the case page's forms
(cnap/core/submissions.py). A second POST of the same form, later or at the same moment, answers with
what the first one made and makes nothing more."""

import threading
import uuid

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.urls import reverse

from applications.constants import ApplicationStatus, DecisionKind
from applications.models import Application, Decision, StatusChange
from cnap.accounts.constants import Role
from cnap.core.models import FormSubmission
from cnap.core.submissions import purge_old_tokens

from .registration_support import make_counter
from .test_registration import form_data
from .workflow_helpers import case_in, user_for


@pytest.mark.django_db
def test_the_same_registration_form_posted_twice_registers_once(client):
    counter = make_counter()
    client.force_login(counter.user)
    data = form_data(counter, submission_token=str(uuid.uuid4()))
    first = client.post(reverse("applications:register"), data)
    second = client.post(reverse("applications:register"), data)
    application = Application.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("applications:registered", args=[application.pk])
    assert FormSubmission.objects.get().result == str(application.pk)
    # A new form (a new token) registers a new case.
    client.post(reverse("applications:register"), form_data(counter, submission_token=str(uuid.uuid4())))
    assert Application.objects.count() == 2


@pytest.mark.django_db
def test_a_failed_submit_leaves_the_token_free_for_the_corrected_form(client):
    counter = make_counter()
    client.force_login(counter.user)
    token = str(uuid.uuid4())
    failed = client.post(
        reverse("applications:register"), form_data(counter, submission_token=token, **{"applicant-last_name": ""})
    )
    assert failed.status_code == 200 and f'value="{token}"' in failed.content.decode()
    assert not FormSubmission.objects.exists()
    done = client.post(reverse("applications:register"), form_data(counter, submission_token=token))
    assert done.status_code == 302 and Application.objects.count() == 1


@pytest.mark.django_db
def test_the_form_carries_a_fresh_token_and_a_submit_that_sends_once(client):
    counter = make_counter()
    client.force_login(counter.user)
    html = client.get(reverse("applications:register")).content.decode()
    assert 'name="submission_token"' in html and "data-once" in html
    again = client.get(reverse("applications:register")).content.decode()
    token = html.split('name="submission_token" value="')[1].split('"')[0]
    assert token not in again


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_of_the_same_form_give_one_number(live_server):
    """Two HTTP requests with the same form and token, released together against the live server
    (a thread per request, a database connection each, PostgreSQL serialising on the token's key)."""
    counter = make_counter()
    django_client = Client()
    django_client.force_login(counter.user)
    cookies = {name: morsel.value for name, morsel in django_client.cookies.items()}
    url = live_server.url + reverse("applications:register")
    with requests.Session() as session:
        session.cookies.update(cookies)
        page = session.get(url)
        assert page.status_code == 200
        csrf = session.cookies[settings.CSRF_COOKIE_NAME]
    data = {**form_data(counter), "submission_token": str(uuid.uuid4()), "csrfmiddlewaretoken": csrf}
    data["doc"] = [str(pk) for pk in data["doc"]]
    barrier = threading.Barrier(2)
    answers = []

    def post():
        with requests.Session() as session:
            session.cookies.update({**cookies, settings.CSRF_COOKIE_NAME: csrf})
            barrier.wait()
            answers.append(session.post(url, data=data, headers={"Referer": url}, allow_redirects=False, timeout=60))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    application = Application.objects.get()
    assert [answer.status_code for answer in answers] == [302, 302]
    assert {answer.headers["Location"] for answer in answers} == {
        reverse("applications:registered", args=[application.pk])
    }
    assert application.sequence == 1
    assert StatusChange.objects.filter(application=application).count() == 1


@pytest.mark.django_db
def test_a_decision_form_posted_twice_records_one_decision(client):
    case = case_in(ApplicationStatus.IN_PROGRESS)
    officer = user_for(case, Role.PROVIDER_OFFICER)
    client.force_login(officer)
    data = {
        "revision": case.revision,
        "kind": DecisionKind.APPROVAL,
        "text": "Надати послугу.",
        "decided_on": case.registered_at.date().isoformat(),
        "submission_token": str(uuid.uuid4()),
    }
    first = client.post(reverse("applications:decide", args=[case.pk]), data)
    second = client.post(reverse("applications:decide", args=[case.pk]), data, follow=True)
    assert first.status_code == 302
    assert Decision.objects.filter(application=case).count() == 1
    assert "nothing was repeated" in second.content.decode() or "нічого не повторено" in second.content.decode()


@pytest.mark.django_db
def test_a_move_posted_twice_moves_once(client):
    case = case_in(ApplicationStatus.REGISTERED)
    administrator = user_for(case, Role.ADMINISTRATOR)
    client.force_login(administrator)
    data = {
        "revision": case.revision,
        "to_status": ApplicationStatus.SENT_TO_PROVIDER,
        "submission_token": str(uuid.uuid4()),
    }
    client.post(reverse("applications:move", args=[case.pk]), data)
    client.post(reverse("applications:move", args=[case.pk]), data)
    case.refresh_from_db()
    assert case.status == ApplicationStatus.SENT_TO_PROVIDER
    assert StatusChange.objects.filter(application=case, to_status=ApplicationStatus.SENT_TO_PROVIDER).count() == 1


@pytest.mark.django_db
def test_old_tokens_are_purged():
    import datetime as dt

    from django.utils import timezone

    from tests.factories import UserFactory

    user = UserFactory()
    old = FormSubmission.objects.create(token=uuid.uuid4(), user=user, purpose="x")
    FormSubmission.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    fresh = FormSubmission.objects.create(token=uuid.uuid4(), user=user, purpose="x")
    assert purge_old_tokens() == 1
    assert list(FormSubmission.objects.all()) == [fresh]
