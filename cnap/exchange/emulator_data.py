"""Deterministic synthetic Ukrainian registry data for the emulator.

Every answer is seeded from the input (SHA-256 of it), so the same input always gives the same answer, in any
process. Handlers take our parameter names (``rnokpp``, ``unzr``, ``edrpou``, ``cadastral_number``) and
return a JSON object, or raise :class:`ProviderAnswer` for the registry's own error answers (404, 422).

Consistency rules:

* РНОКПП ``DDDDDNNNGC``: ``DDDDD`` = days since 31.12.1899 = date of birth; the 9th digit ``G`` odd = male;
  ``C`` the check digit (python-stdnum ``ua.rntrc``).
* УНЗР ``YYYYMMDD-NNNNC``: the date of birth, four digits and a check digit (weights 7, 3, 1 repeated, sum
  mod 10). The emulator maps the four digits of the УНЗР to digits 6-9 of the РНОКПП, so a person found by
  РНОКПП and by the УНЗР in that answer is the same person (same name, address and residence).
"""

from __future__ import annotations

import datetime
import hashlib
import random
import re
from typing import Any

from stdnum.ua import edrpou as edrpou_number
from stdnum.ua import rntrc as rnokpp_number

from cnap.identifiers import RNOKPP_EPOCH, unzr_check_digit

CADASTRAL_RE = re.compile(r"^(\d{10}):(\d{2}):(\d{3}):(\d{4})$")
UNZR_RE = re.compile(r"^(\d{8})-(\d{4})(\d)$")
LAST_DAY = datetime.date(2025, 6, 30)  # synthetic dates never go past this (stable answers)


