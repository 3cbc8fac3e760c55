"""Scans survive a failed submit of the registration form: staged privately (the user and the browser
session), listed on the re-rendered form with a remove button, attached by the submit that succeeds,
never visible to another user, and removed by the periodic clean-up when they expire."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.actions.staging import purge_expired_uploads
from applications.models import Application, Scan, StagedUpload
from cnap.accounts.constants import Role
from tests.factories import UserFactory

from .registration_support import PNG_BYTES, make_counter, pdf_bytes, upload
from .test_registration import form_data


def staged_ids(html: str) -> list[str]:
    return [part.split('"')[0] for part in html.split('name="staged" value="')[1:]]


@pytest.mark.django_db
def test_two_scans_survive_a_failed_submit_and_are_attached_by_the_next(client):
    counter = make_counter()
    client.force_login(counter.user)
    failed = client.post(
        reverse("applications:register"),
        form_data(
            counter,
            **{"applicant-first_name": ""},
            scans=[upload("passport.pdf", pdf_bytes()), upload("photo.png", PNG_BYTES, "image/png")],
        ),
    )
    html = failed.content.decode()
    assert failed.status_code == 200 and Application.objects.count() == 0
    assert "passport.pdf" in html and "photo.png" in html and 'data-testid="staged-scan-remove"' in html
    ids = staged_ids(html)
    assert len(ids) == 2 and StagedUpload.objects.filter(user=counter.user).count() == 2
    names = {upload.file.name for upload in StagedUpload.objects.all()}
    assert all(default_storage.exists(name) for name in names)

    done = client.post(reverse("applications:register"), form_data(counter, staged=ids))
    application = Application.objects.get()
    assert done.status_code == 302
    scans = {scan.original_name: scan for scan in application.scans.all()}
    assert set(scans) == {"passport.pdf", "photo.png"}
    assert {scan.file.name for scan in scans.values()} == names
    assert scans["passport.pdf"].file.read() == pdf_bytes()
    assert not StagedUpload.objects.exists()


@pytest.mark.django_db
def test_a_refused_file_is_named_and_the_good_one_kept(client):
    counter = make_counter()
    client.force_login(counter.user)
    response = client.post(
        reverse("applications:register"),
        form_data(counter, scans=[upload("good.pdf", pdf_bytes()), upload("fake.pdf", b"MZ not a pdf")]),
    )
    html = response.content.decode()
    assert response.status_code == 200 and Application.objects.count() == 0
    assert 'data-testid="scan-errors"' in html and "fake.pdf" in html.split('data-testid="scan-errors"')[1]
    assert [u.original_name for u in StagedUpload.objects.all()] == ["good.pdf"]
    client.post(reverse("applications:register"), form_data(counter, staged=staged_ids(html)))
    assert [scan.original_name for scan in Application.objects.get().scans.all()] == ["good.pdf"]


@pytest.mark.django_db
def test_the_remove_button_removes_the_file(client):
    counter = make_counter()
    client.force_login(counter.user)
    html = client.post(
        reverse("applications:register"),
        form_data(counter, **{"applicant-last_name": ""}, scans=[upload("a.pdf", pdf_bytes())]),
    ).content.decode()
    [upload_id] = staged_ids(html)
    name = StagedUpload.objects.get().file.name
    response = client.post(reverse("applications:staged_upload_remove", args=[upload_id]))
    assert response.status_code == 200
    assert not StagedUpload.objects.exists() and not default_storage.exists(name)
    assert client.post(reverse("applications:staged_upload_remove", args=[upload_id])).status_code == 404


@pytest.mark.django_db
def test_staged_scans_are_nobody_elses(client):
    counter = make_counter()
    client.force_login(counter.user)
    html = client.post(
        reverse("applications:register"),
        form_data(counter, **{"applicant-last_name": ""}, scans=[upload("private.pdf", pdf_bytes())]),
    ).content.decode()
    ids = staged_ids(html)
    colleague = UserFactory(role=Role.ADMINISTRATOR, office=counter.office)
    other = Client()
    other.force_login(colleague)
    # The colleague posts the ids: they are not theirs, the form neither lists nor attaches them.
    page = other.post(reverse("applications:register"), form_data(counter, **{"applicant-last_name": ""}, staged=ids))
    assert "private.pdf" not in page.content.decode()
    assert other.post(reverse("applications:staged_upload_remove", args=[ids[0]])).status_code == 404
    other.post(reverse("applications:register"), form_data(counter, staged=ids))
    assert Application.objects.get().scans.count() == 0
    assert StagedUpload.objects.count() == 1
    # The same user in another browser session does not see them either.
    elsewhere = Client()
    elsewhere.force_login(counter.user)
    page = elsewhere.post(
        reverse("applications:register"), form_data(counter, **{"applicant-last_name": ""}, staged=ids)
    )
    assert "private.pdf" not in page.content.decode()


@pytest.mark.django_db
def test_expired_staged_uploads_are_removed_by_the_periodic_job():
    counter = make_counter()
    now = timezone.now()
    files = []
    for name, expires in (("old.pdf", now - dt.timedelta(minutes=1)), ("new.pdf", now + dt.timedelta(hours=1))):
        stored = default_storage.save(f"scans/test/{name}", upload(name, pdf_bytes()))
        files.append(stored)
        StagedUpload.objects.create(
            user=counter.user,
            session_key="s",
            file=stored,
            original_name=name,
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            uploaded_at=now,
            expires_at=expires,
        )
    assert purge_expired_uploads() == 1
    assert [u.original_name for u in StagedUpload.objects.all()] == ["new.pdf"]
    assert not default_storage.exists(files[0]) and default_storage.exists(files[1])
    assert not Scan.objects.exists()
