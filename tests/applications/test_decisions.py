"""Decisions: numbering, grounds, who may decide, the text from the service's template, the PDFs."""

import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from applications.actions.decisions import applicant_name_in, record_decision
from applications.constants import ApplicationStatus, DecisionKind, PrintedDocumentKind
from applications.documents import decision_document, planned_stages, routing_slip_document
from applications.models import Decision, PrintedDocument, StatusChange
from cnap.accounts.constants import Role
from services.models import RefusalGround
from tests.applications.factories import ApplicantFactory
from tests.applications.workflow_helpers import case_in, user_for
from tests.services.factories import ServiceVersionFactory

pytestmark = pytest.mark.django_db


def pdf_text(document: PrintedDocument) -> str:
    with document.file.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def taras_case():
    case = case_in(ApplicationStatus.IN_PROGRESS)
    case.applicant.last_name, case.applicant.first_name, case.applicant.patronymic = "Шевченко", "Тарас", "Григорович"
    case.applicant.save()
    return case


def test_names_are_declined_for_the_sentence():
    applicant = ApplicantFactory.build(last_name="Шевченко", first_name="Тарас", patronymic="Григорович")
    assert applicant_name_in(applicant, "dative") == "Шевченку Тарасу Григоровичу"
    assert applicant_name_in(applicant, "genitive") == "Шевченка Тараса Григоровича"
    woman = ApplicantFactory.build(last_name="Коваленко", first_name="Мар'яна", patronymic="Петрівна")
    assert applicant_name_in(woman, "dative") == "Коваленко Мар'яні Петрівні"


def test_a_refusal_cites_grounds_numbers_the_decision_and_refuses_the_case(taras_case):
    officer = user_for(taras_case, Role.PROVIDER_OFFICER)
    ground = taras_case.service_version.refusal_grounds.get()
    decision = record_decision(application=taras_case, kind=DecisionKind.REFUSAL, grounds=[ground], acting_user=officer)
    assert decision.number == f"Р-{taras_case.provider.edrpou}-{decision.decided_on.year}-00001"
    assert list(decision.grounds.all()) == [ground]
    assert "Шевченку Тарасу Григоровичу" in decision.text
    assert "нижче" in decision.text  # the grounds are listed once, below the text, with their citations
    assert ground.text in decision.grounds_text and ground.citation in decision.grounds_text
    taras_case.refresh_from_db()
    assert taras_case.status == ApplicationStatus.REFUSED
    assert taras_case.closed_at is not None
    change = StatusChange.objects.get(application=taras_case)
    assert decision.number in change.comment and change.changed_by == officer


def test_numbers_are_consecutive_per_provider_and_year():
    first = case_in(ApplicationStatus.IN_PROGRESS)
    second = case_in(ApplicationStatus.IN_PROGRESS, service_version=first.service_version)
    other_provider = case_in(ApplicationStatus.IN_PROGRESS)
    numbers = [
        record_decision(
            application=case, kind=DecisionKind.APPROVAL, acting_user=user_for(case, Role.PROVIDER_OFFICER)
        ).number
        for case in (first, second, other_provider)
    ]
    assert [n[-5:] for n in numbers] == ["00001", "00002", "00001"]
    first.refresh_from_db()
    assert first.status == ApplicationStatus.RESULT_READY and first.result_ready_at is not None


def test_bad_decisions_are_refused_and_change_nothing(taras_case):
    officer = user_for(taras_case, Role.PROVIDER_OFFICER)
    foreign_ground = ServiceVersionFactory(published=True).refusal_grounds.get()
    with pytest.raises(ValidationError, match="at least one ground|щонайменше одну підставу"):
        record_decision(application=taras_case, kind=DecisionKind.REFUSAL, grounds=[], acting_user=officer)
    with pytest.raises(ValidationError, match="only the grounds|лише підстави"):
        record_decision(
            application=taras_case, kind=DecisionKind.REFUSAL, grounds=[foreign_ground], acting_user=officer
        )
    other_officer = user_for(case_in(ApplicationStatus.IN_PROGRESS), Role.PROVIDER_OFFICER)
    ground = taras_case.service_version.refusal_grounds.get()
    with pytest.raises(PermissionDenied):
        record_decision(application=taras_case, kind=DecisionKind.REFUSAL, grounds=[ground], acting_user=other_officer)
    with pytest.raises(PermissionDenied):
        record_decision(
            application=taras_case,
            kind=DecisionKind.APPROVAL,
            acting_user=user_for(taras_case, Role.ADMINISTRATOR),
        )
    import datetime as dt

    from django.utils import timezone

    with pytest.raises(ValidationError, match="future|майбутньому"):
        record_decision(
            application=taras_case,
            kind=DecisionKind.APPROVAL,
            decided_on=timezone.localdate() + dt.timedelta(days=1),
            acting_user=officer,
        )
    taras_case.refresh_from_db()
    assert taras_case.status == ApplicationStatus.IN_PROGRESS
    assert not Decision.objects.exists()
    assert not StatusChange.objects.filter(application=taras_case).exists()


