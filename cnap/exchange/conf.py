"""Configuration of the Trembita / X-Road exchange client (docs/exchange.md §1).

Everything registry-specific lives here as *defaults*; a deployment overrides any part of it with the
``TREMBITA`` setting (a dict), which :func:`get_config` deep-merges over :data:`DEFAULTS`:

* nested dicts are merged key by key (so ``{"services": {"eddr_person": {"purpose_id": "42"}}}`` keeps the
  default service id and path of ``eddr_person``);
* any other value replaces the default;
* a service set to ``None`` is removed.

Keys
----
``dialect``
    ``"uxp"`` (Trembita: ``{ss}/restapi{path}`` + ``Uxp-*`` headers) or ``"xroad-r1"``
    (``{ss}/r1/{serviceId}{path}`` + ``X-Road-*`` headers).
``ss_base_url``
    Our own security server (ШБО). The default is the local emulator (``manage.py registry_emulator``).
``tls``
    ``{"cert": path, "key": path, "ca": path, "verify": bool}``: mTLS to our own ШБО. ``cert``/``key`` are the
    client certificate presented to the ШБО, ``ca`` the bundle that signs the ШБО's internal certificate.
``client``
    Our identity ``instance/class/member code/subsystem``; a string split on ``/`` or a list of parts (use a
    list when a part itself contains ``/``).
``timeouts``
    ``connect``, ``read`` (per network operation) and ``total_deadline`` (seconds; no call takes longer).
``retry``
    ``attempts`` (total, including the first; 0 = no limit but the horizon), ``backoff`` (seconds before
    attempt 2, 3, ...; the last value repeats), ``jitter`` (a fraction of the backoff added at random, so
    retries of many lookups do not arrive together), ``horizon`` (seconds from the first attempt after which
    no quick retry is scheduled), ``sweep_every`` (a lookup left ``unavailable`` is tried again this
    often...) and ``cutoff`` (...until this many seconds after it was asked for). Applied by the registry task
    (:func:`cnap.exchange.client.retry_delay`).
``pool``
    httpx connection-pool limits (``max_connections``, ``max_keepalive_connections``, ``keepalive_expiry``).
``max_response_bytes``
    A larger response body is treated as garbage.
``soap``
    ``path`` (where SOAP envelopes are posted on the ШБО, ``/``) and ``version`` (``"1.1"`` or ``"1.2"``,
    the default of the services).
``wsdl``
    ``path`` (``/wsdl``) and ``max_age``: seconds a downloaded WSDL is used before it is fetched again.
``evidence``
    The signed ASiC container of each completed exchange (``/signature`` on UXP, ``/asic`` on X-Road):
    ``enabled``, ``retry_every`` (seconds between tries of a failed download) and ``give_up_after``
    (seconds after the exchange; the ШБО keeps its message log for about 30 days).
``uxp_user_header`` / ``uxp_issue_header``
    In the ``uxp`` dialect the operator pseudonym and the application number have no official header; these
    name the headers used for them (``None`` to leave them out). pyxroad sends ``Uxp-UserId``/``Uxp-Issue``.
``services``
    ``{registry key: {...}}`` with ``id`` (service id, string or list of parts), ``path``, ``method``
    (``GET`` sends the parameters in the query, ``POST`` as a JSON body), ``params`` (our parameter name →
    the name on the wire; only these are accepted), ``purpose_id`` (ПМДПД purpose declaration, sent as
    ``Uxp-Purpose-Ids`` when set), ``subject_id_params`` (the first of these present in a lookup is sent as
    ``Uxp-Subject-Id``), ``title`` (for people, Ukrainian), ``protocol`` (``"rest"`` or ``"soap"``: X-Road
    message protocol 4.0), ``response`` (the JSON Schema a REST answer must match). SOAP services also take
    ``soap_version`` (``"1.1"``/``"1.2"``), ``operation`` (default: the service code), ``purpose_element``
    (the name of the request element that carries ``purpose_id``, where the service's documentation puts
    it there) and ``soap_action`` (overrides the WSDL's).

The defaults of every service come from the one list of registry lookups, :mod:`cnap.exchange.registries`.

The service codes below are placeholders (there is no public catalogue); the member codes are the
providers' ЄДРПОУ codes where known.
"""

from __future__ import annotations

import copy
from typing import Any

from .registries import default_services

DIALECT_UXP = "uxp"
DIALECT_XROAD_R1 = "xroad-r1"
DIALECTS = (DIALECT_UXP, DIALECT_XROAD_R1)
PROTOCOL_REST = "rest"
PROTOCOL_SOAP = "soap"
PROTOCOLS = (PROTOCOL_REST, PROTOCOL_SOAP)
SOAP_VERSIONS = ("1.1", "1.2")

