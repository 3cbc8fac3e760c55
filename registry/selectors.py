"""Reads for registry lookups: which requests a user may see, what a response says, which lookups fit a case."""

from __future__ import annotations

import dataclasses
import datetime as dt
import socket
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from applications import access
from applications.models import Applicant, Application
from cnap.exchange import client, registries
from cnap.exchange.conf import get_config
from cnap.security.scope import NOTHING, CaseFields, Detail, Reach, case_condition, office_condition, policy_for

from .constants import RegistryName, RegistryRequestState
from .models import RegistryRequest

#: A lookup's case, for the access scope's rule.
CASE_OF_LOOKUP = CaseFields().under("application__")
#: Service categories that need a property or land lookup besides the applicant's own.
PROPERTY_CATEGORIES = frozenset({"real_estate", "land"})


def visible_registry_requests(user) -> QuerySet[RegistryRequest]:
    """Requests the user may see (the access scope, cnap/security/scope.py bound to lookups here): the
    lookups of cases the user sees in full (never a minimised view's: a response is personal data), and
    the lookups made at the registration form, before a case existed, in the user's office."""
    queryset = RegistryRequest.objects.select_related("application", "applicant", "office", "requested_by")
    viewer = access.viewer_of(user)
    policy = policy_for(viewer)
    if policy.reach is Reach.ALL:
        return queryset  # (an empty Q() would vanish from the OR below)
    of_cases = case_condition(viewer, CASE_OF_LOOKUP, full_only=True)
    loose = NOTHING
    if policy.detail is Detail.FULL:
        loose = Q(application__isnull=True) & office_condition(viewer)
    return queryset.filter(of_cases | loose)


def may_apply_registry_data(user, registry_request) -> bool:
    """Copying a response into the applicant's record is a write to the CNAP's register of applicants:
    the registering roles (administrators, starostas) acting on the case, or, for a lookup made before the
    case existed, of the office that made it; superusers."""
    if getattr(user, "is_superuser", False):
        return True
    if not policy_for(access.viewer_of(user)).counter_search:
        return False
    if registry_request.application_id:
        return access.may_act_on(user, registry_request.application)
    return bool(user.office_id) and user.office_id == registry_request.office_id


def get_registry_request(*, user, request_id) -> RegistryRequest:
    """The request by its UUID if the user may see it, else :class:`Http404` (never a 403, which would tell
    that it exists)."""
    try:
        request_id = uuid.UUID(str(request_id))
    except ValueError:
        raise Http404("No such registry request") from None
    request = visible_registry_requests(user).filter(pk=request_id).first()
    if request is None:
        raise Http404("No such registry request")
    return request


def visible_application(*, user, application_id) -> Application | None:
    """The application if the user sees it in full (the access scope: provider officers the cases sent
    to their provider in their hromada; community heads never, registry responses being personal data);
    else 404."""
    if application_id in (None, ""):
        return None
    application = access.case_in_full(user, application_id)
    return Application.objects.select_related("applicant", "office", "service").get(pk=application.pk)


def visible_applicant(*, user, applicant_id) -> Applicant | None:
    """An applicant reachable through a case the user sees in full (the access scope), else 404."""
    if applicant_id in (None, ""):
        return None
    applicant = access.reachable_applicants(user).filter(pk=access.parse_id(applicant_id)).first()
    if applicant is None:
        raise Http404("No such applicant")
    return applicant


def recent_requests_for(*, application=None, applicant=None, limit: int = 5) -> list[RegistryRequest]:
    """The latest lookups of a case (or an applicant), newest first: the case page lists them."""
    if application is not None:
        queryset = RegistryRequest.objects.filter(application=application)
    elif applicant is not None:
        queryset = RegistryRequest.objects.filter(applicant=applicant)
    else:
        return []
    return list(queryset.select_related("requested_by").order_by("-created_at")[:limit])


# ---------------------------------------------------------------------------------------------- lookup options
@dataclasses.dataclass(frozen=True)
class LookupOption:
    value: str  # "registry.param", the value of the panel's select
    registry: str
    param: str
    label: str | Promise
    initial: str = ""


PARAM_LABELS = {
    "rnokpp": _("RNOKPP"),
    "unzr": _("UNZR"),
    "edrpou": _("EDRPOU"),
    "cadastral_number": _("cadastral number"),
    "passport": _("passport"),
    "passport_series": _("passport series"),
    "passport_number": _("passport number"),
}


