import pytest
from django.db import IntegrityError

from applications.models import normalize_for_search
from tests.applications.factories import ApplicantFactory, ApplicationFactory, LegalEntityApplicantFactory

pytestmark = pytest.mark.django_db


def test_search_name_ignores_case_and_apostrophe_variants():
    assert normalize_for_search("Мар’яна  Ков'ЯЛЬ") == normalize_for_search("марʼяна ковяль") == "маряна ковяль"


def test_applicant_names_and_masked_tax_number():
    person = ApplicantFactory(last_name="Шевченко", first_name="Тарас", patronymic="Григорович")
    assert person.display_name == "Шевченко Тарас Григорович"
    assert person.search_name == "шевченко тарас григорович"
    assert person.masked_tax_id == "******" + person.rnokpp[-4:]
    company = LegalEntityApplicantFactory(name="ТОВ «Зоря»")
    assert company.display_name == "ТОВ «Зоря»"
    assert company.tax_id == company.edrpou


def test_one_applicant_per_tax_number_in_a_hromada():
    person = ApplicantFactory()
    with pytest.raises(IntegrityError):
        ApplicantFactory(hromada=person.hromada, rnokpp=person.rnokpp)


def test_factory_application_is_consistent():
    application = ApplicationFactory()
    assert application.number.startswith(application.office.code)
    assert application.hromada == application.office.hromada == application.applicant.hromada
    assert application.provider == application.service.provider
    assert len(application.access_code) == 8
