"""A case keeps its applicant as submitted: the receipt, the decision and the routing slip of an old
case are the same bytes before and after the applicant's record changes in the register (a surname
changed on marriage, a new address), rendered afresh each time, not only reprinted from the stored copy."""

import io

import pytest
from pypdf import PdfReader

from applications.actions.applicants import RegisterChoice, update_applicant
from applications.actions.decisions import record_decision
from applications.actions.workflow import transition
from applications.constants import ApplicationStatus, DecisionKind
from applications.documents import render_decision_pdf, render_routing_slip_pdf
from applications.models import Application
from applications.receipts import render_receipt
from cnap.accounts.constants import Role

from .registration_support import kyiv, make_counter, person
from .test_registration import register
from .workflow_helpers import user_for


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.django_db
def test_old_case_documents_are_byte_identical_after_the_applicant_changes():
    counter = make_counter()
    old = register(counter, applicant=person(5, last_name="Зелінська", address="вул. Садова, 3, с. Світанок"))
    officer = user_for(old, Role.PROVIDER_OFFICER)
    transition(application=old, to_status=ApplicationStatus.SENT_TO_PROVIDER, acting_user=counter.user)
    transition(application=old, to_status=ApplicationStatus.IN_PROGRESS, acting_user=officer)
    decision = record_decision(application=old, kind=DecisionKind.APPROVAL, acting_user=officer)

    def documents():
        case = Application.objects.get(pk=old.pk)
        return (
            render_receipt(case),
            render_decision_pdf(decision.__class__.objects.get(pk=decision.pk)),
            (render_routing_slip_pdf(case)),
        )

    before = documents()
    assert "Зелінська" in text_of(before[0]) and "Зелінській" in text_of(before[1])

    # The register changes twice: a new registration with the married surname and a new address
    # (chosen to update), then a correction from another case's page.
    register(
        counter,
        applicant=person(5, last_name="Зелінська-Коваль", address="вул. Нова, 7, с. Світанок"),
        applicant_choice=RegisterChoice(update=frozenset({"last_name", "address"}), reason="шлюб, переїзд"),
        registered_at=kyiv(2026, 11, 27, 10, 0),
    )
    update_applicant(
        applicant=old.applicant, changes={"phone": "+380939999999"}, reason="новий телефон", acting_user=counter.user
    )
    old.applicant.refresh_from_db()
    assert old.applicant.last_name == "Зелінська-Коваль"

    after = documents()
    assert after == before
    assert "Зелінська-Коваль" not in text_of(after[0])
