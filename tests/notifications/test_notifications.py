"""Notifications to applicants: who gets them, once per event and channel, retries and
recorded failures, SMS length."""

import datetime as dt
import logging
import uuid

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import timezone

from applications import events
from applications.constants import ApplicationStatus
from cnap.core.models import WorkerHeartbeat
from cnap.core.tasks import ping_database
from notifications.actions import (
    mask_email,
    notification_channels,
    queue_notifications,
    render_email,
    render_sms,
)
from notifications.models import Notification, NotificationChannel, NotificationEvent, NotificationStatus
from notifications.sms import SmsPermanentError, SmsTemporaryError, mask_phone, sms_length, sms_parts
from notifications.tasks import resend_pending_notifications, send_notification
from tests.applications.factories import ApplicationFactory
from tests.helpers import wait_for

EVENTS = [event.value for event in NotificationEvent]
FAILING_SMTP = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": 1,  # nothing listens there: connection refused
    "EMAIL_TIMEOUT": 5,
    "CNAP_NOTIFICATION_MAX_RETRIES": 2,
    "CNAP_NOTIFICATION_RETRY_DELAY": 0,
}


# --- Test SMS backends: real classes plugged in through settings.CNAP_SMS_BACKEND ----------------


class RecordingSmsBackend:
    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> str:
        self.sent.append((phone, text))
        return f"rec-{len(self.sent)}"


class FlakySmsBackend:
    """Fails temporarily `failures` times, then sends."""

    failures = 1
    calls = 0

    def send(self, phone: str, text: str) -> str:
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise SmsTemporaryError("gateway timeout")
        return "flaky-ok"


class RejectingSmsBackend:
    calls = 0

    def send(self, phone: str, text: str) -> str:
        type(self).calls += 1
        raise SmsPermanentError("invalid destination number")


@pytest.fixture(autouse=True)
def _reset_backends():
    RecordingSmsBackend.sent = []
    FlakySmsBackend.calls = 0
    RejectingSmsBackend.calls = 0


def opted_in(**kwargs):
    defaults = {
        "applicant__email": "myroslava.shevchuk@example.com",
        "applicant__phone": "+380671112233",
        "applicant__notify_by_email": True,
        "applicant__notify_by_sms": True,
    }
    return ApplicationFactory(**{**defaults, **kwargs})


# --- Who is notified ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_queue_creates_one_row_per_opted_in_channel_and_sends_on_commit(django_capture_on_commit_callbacks):
    application = opted_in()
    with django_capture_on_commit_callbacks() as callbacks:
        rows = queue_notifications(application=application, event=NotificationEvent.REGISTERED)
    assert sorted(row.channel for row in rows) == ["email", "sms"]
    assert len(callbacks) == 2
    email_row = Notification.objects.get(application=application, channel=NotificationChannel.EMAIL)
    assert email_row.recipient == "m***@example.com"
    assert email_row.status == NotificationStatus.PENDING
    sms_row = Notification.objects.get(application=application, channel=NotificationChannel.SMS)
    assert sms_row.recipient == "+380*****2233"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "applicant, expected",
    [
        ({"applicant__consent_given_at": None}, []),
        ({"applicant__email": "", "applicant__phone": ""}, []),
        ({"applicant__notify_by_email": False, "applicant__notify_by_sms": False}, []),
        ({"applicant__email": ""}, ["sms"]),
        ({"applicant__notify_by_sms": False}, ["email"]),
    ],
)
def test_no_notification_without_consent_contact_or_opt_in(django_capture_on_commit_callbacks, applicant, expected):
    application = opted_in(**applicant)
    with django_capture_on_commit_callbacks() as callbacks:
        queue_notifications(application=application, event=NotificationEvent.REGISTERED)
    channels = sorted(Notification.objects.filter(application=application).values_list("channel", flat=True))
    assert channels == expected
    assert len(callbacks) == len(expected)


@pytest.mark.django_db
def test_queueing_twice_creates_and_sends_nothing_more(django_capture_on_commit_callbacks):
    application = opted_in()
    queue_notifications(application=application, event=NotificationEvent.RESULT_READY)
    with django_capture_on_commit_callbacks() as callbacks:
        again = queue_notifications(application=application, event=NotificationEvent.RESULT_READY)
    assert again == []
    assert callbacks == []
    assert Notification.objects.filter(application=application).count() == 2


# --- Sending -----------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(CNAP_SMS_BACKEND="tests.notifications.test_notifications.RecordingSmsBackend")
def test_the_task_sends_once_even_when_it_runs_twice():
    application = opted_in()
    rows = queue_notifications(application=application, event=NotificationEvent.RESULT_READY)

    for _ in range(2):
        for row in rows:
            send_notification.apply(args=[row.pk])

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["myroslava.shevchuk@example.com"]
    assert application.number in message.subject
    assert "Результат" in message.subject
    assert "code=" + application.access_code in message.body
    assert "вул. Центральна, 1" in message.body
    assert len(RecordingSmsBackend.sent) == 1
    phone, text = RecordingSmsBackend.sent[0]
    assert phone == "+380671112233"
    assert application.number in text and "/status/" in text
    for row in Notification.objects.filter(application=application):
        assert row.status == NotificationStatus.SENT
        assert row.attempts == 1
        assert row.sent_at is not None
        assert row.provider_message_id
    assert Notification.objects.get(channel="sms", application=application).provider_message_id == "rec-1"


