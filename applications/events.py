"""What happens to a case, told to whoever listens: the one place the actions call once their change
is made (inside their transaction).

    application_registered(application, origin=...)                           # registration
    application_status_changed(application, from_status=..., to_status=...)  # workflow moves
    application_overdue(application, new_expected_date=...)                   # the daily overdue job
    application_paid(application, amount=..., day=...)                         # payments and refunds

Each function sends a Django signal of the same name (``registered``, ``status_changed``, ``overdue``,
sender: the Application class). The apps above this one subscribe in their ``AppConfig.ready()``: the
reporting app keeps the dashboards' summary tables current, the notifications app queues the applicant's
notices. This app imports neither of them.

Receivers run in the action's transaction, in the order they were connected. An exception raised by a
receiver rolls the action back (the summary tables must not drift from the cases); a receiver whose
failure must not stop the case (a notice to the citizen) catches its own errors."""

import datetime as dt

from django.dispatch import Signal

from .models import Application

registered = Signal()  # application, origin
status_changed = Signal()  # application, from_status, to_status
overdue = Signal()  # application, new_expected_date
paid = Signal()  # application, amount (negative for a refund), day


def application_registered(application: Application, *, origin: dict | None = None) -> None:
    """``origin``: where the registration started, as the page that opened the form signed it
    (cnap.core.origins; a queue ticket, say), or None. Only the app that made it reads it."""
    registered.send(sender=Application, application=application, origin=origin)


def application_status_changed(application: Application, *, from_status: str, to_status: str) -> None:
    status_changed.send(sender=Application, application=application, from_status=from_status, to_status=to_status)


def application_overdue(application: Application, *, new_expected_date: dt.date) -> None:
    """The office missed the due date; the applicant is told the new expected date."""
    overdue.send(sender=Application, application=application, new_expected_date=new_expected_date)


def application_paid(application: Application, *, amount, day: dt.date) -> None:
    """A payment of the case was recorded (a refund: a negative amount), made on ``day``."""
    paid.send(sender=Application, application=application, amount=amount, day=day)
