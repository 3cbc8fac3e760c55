"""The queue listens to the case app: a case registered from a ticket links to it."""

from applications import events

from .actions import ORIGIN_KIND, link_case


def on_registered(sender, *, application, origin=None, **kwargs) -> None:
    if origin and origin.get("kind") == ORIGIN_KIND:
        link_case(ticket_id=origin.get("id"), application=application)


def connect() -> None:
    events.registered.connect(on_registered, dispatch_uid="equeue.registered")
