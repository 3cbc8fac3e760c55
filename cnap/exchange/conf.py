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
    ``attempts`` (total, including the first), ``backoff`` (seconds before attempt 2, 3, ...; the last value
    repeats) and ``jitter`` (a fraction of the backoff added at random, so retries of many lookups do not
    arrive together). Applied by the registry task (:func:`cnap.exchange.client.backoff_delay`).
``pool``
    httpx connection-pool limits (``max_connections``, ``max_keepalive_connections``, ``keepalive_expiry``).
``max_response_bytes``
    A larger response body is treated as garbage.
``uxp_user_header`` / ``uxp_issue_header``
    In the ``uxp`` dialect the operator pseudonym and the application number have no official header; these
    name the headers used for them (``None`` to leave them out). pyxroad sends ``Uxp-UserId``/``Uxp-Issue``.
``services``
    ``{registry key: {...}}`` with ``id`` (service id, string or list of parts), ``path``, ``method``
    (``GET`` sends the parameters in the query, ``POST`` as a JSON body), ``params`` (our parameter name →
    the name on the wire; only these are accepted), ``purpose_id`` (ПМДПД purpose declaration, sent as
    ``Uxp-Purpose-Ids`` when set), ``subject_id_params`` (the first of these present in a lookup is sent as
    ``Uxp-Subject-Id``), ``title`` (for people, Ukrainian).

The service codes below are placeholders (there is no public catalogue); the member codes are the
providers' ЄДРПОУ codes where known.
"""

from __future__ import annotations

import copy
from typing import Any

DIALECT_UXP = "uxp"
DIALECT_XROAD_R1 = "xroad-r1"
DIALECTS = (DIALECT_UXP, DIALECT_XROAD_R1)

DEFAULTS: dict[str, Any] = {
    "dialect": DIALECT_UXP,
    "ss_base_url": "http://127.0.0.1:8090",
    "tls": {"cert": None, "key": None, "ca": None, "verify": True},
    "client": "SEVDEIR-TEST/GOV/04054903/CNAP_workstation",
    "timeouts": {"connect": 5.0, "read": 30.0, "total_deadline": 90.0},
    "retry": {"attempts": 3, "backoff": [1.0, 4.0, 10.0], "jitter": 0.1},
    "pool": {"max_connections": 100, "max_keepalive_connections": 50, "keepalive_expiry": 30.0},
    "max_response_bytes": 5 * 1024 * 1024,
    "uxp_user_header": "Uxp-UserId",
    "uxp_issue_header": "Uxp-Issue",
    "services": {
        "eddr_person": {
            "title": "ЄДДР: особа за РНОКПП або УНЗР",
            "id": "SEVDEIR-TEST/GOV/00032684/EDDR_prod/GetPersonByRNOKPP_v1",
            "path": "/person",
            "method": "GET",
            "params": {"rnokpp": "rnokpp", "unzr": "unzr"},
            "purpose_id": "",
            "subject_id_params": ["rnokpp", "unzr"],
        },
        "edr_subject": {
            "title": "ЄДР: юридична особа за кодом ЄДРПОУ",
            "id": "SEVDEIR-TEST/GOV/00015622/EDR_prod/GetSubjectByEDRPOUCode_v1",
            "path": "/subject",
            "method": "GET",
            "params": {"edrpou": "edrpou"},
            "purpose_id": "",
            "subject_id_params": [],
        },
        "drrp_rights": {
            "title": "ДРРП: речові права на нерухоме майно",
            "id": "SEVDEIR-TEST/GOV/00015622/DRRP_prod/GetRealPropertyRights_v1",
            "path": "/rights",
            "method": "GET",
            "params": {"rnokpp": "rnokpp", "edrpou": "edrpou"},
            "purpose_id": "",
            "subject_id_params": ["rnokpp"],
        },
        "dzk_parcel": {
            "title": "ДЗК: земельна ділянка за кадастровим номером",
            "id": "SEVDEIR-TEST/GOV/21616582/DZK_prod/GetLandParcelByCadastralNumber_v1",
            "path": "/parcel",
            "method": "GET",
            "params": {"cadastral_number": "cadastralNumber"},
            "purpose_id": "",
            "subject_id_params": [],
        },
        "rtg_residence": {
            "title": "Реєстр територіальної громади: місце проживання",
            "id": "SEVDEIR-TEST/GOV/43395033/RTG_prod/GetResidenceByUNZR_v1",
            "path": "/residence",
            "method": "GET",
            "params": {"unzr": "unzr", "rnokpp": "rnokpp"},
            "purpose_id": "",
            "subject_id_params": ["unzr", "rnokpp"],
        },
    },
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
    return config


def get_config() -> dict[str, Any]:
    """The effective configuration: ``settings.TREMBITA`` deep-merged over :data:`DEFAULTS` (a fresh copy)."""
    from django.conf import settings

    config = deep_merge(DEFAULTS, getattr(settings, "TREMBITA", None) or {})
    config["services"] = {k: v for k, v in config["services"].items() if v is not None}
    config["ss_base_url"] = str(config["ss_base_url"]).rstrip("/")
    return validate(config)
