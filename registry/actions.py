"""Registry lookups through Trembita (DESIGN §6): ask, run one attempt, re-send stuck ones, copy confirmed data.

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
   a retryable fault → back to ``pending`` with a countdown (``retry.backoff``) while attempts are left
   (``retry.attempts`` in total), else ``unavailable``; a non-retryable fault → ``failed``.

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
import re
import uuid
from typing import Any

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError
from stdnum.ua import edrpou as edrpou_check
from stdnum.ua import rntrc as rntrc_check

from applications.models import Applicant
from cnap.accounts.permissions import can
from cnap.exchange import client
from cnap.exchange.conf import get_config

from .constants import REGISTRY_FINAL_STATES, RegistryName, RegistryRequestState
from .models import RegistryRequest
from .selectors import registry_fields

logger = logging.getLogger(__name__)

State = RegistryRequestState

#: The parameters each registry accepts (keys of the ``params`` of ``TREMBITA['services']``).
REGISTRY_PARAMS: dict[str, tuple[str, ...]] = {
    RegistryName.EDDR_PERSON: ("rnokpp", "unzr"),
    RegistryName.EDR_SUBJECT: ("edrpou",),
    RegistryName.DRRP_RIGHTS: ("rnokpp", "edrpou"),
    RegistryName.DZK_PARCEL: ("cadastral_number",),
    RegistryName.RTG_RESIDENCE: ("unzr", "rnokpp"),
}

UNZR_RE = re.compile(r"^(\d{8})-(\d{5})$")
CADASTRAL_RE = re.compile(r"^\d{10}:\d{2}:\d{3}:\d{4}$")

#: The task that runs one attempt (registry/tasks.py), sent by name: tasks import actions, never the reverse.
RUN_REGISTRY_REQUEST_TASK = "registry.tasks.run_registry_request"

#: A running request whose last change is older than the client's deadline plus this is treated as
#: abandoned (its worker died): it may be claimed again.
RUNNING_STALE_MARGIN = 30.0
#: The sweeper re-sends a pending request not touched for this many seconds (longer than any backoff).
PENDING_RESEND_AFTER = 30.0


# ---------------------------------------------------------------------------------------------- validation
def normalize_param(name: str, value: Any) -> str:
    """One query value checked and normalised; :class:`ValidationError` with a message for the counter."""
    text = re.sub(r"\s", "", str(value or ""))
    if name == "rnokpp":
        if not re.fullmatch(r"\d{10}", text):
            raise ValidationError(_("The RNOKPP has 10 digits."), code="rnokpp_format")
        if not rntrc_check.is_valid(text):
            raise ValidationError(
                _("The RNOKPP %(value)s has a wrong check digit: check the number."),
                code="rnokpp_checksum",
                params={"value": text},
            )
        return text
    if name == "edrpou":
        if not re.fullmatch(r"\d{8}", text):
            raise ValidationError(_("The EDRPOU code has 8 digits."), code="edrpou_format")
        if not edrpou_check.is_valid(text):
            raise ValidationError(
                _("The EDRPOU code %(value)s has a wrong check digit: check the code."),
                code="edrpou_checksum",
                params={"value": text},
            )
        return text
    if name == "unzr":
        match = UNZR_RE.fullmatch(text)
        if not match:
            raise ValidationError(_("The UNZR is written as YYYYMMDD-NNNNC, e.g. 19850517-01234."), code="unzr_format")
        try:
            dt.datetime.strptime(match.group(1), "%Y%m%d")
        except ValueError:
            raise ValidationError(
                _("The first eight digits of the UNZR are not a real date."), code="unzr_date"
            ) from None
        return text
    if name == "cadastral_number":
        if not CADASTRAL_RE.fullmatch(text):
            raise ValidationError(
                _("A cadastral number is written as NNNNNNNNNN:NN:NNN:NNNN, e.g. 3222481201:01:012:0034."),
                code="cadastral_format",
            )
        return text
    raise ValidationError(_("Unknown search field."), code="unknown_param")


def validate_query(registry: str, query: dict) -> dict[str, str]:
    """The query for ``registry`` with exactly one accepted, valid parameter."""
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
    unknown = set(given) - set(REGISTRY_PARAMS[registry])
    if unknown or not given:
        raise ValidationError(_("Enter what to search for."), code="query")
    if len(given) > 1:
        raise ValidationError(_("Search by one value at a time."), code="query_many")
    [(name, value)] = given.items()
    try:
        return {name: normalize_param(name, value)}
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from None


# ---------------------------------------------------------------------------------------------- asking
def request_lookup(
    *, registry: str, query: dict, office, acting_user, application=None, applicant=None
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
        transaction.on_commit(lambda: send_registry_request(request_id), robust=True)
    return request


def send_registry_request(request_id: str, *, countdown: float | None = None) -> bool:
    """Send the task for a request; False (and a log line) when the broker cannot be reached: the row stays
    ``pending`` and the sweeper sends it later."""
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
    return True


# ---------------------------------------------------------------------------------------------- running
def running_stale_seconds(config: dict | None = None) -> float:
    config = config or get_config()
    return float(config["timeouts"]["total_deadline"]) + RUNNING_STALE_MARGIN


def issue_for(request: RegistryRequest) -> str:
    if request.application_id:
        return request.application.number
    return f"CNAP-REQUEST-{request.id}"


def _now_iso() -> str:
    return timezone.now().isoformat(timespec="milliseconds")


def _backoff(config: dict, attempt_number: int) -> float:
    backoff = list(config["retry"].get("backoff") or [1.0])
    return float(backoff[min(attempt_number - 1, len(backoff) - 1)])


def claim_registry_request(request_id, *, config: dict | None = None) -> bool:
    """The conditional UPDATE that makes one worker the owner of a request (see the module docstring)."""
    now = timezone.now()
    stale_before = now - dt.timedelta(seconds=running_stale_seconds(config))
    claimable = Q(state=State.PENDING) | Q(state=State.RUNNING, updated_at__lt=stale_before)
    return bool(RegistryRequest.objects.filter(claimable, pk=request_id).update(state=State.RUNNING, updated_at=now))


def run_registry_attempt(*, request_id, worker: str = "", task_id: str = "") -> float | None:
    """One attempt of a request, if it can be claimed. Returns the countdown in seconds when another
    attempt is due (the caller sends it), else ``None``."""
    config = get_config()
    try:
        request_id = uuid.UUID(str(request_id))
    except ValueError:
        return None
    max_attempts = max(int(config["retry"]["attempts"]), 1)
    message_id = str(uuid.uuid4())
    with transaction.atomic():  # claim and record the attempt in one transaction (one commit)
        if not claim_registry_request(request_id, config=config):
            return None
        request = (
            RegistryRequest.objects.select_for_update(of=("self",)).select_related("application").get(pk=request_id)
        )
        attempts = list(request.attempts or [])
        for attempt in attempts:  # a worker died in the middle of these
            if not attempt.get("finished_at"):
                attempt.update(finished_at=_now_iso(), kind="interrupted", retryable=True)
        if len(attempts) >= max_attempts:
            request.attempts = attempts
            _finish(request, State.UNAVAILABLE, str(client.MESSAGES["unavailable"]), "unavailable")
            return None
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
        request.save(update_fields=["attempts", "updated_at"])
        issue = issue_for(request)
        registry, query, user_id = request.registry, dict(request.query), request.requested_by_id

    result = client.lookup(registry, query, issue=issue, user_id=user_id, message_id=message_id, config=config)

    with transaction.atomic():
        request = RegistryRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or request.state != State.RUNNING:
            return None
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
            retryable=result.retryable,
            message_key=key,
            dialect=result.dialect,
            service_id=result.service_id,
        )
        request.attempts = attempts
        if result.retryable and len(attempts) < max_attempts:
            request.state = State.PENDING
            request.message = result.message
            request.save(update_fields=["state", "message", "attempts", "updated_at"])
            return _backoff(config, len(attempts))
        state = client.outcome(result)
        if state == State.SUCCEEDED:
            request.response = result.data
        _finish(request, state, result.message, key)
    return None


def _finish(request: RegistryRequest, state: str, message: str, key: str) -> None:
    request.state = state
    request.message = message
    request.finished_at = timezone.now()
    if request.attempts:
        request.attempts[-1].setdefault("message_key", key)
    request.save(update_fields=["state", "message", "attempts", "response", "finished_at", "updated_at"])


# ---------------------------------------------------------------------------------------------- sweeping
def resend_stale_registry_requests(
    *, pending_after: float = PENDING_RESEND_AFTER, running_after: float | None = None
) -> list[str]:
    """Re-send requests left ``pending`` longer than ``pending_after`` seconds (the broker was down, a retry
    message was lost) and those ``running`` longer than ``running_after`` (default: the client's deadline
    plus a margin: their worker died). Returns the ids sent."""
    now = timezone.now()
    running_after = running_stale_seconds() if running_after is None else running_after
    stale_running = RegistryRequest.objects.filter(
        state=State.RUNNING, updated_at__lt=now - dt.timedelta(seconds=running_after)
    )
    stale_pending = RegistryRequest.objects.filter(
        state=State.PENDING, updated_at__lt=now - dt.timedelta(seconds=pending_after)
    )
    sent = []
    for queryset, state in ((stale_running, State.RUNNING), (stale_pending, State.PENDING)):
        for pk, updated_at in queryset.values_list("pk", "updated_at")[:1000]:
            # Conditional: a worker that moved the row meanwhile wins.
            touched = RegistryRequest.objects.filter(pk=pk, state=state, updated_at=updated_at).update(
                state=State.PENDING, updated_at=now
            )
            if touched and send_registry_request(str(pk)):
                sent.append(str(pk))
    if sent:
        logger.info("Re-sent %d stale registry requests", len(sent))
    return sent


# ---------------------------------------------------------------------------------------------- applying
def apply_registry_data(*, registry_request: RegistryRequest, fields, acting_user) -> Applicant:
    """Copy the chosen ``fields`` (Applicant field names) of a succeeded lookup into the applicant's record;
    the change is kept in the applicant's history with the operator and the request as the reason."""
    if not can(acting_user, "look_up_registries"):
        raise PermissionDenied(_("You may not change applicants' records."))
    if not acting_user.is_superuser and acting_user.office_id and acting_user.office_id != registry_request.office_id:
        raise PermissionDenied(_("The registry request belongs to another office."))
    if registry_request.state != State.SUCCEEDED:
        raise ValidationError(_("Only data the registry returned can be copied."), code="not_succeeded")
    applicant_id = registry_request.applicant_id or (
        registry_request.application.applicant_id if registry_request.application_id else None
    )
    if applicant_id is None:
        raise ValidationError(_("This lookup is not linked to an applicant."), code="no_applicant")
    available = {field.name: field for field in registry_fields(registry_request)}
    chosen = [name for name in dict.fromkeys(fields or []) if name]
    if not chosen:
        raise ValidationError(_("Tick the fields to copy."), code="no_fields")
    unknown = [name for name in chosen if name not in available]
    if unknown:
        raise ValidationError(_("These fields cannot be copied: %(fields)s."), params={"fields": ", ".join(unknown)})
    with transaction.atomic():
        applicant = Applicant.objects.select_for_update().get(pk=applicant_id)
        for name in chosen:
            setattr(applicant, name, available[name].value)
        applicant._history_user = acting_user
        applicant._change_reason = f"registry:{registry_request.registry}:{registry_request.id}"
        applicant.save()
    return applicant


__all__ = [
    "REGISTRY_FINAL_STATES",
    "REGISTRY_PARAMS",
    "apply_registry_data",
    "claim_registry_request",
    "normalize_param",
    "request_lookup",
    "resend_stale_registry_requests",
    "run_registry_attempt",
    "send_registry_request",
    "validate_query",
]
