"""The counter's forms fed random and hostile input (hypothesis): the registration form, the server's
reading of the typed applicant, and the case page's correction of the applicant answer with the form
and its messages (a 2xx or a redirect), never a 500, and save nothing they should not."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.models import Application, CaseParty

from .registration_support import make_counter, person
from .test_registration import form_data, register

pytestmark = pytest.mark.django_db

TEXT = st.text(max_size=40) | st.sampled_from(["", " ", "0" * 10, "12345678901234", "ЗЗ123456", "<script>", "1e9"])
APPLICANT_FIELDS = (
    "last_name",
    "first_name",
    "rnokpp",
    "birth_date",
    "sex",
    "document_type",
    "document_number",
    "unzr",
)
HYPOTHESIS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def counter():
    return make_counter()


@HYPOTHESIS
@given(values=st.fixed_dictionaries({name: TEXT for name in APPLICANT_FIELDS}))
def test_the_registration_form_never_fails(counter, values):
    client = Client()
    client.force_login(counter.user)
    posted = form_data(counter, **{f"applicant-{name}": value.replace("\x00", "") for name, value in values.items()})
    before = Application.objects.count()
    response = client.post(reverse("applications:register"), posted)
    assert response.status_code in (200, 302)
    assert Application.objects.count() in (before, before + 1)
    check = client.get(
        reverse("applications:applicant_check"), {k: v for k, v in posted.items() if k.startswith("applicant-")}
    )
    assert check.status_code == 200


@HYPOTHESIS
@given(values=st.fixed_dictionaries({name: TEXT for name in (*APPLICANT_FIELDS[:2], *APPLICANT_FIELDS[3:], "reason")}))
def test_the_correction_form_never_fails(counter, values):
    application = Application.objects.first() or register(counter, applicant=person(9))
    client = Client()
    client.force_login(counter.user)
    posted = {name: value.replace("\x00", "") for name, value in values.items()}
    response = client.post(reverse("applications:correct_applicant", args=[application.pk]), posted)
    assert response.status_code == 302
    copy = CaseParty.objects.get(application=application, role="applicant")
    assert copy.rnokpp == application.applicant.rnokpp  # the keys never change
