"""Hostile query strings on the pages that take filters and ids: a page or a 4xx, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnap.accounts.constants import Role
from tests.applications.factories import ApplicationFactory
from tests.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "applications:list": ["q", "status", "service", "provider", "office", "registered_by", "registered_from",
                          "registered_to", "after", "format"],
    "reporting:dashboard": ["date_from", "date_to", "office", "granularity"],
    "applications:access_log": ["user", "date_from", "date_to", "action", "number", "page"],
    "applications:applicant_search": ["pick", "grant", "applicant_q", "q"],
}  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "-1", "0", "1e400", "NaN", "\x00", "%00", "[]"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


@pytest.fixture
def clients():
    office = OfficeFactory()
    ApplicationFactory(journal__office=office)
    made = {}
    for name, role in (("head", Role.CNAP_HEAD), ("clerk", Role.ADMINISTRATOR)):
        client = Client(raise_request_exception=False)
        client.force_login(UserFactory(role=role, office=office))
        made[name] = client
    return made


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(page=st.sampled_from(sorted(PAGES)), data=st.data())
def test_no_query_string_makes_a_500(clients, page, data):
    query = {name: data.draw(VALUES, label=name) for name in PAGES[page] if data.draw(st.booleans(), label=f"{name}?")}
    client = clients["clerk" if page == "applications:applicant_search" else "head"]
    response = client.get(reverse(page), query)
    assert response.status_code < 500, (page, query)
