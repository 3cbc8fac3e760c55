"""The summary tables follow every write on a case: subscribed to the case app's events
(applications/events.py) in ReportingConfig.ready(). They run in the action's transaction; an error
rolls the action back, so the tables never drift from the cases."""

from applications import events

from . import stats


def on_registered(sender, *, application, **kwargs) -> None:
    stats.record_registration(application)


def on_status_changed(sender, *, application, from_status: str, to_status: str, **kwargs) -> None:
    stats.record_status_change(application, from_status, to_status, application.status_changed_at)


def on_paid(sender, *, application, amount, day, **kwargs) -> None:
    stats.record_payment(application, amount, day)


def connect() -> None:
    events.registered.connect(on_registered, dispatch_uid="reporting.registered")
    events.status_changed.connect(on_status_changed, dispatch_uid="reporting.status_changed")
    events.paid.connect(on_paid, dispatch_uid="reporting.paid")