def lookup_options(*, service=None, applicant=None, category: str | None = None) -> list[LookupOption]:
    """What the panel offers, from the one declarative list (:mod:`cnap.exchange.registries`): the person
    (ЄДДР, residence, passport) and entity (ЄДР) lookups always; property (ДРРП) and land (ДЗК) when the
    service's category is real estate or land (or no service is chosen yet). Configured registries only."""
    category = category if category is not None else (getattr(service, "category", "") or "")
    configured = get_config()["services"]
    return [
        LookupOption(
            lookup.key,
            lookup.registry,
            lookup.param,
            lookup.label,
            (getattr(applicant, lookup.prefill, "") or "") if lookup.prefill else "",
        )
        for lookup in registries.lookups(category=category)
        if lookup.registry in configured
    ]


# ---------------------------------------------------------------------------------------------- response fields
@dataclasses.dataclass(frozen=True)
class RegistryField:
    name: str  # the Applicant field it fills ("" for information only)
    label: Any
    value: Any  # the value to store (a date for birth_date)
    display: str  # as shown
    form_value: str  # as typed into a form input (ISO for dates)


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _address_text(value: Any) -> str:
    if isinstance(value, dict):
        return _text(value.get("text"))
    return _text(value)


def _field(name: str, label, value: Any, max_length: int) -> RegistryField | None:
    if name == "birth_date":
        try:
            date = dt.date.fromisoformat(str(value))
        except (TypeError, ValueError):
            return None
        return RegistryField(name, label, date, date.strftime("%d.%m.%Y"), date.isoformat())
    text = _text(value)[:max_length]
    if not text:
        return None
    return RegistryField(name, label, text, text, text)


def _max_length(name: str) -> int:
    return getattr(Applicant._meta.get_field(name), "max_length", None) or 500


def registry_fields(registry_request: RegistryRequest) -> list[RegistryField]:
    """The applicant's fields a succeeded response fills (surname, name, patronymic, date of birth, УНЗР,
    address for a person; name, head, address for an entity), in form order. Empty for property/land."""
    data: dict[str, Any] = registry_request.response if isinstance(registry_request.response, dict) else {}
    if not data:
        return []
    registry = registry_request.registry
    pairs: list[tuple[str, Any, Any]] = []
    if registry in (RegistryName.EDDR_PERSON, RegistryName.RTG_RESIDENCE):
        pairs = [
            ("last_name", _("surname"), data.get("surname")),
            ("first_name", _("first name"), data.get("name")),
            ("patronymic", _("patronymic"), data.get("patronym")),
            ("birth_date", _("date of birth"), data.get("dateOfBirth")),
            ("unzr", _("UNZR"), data.get("unzr")),
            ("address", _("address"), _address_text(data.get("registeredAddress") or data.get("address"))),
        ]
    elif registry == RegistryName.EDR_SUBJECT:
        head = data["head"] if isinstance(data.get("head"), dict) else {}
        head_name = " ".join(_text(head.get(k)) for k in ("surname", "name", "patronym") if head.get(k))
        pairs = [
            ("name", _("name of the legal entity"), data.get("name")),
            ("head_name", _("head"), head_name),
            ("address", _("address"), _address_text(data.get("address"))),
        ]
    fields = []
    for name, label, value in pairs:
        field = _field(name, label, value, _max_length(name))
        if field is not None:
            fields.append(field)
    return fields


@dataclasses.dataclass(frozen=True)
class ComparedField:
    """A field of the registry's answer beside what is there now (typed in the form, or the record):
    ``fills`` an empty value, is the ``same``, or ``differs`` (then copied only if ticked on purpose)."""

    field: RegistryField
    current: str
    state: str

    @property
    def ticked(self) -> bool:
        return self.state == "fills"


def _comparable(value: str) -> str:
    return " ".join(str(value or "").split()).casefold()


def compare_fields(fields: list[RegistryField], current: dict[str, str]) -> list[ComparedField]:
    """Each field of the answer against ``current`` (form values by field name: text, ISO dates)."""
    compared = []
    for field in fields:
        now = " ".join(str(current.get(field.name) or "").split())
        if not now:
            state = "fills"
        elif _comparable(now) == _comparable(field.form_value):
            state = "same"
        else:
            state = "differs"
        shown = now
        if field.name == "birth_date" and now:
            try:
                shown = dt.date.fromisoformat(now).strftime("%d.%m.%Y")
            except ValueError:
                pass
        compared.append(ComparedField(field=field, current=shown, state=state))
    return compared


def record_values(applicant) -> dict[str, str]:
    """An applicant's record as form values (to compare an answer with)."""
    if applicant is None:
        return {}
    values = {}
    for name in ("last_name", "first_name", "patronymic", "birth_date", "unzr", "address", "name", "head_name"):
        value = getattr(applicant, name, "")
        values[name] = value.isoformat() if isinstance(value, dt.date) else str(value or "")
    return values