def test_a_decision_on_a_case_not_in_progress_is_refused():
    case = case_in(ApplicationStatus.SENT_TO_PROVIDER)
    with pytest.raises(ValidationError):
        record_decision(application=case, kind=DecisionKind.APPROVAL, acting_user=user_for(case, Role.PROVIDER_OFFICER))


def test_the_text_comes_from_the_service_template():
    version = ServiceVersionFactory(
        decision_template=(
            "Видати {{ applicant.dative }} довідку за заявою № {{ application_number }}. "
            "Послуга: {{ service }}.{% if is_refusal %} Відмовлено.{% endif %}"
        ),
        published=True,
    )
    case = case_in(ApplicationStatus.IN_PROGRESS, service_version=version)
    case.applicant.last_name, case.applicant.first_name, case.applicant.patronymic = "Шевченко", "Тарас", "Григорович"
    case.applicant.save()
    decision = record_decision(
        application=case, kind=DecisionKind.APPROVAL, acting_user=user_for(case, Role.PROVIDER_OFFICER)
    )
    assert decision.text == (
        f"Видати Шевченку Тарасу Григоровичу довідку за заявою № {case.number}. Послуга: {version.title}."
    )


def test_a_broken_template_gives_a_clear_message():
    version = ServiceVersionFactory(decision_template="Видати {% if %}", published=True)
    case = case_in(ApplicationStatus.IN_PROGRESS, service_version=version)
    with pytest.raises(ValidationError, match="template|шаблон"):
        record_decision(application=case, kind=DecisionKind.APPROVAL, acting_user=user_for(case, Role.PROVIDER_OFFICER))
    assert not Decision.objects.exists()


def test_the_decision_pdf_names_the_applicant_in_the_dative_and_cites_the_grounds(taras_case):
    officer = user_for(taras_case, Role.PROVIDER_OFFICER, position="Державний реєстратор")
    version = taras_case.service_version
    extra = RefusalGround(version=version, order=2, text="Виявлення недостовірних відомостей у документах")
    extra.save(allow_published=True)
    grounds = list(version.refusal_grounds.all())
    decision = record_decision(application=taras_case, kind=DecisionKind.REFUSAL, grounds=grounds, acting_user=officer)

    document = decision_document(decision, acting_user=officer)
    text = pdf_text(document)
    assert decision.number in text
    assert "Шевченку Тарасу Григоровичу" in text
    assert "Подання неповного пакета документів" in text
    assert "Виявлення недостовірних відомостей у документах" in text
    assert taras_case.provider.name in text
    assert version.title in text
    assert officer.short_name in text
    with document.file.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == document.sha256

    again = decision_document(decision, acting_user=user_for(taras_case, Role.ADMINISTRATOR))
    assert again.pk == document.pk
    assert PrintedDocument.objects.filter(kind=PrintedDocumentKind.DECISION, decision=decision).count() == 1


def test_the_routing_slip_lists_the_tech_card_stages_with_planned_dates():
    case = case_in(ApplicationStatus.SENT_TO_PROVIDER)
    admin = user_for(case, Role.ADMINISTRATOR)
    rows = planned_stages(case)
    assert [row["stage"].name for row in rows] == ["Прийом і реєстрація заяви", "Внесення відомостей до реєстру"]
    assert rows[0]["planned_on"] <= rows[1]["planned_on"] <= case.due_date
    document = routing_slip_document(case, acting_user=admin)
    text = pdf_text(document)
    assert case.number in text
    assert "Внесення відомостей до реєстру" in text
    assert rows[1]["planned_on"].strftime("%d.%m.%Y") in text
    assert routing_slip_document(case, acting_user=admin).pk == document.pk
