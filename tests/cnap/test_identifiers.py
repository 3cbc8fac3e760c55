"""cnap/identifiers.py: the one place Ukrainian identifiers are checked, with the same message wherever
they are typed (forms, the API, registry lookups, the catalog and the accounts' model fields)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cnap import identifiers
from cnap.identifiers import (
    clean_cadastral_number,
    clean_document_number,
    clean_edrpou,
    clean_rnokpp,
    clean_unzr,
    rnokpp_birth_date,
    rnokpp_sex,
    unzr_check_digit,
)


def code_of(function, *args) -> str:
    with pytest.raises(ValidationError) as info:
        function(*args)
    return info.value.code


def test_rnokpp():
    assert clean_rnokpp(" 3006 000 007 ") == "3006000007"
    assert code_of(clean_rnokpp, "3006000008") == "rnokpp_checksum"
    assert code_of(clean_rnokpp, "300600000") == "rnokpp_format"
    assert code_of(clean_rnokpp, "30060000ab") == "rnokpp_format"
    with translation.override("uk"):
        with pytest.raises(ValidationError) as info:
            clean_rnokpp("3006000008")
    assert "контрольн" in info.value.messages[0].lower()


def test_rnokpp_encodes_the_birth_date_and_sex():
    # 30060 days after 31.12.1899 is 20.04.1982; the ninth digit: even for a woman, odd for a man.
    assert rnokpp_birth_date("3006000007") == dt.date(1982, 4, 20)
    assert rnokpp_sex("3006000007") == "female"
    assert rnokpp_sex("3006000013") == "male"


def test_edrpou_has_one_message_everywhere():
    assert clean_edrpou("3240 0412") == "32400412"
    assert code_of(clean_edrpou, "32400413") == "edrpou_checksum"
    assert code_of(clean_edrpou, "324004") == "edrpou_format"
    # The model-field validator used by the catalog and the accounts.
    identifiers.validate_edrpou("32400412")
    assert code_of(identifiers.validate_edrpou, "32400413") == "edrpou_checksum"
    assert code_of(identifiers.validate_edrpou, "3240 0412") == "edrpou_format"


def test_unzr_check_digit_is_the_machine_readable_zone_rule():
    # 7·1 + 3·9 + 1·8 + 7·5 + 3·0 + 1·5 + 7·1 + 3·7 + 1·0 + 7·1 + 3·2 + 1·3 = 126 → 6
    assert unzr_check_digit("198505170123") == "6"
    # The ICAO Doc 9303 worked example (a date 520727): 5·7 + 2·3 + 0·1 + 7·7 + 2·3 + 7·1 = 103 → 3
    assert unzr_check_digit("520727") == "3"
    assert clean_unzr("19850517-01236") == "19850517-01236"
    assert clean_unzr("1985051701236") == "19850517-01236"
    assert code_of(clean_unzr, "19850517-01237") == "unzr_checksum"
    assert code_of(clean_unzr, "19850532-01236") == "unzr_date"
    assert code_of(clean_unzr, "19850517-0123") == "unzr_format"


@pytest.mark.parametrize(
    ("kind", "typed", "expected"),
    [
        ("id_card", "001 234 567", "001234567"),
        ("passport_book", "кв123456", "КВ123456"),
        ("passport_book", "KB123456", "КВ123456"),  # Latin look-alikes
        ("foreign_passport", "fa123456", "FA123456"),
        ("foreign_passport", "ЕА123456", "EA123456"),  # Cyrillic look-alikes
        ("residence_permit", "123456789", "123456789"),
        ("residence_permit", "ІН123456", "ІН123456"),
        ("other", "Свідоцтво 12", "СВІДОЦТВО12"),
    ],
)
def test_document_numbers_by_type(kind, typed, expected):
    assert clean_document_number(kind, typed) == expected


@pytest.mark.parametrize(
    ("kind", "typed", "code"),
    [
        ("id_card", "12345678", "id_card_format"),
        ("id_card", "", "document_number_required"),
        ("passport_book", "ZZ123456", "passport_book_format"),
        ("foreign_passport", "F1234567", "foreign_passport_format"),
        ("residence_permit", "AB12", "residence_permit_format"),
        ("other", "1", "document_number_short"),
    ],
)
def test_document_numbers_refused_by_type(kind, typed, code):
    assert code_of(clean_document_number, kind, typed) == code


def test_cadastral_number():
    assert clean_cadastral_number(" 3222481201:01:012:0034") == "3222481201:01:012:0034"
    assert code_of(clean_cadastral_number, "3222481201:01:012") == "cadastral_format"


@pytest.mark.django_db
def test_the_catalog_and_the_accounts_use_the_same_edrpou_check():
    from services.models import Provider
    from tests.factories import HromadaFactory

    provider = Provider(name="Тест", edrpou="32400413")
    with pytest.raises(ValidationError) as info:
        provider.full_clean()
    assert [e.code for e in info.value.error_dict["edrpou"]] == ["edrpou_checksum"]
    hromada = HromadaFactory.build(edrpou="32400413")
    with pytest.raises(ValidationError) as info:
        hromada.full_clean()
    assert [e.code for e in info.value.error_dict["edrpou"]] == ["edrpou_checksum"]
