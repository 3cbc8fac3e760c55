"""Import and export of the catalog as one JSON document (format "cnap-catalog", version 2; version 1 is still read).

The import is all or nothing: every item is checked first and each problem is reported with its
position and field (``services[12].term_unit: unknown unit 'weeks'``); if there is any, nothing is
saved. A service already in the catalog gets a new published version only when its card differs
from the latest published one, so loading the same file twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cnap.core.history import record_author
from cnap.workdays import TermUnit

from .catalog_fields import PART_FIELDS, PROVIDER_FIELDS, SERVICE_FIELDS, VERSION_FIELDS, kinds, names
from .checks import publication_problems
from .constants import (
    STAGE_ACTION_ALIASES,
    Channel,
    ChargeKind,
    DeliveryMethod,
    DocumentKind,
    FeeBase,
    FeeOption,
    FeeRounding,
    ResultKind,
    ServiceCategory,
    StageAction,
    VersionStatus,
)
from .models import Provider, Service, ServiceVersion, SubsistenceMinimum

FORMAT = "cnap-catalog"
FORMAT_VERSION = 2
#: Older formats still read (version 1 wrote one fee rule and one payee per service: converted on read).
READ_VERSIONS = {1, 2}
DEMO_CATALOG = Path(__file__).resolve().parent / "data" / "catalog.json"

SERVICE_KEYS = {*names(SERVICE_FIELDS), *names(VERSION_FIELDS), *PART_FIELDS}
REQUIRED_SERVICE_KEYS = ["local_code", "title", "category", "provider_edrpou", "term_unit"]
#: Choice fields of a version and of its rows, checked with a clear message before the model's own checks.
CHOICES = {
    "category": ServiceCategory.choices,
    "term_unit": TermUnit.choices,
    "min_wait_unit": TermUnit.choices,
    "result_kind": ResultKind.choices,
    "channels": Channel.choices,
    "result_delivery": DeliveryMethod.choices,
    "kind": DocumentKind.choices,
    "action": StageAction.choices,
    "duration_unit": TermUnit.choices,
    "option": FeeOption.choices,
    "charge_kind": ChargeKind.choices,
    "base": FeeBase.choices,
    "rounding": FeeRounding.choices,
}
#: How an unknown choice is reported, by field (others: "unknown value").
CHOICE_MESSAGES = {
    "term_unit": _lazy("unknown unit '%(value)s'"),
    "min_wait_unit": _lazy("unknown unit '%(value)s'"),
    "duration_unit": _lazy("unknown unit '%(value)s'"),
    "channels": _lazy("unknown channel '%(value)s'"),
    "result_delivery": _lazy("unknown way to receive the result '%(value)s'"),
    "kind": _lazy("unknown kind '%(value)s'"),
    "action": _lazy("unknown action '%(value)s'"),
    "option": _lazy("unknown fee option '%(value)s'"),
    "base": _lazy("unknown fee base '%(value)s'"),
}
#: Defaults of row fields a file may leave out.
ROW_DEFAULTS = {
    "kind": DocumentKind.ORIGINAL,
    "copies": 1,
    "mandatory": True,
    "action": StageAction.EXECUTES,
    "slot": 1,
    "charge_kind": ChargeKind.ADMINISTRATIVE_FEE,
    "base": FeeBase.SUBSISTENCE_MINIMUM,
    "rounding": FeeRounding.KOPECK,
    "prepaid": True,
    "slots": [],
}
REQUIRED_ROW_FIELDS = {
    "documents": ["name"],
    "stages": ["name", "responsible_position", "duration_unit"],
    "refusal_grounds": ["text"],
    "fees": ["title", "payee", "payee_edrpou", "iban", "legal_source"],
    "fee_exemptions": ["title", "proving_document", "legal_source"],
}


class CatalogImportError(Exception):
    """An import was rejected; `errors` lists each problem as "position.field: reason"."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ImportReport:
    minimums_created: int = 0
    minimums_updated: int = 0
    providers_created: int = 0
    providers_updated: int = 0
    services_created: int = 0
    services_updated: int = 0
    services_unchanged: int = 0
    versions_published: int = 0
    drafts_saved: int = 0
    service_codes: list[str] = field(default_factory=list)
    #: Published versions loaded although they miss what publishing requires (``allow_incomplete``).
    incomplete: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return _(
            "Subsistence minimums: %(mc)d new, %(mu)d changed. Providers: %(pc)d new, %(pu)d changed. "
            "Services: %(sc)d new, %(su)d changed, %(sn)d unchanged; %(vp)d versions published, "
            "%(ds)d drafts saved."
        ) % {
            "mc": self.minimums_created,
            "mu": self.minimums_updated,
            "pc": self.providers_created,
            "pu": self.providers_updated,
            "sc": self.services_created,
            "su": self.services_updated,
            "sn": self.services_unchanged,
            "vp": self.versions_published,
            "ds": self.drafts_saved,
        }