@pytest.mark.django_db
def test_default_sms_backend_logs_without_the_full_phone(caplog):
    application = opted_in(applicant__notify_by_email=False)
    [row] = queue_notifications(application=application, event=NotificationEvent.REGISTERED)
    with caplog.at_level(logging.INFO, logger="notifications.sms"):
        send_notification.apply(args=[row.pk])
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert row.provider_message_id.startswith("log-")
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name == "notifications.sms")
    assert application.number in logged
    assert "+380*****2233" in logged
    assert "671112233" not in logged


@pytest.mark.django_db
@override_settings(**FAILING_SMTP)
def test_a_failing_smtp_server_is_retried_then_recorded_as_failed():
    application = opted_in(applicant__notify_by_sms=False)
    [row] = queue_notifications(application=application, event=NotificationEvent.REGISTERED)

    result = send_notification.apply(args=[row.pk])  # the task body, its retries run eagerly

    assert result.successful()  # nothing raised out of the task
    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED
    assert row.attempts == 3  # the first try and CNAP_NOTIFICATION_MAX_RETRIES retries
    assert "Connection refused" in row.last_error or "ConnectionRefused" in row.last_error
    assert row.sent_at is None
    # Running it again later changes nothing: a failed row is not resent behind staff's back.
    send_notification.apply(args=[row.pk])
    row.refresh_from_db()
    assert row.attempts == 3


@pytest.mark.django_db
@override_settings(
    CNAP_SMS_BACKEND="tests.notifications.test_notifications.FlakySmsBackend",
    CNAP_NOTIFICATION_MAX_RETRIES=3,
    CNAP_NOTIFICATION_RETRY_DELAY=0,
)
def test_a_temporary_sms_error_is_retried_until_sent():
    FlakySmsBackend.failures = 2
    application = opted_in(applicant__notify_by_email=False)
    [row] = queue_notifications(application=application, event=NotificationEvent.REFUSED)
    send_notification.apply(args=[row.pk])
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert row.attempts == 3
    assert row.provider_message_id == "flaky-ok"
    assert row.last_error == ""


@pytest.mark.django_db
@override_settings(
    CNAP_SMS_BACKEND="tests.notifications.test_notifications.RejectingSmsBackend",
    CNAP_NOTIFICATION_MAX_RETRIES=3,
    CNAP_NOTIFICATION_RETRY_DELAY=0,
)
def test_a_permanent_sms_error_is_not_retried():
    application = opted_in(applicant__notify_by_email=False)
    [row] = queue_notifications(application=application, event=NotificationEvent.REFUSED)
    send_notification.apply(args=[row.pk])
    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED
    assert row.attempts == 1
    assert RejectingSmsBackend.calls == 1
    assert "invalid destination number" in row.last_error


@pytest.mark.django_db
def test_consent_withdrawn_before_sending_sends_nothing():
    application = opted_in(applicant__notify_by_sms=False)
    [row] = queue_notifications(application=application, event=NotificationEvent.REGISTERED)
    application.applicant.consent_given_at = None
    application.applicant.save()
    send_notification.apply(args=[row.pk])
    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED
    assert mail.outbox == []


@pytest.mark.django_db
def test_sweeper_resends_rows_left_pending(django_capture_on_commit_callbacks):
    application = opted_in(applicant__notify_by_sms=False)
    [row] = queue_notifications(application=application, event=NotificationEvent.REGISTERED)
    assert resend_pending_notifications.apply(kwargs={"older_than_minutes": 60}).get() == 0
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - dt.timedelta(hours=3))
    assert resend_pending_notifications.apply(kwargs={"older_than_minutes": 60}).get() == 1


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_once_when_the_task_is_delivered_twice(start_worker):
    application = opted_in(applicant__notify_by_email=False)
    [row] = queue_notifications(application=application, event=NotificationEvent.REGISTERED)  # autocommit: sent now
    start_worker(queues="default")
    wait_for(
        lambda: Notification.objects.get(pk=row.pk).status == NotificationStatus.SENT, what="the notification sent"
    )
    first = Notification.objects.get(pk=row.pk)

    send_notification.delay(row.pk)
    send_notification.delay(row.pk)
    # The solo worker runs the default queue in order: once this marker task has run, so have the duplicates.
    marker = f"notifications-{uuid.uuid4().hex[:8]}"
    ping_database.delay(marker)
    wait_for(lambda: WorkerHeartbeat.objects.filter(name=marker).exists(), what="the duplicates to be consumed")

    again = Notification.objects.get(pk=row.pk)
    assert again.attempts == 1
    assert again.provider_message_id == first.provider_message_id
    assert again.sent_at == first.sent_at


