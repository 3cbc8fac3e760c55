"""Applicants: identifier checks with their messages, search, re-use without duplicates, consent."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from applications.actions.applicants import (
    RegisterChoice,
    applicant_warnings,
    find_applicants,
    get_or_create_applicant,
    validate_applicant_data,
)
from applications.models import Applicant
from cnap.identifiers import rnokpp_birth_date
from tests.factories import HromadaFactory, UserFactory

from .factories import ApplicantFactory, valid_edrpou, valid_rnokpp
from .registration_support import person


def errors_of(data) -> dict:
    with pytest.raises(ValidationError) as info:
        validate_applicant_data(data)
    return info.value.message_dict


def codes_of(data) -> dict:
    with pytest.raises(ValidationError) as info:
        validate_applicant_data(data)
    return {field: [e.code for e in errors] for field, errors in info.value.error_dict.items()}


def wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def test_a_valid_person_is_normalised():
    clean = validate_applicant_data(person(rnokpp=" " + valid_rnokpp(3) + " ", last_name="  Ґудзь  "))
    assert clean["rnokpp"] == valid_rnokpp(3)
    assert clean["last_name"] == "Ґудзь"
    assert clean["consent"] is True


def test_rnokpp_check_digit_error_in_ukrainian():
    with translation.override("uk"):
        errors = errors_of(person(rnokpp=wrong_check_digit(valid_rnokpp(1))))
    assert "контрольн" in errors["rnokpp"][0].lower()


def test_rnokpp_length_and_letters():
    assert codes_of(person(rnokpp="12345"))["rnokpp"] == ["rnokpp_format"]
    assert codes_of(person(rnokpp="12345abcde"))["rnokpp"] == ["rnokpp_format"]


def test_a_birth_date_other_than_the_rnokpp_encodes_is_kept_with_a_warning():
    number = valid_rnokpp(1, born=dt.date(1985, 5, 17))
    assert rnokpp_birth_date(number) == dt.date(1985, 5, 17)
    clean = validate_applicant_data(person(rnokpp=number, birth_date=dt.date(1986, 5, 17)))
    assert clean["birth_date"] == dt.date(1986, 5, 17)
    [warning] = applicant_warnings(clean)
    assert "17.05.1985" in warning and "17.05.1986" in warning
    assert applicant_warnings(validate_applicant_data(person(rnokpp=number))) == []


def test_a_valid_rnokpp_fills_a_blank_birth_date_and_sex():
    woman = validate_applicant_data(person(rnokpp=valid_rnokpp(1, born=dt.date(1990, 2, 3)), birth_date=None))
    assert woman["birth_date"] == dt.date(1990, 2, 3) and woman["sex"] == "female"
    man = validate_applicant_data(person(rnokpp=valid_rnokpp(2, male=True), birth_date=None))
    assert man["sex"] == "male"
    # A sex typed otherwise stays, with a warning.
    typed = validate_applicant_data(person(rnokpp=valid_rnokpp(2, male=True), sex="female"))
    assert typed["sex"] == "female" and len(applicant_warnings(typed)) == 1


def test_edrpou_check_digit():
    good = valid_edrpou(5)
    data = {"kind": "legal_entity", "name": "ТОВ «Світанок»", "edrpou": good}
    assert validate_applicant_data(data)["edrpou"] == good
    assert codes_of({**data, "edrpou": wrong_check_digit(good)})["edrpou"] == ["edrpou_checksum"]
    assert codes_of({**data, "edrpou": "123"})["edrpou"] == ["edrpou_format"]
    assert codes_of({**data, "name": ""})["name"] == ["required"]


def test_a_document_type_needs_its_number():
    assert codes_of(person(document_type="id_card", document_number=""))["document_number"] == [
        "document_number_required"
    ]


def test_foreign_passport_and_residence_permit_numbers():
    assert (
        validate_applicant_data(person(document_type="foreign_passport", document_number="fa 123456"))[
            "document_number"
        ]
        == "FA123456"
    )
    # Cyrillic look-alikes typed in the wrong layout become Latin.
    assert (
        validate_applicant_data(person(document_type="foreign_passport", document_number="ЕК123456"))["document_number"]
        == "EK123456"
    )
    assert codes_of(person(document_type="foreign_passport", document_number="123456789"))["document_number"] == [
        "foreign_passport_format"
    ]
    assert (
        validate_applicant_data(person(document_type="residence_permit", document_number="123456789"))[
            "document_number"
        ]
        == "123456789"
    )
    assert codes_of(person(document_type="residence_permit", document_number="12-34"))["document_number"] == [
        "residence_permit_format"
    ]


def test_id_card_number_has_nine_digits():
    assert validate_applicant_data(person(document_type="id_card", document_number="001234567"))["document_number"] == (
        "001234567"
    )
    assert codes_of(person(document_type="id_card", document_number="12345678"))["document_number"] == [
        "id_card_format"
    ]


def test_passport_book_is_two_cyrillic_capitals_and_six_digits():
    clean = validate_applicant_data(person(document_type="passport_book", document_number="кв 123456"))
    assert clean["document_number"] == "КВ123456"
    # Latin look-alikes typed by mistake become Cyrillic.
    assert validate_applicant_data(person(document_type="passport_book", document_number="KA123456"))[
        "document_number"
    ] == ("КА123456")
    assert codes_of(person(document_type="passport_book", document_number="ZZ123456"))["document_number"] == [
        "passport_book_format"
    ]
    assert codes_of(person(document_type="passport_book", document_number="КВ12345"))["document_number"] == [
        "passport_book_format"
    ]


def test_document_number_needs_its_type():
    assert "document_type" in codes_of(person(document_number="123456789"))


def test_unzr_format_date_and_check_digit():
    assert validate_applicant_data(person(unzr="19850517-01236"))["unzr"] == "19850517-01236"
    assert validate_applicant_data(person(unzr="1985051701236"))["unzr"] == "19850517-01236"
    assert codes_of(person(unzr="19850517-0123"))["unzr"] == ["unzr_format"]
    assert codes_of(person(unzr="19850517-01234"))["unzr"] == ["unzr_checksum"]
    assert codes_of(person(unzr="19851317-01236", birth_date=None))["unzr"] == ["unzr_date"]
    assert codes_of(person(unzr="19850518-01239"))["unzr"] == ["unzr_birth_date"]


def test_impossible_birth_dates():
    future = dt.date.today() + dt.timedelta(days=2)
    assert codes_of(person(birth_date=future, rnokpp="", document_type="id_card", document_number="123456789"))[
        "birth_date"
    ] == ["birth_date_future"]
    assert codes_of(
        person(birth_date=dt.date(1899, 12, 1), rnokpp="", document_type="id_card", document_number="123456789")
    )["birth_date"] == ["birth_date_too_early"]


def test_a_person_needs_an_identifier():
    assert codes_of(person(rnokpp=""))["rnokpp"] == ["identifier_required"]
    # Refused the РНОКПП: the passport identifies the person.
    assert codes_of(person(rnokpp="", no_rnokpp=True))["document_number"] == ["document_required"]
    clean = validate_applicant_data(
        person(rnokpp="", no_rnokpp=True, document_type="passport_book", document_number="КВ123456")
    )
    assert clean["no_rnokpp"] and clean["rnokpp"] == ""


@pytest.mark.django_db
def test_same_rnokpp_twice_gives_one_applicant_and_changes_only_what_is_chosen():
    hromada = HromadaFactory()
    user = UserFactory()
    first, created = get_or_create_applicant(hromada=hromada, data=person(1), acting_user=user)
    assert created
    changed = person(1, phone="+380671112233", address="вул. Нова, 1")
    # Differences without a choice: refused, nothing changed.
    with pytest.raises(ValidationError) as info:
        get_or_create_applicant(hromada=hromada, data=changed, acting_user=user)
    assert info.value.code == "differs_from_register"
    first.refresh_from_db()
    assert first.address == "вул. Садова, 3, с. Світанок"
    choice = RegisterChoice(update=frozenset({"phone"}), keep=frozenset({"address"}), reason="новий номер")
    second, created = get_or_create_applicant(hromada=hromada, data=changed, acting_user=user, choice=choice)
    assert not created and second.pk == first.pk
    assert Applicant.objects.filter(hromada=hromada).count() == 1
    second.refresh_from_db()
    assert second.phone == "+380671112233" and second.address == "вул. Садова, 3, с. Світанок"
    latest = second.history.first()
    assert latest.history_user == user and latest.history_change_reason == "новий номер"


@pytest.mark.django_db
def test_a_changed_surname_stays_searchable():
    hromada = HromadaFactory()
    user = UserFactory()
    applicant, _ = get_or_create_applicant(hromada=hromada, data=person(1, last_name="Зелінська"), acting_user=user)
    get_or_create_applicant(
        hromada=hromada,
        data=person(1, last_name="Зелінська-Коваль"),
        acting_user=user,
        choice=RegisterChoice(update=frozenset({"last_name"}), reason="шлюб"),
    )
    applicant.refresh_from_db()
    assert applicant.last_name == "Зелінська-Коваль" and applicant.former_names == "Зелінська"
    assert list(find_applicants(hromada=hromada, query="Зелінська Євгенія")) == [applicant]
    assert list(find_applicants(hromada=hromada, query="Коваль")) == [applicant]
    assert list(find_applicants(hromada=hromada, query="Євгенія Зелінська-Коваль")) == [applicant]


@pytest.mark.django_db
def test_reuse_by_edrpou_and_by_document_number_without_rnokpp():
    hromada = HromadaFactory()
    user = UserFactory()
    entity = {"kind": "legal_entity", "name": "ТОВ «Світанок»", "edrpou": valid_edrpou(9)}
    a, _ = get_or_create_applicant(hromada=hromada, data=entity, acting_user=user)
    b, created = get_or_create_applicant(hromada=hromada, data={**entity, "phone": "+380441112233"}, acting_user=user)
    assert a.pk == b.pk and not created
    refused = person(rnokpp="", no_rnokpp=True, document_type="passport_book", document_number="КВ123456")
    c, _ = get_or_create_applicant(hromada=hromada, data=refused, acting_user=user)
    d, created = get_or_create_applicant(hromada=hromada, data=refused, acting_user=user)
    assert c.pk == d.pk and not created
    assert Applicant.objects.filter(hromada=hromada).count() == 2


@pytest.mark.django_db
def test_consent_recorded_only_when_ticked():
    hromada = HromadaFactory()
    user = UserFactory()
    applicant, _ = get_or_create_applicant(hromada=hromada, data=person(2, consent=False), acting_user=user)
    assert applicant.consent_given_at is None
    applicant, _ = get_or_create_applicant(hromada=hromada, data=person(2, consent=True), acting_user=user)
    assert applicant.consent_given_at is not None


@pytest.mark.django_db
def test_find_applicants_by_number_and_name_within_the_hromada():
    hromada = HromadaFactory()
    other = HromadaFactory()
    known = ApplicantFactory(hromada=hromada, last_name="Мар’яненко", first_name="Ольга")
    ApplicantFactory(hromada=other, last_name="Мар’яненко", first_name="Ольга")
    assert list(find_applicants(hromada=hromada, query=known.rnokpp)) == [known]
    assert list(find_applicants(hromada=hromada, query=known.rnokpp[:6])) == [known]
    assert list(find_applicants(hromada=hromada, query="марʼяненко")) == [known]
    # A typo still finds the person by trigram similarity on PostgreSQL.
    assert known in list(find_applicants(hromada=hromada, query="Маряненко Ольга"))
    assert list(find_applicants(hromada=hromada, query=known.document_number)) == [known]
    assert list(find_applicants(hromada=hromada, query="")) == []