# ---------------------------------------------------------------------------------------------
# Export


def _decimal(value: Decimal | None, places: int | None = None) -> str | None:
    if value is None:
        return None
    if places is not None:
        return str(value.quantize(Decimal(1).scaleb(-places)))
    text = format(value.normalize(), "f")
    return text


def _plain(value, kind: str):
    """A model value as a catalog file writes it."""
    if kind == "date":
        return value.isoformat() if value else None
    if kind == "decimal":
        return _decimal(value)
    if kind in ("list", "ints"):
        return list(value or [])
    if kind == "json":
        return dict(value or {})
    return value


def version_to_dict(version: ServiceVersion, parts: dict) -> dict:
    """The card fields and rows of a version as they appear in a catalog file (``parts``: related name
    -> rows)."""
    data = {f.name: _plain(getattr(version, f.name), f.kind) for f in VERSION_FIELDS}
    for related_name, (_model, fields) in PART_FIELDS.items():
        data[related_name] = [
            {f.name: _plain(getattr(row, f.name), f.kind) for f in fields} for row in parts[related_name]
        ]
    return data


def version_parts(version: ServiceVersion) -> dict:
    return {related_name: list(getattr(version, related_name).all()) for related_name in PART_FIELDS}


def _exported_version(service: Service) -> ServiceVersion | None:
    versions = service.versions.all()
    published = [v for v in versions if v.is_published]
    if published:
        return max(published, key=lambda v: (v.valid_from, v.number))
    return max(versions, key=lambda v: v.number, default=None)


def export_catalog() -> dict:
    """The whole catalog (for each service its latest published version, else its draft)."""
    services = (
        Service.objects.select_related("provider")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=ServiceVersion.objects.prefetch_related(*PART_FIELDS),
            )
        )
        .order_by("local_code")
    )
    items = []
    for service in services:
        version = _exported_version(service)
        if version is None:
            continue
        item = {
            "local_code": service.local_code,
            "national_id": service.national_id,
            "category": service.category,
            "provider_edrpou": service.provider.edrpou,
            "is_active": service.is_active,
        }
        item.update(version_to_dict(version, version_parts(version)))
        items.append(item)
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "subsistence_minimums": [
            {"year": m.year, "amount": _decimal(m.amount, 2), "legal_basis": m.legal_basis}
            for m in SubsistenceMinimum.objects.order_by("year")
        ],
        "providers": [{f: getattr(p, f) for f in PROVIDER_FIELDS} for p in Provider.objects.order_by("edrpou")],
        "services": items,
    }


# ---------------------------------------------------------------------------------------------
# Import: check everything first


@dataclass
class _ServicePlan:
    position: str
    service: Service  # unsaved when new
    is_new: bool
    service_changed: bool
    version: ServiceVersion  # unsaved
    parts: dict  # related name -> unsaved rows
    payload: dict


V1_FEE_KEYS = ("fee_kind", "fee_amount", "fee_fraction", "fee_fraction_late", "payment")


