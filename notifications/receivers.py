"""The applicant hears about their case: subscribed to the case app's events (applications/events.py)
in NotificationsConfig.ready().

Notifications are queued in a savepoint and any error there is logged, never raised: a message to the
citizen must not stop a case from being registered or moved."""

import logging

from django.db import transaction

from applications import events
from applications.constants import ApplicationStatus

from .actions import queue_notifications
from .models import NotificationEvent

logger = logging.getLogger(__name__)

# Which status changes the applicant hears about.
NOTIFIED_STATUSES = {
    ApplicationStatus.RESULT_READY: NotificationEvent.RESULT_READY,
    ApplicationStatus.REFUSED: NotificationEvent.REFUSED,
}


def _notify(application, event: str, **kwargs) -> None:
    try:
        with transaction.atomic():
            queue_notifications(application=application, event=event, **kwargs)
    except Exception:
        logger.exception("Could not queue the %s notifications of application %s", event, application.pk)


def on_registered(sender, *, application, **kwargs) -> None:
    _notify(application, NotificationEvent.REGISTERED)


def on_status_changed(sender, *, application, from_status: str, to_status: str, **kwargs) -> None:
    event = NOTIFIED_STATUSES.get(to_status)
    if event is not None and from_status != to_status:
        _notify(application, event)


def on_overdue(sender, *, application, new_expected_date, **kwargs) -> None:
    """The office missed the due date: apologise to the applicant, with the new expected date."""
    _notify(application, NotificationEvent.OVERDUE, expected_date=new_expected_date)


def connect() -> None:
    events.registered.connect(on_registered, dispatch_uid="notifications.registered")
    events.status_changed.connect(on_status_changed, dispatch_uid="notifications.status_changed")
    events.overdue.connect(on_overdue, dispatch_uid="notifications.overdue")