def registry_summary(registry_request: RegistryRequest) -> list[tuple[Any, str]]:
    """Read-only lines for responses that fill no applicant field (property rights, land parcels)."""
    data: dict[str, Any] = registry_request.response if isinstance(registry_request.response, dict) else {}
    lines: list[tuple[Any, str]] = []
    if registry_request.registry == RegistryName.DRRP_RIGHTS:
        subject = data["subject"] if isinstance(data.get("subject"), dict) else {}
        lines.append((_("owner"), _text(subject.get("name"))))
        for right in (data.get("rights") or [])[:50]:
            if isinstance(right, dict):
                text = ", ".join(
                    _text(right.get(key)) for key in ("objectType", "address", "rightType", "share") if right.get(key)
                )
                area = right.get("area")
                if area:
                    text += f", {area} {_text(right.get('areaUnit'))}"
                lines.append((_("right"), text))
    elif registry_request.registry == RegistryName.DZK_PARCEL:
        purpose = data["purpose"] if isinstance(data.get("purpose"), dict) else {}
        lines += [
            (_("cadastral number"), _text(data.get("cadastralNumber"))),
            (_("area"), f"{_text(data.get('area'))} {_text(data.get('areaUnit'))}"),
            (_("purpose"), _text(purpose.get("text"))),
            (_("category of land"), _text(data.get("category"))),
            (_("form of ownership"), _text(data.get("ownershipForm"))),
            (_("location"), _address_text(data.get("location"))),
        ]
    return [(label, value) for label, value in lines if value.strip()]


def display_message(registry_request: RegistryRequest) -> str:
    """The administrator-facing message in the active language (stored as a key with each attempt), with the
    registry's own words where it gave any; a stop by the administrator says so."""
    if registry_request.stopped_at is not None:
        return str(_("You stopped waiting for the registry's answer."))
    attempts = registry_request.attempts or []
    last = attempts[-1] if attempts and isinstance(attempts[-1], dict) else {}
    key = last.get("message_key")
    if key not in client.MESSAGES:
        return registry_request.message
    message = str(client.MESSAGES[key])
    if last.get("registry_message") and last.get("kind") == client.PROVIDER_ERROR:
        message = f"{message} {client.REGISTRY_SAYS % {'text': last['registry_message']}}"
    return message


@dataclasses.dataclass(frozen=True)
class Waiting:
    """What the panel says about a lookup that is not done: which attempt, when the next, how long queued."""

    attempt: int
    next_try_at: dt.datetime | None
    queued_minutes: int  # minutes a queued request has waited for a worker past its due time (0: not late)
    retrying_later: bool  # unavailable now, the sweeper will try again at next_try_at


def waiting_info(registry_request: RegistryRequest) -> Waiting | None:
    state = registry_request.state
    later = state == RegistryRequestState.UNAVAILABLE and registry_request.next_try_at is not None
    if state not in (RegistryRequestState.PENDING, RegistryRequestState.RUNNING) and not later:
        return None
    late = 0
    due = registry_request.next_try_at
    if state == RegistryRequestState.PENDING and registry_request.enqueued_at and due:
        late = max(int((timezone.now() - due).total_seconds() // 60), 0)
    return Waiting(
        attempt=len(registry_request.attempts or []) + (1 if state == RegistryRequestState.PENDING else 0),
        next_try_at=due if state != RegistryRequestState.RUNNING else None,
        queued_minutes=late,
        retrying_later=later,
    )


def masked_query(registry_request: RegistryRequest) -> str:
    """The query as shown in lists and logs: tax numbers masked except the last four digits."""
    parts = []
    for name, value in (registry_request.query or {}).items():
        value = str(value)
        if name in ("rnokpp", "edrpou") and len(value) > 4:
            value = "*" * (len(value) - 4) + value[-4:]
        parts.append(f"{PARAM_LABELS.get(name, name)} {value}")
    return ", ".join(parts)


#: How long the answer of :func:`exchange_status` is kept (seconds): the panel asks on every render.
EXCHANGE_STATUS_SECONDS = 15
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclasses.dataclass(frozen=True)
class ExchangeStatus:
    reachable: bool
    emulator: bool  # the configured security server is the local emulator (the embedded mode)


def exchange_status() -> ExchangeStatus:
    """Whether the configured security server (or, in the embedded mode, the registry emulator) accepts a
    connection now: a TCP connect of at most half a second, remembered for a few seconds in the cache."""
    url = urlsplit(get_config()["ss_base_url"])
    host, port = url.hostname or "127.0.0.1", url.port or (443 if url.scheme == "https" else 80)
    emulator = host in LOOPBACK_HOSTS and settings.CNAP_DEVELOPMENT_TOOLS
    key = f"registry:exchange-reachable:{host}:{port}"
    reachable = cache.get(key)
    if reachable is None:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                reachable = True
        except OSError:
            reachable = False
        cache.set(key, reachable, EXCHANGE_STATUS_SECONDS)
    return ExchangeStatus(reachable=bool(reachable), emulator=emulator)
