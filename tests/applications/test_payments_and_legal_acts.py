"""Payments on a case, the registration warning, a registrar's action instead of a decision, refusals citing
their grounds with the complaint route, and suspension of terms by a legal act across a hromada."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications.actions import decisions, legal_suspensions, payments
from applications.actions.registration import register_application
from applications.constants import ApplicationStatus, PaymentState
from applications.documents import render_decision_pdf
from applications.models import LegalActSuspension, StatusChange
from applications.receipts import render_receipt
from cnap.accounts.constants import Role
from tests.factories import OfficeFactory, UserFactory

from .registration_support import make_counter, paid_version_fields, person
from .workflow_helpers import case_in, user_for

pytestmark = pytest.mark.django_db


def _register(counter, **kwargs):
    return register_application(
        office=counter.office,
        service=counter.service,
        applicant=person(3),
        documents=counter.documents,
        acting_user=counter.user,
        **kwargs,
    )


def test_a_prepaid_fee_without_payment_is_awaiting_and_the_registered_page_warns(client):
    counter = make_counter(**paid_version_fields())
    app = _register(counter)
    payment = app.payments.get()
    assert (payment.state, payment.amount_due, app.fee_paid) == (PaymentState.AWAITING, Decimal("28.29"), 0)
    client.force_login(counter.user)
    page = client.get(reverse("applications:registered", args=[app.pk])).content.decode()
    assert 'data-testid="unpaid-warning"' in page

    payments.record_payment(
        payment=payment, amount="28.29", paid_on=timezone.localdate(), reference="0.0.123", acting_user=counter.user
    )
    app.refresh_from_db()
    assert app.fee_paid == Decimal("28.29") and app.payments.get().state == PaymentState.PAID
    page = client.get(reverse("applications:registered", args=[app.pk])).content.decode()
    assert 'data-testid="unpaid-warning"' not in page
    assert app.payments.get().history.count() == 2  # created, then paid: in the case's history
    with pytest.raises(ValidationError):  # paid once, not twice
        payments.record_payment(
            payment=payment, amount="28.29", paid_on=timezone.localdate(), reference="x", acting_user=counter.user
        )


def test_a_payment_paid_at_the_counter_and_a_short_payment_refused():
    counter = make_counter(**paid_version_fields())
    with pytest.raises(ValidationError):
        _register(counter, payments={1: {"amount": "10.00", "paid_on": timezone.localdate(), "reference": "R-1"}})
    app = _register(counter, payments={1: {"amount": "28.29", "paid_on": timezone.localdate(), "reference": "R-1"}})
    assert app.fee_paid == Decimal("28.29")


def test_an_exemption_needs_its_proving_document_and_zeroes_the_payment():
    counter = make_counter(**paid_version_fields())
    from services.models import FeeExemption

    exemption = FeeExemption(
        version=counter.version,
        title="Особи з інвалідністю I групи",
        proving_document="посвідчення",
        legal_source="Закон",
    )
    exemption.save(allow_published=True)
    with pytest.raises(ValidationError) as excinfo:
        _register(counter, exemption=exemption)
    assert "fee" in excinfo.value.message_dict
    app = _register(counter, exemption=exemption, exemption_document="посвідчення серії АА № 123456")
    payment = app.payments.get()
    assert (payment.state, payment.amount_due, app.fee_amount) == (PaymentState.EXEMPT, 0, 0)


def test_the_case_page_records_a_payment(client):
    counter = make_counter(**paid_version_fields())
    app = _register(counter)
    client.force_login(counter.user)
    page = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert 'data-testid="payment-form"' in page
    response = client.post(
        reverse("applications:payment", args=[app.pk]),
        {
            "payment": app.payments.get().pk,
            "amount": "28.29",
            "paid_on": timezone.localdate().isoformat(),
            "reference": "П-77",
            "method": "terminal",
        },
    )
    assert response.status_code == 302
    assert app.payments.get().reference == "П-77"


def test_a_registrar_service_ends_with_the_registrars_action_not_a_decision():
    case = case_in(ApplicationStatus.IN_PROGRESS)
    version = case.service_version
    type(version).objects.filter(pk=version.pk).update(result_kind="registrar_action")
    case.refresh_from_db()
    officer = user_for(case, Role.PROVIDER_OFFICER)
    with pytest.raises(ValidationError) as excinfo:
        decisions.record_decision(application=case, kind="approval", acting_user=officer)
    assert excinfo.value.code == "registrar_service"
    ground = version.refusal_grounds.first()
    action = decisions.record_registry_action(
        application=case,
        kind="refusal",
        register_name="Єдиний державний реєстр",
        record_number="1000461070012345678",
        recorded_on=timezone.localdate(),
        registrar="Петренко О. І.",
        grounds=[ground],
        acting_user=officer,
    )
    case.refresh_from_db()
    assert case.status == ApplicationStatus.REFUSED
    assert ground.citation in action.grounds_text
    assert StatusChange.objects.filter(application=case, to_status=ApplicationStatus.REFUSED).exists()


def test_a_refusal_cites_article_and_complaint_route_and_prints_each_ground_once():
    case = case_in(ApplicationStatus.IN_PROGRESS)
    officer = user_for(case, Role.PROVIDER_OFFICER)
    ground = case.service_version.refusal_grounds.first()
    decision = decisions.record_decision(application=case, kind="refusal", grounds=[ground], acting_user=officer)
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_decision_pdf(decision))).pages).split()
    )
    assert text.count(ground.text) == 1
    assert ground.citation in text
    version = case.service_version
    assert version.complaint_body in text and version.complaint_term in text and version.complaint_court in text


def test_a_legal_act_suspends_every_office_of_its_territory_and_new_cases_and_resumes_them():
    hromada_case = case_in(ApplicationStatus.IN_PROGRESS, registered_at=timezone.now() - dt.timedelta(days=20))
    other_office = OfficeFactory(hromada=hromada_case.hromada)
    same_service_elsewhere = case_in(
        ApplicationStatus.IN_PROGRESS,
        registered_at=timezone.now() - dt.timedelta(days=20),
        office=other_office,
        hromada=hromada_case.hromada,
        service_version=hromada_case.service_version,
        service=hromada_case.service,
        provider=hromada_case.provider,
    )
    other_hromada = case_in(
        ApplicationStatus.IN_PROGRESS, service_version=hromada_case.service_version, service=hromada_case.service
    )
    head = user_for(hromada_case, Role.CNAP_HEAD)
    start = timezone.localdate() - dt.timedelta(days=14)
    record = legal_suspensions.suspend_by_act(
        act="Постанова КМУ від 28.02.2022 № 165",
        reason="Воєнний стан",
        services=[hromada_case.service],
        hromada=hromada_case.hromada,
        starts_on=start,
        acting_user=head,
    )
    for case in (hromada_case, same_service_elsewhere):
        case.refresh_from_db()
        assert case.status == ApplicationStatus.SUSPENDED
        assert case.suspensions.get().by_act == record
    other_hromada.refresh_from_db()
    assert other_hromada.status == ApplicationStatus.IN_PROGRESS

    # A case registered while the act holds starts suspended, and its receipt says so.
    counter_user = UserFactory(role=Role.ADMINISTRATOR, office=other_office)
    hromada_case.service.offices.add(other_office)
    new = register_application(
        office=other_office,
        service=hromada_case.service,
        applicant=person(9),
        documents=[{"required_document": d, "sheets": 1} for d in hromada_case.service_version.documents.all()],
        acting_user=counter_user,
    )
    assert new.status == ApplicationStatus.SUSPENDED and new.legal_suspension == record
    receipt = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_receipt(new))).pages).split())
    assert "165" in receipt

    due_before = {c.pk: c.due_date for c in (hromada_case, same_service_elsewhere)}
    resumed = legal_suspensions.end_act(
        suspension=record, ends_on=timezone.localdate() - dt.timedelta(days=1), acting_user=head
    )
    assert {c.pk for c in resumed} == {hromada_case.pk, same_service_elsewhere.pk, new.pk}
    for case in (hromada_case, same_service_elsewhere):
        case.refresh_from_db()
        assert case.status == ApplicationStatus.IN_PROGRESS
        assert case.due_date > due_before[case.pk] and case.suspended_working_days > 0
        assert case.suspensions.get().resumed_on == timezone.localdate()
    latest = LegalActSuspension.objects.get().history.first()
    assert latest.ends_on == timezone.localdate() - dt.timedelta(days=1) and latest.history_user == head


def test_the_act_is_entered_only_by_those_who_may_suspend():
    case = case_in(ApplicationStatus.IN_PROGRESS)
    administrator = user_for(case, Role.ADMINISTRATOR)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        legal_suspensions.suspend_by_act(
            act="Наказ",
            reason="x",
            services=[case.service],
            hromada=case.hromada,
            starts_on=timezone.localdate(),
            acting_user=administrator,
        )
