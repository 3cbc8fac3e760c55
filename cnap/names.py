"""Ukrainian names in grammatical cases, for documents addressed to a person («видати Шевченку Тарасу
Григоровичу»): the ``shevchenko`` package declines them, and this module corrects what it gets wrong
(each correction is a rule tested on real names in tests/cnap/test_names.py):

1. Masculine adjectival surnames in -ий (Чорний, Гладкий, Левицький) are declined as adjectives: dative
   -ому, genitive -ого (Чорному, Чорного), where the package gives «Чорнию», «Чорния».
2. Feminine surnames in -ка that are nouns (Квітка, Сорока) are declined as nouns: dative -ці, genitive
   -ки (Квітці, Квітки), where the package declines every feminine -ка as an adjective («Квіткій»);
   adjectival ones (-ська, -цька, -зька, -ька, and the feminines of common adjectives: Велика, Гладка)
   stay adjectival (Левицькій, Левицької).
3. Each part of a double surname (Нечуй-Левицький, Косач-Квітка) follows the rules above.
4. A given name the package does not know (Ганс) leaves the gender undetected: a name ending in -а/-я is
   taken as feminine, any other as masculine, instead of giving up.

Foreign surnames on a stressed final vowel (Дюма, Гюго) stay as the package declines them (wrongly):
nothing in the letters tells them from Сковорода or Франко.
"""

from __future__ import annotations

CASES = ("nominative", "genitive", "dative", "accusative", "ablative", "locative", "vocative")

# Feminines of common adjectives that are surnames (Велика from Великий): declined as adjectives.
_ADJECTIVE_KA_STEMS = (
    "велик",
    "висок",
    "глибок",
    "широк",
    "гладк",
    "легк",
    "м’як",
    "тонк",
    "швидк",
    "солодк",
    "коротк",
)
_ADJECTIVAL_KA = ("ська", "цька", "зька", "ька")
_MASCULINE_ADJECTIVE = {"genitive": "ого", "dative": "ому", "accusative": "ого", "ablative": "им", "locative": "ому"}
_FEMININE_NOUN_KA = {"genitive": "ки", "dative": "ці", "accusative": "ку", "ablative": "кою", "locative": "ці"}


def _guess_gender(given_name: str) -> str:
    return "feminine" if given_name.lower().endswith(("а", "я")) else "masculine"


def _fix_part(nominative: str, declined: str, gender: str, case: str) -> str:
    lower = nominative.lower().replace("'", "’").replace("ʼ", "’")
    if gender == "masculine" and lower.endswith("ий") and case in _MASCULINE_ADJECTIVE:
        return nominative[:-2] + _MASCULINE_ADJECTIVE[case]
    if gender == "feminine" and lower.endswith("ка") and case in _FEMININE_NOUN_KA:
        if lower.endswith(_ADJECTIVAL_KA) or any(lower.endswith(stem + "а") for stem in _ADJECTIVE_KA_STEMS):
            return declined
        return nominative[:-2] + _FEMININE_NOUN_KA[case]
    return declined


def _fix_surname(nominative: str, declined: str, gender: str, case: str) -> str:
    parts, declined_parts = nominative.split("-"), declined.split("-")
    if len(parts) != len(declined_parts):
        return declined
    return "-".join(_fix_part(p, d, gender, case) for p, d in zip(parts, declined_parts, strict=True))


def decline_name(last_name: str, first_name: str, patronymic: str = "", case: str = "nominative") -> str:
    """«Прізвище Ім’я По батькові» in ``case`` (one of CASES); the nominative when it cannot be declined."""
    parts = {"familyName": last_name, "givenName": first_name}
    if patronymic:
        parts["patronymicName"] = patronymic
    order = ("familyName", "givenName", "patronymicName")
    nominative = " ".join(parts[key] for key in order if parts.get(key))
    if case == "nominative" or not last_name:
        return nominative
    try:
        import shevchenko

        detected = shevchenko.detect_gender(parts)["gender"]
        gender = detected.value if detected is not None else _guess_gender(first_name)
        declined = shevchenko.inflect({"gender": gender, **parts}, shevchenko.GrammaticalCase(case))
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):  # never block a document
        return nominative
    declined["familyName"] = _fix_surname(last_name, declined.get("familyName") or last_name, gender, case)
    return " ".join(declined.get(key) or parts[key] for key in order if parts.get(key))