# --- Events ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_events_queue_the_right_notifications():
    application = opted_in(applicant__notify_by_sms=False)
    events.application_registered(application)
    events.application_status_changed(
        application, from_status=ApplicationStatus.REGISTERED, to_status=ApplicationStatus.IN_PROGRESS
    )
    events.application_status_changed(
        application, from_status=ApplicationStatus.IN_PROGRESS, to_status=ApplicationStatus.RESULT_READY
    )
    events.application_status_changed(
        application, from_status=ApplicationStatus.IN_PROGRESS, to_status=ApplicationStatus.REFUSED
    )
    events.application_overdue(application, new_expected_date=dt.date(2026, 12, 24))
    rows = {row.event: row for row in Notification.objects.filter(application=application)}
    assert sorted(rows) == ["overdue", "refused", "registered", "result_ready"]
    assert rows["overdue"].expected_date == dt.date(2026, 12, 24)


@pytest.mark.django_db
def test_overdue_messages_apologise_with_the_new_date():
    application = opted_in()
    email = render_email(application, NotificationEvent.OVERDUE, expected_date=dt.date(2026, 12, 24))
    assert "24.12.2026" in email.body
    assert "Перепрошуємо" in email.body
    sms = render_sms(application, NotificationEvent.OVERDUE, expected_date=dt.date(2026, 12, 24))
    assert "24.12.2026" in sms and application.number in sms


# --- Texts and SMS length ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, parts",
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # an extension character takes two septets
        ("€" * 81, 2),
        ("ї" * 70, 1),
        ("ї" * 71, 2),
        ("ї" * 134, 2),
        ("ї" * 135, 3),
        ("a" * 159 + "ї", 3),  # one Cyrillic letter turns the whole message into UCS-2
        ("😀" * 35, 1),  # outside the BMP: two UTF-16 units each
        ("😀" * 36, 2),
    ],
)
def test_sms_parts(text, parts):
    assert sms_parts(text) == parts


def test_sms_length_encodings():
    assert sms_length("Hello {}") == ("gsm7", 10)
    assert sms_length("Привіт") == ("ucs2", 6)


def test_masks():
    assert mask_phone("+380 67 111 22 33") == "+380*****2233"
    assert mask_phone("0671112233") == "067***2233"
    assert mask_email("a@b.ua") == "a***@b.ua"


@pytest.mark.django_db
@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("site", ["http://127.0.0.1:8000", "https://cnap.svitanok-hromada.gov.ua"])
def test_every_sms_fits_in_two_parts_with_the_number_and_a_status_link(event, site):
    application = opted_in(number="ЦНАП12-2026-123456")
    with override_settings(CNAP_SITE_URL=site):
        text = render_sms(application, event, expected_date=dt.date(2026, 12, 24))
    assert sms_parts(text) <= 2, text
    assert application.number in text
    assert f"{site}/status/" in text
    assert any(letter in text for letter in "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"), "the text is Ukrainian"


@pytest.mark.django_db
def test_sms_falls_back_to_the_bare_status_address_when_the_link_is_too_long():
    application = opted_in(number="ЦНАП12-2026-123456")
    site = "https://cnap.novooleksandrivska-gromada.gov.ua"
    with override_settings(CNAP_SITE_URL=site):
        text = render_sms(application, NotificationEvent.OVERDUE, expected_date=dt.date(2026, 12, 24))
    assert sms_parts(text) <= 2
    assert f"{site}/status/" in text
    assert "code=" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("event", EVENTS)
def test_every_email_is_ukrainian_with_the_number_and_the_link(event):
    application = opted_in()
    email = render_email(application, event, expected_date=dt.date(2026, 12, 24))
    assert application.number in email.subject
    assert "\n" not in email.subject
    assert "Доброго дня" in email.body
    assert f"code={application.access_code}" in email.body
    assert application.applicant.last_name not in email.body
    assert application.applicant.rnokpp not in email.body


@pytest.mark.django_db
def test_channels_helper():
    application = opted_in()
    assert [channel for channel, _masked in notification_channels(application.applicant)] == ["email", "sms"]


@pytest.mark.django_db
def test_list_partial_shows_sent_and_failed_with_masked_recipients():
    application = opted_in()
    queue_notifications(application=application, event=NotificationEvent.REGISTERED)
    Notification.objects.filter(channel="email").update(
        status=NotificationStatus.SENT, sent_at=timezone.now(), attempts=1
    )
    Notification.objects.filter(channel="sms").update(
        status=NotificationStatus.FAILED, attempts=3, last_error="gateway timeout"
    )
    html = render_to_string("notifications/_list.html", {"notifications": application.notifications.all()})
    assert "m***@example.com" in html and "+380*****2233" in html
    assert "myroslava.shevchuk@example.com" not in html and "671112233" not in html
    assert "gateway timeout" in html
    assert "надіслано" in html.lower() and "не вдалося" in html.lower()
