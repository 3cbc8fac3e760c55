"""What happens after a write to a case: the one place the actions call once their change is made
(inside their transaction). Today: notifications to the applicant; the dashboards' summary tables
hook in here too.

    application_registered(application)                         # registration action
    application_status_changed(application, from_status=..., to_status=...)   # workflow actions
    application_overdue(application, new_expected_date=...)     # the daily overdue job

Notifications are queued in a savepoint and any error there is logged, never raised: a message to
the citizen must not stop a case from being registered or moved."""

import datetime as dt
import logging

from django.db import transaction

from applications import stats
from applications.constants import ApplicationStatus
from applications.models import Application, NotificationEvent

logger = logging.getLogger(__name__)

# Which status changes the applicant hears about.
NOTIFIED_STATUSES = {
    ApplicationStatus.RESULT_READY: NotificationEvent.RESULT_READY,
    ApplicationStatus.REFUSED: NotificationEvent.REFUSED,
}


def _notify(application: Application, event: str, **kwargs) -> None:
    from applications.notifications import queue_notifications

    try:
        with transaction.atomic():
            queue_notifications(application=application, event=event, **kwargs)
    except Exception:
        logger.exception("Could not queue the %s notifications of application %s", event, application.pk)


def application_registered(application: Application) -> None:
    stats.record_registration(application)  # the dashboards' summary tables, in this transaction
    _notify(application, NotificationEvent.REGISTERED)


def application_status_changed(application: Application, *, from_status: str, to_status: str) -> None:
    stats.record_status_change(application, from_status, to_status, application.status_changed_at)
    event = NOTIFIED_STATUSES.get(to_status)
    if event is not None and from_status != to_status:
        _notify(application, event)


def application_overdue(application: Application, *, new_expected_date: dt.date) -> None:
    """The office missed the due date: apologise to the applicant, with the new expected date."""
    _notify(application, NotificationEvent.OVERDUE, expected_date=new_expected_date)