def _from_version_1(item: dict) -> dict:
    """A service of format 1 (one fee rule, one payee) in format 2: its rule becomes charge rows."""
    new = {k: v for k, v in item.items() if k not in V1_FEE_KEYS}
    kind = item.get("fee_kind") or "free"
    payment = item.get("payment") if isinstance(item.get("payment"), dict) else {}
    if kind == "free":
        return new
    row = {
        "title": "Адміністративний збір",
        "payee": payment.get("recipient") or "",
        "payee_edrpou": payment.get("recipient_edrpou") or "",
        "iban": payment.get("iban") or "",
        "purpose": payment.get("purpose") or "",
        "legal_source": item.get("legal_basis") or "",
    }
    if kind == "fixed":
        new["fees"] = [{**row, "base": FeeBase.FIXED, "amount": item.get("fee_amount")}]
    else:
        new["fees"] = [{**row, "base": FeeBase.SUBSISTENCE_MINIMUM, "share": item.get("fee_fraction")}]
        if item.get("fee_fraction_late") not in (None, ""):
            new["fees"].append({**new["fees"][0], "share": item["fee_fraction_late"], "option": FeeOption.LATE})
    return new


class _Checker:
    def __init__(self, data, *, allow_incomplete: bool = False):
        self.data = data
        self.allow_incomplete = allow_incomplete
        self.incomplete: list[str] = []
        self.errors: list[str] = []
        self.minimums: list[tuple[SubsistenceMinimum, bool]] = []
        self.providers: dict[str, tuple[Provider, bool]] = {}
        self.services: list[_ServicePlan] = []

    # helpers ------------------------------------------------------------------------------
    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def model_errors(self, path: str, exc: ValidationError, renames: dict | None = None, skip=()) -> None:
        renames = renames or {}
        errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        for name, messages in errors.items():
            if name in skip:
                continue
            where = path if name == NON_FIELD_ERRORS else f"{path}.{renames.get(name, name)}"
            for message in messages:
                self.error(where, message)

    def section(self, name: str) -> list:
        value = self.data.get(name, [])
        if not isinstance(value, list):
            self.error(name, _("must be a list"))
            return []
        return value

    def item(self, path: str, value, allowed: set[str]) -> dict | None:
        if not isinstance(value, dict):
            self.error(path, _("must be an object"))
            return None
        for key in sorted(set(value) - allowed):
            self.error(f"{path}.{key}", _("unknown field"))
        return value

    def required(self, path: str, item: dict, keys) -> bool:
        ok = True
        for key in keys:
            value = item.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                self.error(f"{path}.{key}", _("this field is required"))
                ok = False
        return ok

    def choice(self, path: str, value, choices, message: str) -> bool:
        if value not in {v for v, _label in choices}:
            self.error(path, message % {"value": value})
            return False
        return True

    def integer(self, path: str, value, *, allow_none=True):
        if value is None and allow_none:
            return True, None
        if isinstance(value, bool):
            self.error(path, _("must be a whole number"))
            return False, None
        if isinstance(value, int):
            return True, value
        if isinstance(value, str) and value.strip().isdigit():
            return True, int(value)
        self.error(path, _("must be a whole number"))
        return False, None

    def decimal(self, path: str, value):
        if value is None or value == "":
            return True, None
        if isinstance(value, bool):
            self.error(path, _("must be a number"))
            return False, None
        try:
            number = Decimal(str(value).replace(",", "."))
        except InvalidOperation:
            self.error(path, _("must be a number"))
            return False, None
        if not number.is_finite():
            self.error(path, _("must be a number"))
            return False, None
        return True, number

    def string_list(self, path: str, value, choices=None, message=None) -> list | None:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, _("must be a list"))
            return None
        allowed = {v for v, _label in choices} if choices else None
        ok = True
        for index, entry in enumerate(value):
            if not isinstance(entry, str) or (allowed is not None and entry not in allowed):
                self.error(f"{path}[{index}]", message % {"value": entry})
                ok = False
        return list(value) if ok else None

    # sections -----------------------------------------------------------------------------
    def check(self) -> None:
        if not isinstance(self.data, dict):
            self.error("catalog", _("must be a JSON object"))
            return
        if self.data.get("format") != FORMAT:
            self.error("format", _("must be '%(format)s'") % {"format": FORMAT})
        if self.data.get("version") not in READ_VERSIONS:
            self.error("version", _("unsupported version %(value)s") % {"value": self.data.get("version")})
        for key in sorted(set(self.data) - {"format", "version", "subsistence_minimums", "providers", "services"}):
            self.error(key, _("unknown section"))
        self.check_minimums()
        self.check_providers()
        self.check_services()

    def check_minimums(self) -> None:
        existing = {m.year: m for m in SubsistenceMinimum.objects.all()}
        seen: dict[int, str] = {}
        for index, raw in enumerate(self.section("subsistence_minimums")):
            path = f"subsistence_minimums[{index}]"
            item = self.item(path, raw, {"year", "amount", "legal_basis"})
            if item is None or not self.required(path, item, ["year", "amount"]):
                continue
            ok_year, year = self.integer(f"{path}.year", item["year"], allow_none=False)
            ok_amount, amount = self.decimal(f"{path}.amount", item["amount"])
            if not (ok_year and ok_amount):
                continue
            if year in seen:
                self.error(
                    f"{path}.year",
                    _("duplicate year %(year)s (also at %(other)s)") % {"year": year, "other": seen[year]},
                )
                continue
            seen[year] = path
            minimum = existing.get(year) or SubsistenceMinimum(year=year)
            legal_basis = str(item.get("legal_basis") or "").strip()
            changed = minimum.pk is None or (minimum.amount, minimum.legal_basis) != (amount, legal_basis)
            minimum.amount = amount
            minimum.legal_basis = legal_basis
            try:
                minimum.full_clean()
            except ValidationError as exc:
                self.model_errors(path, exc)
                continue
            self.minimums.append((minimum, changed))

    def check_providers(self) -> None:
        existing = {p.edrpou: p for p in Provider.objects.all()}
        seen: dict[str, str] = {}
        for index, raw in enumerate(self.section("providers")):
            path = f"providers[{index}]"
            item = self.item(path, raw, set(PROVIDER_FIELDS))
            if item is None or not self.required(path, item, ["edrpou", "name"]):
                continue
            code = str(item["edrpou"]).strip()
            if code in seen:
                self.error(
                    f"{path}.edrpou",
                    _("duplicate provider %(code)s (also at %(other)s)") % {"code": code, "other": seen[code]},
                )
                continue
            seen[code] = path
            provider = existing.get(code) or Provider(edrpou=code)
            before = {f: getattr(provider, f) for f in PROVIDER_FIELDS}
            for name in PROVIDER_FIELDS:
                if name != "edrpou":
                    setattr(provider, name, str(item.get(name) or "").strip())
            changed = provider.pk is None or before != {f: getattr(provider, f) for f in PROVIDER_FIELDS}
            try:
                provider.full_clean(exclude=["hromada"])
            except ValidationError as exc:
                self.model_errors(path, exc)
                continue
            self.providers[code] = (provider, changed)

    def check_services(self) -> None:
        codes: dict[str, str] = {}
        known_providers = {p.edrpou: p for p in Provider.objects.all()}
        existing = {
            s.local_code: s
            for s in Service.objects.select_related("provider").prefetch_related(
                Prefetch(
                    "versions",
                    queryset=ServiceVersion.objects.prefetch_related("documents", "stages", "refusal_grounds"),
                )
            )
        }
        upgrade = self.data.get("version") == 1
        for index, raw in enumerate(self.section("services")):
            path = f"services[{index}]"
            if upgrade and isinstance(raw, dict):
                raw = _from_version_1(raw)
            item = self.item(path, raw, SERVICE_KEYS)
            if item is None:
                continue
            before = len(self.errors)
            self.required(path, item, REQUIRED_SERVICE_KEYS)
            code = str(item.get("local_code") or "").strip()
            if code:
                if code in codes:
                    self.error(
                        f"{path}.local_code",
                        _("duplicate code '%(code)s' (also at %(other)s)") % {"code": code, "other": codes[code]},
                    )
                else:
                    codes[code] = path
            plan = self.check_service(path, item, code, known_providers, existing, before)
            if plan is not None and len(self.errors) == before:
                self.services.append(plan)

    def value(self, path: str, kind: str, raw, choices=None):
        """(ok, value) of one field as its kind reads it; a problem is reported at ``path``."""
        name = path.rsplit(".", 1)[-1]
        unknown = str(CHOICE_MESSAGES.get(name, _lazy("unknown value '%(value)s'")))
        if kind == "int":
            return self.integer(path, raw)
        if kind == "decimal":
            return self.decimal(path, raw)
        if kind == "bool":
            if raw is None or isinstance(raw, bool):
                return True, raw
            if isinstance(raw, str) and raw.strip().lower() in {"true", "false", "1", "0", "так", "ні", "yes", "no"}:
                return True, raw.strip().lower() in {"true", "1", "так", "yes"}
            self.error(path, _("must be true or false"))
            return False, None
        if kind == "date":
            if raw in (None, ""):
                return True, None
            try:
                return True, date.fromisoformat(str(raw))
            except ValueError:
                self.error(path, _("not a date (YYYY-MM-DD): '%(value)s'") % {"value": raw})
                return False, None
        if kind == "list":
            result = self.string_list(path, raw, choices, unknown)
            return result is not None, result
        if kind == "ints":
            if raw in (None, ""):
                return True, []
            if not isinstance(raw, list) or any(isinstance(v, bool) or not isinstance(v, int) for v in raw):
                self.error(path, _("must be a list of whole numbers"))
                return False, None
            return True, list(raw)
        if kind == "json":
            if raw in (None, ""):
                return True, {}
            if not isinstance(raw, dict) or any(not isinstance(v, str) for v in raw.values()):
                self.error(path, _("must be an object of texts"))
                return False, None
            return True, dict(raw)
        if raw is None:
            return True, ""
        if not isinstance(raw, str | int) or isinstance(raw, bool):
            self.error(path, _("must be text"))
            return False, None
        text = str(raw).strip()
        if choices is not None and text and text not in {v for v, _label in choices}:
            self.error(path, unknown % {"value": text})
            return False, None
        return True, text

    def check_service(self, path, item, code, known_providers, existing, before) -> _ServicePlan | None:
        provider_code = str(item.get("provider_edrpou") or "").strip()
        provider = None
        if provider_code:
            if provider_code in self.providers:
                provider = self.providers[provider_code][0]
            elif provider_code in known_providers:
                provider = known_providers[provider_code]
            else:
                self.error(f"{path}.provider_edrpou", _("unknown provider '%(code)s'") % {"code": provider_code})
        category = item.get("category")
        if category is not None:
            self.choice(f"{path}.category", category, ServiceCategory.choices, _("unknown category '%(value)s'"))
        fields = {}
        for spec in VERSION_FIELDS:
            if spec.name not in item:
                continue
            ok, value = self.value(f"{path}.{spec.name}", spec.kind, item[spec.name], CHOICES.get(spec.name))
            if ok:
                fields[spec.name] = value
        if fields.get("storage_days") is None:
            fields.pop("storage_days", None)
        valid_from = fields.pop("valid_from", None)
        parts = {}
        for related_name in PART_FIELDS:
            parts[related_name] = self.check_rows(path, related_name, item.get(related_name))

        # Fields already reported are left out of the model's own checks, so nothing is said twice.
        skip = {
            e[len(path) + 1 :].split(":")[0].split(".")[0].split("[")[0]
            for e in self.errors[before:]
            if e.startswith(path + ".")
        }
        for pair in ({"term_value", "term_unit"}, {"min_wait_value", "min_wait_unit"}):
            if skip & pair:
                skip |= pair

        service = existing.get(code)
        is_new = service is None
        if is_new:
            service = Service(local_code=code)
        snapshot = (service.national_id, service.category, service.provider_id, service.is_active)
        service.national_id = str(item.get("national_id") or "").strip()
        service.category = category or ""
        if provider is not None:
            service.provider = provider
        service.is_active = bool(item.get("is_active", True))
        service_changed = is_new or snapshot != (
            service.national_id,
            service.category,
            service.provider_id,
            service.is_active,
        )
        values = {k: v for k, v in fields.items() if k not in skip}
        if "term_unit" in skip or not values.get("term_unit"):
            values["term_unit"] = TermUnit.CALENDAR_DAYS
        version = ServiceVersion(
            status=VersionStatus.PUBLISHED if valid_from else VersionStatus.DRAFT, valid_from=valid_from, **values
        )
        try:
            service.full_clean(exclude=["provider", "local_code", *skip])
        except ValidationError as exc:
            self.model_errors(path, exc, skip=skip)
        try:
            version.full_clean(exclude=["service", "number", *skip])
        except ValidationError as exc:
            self.model_errors(path, exc, skip=skip)
        if valid_from and parts["stages"] == []:
            self.error(f"{path}.stages", _("the technological card needs at least one stage"))
        if any(rows is None for rows in parts.values()):
            return None
        if not is_new and valid_from:
            published = [v for v in service.versions.all() if v.is_published]
            if published:
                latest = max(published, key=lambda v: (v.valid_from, v.number))
                if valid_from < latest.valid_from:
                    self.error(
                        f"{path}.valid_from",
                        _("earlier than %(date)s, the start of published version %(number)s")
                        % {"date": latest.valid_from.isoformat(), "number": latest.number},
                    )
        if valid_from:
            problems = publication_problems(version, service=service, parts=parts)
            for field_name, messages in problems.items():
                for message in messages:
                    if self.allow_incomplete:
                        self.incomplete.append(f"{path}.{field_name}: {message}")
                    else:
                        self.error(f"{path}.{field_name}", message)
        payload = version_to_dict(version, parts)
        return _ServicePlan(path, service, is_new, service_changed, version, parts, payload)

    def check_rows(self, path, related_name, rows) -> list | None:
        if rows is None:
            return []
        if not isinstance(rows, list):
            self.error(f"{path}.{related_name}", _("must be a list"))
            return None
        model, fields = PART_FIELDS[related_name]
        field_kinds = kinds(fields)
        result, ok = [], True
        for index, raw in enumerate(rows):
            where = f"{path}.{related_name}[{index}]"
            if related_name == "refusal_grounds" and isinstance(raw, str):
                raw = {"text": raw}  # format 1 wrote a ground as its text
            row = self.item(where, raw, set(field_kinds))
            if row is None or not self.required(where, row, REQUIRED_ROW_FIELDS[related_name]):
                ok = False
                continue
            values, good = {}, True
            for name, kind in field_kinds.items():
                raw_value = row.get(name, ROW_DEFAULTS.get(name))
                if name == "action" and raw_value is not None:
                    raw_value = str(raw_value).strip().upper()
                    raw_value = STAGE_ACTION_ALIASES.get(raw_value, raw_value)
                field_ok, value = self.value(f"{where}.{name}", kind, raw_value, CHOICES.get(name))
                if not field_ok:
                    good = False
                    continue
                if value is None and name in ROW_DEFAULTS:
                    value = ROW_DEFAULTS[name]
                values[name] = value
            if not good:
                ok = False
                continue
            instance = model(order=index + 1, **values)
            try:
                instance.full_clean(exclude=["version"])
            except ValidationError as exc:
                self.model_errors(where, exc)
                ok = False
                continue
            result.append(instance)
        return result if ok else None


