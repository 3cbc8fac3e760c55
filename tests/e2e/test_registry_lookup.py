"""An administrator at the counter asks the registry for a person from the registration form and copies the
answer into the form: Chromium → the live server → Redis → a real Celery worker (threads) → the emulator."""

import json

import pytest

from cnap.security.models import PersonalDataAccess
from registry.models import RegistryRequest
from tests.applications.factories import valid_rnokpp
from tests.factories import TEST_PASSWORD, UserFactory
from tests.registry.test_registry_task import trembita_env

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RNOKPP = valid_rnokpp(21, male=False)


def test_administrator_looks_up_a_person_and_copies_name_and_address_into_the_form(
    browser_page, login_as, emulator, start_worker, settings
):
    # The emulator answers after 1.5 s (below): the client must wait longer than that, even on a busy machine.
    config = trembita_env(emulator.url, timeouts={"connect": 2.0, "read": 10.0, "total_deadline": 15.0})
    settings.TREMBITA = config
    start_worker(queues="registry", pool="threads", concurrency=2, CNAP_TREMBITA=json.dumps(config))
    emulator.fault(latency_ms=1500)  # slow enough to see the waiting state first
    administrator = UserFactory(username="counter1")
    page = browser_page
    login_as(page, administrator.username, TEST_PASSWORD)

    page.goto("/applications/register/")
    page.fill("#id_applicant-rnokpp", RNOKPP)
    page.get_by_test_id("registry-ask").click()  # the panel's number is empty: taken from the form's РНОКПП

    page.get_by_test_id("registry-waiting").wait_for()
    result = page.locator("[data-testid=registry-result][data-state=succeeded]")
    result.wait_for(timeout=20_000)
    request = RegistryRequest.objects.get()
    person = request.response
    assert request.query == {"rnokpp": RNOKPP}
    assert person["surname"] in result.inner_text()
    assert PersonalDataAccess.objects.filter(user=administrator, registry_request_id=request.pk).exists()

    # Keep the surname, first name and address ticked; untick the rest.
    for field in ("patronymic", "birth_date", "unzr"):
        result.locator(f"input[data-registry-field={field}]").uncheck()
    page.fill("#id_applicant-patronymic", "Залишити")
    page.get_by_test_id("registry-copy").click()

    assert page.input_value("#id_applicant-last_name") == person["surname"]
    assert page.input_value("#id_applicant-first_name") == person["name"]
    assert page.input_value("#id_applicant-address") == person["registeredAddress"]["text"]
    assert page.input_value("#id_applicant-patronymic") == "Залишити"  # not ticked: untouched
    assert page.input_value("#id_applicant-rnokpp") == RNOKPP
