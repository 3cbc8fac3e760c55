"""Where a registration started, told to the registration form by the page that opened it (a queue
ticket at a window), and back to that page's app once the case is registered.

The opener signs a small payload bound to the user (``sign_origin``); the registration form carries it
in a hidden field; ``read_origin`` checks the signature, the user and the age. The case app passes the
payload on with its ``registered`` event without knowing what it means; the opener's receiver reads its
own ``kind``. A forged, foreign or stale origin is ignored: the registration itself never depends on it."""

from __future__ import annotations

from django.core import signing

SALT = "cnap.registration-origin"
#: An origin is good for a working day (a registration form left open over lunch still links).
MAX_AGE_SECONDS = 12 * 3600
FIELD = "origin"


def sign_origin(*, user, kind: str, object_id: int, label: str = "", services: list[int] | None = None) -> str:
    payload = {"u": user.pk, "k": kind, "id": object_id, "l": label, "s": list(services or [])}
    return signing.dumps(payload, salt=SALT, compress=True)


def read_origin(value, *, user) -> dict | None:
    """The payload of a signed origin made for ``user`` in the last ``MAX_AGE_SECONDS``, or None:
    ``{"kind", "id", "label", "services"}``."""
    if not value or not isinstance(value, str) or len(value) > 2000:
        return None
    try:
        payload = signing.loads(value, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("u") != getattr(user, "pk", None):
        return None
    services = [item for item in payload.get("s") or [] if isinstance(item, int)]
    return {
        "kind": str(payload.get("k", "")),
        "id": payload.get("id"),
        "label": str(payload.get("l", "")),
        "services": services,
    }
