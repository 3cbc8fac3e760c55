"""One submit, one effect: the one-time token of a state-changing form.

The page renders a fresh token in a hidden field (``{% submission_token %}`` from ``cnap_forms``). The
view runs the action inside ``once(...)``: it inserts the token's row in the action's own transaction.
A second submit of the same form either finds the committed row (it arrived later) or, arriving while
the first is still running, waits on the row's unique key until the first commits, then finds it: both
raise `AlreadySubmitted` with what the first submit made, and the view answers with that. If the first
submit fails (its transaction rolls back), the token is free again and the corrected form can use it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import FormSubmission

__all__ = ["FIELD", "AlreadySubmitted", "once", "posted_token", "previous_result", "purge_old_tokens"]

#: The name of the hidden field.
FIELD = "submission_token"
#: Tokens are kept this long (a browser does not re-send a form after a day).
KEEP = dt.timedelta(days=2)


class AlreadySubmitted(Exception):  # noqa: N818 - an answer, not a failure
    """This form was submitted before; `result` is what that submit made."""

    def __init__(self, result: str) -> None:
        super().__init__(result)
        self.result = result


def new_token() -> str:
    return str(uuid.uuid4())


def posted_token(data) -> uuid.UUID | None:
    """The token in posted data, or None (no token or not a UUID: the form then works as any form)."""
    try:
        return uuid.UUID(str(data.get(FIELD) or ""))
    except ValueError:
        return None


def previous_result(*, token: uuid.UUID | None, user, purpose: str) -> str | None:
    """What a committed earlier submit of this form made, or None."""
    if token is None:
        return None
    row = FormSubmission.objects.filter(token=token, user=user, purpose=purpose).first()
    return row.result if row else None


@contextmanager
def once(*, token: uuid.UUID | None, user, purpose: str):
    """Run the body in a transaction that claims `token` first. Set ``.result`` on the yielded record
    to what the body made. Raises `AlreadySubmitted` when the token was claimed by a committed submit."""
    with transaction.atomic():
        if token is None:
            yield FormSubmission(user=user, purpose=purpose)
            return
        try:
            with transaction.atomic():
                submission = FormSubmission.objects.create(token=token, user=user, purpose=purpose)
        except IntegrityError:
            # A submit with this token committed (we may have waited for it): answer with its result.
            earlier = FormSubmission.objects.filter(token=token).first()
            if earlier is None or earlier.user_id != user.pk or earlier.purpose != purpose:
                raise
            raise AlreadySubmitted(earlier.result) from None
        yield submission
        submission.save(update_fields=["result"])


def purge_old_tokens(*, now: dt.datetime | None = None) -> int:
    """Delete tokens older than `KEEP` (a periodic job); returns how many."""
    deleted, _ = FormSubmission.objects.filter(created_at__lt=(now or timezone.now()) - KEEP).delete()
    return deleted
