"""The counter's form offers the fee engine's choices of the chosen service: urgency tiers (one of them),
add-ons, and an exemption with the document that proves it; the case is charged accordingly."""

from decimal import Decimal

import pytest
from django.urls import reverse

from applications.constants import PaymentState
from applications.models import Application
from services.constants import FeeOption
from services.models import FeeExemption
from tests.services.factories import add_fee

from .registration_support import make_counter
from .test_registration import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def urgent_counter():
    counter = make_counter()
    counter.version.fees.all().delete()
    add_fee(counter.version, amount="100")
    add_fee(counter.version, amount="500", option=FeeOption.URGENT_1_WORKING_DAY)
    add_fee(counter.version, amount="80", option=FeeOption.WITH_DRRP_DATA, slot=2, title="Дані з ДРРП")
    exemption = FeeExemption(
        version=counter.version, title="Учасники бойових дій", proving_document="посвідчення УБД", legal_source="Закон"
    )
    exemption.save(allow_published=True)
    counter.exemption = exemption
    return counter


def test_the_checklist_offers_the_services_options_and_exemptions(client, urgent_counter):
    client.force_login(urgent_counter.user)
    html = client.get(
        reverse("applications:service_checklist"), {"service": urgent_counter.service.pk}
    ).content.decode()
    urgency = html.split('data-testid="fee-urgency"')[1].split("</fieldset>")[0]
    assert 'value="urgent_1wd"' in urgency and "500,00" in urgency and 'type="radio"' in urgency
    assert 'value="drrp_data"' in html.split('data-testid="fee-extra"')[1] and "80,00" in html
    assert "Учасники бойових дій" in html.split('data-testid="fee-exemption"')[1]


def test_an_urgent_case_with_an_add_on_is_charged_both(client, urgent_counter):
    client.force_login(urgent_counter.user)
    response = client.post(
        reverse("applications:register"), form_data(urgent_counter, fee_option=["urgent_1wd", "drrp_data"])
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.fee_amount == Decimal("580.00")
    assert sorted(application.fee_options) == ["drrp_data", "urgent_1wd"]


def test_ordinary_processing_posts_no_option(client, urgent_counter):
    client.force_login(urgent_counter.user)
    client.post(reverse("applications:register"), form_data(urgent_counter, fee_option=[""]))
    assert Application.objects.get().fee_amount == Decimal("100.00")


def test_an_exemption_needs_its_document(client, urgent_counter):
    client.force_login(urgent_counter.user)
    data = form_data(urgent_counter, exemption=urgent_counter.exemption.pk)
    page = client.post(reverse("applications:register"), data)
    assert page.status_code == 200 and Application.objects.count() == 0
    assert "посвідчення УБД" in page.content.decode()
    client.post(reverse("applications:register"), {**data, "exemption_document": "УБД серії АБ № 123456"})
    application = Application.objects.get()
    assert application.fee_amount == Decimal("0.00")
    assert {payment.state for payment in application.payments.all()} == {PaymentState.EXEMPT}
