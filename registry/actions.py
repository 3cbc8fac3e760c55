"""Registry lookups through Trembita (docs/exchange.md): ask, run one attempt, re-send stuck ones, copy confirmed data.

Life of a request
-----------------
:func:`request_lookup` validates the query, writes a ``pending`` :class:`RegistryRequest` in the caller's
transaction and, on commit, sends ``applications.tasks.run_registry_request``. The send is *robust*: when
the broker is down the row stays ``pending`` and the user sees no error; the periodic sweeper
(:func:`resend_stale_registry_requests`) sends it once the broker is back.

The task calls :func:`run_registry_attempt`, which

1. claims the row with one conditional ``UPDATE ... SET state = 'running' WHERE id = %s AND (state =
   'pending' OR (state = 'running' AND updated_at < now - stale))``: a finished request, or one another worker
   is running right now, is left alone, so a message delivered twice does nothing the second time;
2. records the attempt (a new message id, the start time) before the network call, so a worker killed in
   the middle leaves a trace (the next run marks it ``interrupted``);
3. makes exactly one :func:`cnap.exchange.client.lookup` (bounded by the client's deadline), then, under
   ``SELECT ... FOR UPDATE`` and only if the row is still the one it claimed (same last message id), stores
   the attempt's outcome: ``ok`` → ``succeeded`` (response kept), ``not_found`` → ``not_found``,
   a retryable fault → back to ``pending`` with a countdown (``retry.backoff`` with jitter, growing to
   minutes) until ``retry.horizon`` (15 minutes) after the first attempt, else ``unavailable`` with
   ``next_try_at``: the sweeper tries it again every ``retry.sweep_every`` until ``retry.cutoff`` (a day),
   every attempt in ``attempts``; a non-retryable fault → ``failed``. ``request_hash`` and
   ``transaction_id`` keep the security server's ids of the last exchange; a succeeded or not-found lookup
   then gets its signed evidence (:func:`store_registry_evidence`, never failing the lookup).

While a lookup waits (queued, between attempts, or for the sweeper's next try) the administrator sees the
attempt and the next try, and may stop waiting (:func:`stop_waiting`). The sweeper never sends a request
that is queued and not stale (``enqueued_at``, ``next_try_at``), so a dead registry worker does not make the
queue grow.

Retries are scheduled by the task as new messages (not ``Task.retry``): the row, not the broker, knows how
many attempts were made, so a redelivered or duplicated message cannot add attempts.

The result as a document of the case: the :class:`RegistryRequest` row itself (registry, query, every attempt
with its message ids and timings, the response as received) is the case's record of the lookup; the case page
lists a case's lookups (``registry:history``) and shows each response through the
permission-checked, access-logged ``registry:request`` view. No separate PDF extract is made:
it would copy personal data into another file without adding evidence (the security server's signed message
log, ``/asic?queryId=<message id>``, is the evidence, and the message ids are kept for it).

Time limits: each attempt is bounded by the client's deadline (``TREMBITA['timeouts']['total_deadline']``,
enforced on every socket operation), so a timeout never holds a worker thread longer than that. The soft/hard
Celery time limits sent with each message (deadline + 10 s / + 20 s) are a backstop only where the pool
enforces them (prefork); the ``threads`` pool of the registry worker does not.

Issue and user on the wire: ``X-Road-Issue`` is the application number, or ``CNAP-REQUEST-<uuid>`` when the
lookup is made before the application exists (registration form); ``X-Road-UserId`` is the pseudonym of
the operator who asked (:func:`cnap.exchange.client.operator_pseudonym`).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from applications.actions.applicants import update_applicant
from applications.models import Applicant
from cnap import identifiers
from cnap.accounts.models import User
from cnap.accounts.permissions import can
from cnap.exchange import client
from cnap.exchange.conf import get_config
from cnap.exchange.registries import COMPOSITE_PARAMS, REGISTRIES

from .constants import REGISTRY_FINAL_STATES, EvidenceState, RegistryRequestState
from .models import RegistryRequest
from .selectors import may_apply_registry_data, registry_fields

logger = logging.getLogger(__name__)

State = RegistryRequestState

#: What a person may type for each registry: the identifiers of its lookups in the one declarative list
#: (:mod:`cnap.exchange.registries`); ``passport`` becomes ``passport_series`` + ``passport_number``.
REGISTRY_PARAMS: dict[str, tuple[str, ...]] = {
    registry.key: tuple(dict.fromkeys(lookup.param for lookup in registry.lookups)) for registry in REGISTRIES
}


#: The task that runs one attempt (registry/tasks.py), sent by name: tasks import actions, never the reverse.
RUN_REGISTRY_REQUEST_TASK = "registry.tasks.run_registry_request"
#: The task that downloads the signed evidence of a completed lookup (registry/tasks.py).
FETCH_EVIDENCE_TASK = "registry.tasks.fetch_registry_evidence"

#: A running request whose last change is older than the client's deadline plus this is treated as
#: abandoned (its worker died): it may be claimed again.
RUNNING_STALE_MARGIN = 30.0
#: The sweeper re-sends a pending request not touched for this many seconds (longer than any backoff).
PENDING_RESEND_AFTER = 30.0


#: A pending request whose message has sat in the queue this long past its due time is presumed lost (a broker
#: restarted without its data) and sent again; younger ones are left alone, however many there are (a dead
#: registry worker must not make the queue grow).
QUEUED_STALE_AFTER = 600.0


# ---------------------------------------------------------------------------------------------- validation
def normalize_param(name: str, value: Any) -> str:
    """One query value checked and normalised (cnap/identifiers.py); `ValidationError` for the counter."""
    cleaners = {
        "rnokpp": identifiers.clean_rnokpp,
        "edrpou": identifiers.clean_edrpou,
        "unzr": identifiers.clean_unzr,
        "cadastral_number": identifiers.clean_cadastral_number,
        "passport": identifiers.clean_passport,
    }
    if name not in cleaners:
        raise ValidationError(_("Unknown search field."), code="unknown_param")
    return cleaners[name](value)


def expand_query(name: str, value: str) -> dict[str, str]:
    """A typed identifier as the query the registry takes (``passport`` → series and number)."""
    if name not in COMPOSITE_PARAMS:
        return {name: value}
    if identifiers.CYRILLIC_SERIES_RE.match(value):
        return {"passport_series": value[:2], "passport_number": value[2:]}
    return {"passport_number": value}


def validate_query(registry: str, query: dict) -> dict[str, str]:
    """The query for ``registry`` from exactly one accepted, valid identifier (as the registry takes it)."""
    if registry not in REGISTRY_PARAMS:
        raise ValidationError({"registry": _("Choose a registry.")}, code="registry")
    if registry not in get_config()["services"]:
        raise ValidationError(
            {"registry": _("This registry is not configured. Contact the system administrator.")},
            code="registry_not_configured",
        )
    if not isinstance(query, dict):
        raise ValidationError(_("Enter what to search for."), code="query")
    given = {str(k): v for k, v in query.items() if str(v or "").strip()}
    for typed, parts in COMPOSITE_PARAMS.items():  # a stored query asked again ("Try again")
        if typed in REGISTRY_PARAMS[registry] and given and set(given) <= set(parts):
            given = {typed: "".join(str(given.get(part, "")) for part in parts)}
    unknown = set(given) - set(REGISTRY_PARAMS[registry])
    if unknown or not given:
        raise ValidationError(_("Enter what to search for."), code="query")
    if len(given) > 1:
        raise ValidationError(_("Search by one value at a time."), code="query_many")
    [(name, value)] = given.items()
    try:
        return expand_query(name, normalize_param(name, value))
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from None


# ---------------------------------------------------------------------------------------------- asking
def request_lookup(
    *, registry: str, query: dict, office, acting_user: User, application=None, applicant=None
) -> RegistryRequest:
    """Ask ``registry`` for ``query`` on behalf of ``office``; returns the new ``pending`` request.

    Written in the caller's transaction; the task is sent when it commits (never waits for the registry).
    """
    if not can(acting_user, "look_up_registries"):
        raise PermissionDenied(_("You may not make registry lookups."))
    if office is None:
        raise PermissionDenied(_("Registry lookups are made on behalf of an office."))
    if not acting_user.is_superuser and acting_user.office_id and acting_user.office_id != office.pk:
        raise PermissionDenied(_("You may make registry lookups only for your own office."))
    if application is not None:
        if application.office_id != office.pk:
            raise PermissionDenied(_("The application belongs to another office."))
        applicant = applicant or application.applicant
    if applicant is not None and applicant.hromada_id != office.hromada_id:
        raise PermissionDenied(_("The applicant belongs to another hromada."))
    clean = validate_query(registry, query)
    with transaction.atomic():
        request = RegistryRequest.objects.create(
            application=application,
            applicant=applicant,
            office=office,
            registry=registry,
            query=clean,
            requested_by=acting_user,
        )
        request_id = str(request.id)
        transaction.on_commit(lambda: send_registry_request(request_id=request_id), robust=True)
    return request


def send_registry_request(*, request_id: str, countdown: float | None = None) -> bool:
    """Send the task for a request and note when (``enqueued_at``); False (and a log line) when the broker
    cannot be reached: the row stays ``pending`` with no ``enqueued_at`` and the sweeper sends it later."""
    config = get_config()
    deadline = float(config["timeouts"]["total_deadline"])
    try:
        current_app.send_task(
            RUN_REGISTRY_REQUEST_TASK,
            (request_id,),
            countdown=countdown,
            soft_time_limit=deadline + 10,
            time_limit=deadline + 20,
        )
    except (BrokerError, OSError):  # the broker is down: the sweeper re-sends
        logger.warning("Could not send registry request %s to the broker; the sweeper will resend it", request_id)
        return False
    now = timezone.now()
    due = now + dt.timedelta(seconds=countdown or 0)
    RegistryRequest.objects.filter(pk=request_id).update(enqueued_at=now, next_try_at=due)
    return True


# ---------------------------------------------------------------------------------------------- running
def running_stale_seconds(config: dict | None = None) -> float:
    config = config or get_config()
    return float(config["timeouts"]["total_deadline"]) + RUNNING_STALE_MARGIN


def issue_for(request: RegistryRequest) -> str:
    if request.application is not None:
        return request.application.number
    return f"CNAP-REQUEST-{request.id}"


def _now_iso() -> str:
    return timezone.now().isoformat(timespec="milliseconds")


def claim_registry_request(*, request_id, config: dict | None = None) -> bool:
    """The conditional UPDATE that makes one worker the owner of a request (see the module docstring)."""
    now = timezone.now()
    stale_before = now - dt.timedelta(seconds=running_stale_seconds(config))
    claimable = Q(state=State.PENDING) | Q(state=State.RUNNING, updated_at__lt=stale_before)
    return bool(RegistryRequest.objects.filter(claimable, pk=request_id).update(state=State.RUNNING, updated_at=now))


def _since_first(attempts: list[dict], fallback) -> float:
    started = attempts[0].get("started_at") if attempts else None
    first = dt.datetime.fromisoformat(started) if started else fallback
    return max((timezone.now() - first).total_seconds(), 0.0)


def run_registry_attempt(*, request_id, worker: str = "", task_id: str = "") -> float | None:
    """One attempt of a request, if it can be claimed. Returns the countdown in seconds when another
    quick attempt is due (the caller sends it), else ``None``."""
    config = get_config()
    try:
        request_id = uuid.UUID(str(request_id))
    except ValueError:
        return None
    message_id = str(uuid.uuid4())
    # Outermost (durable): the claim and the attempt are committed before the network call.
    with transaction.atomic(durable=True):  # claim and record the attempt in one transaction (one commit)
        if not claim_registry_request(request_id=request_id, config=config):
            return None
        request = (
            RegistryRequest.objects.select_for_update(of=("self",)).select_related("application").get(pk=request_id)
        )
        attempts = list(request.attempts or [])
        for attempt in attempts:  # a worker died in the middle of these
            if not attempt.get("finished_at"):
                attempt.update(finished_at=_now_iso(), kind="interrupted", retryable=True)
        attempts.append(
            {
                "number": len(attempts) + 1,
                "message_id": message_id,
                "started_at": _now_iso(),
                "finished_at": None,
                "kind": None,
                "worker": worker,
                "task_id": task_id,
            }
        )
        request.attempts = attempts
        request.next_try_at = None
        request.save(update_fields=["attempts", "next_try_at", "updated_at"])
        issue = issue_for(request)
        registry, query, user_id = request.registry, dict(request.query), request.requested_by_id

    result = client.lookup(registry, query, issue=issue, user_id=user_id, message_id=message_id, config=config)

    with transaction.atomic(durable=True):
        try:
            request = RegistryRequest.objects.select_for_update().get(pk=request_id)
        except RegistryRequest.DoesNotExist:
            return None
        if request.state != State.RUNNING:
            return None  # finished meanwhile, or the administrator stopped waiting
        attempts = list(request.attempts or [])
        if not attempts or attempts[-1].get("message_id") != message_id:
            return None  # another run took the request over (this one was thought dead)
        key = client.message_key(result.kind, result.error_type, result.http_status)
        attempts[-1].update(
            finished_at=_now_iso(),
            kind=result.kind,
            http_status=result.http_status,
            elapsed_ms=result.elapsed_ms,
            request_id=result.request_id,
            request_hash=result.request_hash,
            error_type=result.error_type,
            detail=(result.detail or "")[:500],
            registry_message=(result.registry_message or "")[:500],
            retryable=result.retryable,
            message_key=key,
            dialect=result.dialect,
            protocol=result.protocol,
            service_id=result.service_id,
        )
        request.attempts = attempts
        request.request_hash = result.request_hash or ""
        request.transaction_id = result.request_id or ""
        if result.retryable:
            delay = client.retry_delay(config, len(attempts), _since_first(attempts, request.created_at))
            if delay is not None:
                request.state = State.PENDING
                request.message = result.message
                request.next_try_at = timezone.now() + dt.timedelta(seconds=delay)
                request.save(
                    update_fields=[
                        "state",
                        "message",
                        "attempts",
                        "request_hash",
                        "transaction_id",
                        "next_try_at",
                        "updated_at",
                    ]
                )
                return delay
            request.next_try_at = _next_sweep(config, request)
        state = client.outcome(result)
        if state == State.SUCCEEDED:
            request.response = result.data
        _finish(request, state, result.message, key)
        if state in (State.SUCCEEDED, State.NOT_FOUND) and config["evidence"]["enabled"]:
            request_id_text = str(request.pk)
            transaction.on_commit(lambda: send_evidence_task(request_id=request_id_text), robust=True)
    return None


def _next_sweep(config: dict, request: RegistryRequest):
    """When the sweeper should try an ``unavailable`` request again (None past the cut-off)."""
    retry = config["retry"]
    due = timezone.now() + dt.timedelta(seconds=float(retry["sweep_every"]))
    if due > request.created_at + dt.timedelta(seconds=float(retry["cutoff"])):
        return None
    return due


def _finish(request: RegistryRequest, state: str, message: str, key: str) -> None:
    request.state = state
    request.message = message
    request.finished_at = timezone.now()
    if state != State.UNAVAILABLE:
        request.next_try_at = None
    if request.attempts:
        request.attempts[-1].setdefault("message_key", key)
    request.save(
        update_fields=[
            "state",
            "message",
            "attempts",
            "response",
            "finished_at",
            "request_hash",
            "transaction_id",
            "next_try_at",
            "updated_at",
        ]
    )


def stop_waiting(*, registry_request: RegistryRequest, acting_user) -> RegistryRequest:
    """The administrator stops waiting for a lookup (queued, running or waiting for the sweeper's next try):
    no further attempt is made; an attempt in flight is discarded when it ends."""
    if not can(acting_user, "look_up_registries"):
        raise PermissionDenied(_("You may not make registry lookups."))
    # Which requests the user reaches is the access scope's (the view gets the request through it).
    with transaction.atomic():
        request = RegistryRequest.objects.select_for_update().get(pk=registry_request.pk)
        waiting = request.state in (State.PENDING, State.RUNNING) or (
            request.state == State.UNAVAILABLE and request.next_try_at is not None
        )
        if not waiting:
            raise ValidationError(_("This lookup is not waiting for anything."), code="not_waiting")
        now = timezone.now()
        if request.state in (State.PENDING, State.RUNNING):
            request.state = State.UNAVAILABLE
            request.finished_at = now
        request.next_try_at = None
        request.stopped_at = now
        request.stopped_by = acting_user
        request.message = _("You stopped waiting for the registry's answer.")
        request.save(
            update_fields=["state", "finished_at", "next_try_at", "stopped_at", "stopped_by", "message", "updated_at"]
        )
    return request


# ---------------------------------------------------------------------------------------------- sweeping
def resend_stale_registry_requests(
    *,
    pending_after: float = PENDING_RESEND_AFTER,
    running_after: float | None = None,
    queued_after: float | None = None,
) -> list[str]:
    """The sweeper (beat, every minute). Sends again:

    * ``running`` requests untouched for ``running_after`` seconds (default: the client's deadline plus a
      margin): their worker died;
    * ``pending`` requests whose message never reached the broker (no ``enqueued_at``: the broker was down) or
      has sat in the queue ``queued_after`` seconds (default :data:`QUEUED_STALE_AFTER`) past its due time
      (presumed lost). A request queued and not stale is never sent twice, however long the registry worker
      is away;
    * ``unavailable`` requests whose next slow-pace try (``next_try_at``: every ``retry.sweep_every``) is due,
      until ``retry.cutoff`` after they were asked for.

    Returns the ids sent."""
    config = get_config()
    now = timezone.now()
    running_after = running_stale_seconds(config) if running_after is None else running_after
    queued_after = QUEUED_STALE_AFTER if queued_after is None else queued_after
    stale_running = RegistryRequest.objects.filter(
        state=State.RUNNING, updated_at__lt=now - dt.timedelta(seconds=running_after)
    )
    stale_pending = RegistryRequest.objects.filter(
        Q(enqueued_at__isnull=True) | Q(next_try_at__lt=now - dt.timedelta(seconds=queued_after)),
        state=State.PENDING,
        updated_at__lt=now - dt.timedelta(seconds=pending_after),
    )
    cutoff = dt.timedelta(seconds=float(config["retry"]["cutoff"]))
    due_unavailable = RegistryRequest.objects.filter(
        state=State.UNAVAILABLE, next_try_at__lte=now, stopped_at__isnull=True, created_at__gt=now - cutoff
    )
    # Past the cut-off: no more tries (the message already says the registry is unavailable).
    RegistryRequest.objects.filter(
        state=State.UNAVAILABLE, next_try_at__isnull=False, created_at__lte=now - cutoff
    ).update(next_try_at=None)
    sent = []
    for queryset, state in (
        (stale_running, State.RUNNING),
        (stale_pending, State.PENDING),
        (due_unavailable, State.UNAVAILABLE),
    ):
        for pk, updated_at in queryset.values_list("pk", "updated_at")[:1000]:
            # Conditional: a worker (or an administrator) that moved the row meanwhile wins. Committed before the
            # task is sent.
            with transaction.atomic(durable=True):
                touched = RegistryRequest.objects.filter(pk=pk, state=state, updated_at=updated_at).update(
                    state=State.PENDING, updated_at=now, enqueued_at=None, finished_at=None
                )
            if touched and send_registry_request(request_id=str(pk)):
                sent.append(str(pk))
    if sent:
        logger.info("Re-sent %d registry requests", len(sent))
    return sent


# ---------------------------------------------------------------------------------------------- evidence
def send_evidence_task(*, request_id: str, countdown: float | None = None) -> bool:
    try:
        current_app.send_task(FETCH_EVIDENCE_TASK, (request_id,), countdown=countdown)
    except (BrokerError, OSError):  # the periodic job picks it up
        logger.warning("Could not send the evidence download of registry request %s; the periodic job will", request_id)
        return False
    return True


def _evidence_message_id(request: RegistryRequest) -> str:
    for attempt in reversed(request.attempts or []):
        if attempt.get("kind") in ("ok", "not_found") and attempt.get("message_id"):
            return attempt["message_id"]
    return ""


def store_registry_evidence(*, request_id) -> str:
    """Download the signed ASiC container of a completed lookup from our ШБО and keep it privately with the
    request. Never fails the lookup: a failed download is noted and tried again by
    :func:`retry_registry_evidence` every ``evidence.retry_every`` seconds until ``evidence.give_up_after``.
    Returns the evidence state."""
    config = get_config()
    request = RegistryRequest.objects.filter(pk=request_id).first()
    if request is None or request.evidence_state == EvidenceState.STORED:
        return request.evidence_state if request else ""
    message_id = _evidence_message_id(request)
    if not message_id or request.state not in (State.SUCCEEDED, State.NOT_FOUND):
        return request.evidence_state
    evidence = client.fetch_evidence(message_id, config=config)
    with transaction.atomic():
        request = RegistryRequest.objects.select_for_update().get(pk=request.pk)
        if request.evidence_state == EvidenceState.STORED:  # a duplicate delivery got there first
            return request.evidence_state
        now = timezone.now()
        request.evidence_tries += 1
        fields = ["evidence_state", "evidence_tries", "evidence_next_at", "evidence_error", "updated_at"]
        if evidence.ok:
            request.evidence.save(f"{request.pk}-{message_id}.asice", ContentFile(evidence.content), save=False)
            request.evidence_state = EvidenceState.STORED
            request.evidence_next_at = None
            request.evidence_error = ""
            fields.append("evidence")
        else:
            give_up = (request.finished_at or now) + dt.timedelta(seconds=float(config["evidence"]["give_up_after"]))
            due = now + dt.timedelta(seconds=float(config["evidence"]["retry_every"]))
            request.evidence_state = EvidenceState.FAILED if due < give_up else EvidenceState.GAVE_UP
            request.evidence_next_at = due if due < give_up else None
            request.evidence_error = evidence.error[:300]
            logger.warning("Signed evidence of registry request %s not fetched: %s", request.pk, evidence.error)
        request.save(update_fields=fields)
    return request.evidence_state


def retry_registry_evidence(*, limit: int = 200) -> list[str]:
    """The periodic job: send the evidence downloads that are due (failed before, or never sent)."""
    now = timezone.now()
    due = RegistryRequest.objects.filter(
        state__in=(State.SUCCEEDED, State.NOT_FOUND), evidence_state=EvidenceState.FAILED, evidence_next_at__lte=now
    ) | RegistryRequest.objects.filter(  # never sent (the broker was down when the lookup ended)
        state__in=(State.SUCCEEDED, State.NOT_FOUND),
        evidence_state=EvidenceState.NONE,
        finished_at__lt=now - dt.timedelta(minutes=5),
        finished_at__gt=now - dt.timedelta(seconds=float(get_config()["evidence"]["give_up_after"])),
    )
    sent = []
    for pk in due.values_list("pk", flat=True)[:limit]:
        if send_evidence_task(request_id=str(pk)):
            sent.append(str(pk))
    return sent


# ---------------------------------------------------------------------------------------------- applying
def apply_registry_data(*, registry_request: RegistryRequest, fields, acting_user: User) -> Applicant:
    """Copy the chosen ``fields`` (Applicant field names) of a succeeded lookup into the applicant's record
    (the page showed them beside the record; only ticked ones are copied); the change is in the applicant's
    history with the operator, the case and the request as the reason."""
    if not can(acting_user, "look_up_registries") or not may_apply_registry_data(acting_user, registry_request):
        raise PermissionDenied(_("You may not change this applicant's record."))
    if registry_request.state != State.SUCCEEDED:
        raise ValidationError(_("Only data the registry returned can be copied."), code="not_succeeded")
    application = registry_request.application
    applicant_id = registry_request.applicant_id or (application.applicant_id if application is not None else None)
    if applicant_id is None:
        raise ValidationError(_("This lookup is not linked to an applicant."), code="no_applicant")
    available = {field.name: field for field in registry_fields(registry_request)}
    chosen = [name for name in dict.fromkeys(fields or []) if name]
    if not chosen:
        raise ValidationError(_("Tick the fields to copy."), code="no_fields")
    unknown = [name for name in chosen if name not in available]
    if unknown:
        raise ValidationError(_("These fields cannot be copied: %(fields)s."), params={"fields": ", ".join(unknown)})
    applicant = Applicant.objects.get(pk=applicant_id)
    reason = _("copied from the registry's answer (%(registry)s, request %(request)s)") % {
        "registry": registry_request.get_registry_display(),
        "request": registry_request.id,
    }
    update_applicant(
        applicant=applicant,
        changes={name: available[name].value for name in chosen},
        reason=reason,
        acting_user=acting_user,
        application=registry_request.application,
    )
    return applicant


__all__ = [
    "REGISTRY_FINAL_STATES",
    "REGISTRY_PARAMS",
    "apply_registry_data",
    "claim_registry_request",
    "retry_registry_evidence",
    "stop_waiting",
    "store_registry_evidence",
    "normalize_param",
    "request_lookup",
    "resend_stale_registry_requests",
    "run_registry_attempt",
    "send_registry_request",
    "validate_query",
]
