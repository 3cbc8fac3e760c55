"""The registry lookups the workstation can make: one declarative list.

Everything that names a registry lookup is derived from :data:`REGISTRIES`: the default Трембіта
configuration of each service (:data:`cnap.exchange.conf.DEFAULTS`: service id, protocol, path, the wire
names of its parameters, the declared shape of its answer), the parameters a lookup accepts (input
validation), the options of the lookup panel (what a person can ask for, with which identifier, for which
kinds of service) and the registry choices of the stored requests. Adding a registry is adding one entry
here (and its data to the emulator).

Parameters are named by the identifier they carry (``rnokpp``, ``unzr``, ``edrpou``, ``cadastral_number``,
``passport``); checking their format is the identifiers' job, not this module's.

Shapes
------
``response`` is a JSON Schema (the subset: ``type``, ``properties``, ``required``, ``items``) of a successful
answer. A REST answer is checked against it as it comes; a SOAP answer is read with the types of the
service's WSDL and checked against the schema the WSDL declares (the emulator builds its WSDL from this one).
An answer that does not have the ``required`` fields (``{}``, an empty SOAP response) is refused with a
clear message instead of being shown as data.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils.translation import gettext_lazy as _

# ---------------------------------------------------------------------------------------------- shapes
S = {"type": "string"}
N = {"type": "number"}
I = {"type": "integer"}  # noqa: E741 - a one-letter schema alias, like S and N
B = {"type": "boolean"}


def obj(required: tuple[str, ...] = (), **properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "properties": properties}


def arr(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


ADDRESS = obj(
    ("text",),
    postalCode=S,
    region=S,
    district=S,
    community=S,
    settlement=S,
    street=S,
    building=S,
    apartment=S,
    text=S,
)
PERSON = obj(
    ("rnokpp", "surname", "name", "dateOfBirth"),
    rnokpp=S,
    unzr=S,
    surname=S,
    name=S,
    patronym=S,
    dateOfBirth=S,
    gender=S,
    birthPlace=S,
    citizenship=S,
    passportNumber=S,
    passportIssueDate=S,
    passportAuthority=S,
    registeredAddress=ADDRESS,
)
RESIDENCE = obj(
    ("unzr", "surname", "name", "address"),
    unzr=S,
    rnokpp=S,
    surname=S,
    name=S,
    patronym=S,
    dateOfBirth=S,
    address=ADDRESS,
    registrationDate=S,
    registrationType=S,
    community=S,
)
ENTITY = obj(
    ("edrpou", "name", "status"),
    edrpou=S,
    name=S,
    shortName=S,
    legalForm=S,
    status=S,
    registrationDate=S,
    head=obj((), surname=S, name=S, patronym=S, role=S),
    kved=obj((), code=S, name=S, isPrimary=B),
    address=ADDRESS,
)
RIGHTS = obj(
    ("subject", "totalCount", "rights"),
    subject=obj(("type", "name"), type=S, rnokpp=S, edrpou=S, name=S),
    totalCount=I,
    rights=arr(
        obj(
            ("registrationNumber", "objectType"),
            registrationNumber=S,
            objectType=S,
            address=S,
            area=N,
            areaUnit=S,
            rightType=S,
            share=S,
            registrationDate=S,
            cadastralNumber=S,
        )
    ),
)
PARCEL = obj(
    ("cadastralNumber", "area", "purpose"),
    cadastralNumber=S,
    koatuu=S,
    area=N,
    areaUnit=S,
    purpose=obj(("code", "text"), code=S, text=S),
    category=S,
    ownershipForm=S,
    location=ADDRESS,
    registrationDate=S,
    normativeValue=N,
)
PASSPORT_STATUS = obj(
    ("documentNumber", "status"),
    documentType=S,
    series=S,
    documentNumber=S,
    status=S,
    statusCode=S,
    statusDate=S,
    isValid=B,
)


# ---------------------------------------------------------------------------------------------- declarations
@dataclasses.dataclass(frozen=True)
class Lookup:
    """One option of the lookup panel: ask ``registry`` for what the person typed as ``param``."""

    registry: str
    param: str  # the identifier typed (also the query parameter, except ``passport``: see Registry.params)
    label: Any
    prefill: str = ""  # the applicant's attribute the value starts from
    #: Offered only for services of these catalog categories (or before a service is chosen); () = always.
    categories: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.registry}.{self.param}"

    def offered_for(self, category: str) -> bool:
        return not self.categories or not category or category in self.categories


@dataclasses.dataclass(frozen=True)
class Registry:
    key: str
    label: Any  # for people (gettext, English msgid)
    title: str  # the service's title in the configuration (Ukrainian, shown to the system administrator)
    service_id: str  # placeholder service ids (there is no public catalogue): configuration overrides them
    #: Our parameter name → its name on the wire (the REST query/JSON name, the SOAP element name).
    params: dict[str, str]
    response: dict[str, Any]
    lookups: tuple[Lookup, ...]
    path: str = ""
    method: str = "GET"
    protocol: str = "rest"
    #: The first of these present in a lookup is sent as ``Uxp-Subject-Id`` (ПМДПД).
    subject_id_params: tuple[str, ...] = ()

    def service_defaults(self) -> dict[str, Any]:
        """This registry's entry of the default ``TREMBITA['services']``."""
        return {
            "title": self.title,
            "id": self.service_id,
            "protocol": self.protocol,
            "path": self.path,
            "method": self.method,
            "params": dict(self.params),
            "purpose_id": "",
            "subject_id_params": list(self.subject_id_params),
            "response": self.response,
        }


PROPERTY = ("real_estate", "land")

