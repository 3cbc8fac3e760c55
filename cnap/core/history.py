"""Who made a change, for django-simple-history: the one way the actions attribute a saved row."""

from typing import Any


def record_author(instance: Any, user: Any, *, reason: str | None = None) -> Any:
    """Attribute the next save of ``instance`` (its history record) to ``user``, with an optional reason.
    Returns the instance, so ``record_author(obj, user).save()`` reads as it does."""
    instance._history_user = user
    if reason is not None:
        instance._change_reason = reason
    return instance