# ---------------------------------------------------------------------------------------------
# Import: write


def _current_payload(service: Service, *, draft: bool) -> tuple[ServiceVersion | None, dict | None]:
    versions = list(service.versions.all())
    if draft:
        candidates = [v for v in versions if v.is_draft]
        version = candidates[0] if candidates else None
    else:
        published = [v for v in versions if v.is_published]
        version = max(published, key=lambda v: (v.valid_from, v.number)) if published else None
    if version is None:
        return None, None
    return version, version_to_dict(version, version_parts(version))


def _without_date(payload: dict) -> dict:
    return {k: v for k, v in payload.items() if k != "valid_from"}


def _write_version(plan: _ServicePlan, service: Service, acting_user, *, number: int) -> ServiceVersion:
    version = plan.version
    version.service = service
    version.number = number
    if version.is_published:
        version.published_at = timezone.now()
        version.published_by = acting_user if getattr(acting_user, "pk", None) else None
    record_author(version, acting_user)
    version.save()
    for rows in plan.parts.values():
        for row in rows:
            row.version = version
            record_author(row, acting_user)
            row.save(allow_published=True)
    return version


def _apply(checker: _Checker, acting_user, report: ImportReport) -> None:
    for minimum, changed in checker.minimums:
        if changed:
            created = minimum.pk is None
            record_author(minimum, acting_user)
            minimum.save()
            if created:
                report.minimums_created += 1
            else:
                report.minimums_updated += 1
    for provider, changed in checker.providers.values():
        if changed:
            created = provider.pk is None
            record_author(provider, acting_user)
            provider.save()
            if created:
                report.providers_created += 1
            else:
                report.providers_updated += 1
    for plan in checker.services:
        service = plan.service
        service.provider = service.provider  # re-bind: a provider created above now has its pk
        report.service_codes.append(service.local_code)
        service_changed = plan.service_changed
        if service_changed:
            record_author(service, acting_user)
            service.save()
        if plan.is_new:
            _write_version(plan, service, acting_user, number=1)
            report.services_created += 1
            if plan.version.is_published:
                report.versions_published += 1
            else:
                report.drafts_saved += 1
            continue
        as_draft = not plan.version.is_published
        current, payload = _current_payload(service, draft=as_draft)
        if payload is not None and _without_date(payload) == _without_date(plan.payload):
            if service_changed:
                report.services_updated += 1
            else:
                report.services_unchanged += 1
            continue
        if as_draft and current is not None:
            current.delete()  # the file's draft replaces the stored one
        number = (service.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        _write_version(plan, service, acting_user, number=number)
        report.services_updated += 1
        if as_draft:
            report.drafts_saved += 1
        else:
            report.versions_published += 1


def import_catalog(data: dict, *, acting_user=None, allow_incomplete: bool = False) -> ImportReport:
    """Load a catalog document in one transaction; raise `CatalogImportError` listing every problem.

    A published version must pass the checks before publishing (services/checks.py); with
    ``allow_incomplete`` (the demo catalog, whose register identifiers are not all verified) what it
    misses is listed in ``report.incomplete`` instead.
    """
    with transaction.atomic():
        checker = _Checker(data, allow_incomplete=allow_incomplete)
        checker.check()
        if checker.errors:
            raise CatalogImportError(checker.errors)
        report = ImportReport(incomplete=checker.incomplete)
        _apply(checker, acting_user, report)
    return report


def load_demo_catalog(*, hromada=None, acting_user=None) -> ImportReport:
    """Load `services/data/catalog.json` (idempotent) and offer every service in every office.

    The offices are those of `hromada`, or every office when no hromada is given (the demo has one).
    """
    from cnap.accounts.models import Office

    with DEMO_CATALOG.open(encoding="utf-8") as handle:
        data = json.load(handle)
    with transaction.atomic():
        report = import_catalog(data, acting_user=acting_user, allow_incomplete=True)
        offices = Office.objects.all() if hromada is None else Office.objects.filter(hromada=hromada)
        offices = list(offices)
        if offices:
            for service in Service.objects.filter(local_code__in=report.service_codes):
                service.offices.add(*offices)
    return report