REGISTRIES: tuple[Registry, ...] = (
    Registry(
        key="eddr_person",
        label=_("Unified State Demographic Register (person)"),
        title="ЄДДР: особа за РНОКПП або УНЗР",
        service_id="SEVDEIR-TEST/GOV/00032684/EDDR_prod/GetPersonByRNOKPP_v1",
        path="/person",
        params={"rnokpp": "rnokpp", "unzr": "unzr"},
        subject_id_params=("rnokpp", "unzr"),
        response=PERSON,
        lookups=(
            Lookup("eddr_person", "rnokpp", _("Person by RNOKPP (EDDR)"), prefill="rnokpp"),
            Lookup("eddr_person", "unzr", _("Person by UNZR (EDDR)"), prefill="unzr"),
        ),
    ),
    Registry(
        key="rtg_residence",
        label=_("Register of the territorial community (residence)"),
        title="Реєстр територіальної громади: місце проживання",
        service_id="SEVDEIR-TEST/GOV/43395033/RTG_prod/GetResidenceByUNZR_v1",
        path="/residence",
        params={"unzr": "unzr", "rnokpp": "rnokpp"},
        subject_id_params=("unzr", "rnokpp"),
        response=RESIDENCE,
        lookups=(
            Lookup(
                "rtg_residence",
                "rnokpp",
                _("Place of residence by RNOKPP (community register)"),
                prefill="rnokpp",
            ),
        ),
    ),
    Registry(
        key="edr_subject",
        label=_("Unified State Register of legal entities"),
        title="ЄДР: юридична особа за кодом ЄДРПОУ",
        service_id="SEVDEIR-TEST/GOV/00015622/EDR_prod/GetSubjectByEDRPOUCode_v1",
        path="/subject",
        params={"edrpou": "edrpou"},
        response=ENTITY,
        lookups=(Lookup("edr_subject", "edrpou", _("Legal entity by EDRPOU (EDR)"), prefill="edrpou"),),
    ),
    Registry(
        key="drrp_rights",
        label=_("State Register of Real Property Rights"),
        title="ДРРП: речові права на нерухоме майно",
        service_id="SEVDEIR-TEST/GOV/00015622/DRRP_prod/GetRealPropertyRights_v1",
        path="/rights",
        params={"rnokpp": "rnokpp", "edrpou": "edrpou"},
        subject_id_params=("rnokpp",),
        response=RIGHTS,
        lookups=(
            Lookup(
                "drrp_rights", "rnokpp", _("Property rights by RNOKPP (DRRP)"), prefill="rnokpp", categories=PROPERTY
            ),
            Lookup(
                "drrp_rights", "edrpou", _("Property rights by EDRPOU (DRRP)"), prefill="edrpou", categories=PROPERTY
            ),
        ),
    ),
    Registry(
        key="dzk_parcel",
        label=_("State Land Cadastre (land parcel)"),
        title="ДЗК: земельна ділянка за кадастровим номером",
        service_id="SEVDEIR-TEST/GOV/21616582/DZK_prod/GetLandParcelByCadastralNumber_v1",
        path="/parcel",
        params={"cadastral_number": "cadastralNumber"},
        response=PARCEL,
        lookups=(
            Lookup("dzk_parcel", "cadastral_number", _("Land parcel by cadastral number (DZK)"), categories=PROPERTY),
        ),
    ),
    Registry(
        key="mvs_passport",
        label=_("Passport status (Ministry of Internal Affairs)"),
        title="МВС: перевірка статусу паспорта (CheckPassportStatus)",
        # The one real Трембіта service id that is public (a test instance of МВС, ЄДРПОУ 00032684).
        service_id="SEVDEIR-TEST/GOV/00032684/MIA_prod/CheckPassportStatus/v0.1",
        path="/passport-status",
        protocol="soap",
        params={"passport_series": "PasSerial", "passport_number": "PasNumber"},
        response=PASSPORT_STATUS,
        lookups=(Lookup("mvs_passport", "passport", _("Passport status by its series and number (MIA)")),),
    ),
)

BY_KEY: dict[str, Registry] = {registry.key: registry for registry in REGISTRIES}

#: What an input typed as ``param`` becomes in the query when the registry takes it in several parts.
#: ``passport``: a booklet passport "АА 123456" is sent as series + number, an ID card (9 digits) as the number.
COMPOSITE_PARAMS: dict[str, tuple[str, ...]] = {"passport": ("passport_series", "passport_number")}


def registry_keys() -> tuple[str, ...]:
    return tuple(BY_KEY)


def registry_choices() -> list[tuple[str, Any]]:
    """``(key, label)`` of every registry, for model and form choices."""
    return [(registry.key, registry.label) for registry in REGISTRIES]


def accepted_params(registry: str) -> tuple[str, ...]:
    """The query parameters a lookup in ``registry`` may carry (our names)."""
    return tuple(BY_KEY[registry].params)


def lookups(*, category: str = "") -> list[Lookup]:
    """The panel's options, in order, for a service of ``category`` ("" = no service chosen yet: all)."""
    return [lookup for registry in REGISTRIES for lookup in registry.lookups if lookup.offered_for(category)]


def lookup_by_key(key: str) -> Lookup | None:
    return next((lookup for lookup in lookups() if lookup.key == key), None)


def response_schema(registry: str) -> dict[str, Any]:
    return BY_KEY[registry].response


def default_services() -> dict[str, dict[str, Any]]:
    """The default ``TREMBITA['services']`` (placeholder ids pointing at the emulator's registries)."""
    return {registry.key: registry.service_defaults() for registry in REGISTRIES}
