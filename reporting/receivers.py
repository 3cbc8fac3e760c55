"""The summary tables follow every write on a case: subscribed to the case app's events
(applications/events.py) in ReportingConfig.ready(); the queue's table follows each saved ticket. They run
in the action's transaction; an error rolls the action back, so the tables never drift from the cases."""

from django.db.models.signals import post_save

from applications import events

from . import queue_stats, stats


def on_registered(sender, *, application, **kwargs) -> None:
    stats.record_registration(application)


def on_status_changed(sender, *, application, from_status: str, to_status: str, **kwargs) -> None:
    stats.record_status_change(application, from_status, to_status, application.status_changed_at)


def on_paid(sender, *, application, amount, day, **kwargs) -> None:
    stats.record_payment(application, amount, day)


def on_ticket_saved(sender, *, instance, created: bool, **kwargs) -> None:
    """The queue's summary follows a ticket when it is issued (a first issue: a ticket sent on to
    another group counts when it ends) and when it ends."""
    if (created and instance.redirected_from_id is None) or instance.status in queue_stats.FINAL_STATUSES:
        queue_stats.refresh_ticket_buckets(instance)


def connect() -> None:
    from equeue.models import Ticket

    post_save.connect(on_ticket_saved, sender=Ticket, dispatch_uid="reporting.ticket_saved")
    events.registered.connect(on_registered, dispatch_uid="reporting.registered")
    events.status_changed.connect(on_status_changed, dispatch_uid="reporting.status_changed")
    events.paid.connect(on_paid, dispatch_uid="reporting.paid")