DEFAULTS: dict[str, Any] = {
    "dialect": DIALECT_UXP,
    "ss_base_url": "http://127.0.0.1:8090",
    "tls": {"cert": None, "key": None, "ca": None, "verify": True},
    "client": "SEVDEIR-TEST/GOV/04054903/CNAP_workstation",
    "timeouts": {"connect": 5.0, "read": 30.0, "total_deadline": 90.0},
    "retry": {
        "attempts": 0,
        "backoff": [2.0, 5.0, 10.0, 20.0, 40.0, 60.0, 120.0],
        "jitter": 0.3,
        "horizon": 900.0,
        "sweep_every": 1800.0,
        "cutoff": 86400.0,
    },
    "pool": {"max_connections": 100, "max_keepalive_connections": 50, "keepalive_expiry": 30.0},
    "max_response_bytes": 5 * 1024 * 1024,
    "soap": {"path": "/", "version": "1.1"},
    "wsdl": {"path": "/wsdl", "max_age": 3600.0},
    "evidence": {"enabled": True, "retry_every": 900.0, "give_up_after": 25 * 86400.0},
    "uxp_user_header": "Uxp-UserId",
    "uxp_issue_header": "Uxp-Issue",
    "services": default_services(),
}


def deep_merge(base: dict[str, Any], override: dict[str, Any] | None) -> dict[str, Any]:
    """Return a new dict: ``override`` merged into ``base`` recursively (``base`` is not modified)."""
    result = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def split_identifier(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """An identifier (client or service id) as a tuple of its parts."""
    if isinstance(value, (list, tuple)):
        return tuple(str(part) for part in value)
    return tuple(str(value).split("/"))


def validate(config: dict[str, Any]) -> dict[str, Any]:
    if config["dialect"] not in DIALECTS:
        raise ValueError(f"TREMBITA['dialect'] must be one of {DIALECTS}, not {config['dialect']!r}")
    client = split_identifier(config["client"])
    if len(client) not in (3, 4) or not all(client):
        raise ValueError(f"TREMBITA['client'] must have 3 or 4 non-empty parts: {config['client']!r}")
    for key, service in config["services"].items():
        parts = split_identifier(service.get("id") or "")
        if len(parts) < 4 or not all(parts):
            raise ValueError(f"TREMBITA['services'][{key!r}]['id'] is not a service id: {service.get('id')!r}")
        if not str(service.get("path", "")).startswith("/") and service.get("path"):
            raise ValueError(f"TREMBITA['services'][{key!r}]['path'] must start with '/'")
        if not service.get("params"):
            raise ValueError(f"TREMBITA['services'][{key!r}] has no 'params'")
        if service.get("protocol", PROTOCOL_REST) not in PROTOCOLS:
            raise ValueError(f"TREMBITA['services'][{key!r}]['protocol'] must be one of {PROTOCOLS}")
        if service.get("protocol") == PROTOCOL_SOAP and soap_version(config, service) not in SOAP_VERSIONS:
            raise ValueError(f"TREMBITA['services'][{key!r}]['soap_version'] must be one of {SOAP_VERSIONS}")
    return config


def soap_version(config: dict[str, Any], service: dict[str, Any]) -> str:
    return str(service.get("soap_version") or config["soap"]["version"])


def service_parts(service: dict[str, Any]) -> dict[str, str]:
    """A SOAP service id as X-Road identifier fields: ``instance/class/member[/subsystem]/code[/version]``
    (5 parts: with a subsystem; 6 parts: with a subsystem and a version; 4 parts: a member's own service)."""
    parts = split_identifier(service["id"])
    names = ["xRoadInstance", "memberClass", "memberCode"]
    names += {4: ["serviceCode"], 5: ["subsystemCode", "serviceCode"]}.get(
        len(parts), ["subsystemCode", "serviceCode", "serviceVersion"]
    )
    return dict(zip(names, parts, strict=False))


def client_parts(config: dict[str, Any]) -> dict[str, str]:
    parts = split_identifier(config["client"])
    return dict(zip(["xRoadInstance", "memberClass", "memberCode", "subsystemCode"], parts, strict=False))


def get_config() -> dict[str, Any]:
    """The effective configuration: ``settings.TREMBITA`` deep-merged over :data:`DEFAULTS` (a fresh copy)."""
    from django.conf import settings

    config = deep_merge(DEFAULTS, getattr(settings, "TREMBITA", None) or {})
    config["services"] = {k: v for k, v in config["services"].items() if v is not None}
    config["ss_base_url"] = str(config["ss_base_url"]).rstrip("/")
    return validate(config)
