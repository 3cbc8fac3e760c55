"""Import and export of the catalog as one JSON document (format "cnap-catalog", version 1).

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

from cnap.core.history import record_author
from cnap.workdays import TermUnit

from .constants import (
    STAGE_ACTION_ALIASES,
    Channel,
    DeliveryMethod,
    DocumentKind,
    FeeKind,
    ServiceCategory,
    StageAction,
    VersionStatus,
)
from .models import (
    Provider,
    RefusalGround,
    RequiredDocument,
    Service,
    ServiceVersion,
    SubsistenceMinimum,
    TechCardStage,
)

FORMAT = "cnap-catalog"
FORMAT_VERSION = 1
DEMO_CATALOG = Path(__file__).resolve().parent / "data" / "catalog.json"

PROVIDER_FIELDS = ["edrpou", "name", "short_name", "address", "schedule", "phone", "email", "website"]
PAYMENT_FIELDS = {
    "iban": "payment_iban",
    "recipient": "payment_recipient",
    "recipient_edrpou": "payment_recipient_edrpou",
    "purpose": "payment_purpose",
}
TEXT_FIELDS = [
    "purpose",
    "legal_basis",
    "term_note",
    "late_filing_note",
    "documents_note",
    "result",
    "decision_template",
]
DOCUMENT_FIELDS = ["name", "kind", "copies", "mandatory", "note"]
STAGE_FIELDS = ["name", "responsible_position", "unit", "action", "duration", "duration_unit"]
SERVICE_KEYS = {
    "local_code",
    "national_id",
    "title",
    "category",
    "provider_edrpou",
    "is_active",
    "valid_from",
    "term_value",
    "term_unit",
    "fee_kind",
    "fee_amount",
    "fee_fraction",
    "fee_fraction_late",
    "payment",
    "channels",
    "result_delivery",
    "storage_days",
    "refusal_grounds",
    "documents",
    "stages",
    *TEXT_FIELDS,
}
REQUIRED_SERVICE_KEYS = ["local_code", "title", "category", "provider_edrpou", "term_unit"]


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


def version_to_dict(version: ServiceVersion, documents, stages, grounds) -> dict:
    """The card fields of a version as they appear in a catalog file."""
    return {
        "title": version.title,
        "valid_from": version.valid_from.isoformat() if version.valid_from else None,
        "purpose": version.purpose,
        "legal_basis": version.legal_basis,
        "term_value": version.term_value,
        "term_unit": version.term_unit,
        "term_note": version.term_note,
        "fee_kind": version.fee_kind,
        "fee_amount": _decimal(version.fee_amount, 2),
        "fee_fraction": _decimal(version.fee_fraction),
        "fee_fraction_late": _decimal(version.fee_fraction_late),
        "late_filing_note": version.late_filing_note,
        "payment": {key: getattr(version, attr) for key, attr in PAYMENT_FIELDS.items()},
        "documents_note": version.documents_note,
        "channels": list(version.channels),
        "result": version.result,
        "result_delivery": list(version.result_delivery),
        "storage_days": version.storage_days,
        "decision_template": version.decision_template,
        "refusal_grounds": [g.text for g in grounds],
        "documents": [{f: getattr(d, f) for f in DOCUMENT_FIELDS} for d in documents],
        "stages": [{f: getattr(s, f) for f in STAGE_FIELDS} for s in stages],
    }


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
                queryset=ServiceVersion.objects.prefetch_related("documents", "stages", "refusal_grounds"),
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
        item.update(
            version_to_dict(version, version.documents.all(), version.stages.all(), version.refusal_grounds.all())
        )
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
    documents: list[RequiredDocument]
    stages: list[TechCardStage]
    grounds: list[RefusalGround]
    payload: dict


class _Checker:
    def __init__(self, data):
        self.data = data
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
        if self.data.get("version") != FORMAT_VERSION:
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
        for index, raw in enumerate(self.section("services")):
            path = f"services[{index}]"
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
        term_unit = item.get("term_unit")
        if term_unit is not None:
            self.choice(f"{path}.term_unit", term_unit, TermUnit.choices, _("unknown unit '%(value)s'"))
        fee_kind = item.get("fee_kind", FeeKind.FREE)
        self.choice(f"{path}.fee_kind", fee_kind, FeeKind.choices, _("unknown kind of fee '%(value)s'"))
        _ok, term_value = self.integer(f"{path}.term_value", item.get("term_value"))
        _ok, storage_days = self.integer(f"{path}.storage_days", item.get("storage_days", 30), allow_none=False)
        decimals = {}
        for name in ("fee_amount", "fee_fraction", "fee_fraction_late"):
            _ok, decimals[name] = self.decimal(f"{path}.{name}", item.get(name))
        channels = self.string_list(
            f"{path}.channels", item.get("channels"), Channel.choices, _("unknown channel '%(value)s'")
        )
        delivery = self.string_list(
            f"{path}.result_delivery",
            item.get("result_delivery"),
            DeliveryMethod.choices,
            _("unknown way to receive the result '%(value)s'"),
        )
        valid_from = None
        if item.get("valid_from"):
            try:
                valid_from = date.fromisoformat(str(item["valid_from"]))
            except ValueError:
                self.error(
                    f"{path}.valid_from",
                    _("not a date (YYYY-MM-DD): '%(value)s'") % {"value": item["valid_from"]},
                )
        payment = item.get("payment") or {}
        if not isinstance(payment, dict):
            self.error(f"{path}.payment", _("must be an object"))
            payment = {}
        for key in sorted(set(payment) - set(PAYMENT_FIELDS)):
            self.error(f"{path}.payment.{key}", _("unknown field"))
        texts = {}
        for name in TEXT_FIELDS:
            value = item.get(name)
            if value is not None and not isinstance(value, str):
                self.error(f"{path}.{name}", _("must be text"))
                value = ""
            texts[name] = value or ""
        documents = self.check_documents(path, item.get("documents"))
        stages = self.check_stages(path, item.get("stages"))
        grounds = self.check_grounds(path, item.get("refusal_grounds"))

        # Fields already reported are left out of the model's own checks, so nothing is said twice.
        skip = {
            e[len(path) + 1 :].split(":")[0].split(".")[0].split("[")[0]
            for e in self.errors[before:]
            if e.startswith(path + ".")
        }
        if skip & {"term_value", "term_unit"}:
            skip |= {"term_value", "term_unit"}
        if skip & {"fee_kind", "fee_amount", "fee_fraction", "fee_fraction_late"}:
            skip |= {"fee_kind", "fee_amount", "fee_fraction", "fee_fraction_late"}

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
        version = ServiceVersion(
            title=str(item.get("title") or "").strip(),
            status=VersionStatus.PUBLISHED if valid_from else VersionStatus.DRAFT,
            valid_from=valid_from,
            term_value=None if "term_value" in skip else term_value,
            term_unit=TermUnit.CALENDAR_DAYS if "term_unit" in skip else term_unit or "",
            fee_kind=FeeKind.FREE if "fee_kind" in skip else fee_kind,
            channels=channels or [],
            result_delivery=delivery or [],
            storage_days=30 if storage_days is None else storage_days,
            **({} if "fee_kind" in skip else decimals),
            **texts,
            **{attr: str(payment.get(key) or "").strip() for key, attr in PAYMENT_FIELDS.items()},
        )
        try:
            service.full_clean(exclude=["provider", "local_code", *skip])
        except ValidationError as exc:
            self.model_errors(path, exc, skip=skip)
        try:
            version.full_clean(exclude=["service", "number", *skip])
        except ValidationError as exc:
            self.model_errors(path, exc, {v: f"payment.{k}" for k, v in PAYMENT_FIELDS.items()}, skip=skip)
        if valid_from and stages == []:
            self.error(f"{path}.stages", _("the technological card needs at least one stage"))
        if documents is None or stages is None or grounds is None:
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
        payload = version_to_dict(version, documents, stages, grounds)
        return _ServicePlan(path, service, is_new, service_changed, version, documents, stages, grounds, payload)

    def check_documents(self, path, rows) -> list | None:
        if rows is None:
            return []
        if not isinstance(rows, list):
            self.error(f"{path}.documents", _("must be a list"))
            return None
        result, ok = [], True
        for index, raw in enumerate(rows):
            where = f"{path}.documents[{index}]"
            row = self.item(where, raw, set(DOCUMENT_FIELDS))
            if row is None or not self.required(where, row, ["name"]):
                ok = False
                continue
            kind = row.get("kind", DocumentKind.ORIGINAL)
            if not self.choice(f"{where}.kind", kind, DocumentKind.choices, _("unknown kind '%(value)s'")):
                ok = False
                continue
            ok_copies, copies = self.integer(f"{where}.copies", row.get("copies", 1), allow_none=False)
            if not ok_copies:
                ok = False
                continue
            document = RequiredDocument(
                order=index + 1,
                name=str(row["name"]).strip(),
                kind=kind,
                copies=copies,
                mandatory=bool(row.get("mandatory", True)),
                note=str(row.get("note") or "").strip(),
            )
            try:
                document.full_clean(exclude=["version"])
            except ValidationError as exc:
                self.model_errors(where, exc)
                ok = False
                continue
            result.append(document)
        return result if ok else None

    def check_stages(self, path, rows) -> list | None:
        if rows is None:
            return []
        if not isinstance(rows, list):
            self.error(f"{path}.stages", _("must be a list"))
            return None
        result, ok = [], True
        for index, raw in enumerate(rows):
            where = f"{path}.stages[{index}]"
            row = self.item(where, raw, set(STAGE_FIELDS))
            if row is None or not self.required(where, row, ["name", "responsible_position", "duration_unit"]):
                ok = False
                continue
            action = str(row.get("action") or StageAction.EXECUTES).strip().upper()
            action = STAGE_ACTION_ALIASES.get(action, action)
            good = self.choice(f"{where}.action", action, StageAction.choices, _("unknown action '%(value)s'"))
            good &= self.choice(
                f"{where}.duration_unit",
                row["duration_unit"],
                TermUnit.choices,
                _("unknown unit '%(value)s'"),
            )
            ok_duration, duration = self.integer(f"{where}.duration", row.get("duration"))
            if not (good and ok_duration):
                ok = False
                continue
            stage = TechCardStage(
                order=index + 1,
                name=str(row["name"]).strip(),
                responsible_position=str(row["responsible_position"]).strip(),
                unit=str(row.get("unit") or "").strip(),
                action=action,
                duration=duration,
                duration_unit=row["duration_unit"],
            )
            try:
                stage.full_clean(exclude=["version"])
            except ValidationError as exc:
                self.model_errors(where, exc)
                ok = False
                continue
            result.append(stage)
        return result if ok else None

    def check_grounds(self, path, rows) -> list | None:
        if rows is None:
            return []
        if not isinstance(rows, list):
            self.error(f"{path}.refusal_grounds", _("must be a list"))
            return None
        result, ok = [], True
        for index, text in enumerate(rows):
            if not isinstance(text, str) or not text.strip():
                self.error(f"{path}.refusal_grounds[{index}]", _("must be non-empty text"))
                ok = False
                continue
            result.append(RefusalGround(order=index + 1, text=text.strip()))
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
    payload = version_to_dict(version, version.documents.all(), version.stages.all(), version.refusal_grounds.all())
    return version, payload


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
    for rows in (plan.documents, plan.stages, plan.grounds):
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


def import_catalog(data: dict, *, acting_user=None) -> ImportReport:
    """Load a catalog document in one transaction; raise `CatalogImportError` listing every problem."""
    with transaction.atomic():
        checker = _Checker(data)
        checker.check()
        if checker.errors:
            raise CatalogImportError(checker.errors)
        report = ImportReport()
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
        report = import_catalog(data, acting_user=acting_user)
        offices = Office.objects.all() if hromada is None else Office.objects.filter(hromada=hromada)
        offices = list(offices)
        if offices:
            for service in Service.objects.filter(local_code__in=report.service_codes):
                service.offices.add(*offices)
    return report