class ProviderAnswer(Exception):  # noqa: N818 - an answer, not a failure of the emulator
    """A non-2xx answer of the registry itself (no X-Road error header)."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status, body)
        self.status = status
        self.body = body


def not_found(what: str) -> ProviderAnswer:
    return ProviderAnswer(404, {"code": "NOT_FOUND", "message": f"Відомостей не знайдено: {what}"})


def invalid(field: str, message: str) -> ProviderAnswer:
    return ProviderAnswer(422, {"code": "VALIDATION_ERROR", "message": message, "field": field})


def rng_for(*parts: str) -> random.Random:
    seed = hashlib.sha256("|".join(parts).encode()).digest()
    return random.Random(int.from_bytes(seed[:8], "big"))


def random_date(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return start
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


# ---------------------------------------------------------------------------------------------- vocabulary
MALE_NAMES = [
    ("Іван", "Іванович", "Іванівна"),
    ("Петро", "Петрович", "Петрівна"),
    ("Олександр", "Олександрович", "Олександрівна"),
    ("Андрій", "Андрійович", "Андріївна"),
    ("Микола", "Миколайович", "Миколаївна"),
    ("Василь", "Васильович", "Василівна"),
    ("Тарас", "Тарасович", "Тарасівна"),
    ("Сергій", "Сергійович", "Сергіївна"),
    ("Дмитро", "Дмитрович", "Дмитрівна"),
    ("Богдан", "Богданович", "Богданівна"),
    ("Юрій", "Юрійович", "Юріївна"),
    ("Олег", "Олегович", "Олегівна"),
    ("Степан", "Степанович", "Степанівна"),
    ("Григорій", "Григорович", "Григорівна"),
    ("Михайло", "Михайлович", "Михайлівна"),
    ("Володимир", "Володимирович", "Володимирівна"),
]
FEMALE_NAMES = [
    "Олена", "Оксана", "Марія", "Наталія", "Ірина", "Тетяна", "Ганна", "Людмила",
    "Світлана", "Юлія", "Катерина", "Софія", "Галина", "Леся", "Христина", "Вікторія",
]  # fmt: skip
SURNAMES = [  # (male, female)
    ("Шевченко", "Шевченко"), ("Коваленко", "Коваленко"), ("Бондаренко", "Бондаренко"),
    ("Ткаченко", "Ткаченко"), ("Кравченко", "Кравченко"), ("Мельник", "Мельник"), ("Бойко", "Бойко"),
    ("Коваль", "Коваль"), ("Олійник", "Олійник"), ("Поліщук", "Поліщук"), ("Лисенко", "Лисенко"),
    ("Савченко", "Савченко"), ("Руденко", "Руденко"), ("Марченко", "Марченко"), ("Гнатюк", "Гнатюк"),
    ("Петрук", "Петрук"), ("Захарчук", "Захарчук"), ("Мороз", "Мороз"), ("Павленко", "Павленко"),
    ("Кравчук", "Кравчук"), ("Литвиненко", "Литвиненко"), ("Костенко", "Костенко"),
    ("Ковальський", "Ковальська"), ("Левицький", "Левицька"), ("Вишневський", "Вишневська"),
    ("Стельмах", "Стельмах"), ("Даниленко", "Даниленко"), ("Гончаренко", "Гончаренко"),
]  # fmt: skip
HROMADAS = [  # (postal code, region, district, hromada, settlement, KOATUU-like code)
    ("08200", "Київська обл.", "Бучанський р-н", "Ірпінська міська територіальна громада", "м. Ірпінь",
     "3210900000"),
    ("08300", "Київська обл.", "Бориспільський р-н", "Бориспільська міська територіальна громада",
     "м. Бориспіль", "3210500000"),
    ("79000", "Львівська обл.", "Львівський р-н", "Львівська міська територіальна громада", "м. Львів",
     "4610100000"),
    ("81100", "Львівська обл.", "Львівський р-н", "Пустомитівська міська територіальна громада",
     "м. Пустомити", "4623610100"),
    ("36000", "Полтавська обл.", "Полтавський р-н", "Полтавська міська територіальна громада", "м. Полтава",
     "5310100000"),
    ("38400", "Полтавська обл.", "Полтавський р-н", "Решетилівська міська територіальна громада",
     "м. Решетилівка", "5324255100"),
    ("21000", "Вінницька обл.", "Вінницький р-н", "Вінницька міська територіальна громада", "м. Вінниця",
     "0510100000"),
    ("58000", "Чернівецька обл.", "Чернівецький р-н", "Чернівецька міська територіальна громада",
     "м. Чернівці", "7310100000"),
    ("12430", "Житомирська обл.", "Житомирський р-н", "Станишівська сільська територіальна громада",
     "с. Станишівка", "1822087601"),
    ("46000", "Тернопільська обл.", "Тернопільський р-н", "Тернопільська міська територіальна громада",
     "м. Тернопіль", "6110100000"),
    ("76000", "Івано-Франківська обл.", "Івано-Франківський р-н",
     "Івано-Франківська міська територіальна громада", "м. Івано-Франківськ", "2610100000"),
    ("17500", "Чернігівська обл.", "Прилуцький р-н", "Прилуцька міська територіальна громада", "м. Прилуки",
     "7410700000"),
]  # fmt: skip
STREETS = [
    "вул. Шевченка", "вул. Соборна", "вул. Незалежності", "вул. Лесі Українки", "вул. Грушевського",
    "вул. Івана Франка", "вул. Героїв Майдану", "просп. Миру", "вул. Садова", "вул. Центральна",
    "вул. Гетьмана Мазепи", "вул. Квітки-Основ'яненка", "вул. Ярослава Мудрого", "вул. Січових Стрільців",
]  # fmt: skip
LEGAL_FORMS = [
    ("ТОВАРИСТВО З ОБМЕЖЕНОЮ ВІДПОВІДАЛЬНІСТЮ", "ТОВ"),
    ("ПРИВАТНЕ ПІДПРИЄМСТВО", "ПП"),
    ("ФЕРМЕРСЬКЕ ГОСПОДАРСТВО", "ФГ"),
    ("ГРОМАДСЬКА ОРГАНІЗАЦІЯ", "ГО"),
    ("АКЦІОНЕРНЕ ТОВАРИСТВО", "АТ"),
    ("КОМУНАЛЬНЕ ПІДПРИЄМСТВО", "КП"),
]
ENTITY_WORDS = [
    "АГРОСВІТ", "БУДІНВЕСТ", "ЗЕЛЕНИЙ ГАЙ", "КАРПАТИ-ТРАНС", "ДНІПРОБУД", "СОНЯЧНА ДОЛИНА",
    "ТЕХНОСЕРВІС", "ПОДІЛЛЯ-АГРО", "ЛАН", "КОЛОС", "БЕРЕГИНЯ", "ВОДОГРАЙ", "ЯВІР", "СТОЖАРИ",
]  # fmt: skip
KVEDS = [
    ("01.11", "Вирощування зернових культур (крім рису), бобових культур і насіння олійних культур"),
    ("41.20", "Будівництво житлових і нежитлових будівель"),
    ("47.11", "Роздрібна торгівля в неспеціалізованих магазинах переважно продуктами харчування, "
              "напоями та тютюновими виробами"),
    ("49.41", "Вантажний автомобільний транспорт"),
    ("62.01", "Комп'ютерне програмування"),
    ("68.20", "Надання в оренду й експлуатацію власного чи орендованого нерухомого майна"),
    ("94.99", "Діяльність інших громадських організацій, н. в. і. у."),
    ("36.00", "Забір, очищення та постачання води"),
]  # fmt: skip
ENTITY_STATUSES = ["зареєстровано"] * 8 + ["в стані припинення", "припинено"]
LAND_PURPOSES = [
    ("01.01", "Для ведення товарного сільськогосподарського виробництва"),
    ("01.03", "Для ведення особистого селянського господарства"),
    ("01.05", "Для індивідуального садівництва"),
    ("02.01", "Для будівництва і обслуговування житлового будинку, господарських будівель і споруд "
              "(присадибна ділянка)"),
    ("02.05", "Для будівництва індивідуальних гаражів"),
    ("03.07", "Для будівництва та обслуговування будівель торгівлі"),
]  # fmt: skip
LAND_CATEGORIES = {
    "01": "Землі сільськогосподарського призначення",
    "02": "Землі житлової та громадської забудови",
    "03": "Землі житлової та громадської забудови",
}
OWNERSHIP_FORMS = ["приватна", "приватна", "комунальна", "державна"]
PROPERTY_KINDS = [  # (object type, min area, max area, unit)
    ("квартира", 28.0, 120.0, "кв. м"),
    ("житловий будинок", 55.0, 260.0, "кв. м"),
    ("земельна ділянка", 0.04, 2.5, "га"),
    ("нежитлове приміщення", 15.0, 300.0, "кв. м"),
    ("гараж", 18.0, 32.0, "кв. м"),
]


# ---------------------------------------------------------------------------------------------- numbers
def make_unzr(birth: datetime.date, four: str) -> str:
    digits = birth.strftime("%Y%m%d") + four
    return f"{birth:%Y%m%d}-{four}{unzr_check_digit(digits)}"


def make_rnokpp(birth: datetime.date, four: str) -> str:
    head = f"{(birth - RNOKPP_EPOCH).days:05d}{four}"
    return head + rnokpp_number.calc_check_digit(head)


def make_edrpou(rng: random.Random) -> str:
    while True:
        candidate = f"{rng.randrange(10**7):07d}"
        code = candidate + edrpou_number.calc_check_digit(candidate)
        if not code.endswith(("0000", "9999", "8888")):
            return code


def parse_rnokpp(value: str) -> tuple[datetime.date, str]:
    if not re.fullmatch(r"\d{10}", value or ""):
        raise invalid("rnokpp", "РНОКПП має складатися з 10 цифр")
    if not rnokpp_number.is_valid(value):
        raise invalid("rnokpp", "Неправильна контрольна цифра РНОКПП")
    days = int(value[:5])
    if days < 1:
        raise invalid("rnokpp", "РНОКПП містить неможливу дату народження")
    return RNOKPP_EPOCH + datetime.timedelta(days=days), value[5:9]


def parse_unzr(value: str) -> tuple[datetime.date, str]:
    match = UNZR_RE.fullmatch(value or "")
    if not match:
        raise invalid("unzr", "УНЗР має формат РРРРММДД-NNNNN")
    try:
        birth = datetime.datetime.strptime(match.group(1), "%Y%m%d").date()
    except ValueError:
        raise invalid("unzr", "УНЗР містить неможливу дату народження") from None
    if unzr_check_digit(match.group(1) + match.group(2)) != match.group(3):
        raise invalid("unzr", "Неправильна контрольна цифра УНЗР")
    if not RNOKPP_EPOCH < birth <= RNOKPP_EPOCH + datetime.timedelta(days=99999):
        raise invalid("unzr", "УНЗР містить неможливу дату народження")
    return birth, match.group(2)


def parse_edrpou(value: str) -> str:
    if not re.fullmatch(r"\d{8}", value or ""):
        raise invalid("edrpou", "Код ЄДРПОУ має складатися з 8 цифр")
    if not edrpou_number.is_valid(value):
        raise invalid("edrpou", "Неправильна контрольна цифра коду ЄДРПОУ")
    return value


# ---------------------------------------------------------------------------------------------- builders
def address(rng: random.Random, hromada: tuple | None = None, *, apartment: bool = True) -> dict[str, Any]:
    postal, region, district, community, settlement, _code = hromada or rng.choice(HROMADAS)
    street = rng.choice(STREETS)
    building = str(rng.randint(1, 120))
    flat = str(rng.randint(1, 140)) if apartment and rng.random() < 0.6 else ""
    parts = [postal, region, district, settlement, street, f"буд. {building}"]
    if flat:
        parts.append(f"кв. {flat}")
    return {
        "postalCode": postal,
        "region": region,
        "district": district,
        "community": community,
        "settlement": settlement,
        "street": street,
        "building": building,
        "apartment": flat,
        "text": ", ".join(parts),
    }


def full_name(rng: random.Random, male: bool) -> tuple[str, str, str]:
    surname = rng.choice(SURNAMES)[0 if male else 1]
    father = rng.choice(MALE_NAMES)
    if male:
        return surname, rng.choice(MALE_NAMES)[0], father[1]
    return surname, rng.choice(FEMALE_NAMES), father[2]


def person_from(birth: datetime.date, four: str) -> dict[str, Any]:
    if birth > LAST_DAY:
        raise not_found("особу з такою датою народження")
    key = f"person:{birth.isoformat()}:{four}"
    rng = rng_for(key)
    male = int(four[3]) % 2 == 1
    surname, name, patronym = full_name(rng, male)
    birth_place = rng.choice(HROMADAS)
    issued = random_date(rng, max(birth + datetime.timedelta(days=14 * 365), datetime.date(2016, 1, 1)), LAST_DAY)
    return {
        "rnokpp": make_rnokpp(birth, four),
        "unzr": make_unzr(birth, four),
        "surname": surname,
        "name": name,
        "patronym": patronym,
        "dateOfBirth": birth.isoformat(),
        "gender": "male" if male else "female",
        "birthPlace": f"{birth_place[4]}, {birth_place[1]}",
        "citizenship": "Україна",
        "passportNumber": f"{rng.randrange(10**8, 10**9):09d}",
        "passportIssueDate": issued.isoformat(),
        "passportAuthority": f"{rng.randint(1, 8099):04d}",
        "registeredAddress": address(rng_for(key, "address")),
    }


def eddr_person(params: dict[str, str]) -> dict[str, Any]:
    if params.get("rnokpp"):
        return person_from(*parse_rnokpp(params["rnokpp"]))
    if params.get("unzr"):
        return person_from(*parse_unzr(params["unzr"]))
    raise invalid("rnokpp", "Потрібен РНОКПП або УНЗР")


def rtg_residence(params: dict[str, str]) -> dict[str, Any]:
    if params.get("unzr"):
        person = person_from(*parse_unzr(params["unzr"]))
    elif params.get("rnokpp"):
        person = person_from(*parse_rnokpp(params["rnokpp"]))
    else:
        raise invalid("unzr", "Потрібен УНЗР або РНОКПП")
    rng = rng_for("residence", person["unzr"])
    birth = datetime.date.fromisoformat(person["dateOfBirth"])
    registered = random_date(rng, max(birth, datetime.date(1995, 1, 1)), LAST_DAY)
    return {
        "unzr": person["unzr"],
        "rnokpp": person["rnokpp"],
        "surname": person["surname"],
        "name": person["name"],
        "patronym": person["patronym"],
        "dateOfBirth": person["dateOfBirth"],
        "address": person["registeredAddress"],
        "registrationDate": registered.isoformat(),
        "registrationType": "задеклароване/зареєстроване місце проживання",
        "community": person["registeredAddress"]["community"],
    }


def entity_from(code: str) -> dict[str, Any]:
    rng = rng_for("entity", code)
    form, short = rng.choice(LEGAL_FORMS)
    word = rng.choice(ENTITY_WORDS)
    kved = rng.choice(KVEDS)
    head = full_name(rng, rng.random() < 0.6)
    return {
        "edrpou": code,
        "name": f'{form} "{word}"',
        "shortName": f'{short} "{word}"',
        "legalForm": form.capitalize(),
        "status": rng.choice(ENTITY_STATUSES),
        "registrationDate": random_date(rng, datetime.date(1995, 1, 1), LAST_DAY).isoformat(),
        "head": {"surname": head[0], "name": head[1], "patronym": head[2], "role": "керівник"},
        "kved": {"code": kved[0], "name": kved[1], "isPrimary": True},
        "address": address(rng_for("entity-address", code), apartment=False),
    }


def edr_subject(params: dict[str, str]) -> dict[str, Any]:
    return entity_from(parse_edrpou(params.get("edrpou", "")))


def drrp_rights(params: dict[str, str]) -> dict[str, Any]:
    if params.get("rnokpp"):
        person = person_from(*parse_rnokpp(params["rnokpp"]))
        subject = {
            "type": "individual",
            "rnokpp": person["rnokpp"],
            "name": f"{person['surname']} {person['name']} {person['patronym']}",
        }
        key = person["rnokpp"]
        first_day = max(datetime.date.fromisoformat(person["dateOfBirth"]), datetime.date(2013, 1, 1))
    elif params.get("edrpou"):
        entity = entity_from(parse_edrpou(params["edrpou"]))
        subject = {"type": "legal_entity", "edrpou": entity["edrpou"], "name": entity["name"]}
        key = entity["edrpou"]
        first_day = datetime.date(2013, 1, 1)
    else:
        raise invalid("rnokpp", "Потрібен РНОКПП або код ЄДРПОУ")
    rng = rng_for("rights", key)
    rights = []
    for number in range(rng.choice([0, 1, 1, 2, 2, 3])):
        kind, low, high, unit = rng.choice(PROPERTY_KINDS)
        area = round(rng.uniform(low, high), 4 if unit == "га" else 1)
        share = rng.choice(["1/1", "1/1", "1/2", "1/3", "1/4"])
        right = {
            "registrationNumber": str(rng.randrange(10**11, 10**12)),
            "objectType": kind,
            "address": address(rng_for("rights-object", key, str(number)))["text"],
            "area": area,
            "areaUnit": unit,
            "rightType": "право власності" if share == "1/1" else "право спільної часткової власності",
            "share": share,
            "registrationDate": random_date(rng, first_day, LAST_DAY).isoformat(),
        }
        if kind == "земельна ділянка":
            right["cadastralNumber"] = f"{rng.choice(HROMADAS)[5]}:{rng.randint(1, 99):02d}:" + (
                f"{rng.randint(1, 999):03d}:{rng.randint(1, 9998):04d}"
            )
        rights.append(right)
    return {"subject": subject, "totalCount": len(rights), "rights": rights}


def dzk_parcel(params: dict[str, str]) -> dict[str, Any]:
    value = params.get("cadastral_number", "")
    match = CADASTRAL_RE.fullmatch(value or "")
    if not match:
        raise invalid("cadastral_number", "Кадастровий номер має формат NNNNNNNNNN:NN:NNN:NNNN")
    rng = rng_for("parcel", value)
    by_code = {h[5]: h for h in HROMADAS}
    hromada = by_code.get(match.group(1)) or rng.choice(HROMADAS)
    code, text = rng.choice(LAND_PURPOSES)
    area = round(rng.uniform(0.04, 2.5) if code.startswith("01") else rng.uniform(0.01, 0.25), 4)
    location = address(rng_for("parcel-address", value), hromada, apartment=False)
    return {
        "cadastralNumber": value,
        "koatuu": match.group(1),
        "area": area,
        "areaUnit": "га",
        "purpose": {"code": code, "text": text},
        "category": LAND_CATEGORIES[code[:2]],
        "ownershipForm": rng.choice(OWNERSHIP_FORMS),
        "location": location,
        "registrationDate": random_date(rng, datetime.date(2013, 1, 1), LAST_DAY).isoformat(),
        "normativeValue": round(area * rng.uniform(40_000, 900_000), 2),
    }


PASSPORT_SERIES_RE = re.compile(r"^[А-ЯҐЄІЇ]{2}$")
PASSPORT_STATUSES = [  # (code, text, valid)
    ("VALID", "дійсний", True),
    ("VALID", "дійсний", True),
    ("VALID", "дійсний", True),
    ("VALID", "дійсний", True),
    ("EXPIRED", "недійсний: закінчився строк дії", False),
    ("LOST", "недійсний: втрачений", False),
    ("EXCHANGED", "недійсний: обміняний на новий", False),
]


def mvs_passport(params: dict[str, str]) -> dict[str, Any]:
    """The status of a passport (modelled on МВС's public test service ``CheckPassportStatus``): a booklet
    (series of two Cyrillic letters + 6 digits) or an ID card (9 digits, no series)."""
    series = (params.get("passport_series") or "").strip().upper()
    number = (params.get("passport_number") or "").strip()
    if series:
        if not PASSPORT_SERIES_RE.fullmatch(series) or not re.fullmatch(r"\d{6}", number):
            raise invalid("PasNumber", "Паспорт-книжечка: серія з двох літер і номер з 6 цифр")
        kind = "паспорт громадянина України (книжечка)"
    else:
        if not re.fullmatch(r"\d{9}", number):
            raise invalid("PasNumber", "ID-картка: номер з 9 цифр")
        kind = "паспорт громадянина України (ID-картка)"
    rng = rng_for("passport", series, number)
    code, text, valid = rng.choice(PASSPORT_STATUSES)
    return {
        "documentType": kind,
        "series": series,
        "documentNumber": number,
        "status": text,
        "statusCode": code,
        "statusDate": random_date(rng, datetime.date(2016, 1, 1), LAST_DAY).isoformat(),
        "isValid": valid,
    }


HANDLERS = {
    "mvs_passport": mvs_passport,
    "eddr_person": eddr_person,
    "edr_subject": edr_subject,
    "drrp_rights": drrp_rights,
    "dzk_parcel": dzk_parcel,
    "rtg_residence": rtg_residence,
}

#: Parameters whose last four digits trigger the magic answers (docs/exchange.md §9).
MAGIC_PARAMS = ("rnokpp", "edrpou", "cadastral_number", "passport_number")


def magic(params: dict[str, str]) -> str:
    """``"not_found"``, ``"network_error"``, ``"slow"`` or ``""`` for a lookup's parameters."""
    for name in MAGIC_PARAMS:
        value = params.get(name) or ""
        if value.endswith("0000"):
            return "not_found"
        if value.endswith("9999"):
            return "network_error"
        if value.endswith("8888"):
            return "slow"
    return ""
