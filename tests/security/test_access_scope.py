"""The access scope's code against its documented matrix (cnap.security.scope.CASE_ACCESS), cell by
cell: the in-memory rule, the querysets built from it, the actors' cases; and the parts around it
(registry lookups made before a case, the counter's search, reveal grants)."""

import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from applications.access import (
    REVEALED_SESSION_KEY,
    access_to,
    acting_cases,
    counter_search,
    full_cases,
    may_act_on,
    reachable_applicants,
    viewer_of,
    visible_cases,
)
from cnap.accounts.constants import Role
from cnap.security.scope import (
    CASE_ACCESS,
    CASE_STATES,
    OBJECT_SETS,
    POLICIES,
    Access,
    CaseFacts,
    Viewer,
    case_access,
    documented_access,
)
from registry.models import RegistryRequest
from registry.selectors import visible_registry_requests
from tests.applications.factories import ApplicantFactory
from tests.factories import UserFactory
from tests.security.world import build_world

pytestmark = pytest.mark.django_db
STAFF_ROLES = [role for role in CASE_ACCESS]


def test_the_documented_matrix_names_every_role_set_and_state():
    assert set(CASE_ACCESS) == {*POLICIES, "superuser"}
    for rows in CASE_ACCESS.values():
        assert len(rows) == len(OBJECT_SETS)
        assert all(len(row) == len(CASE_STATES) and set(row) <= {a.value for a in Access} for row in rows)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            built = build_world()
            yield built
            transaction.set_rollback(True)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_the_code_gives_each_role_exactly_the_documented_access(world, role):
    user = world.users[role]
    viewer = viewer_of(user)
    visible = set(visible_cases(user).values_list("pk", flat=True))
    full = set(full_cases(user).values_list("pk", flat=True))
    acting = set(acting_cases(user).values_list("pk", flat=True))
    wrong = []
    for (object_set, state), side in world.cases.items():
        case = side.application
        documented = documented_access(role, object_set, state)
        in_memory = case_access(viewer, CaseFacts.of(case))
        from_queries = (
            Access.NONE
            if case.pk not in visible
            else Access.MINIMAL
            if case.pk not in full
            else Access.ACT
            if case.pk in acting
            else Access.FULL
        )
        if not (documented == in_memory == from_queries) or may_act_on(user, case) != (documented is Access.ACT):
            wrong.append(f"{object_set}/{state}: documented {documented}, rule {in_memory}, querysets {from_queries}")
        lookup_visible = visible_registry_requests(user).filter(pk=side.registry_request.pk).exists()
        if lookup_visible != documented.full:
            wrong.append(f"{object_set}/{state}: its registry lookup visible={lookup_visible}")
    assert not wrong, f"As {role}:\n" + "\n".join(wrong)


def test_nobody_reaches_anything_without_a_session(world):
    assert case_access(Viewer(), CaseFacts.of(world.own.application)) is Access.NONE
    assert viewer_of(AnonymousUser()) == Viewer()
    inactive = UserFactory(role=Role.ADMINISTRATOR, office=world.own.application.office, is_active=False)
    assert not visible_cases(inactive).exists()


def test_a_provider_officer_without_a_hromada_works_in_the_providers_and_one_of_neither_sees_nothing(world):
    case = world.cases[("other_hromada", "in_progress")].application
    officer = UserFactory(role=Role.PROVIDER_OFFICER, office=None, hromada=None, provider=case.provider)
    assert officer.hromada_id is None and case.provider.hromada_id == case.hromada_id
    assert case in visible_cases(officer)
    shared_case = world.cases[("shared_provider", "in_progress")].application
    stray = UserFactory(role=Role.PROVIDER_OFFICER, office=None, hromada=None, provider=shared_case.provider)
    assert not visible_cases(stray).exists()


def test_lookups_made_at_the_registration_form_stay_in_their_office(world):
    clerk = world.users["administrator"]
    loose = RegistryRequest.objects.create(
        office=clerk.office, registry="eddr_person", query={"rnokpp": "1"}, state="pending", requested_by=clerk
    )
    allowed = {
        role for role in STAFF_ROLES if visible_registry_requests(world.users[role]).filter(pk=loose.pk).exists()
    }
    assert allowed == {"administrator", "starosta", "cnap_head", "superuser"}


def test_the_counter_finds_by_name_only_its_own_applicants_and_by_number_the_whole_hromada(world):
    clerk = world.users["administrator"]
    ours = world.cases[("own_office", "sent")].application.applicant
    neighbours = world.cases[("other_office", "sent")].application.applicant
    stranger = ApplicantFactory(hromada=clerk.hromada, last_name=ours.last_name[:-1] + "Х")
    by_name = counter_search(clerk, ours.last_name[:-1])
    assert ours in by_name.applicants and neighbours not in by_name.applicants
    assert stranger not in by_name.applicants and not by_name.exact
    by_number = counter_search(clerk, neighbours.rnokpp)
    assert by_number.exact and by_number.applicants == [neighbours]
    by_document = counter_search(clerk, stranger.document_number)
    assert by_document.exact and by_document.applicants == [stranger]
    other_hromada = world.cases[("other_hromada", "sent")].application.applicant
    assert counter_search(clerk, other_hromada.rnokpp).applicants == []
    assert set(reachable_applicants(clerk)) >= {ours} and neighbours not in reachable_applicants(clerk)
    # a head of the CNAP registers nobody: no exact search across the hromada
    assert not counter_search(world.users["cnap_head"], neighbours.rnokpp).exact


def test_a_reveal_grant_shows_one_case_for_a_while_and_only_to_roles_that_may_reveal(world):
    case = world.cases[("other_office", "in_progress")].application
    request = RequestFactory().get("/")
    request.session = {}
    request.user = world.users["community_head"]
    assert access_to(request, case) is Access.MINIMAL
    request.session[REVEALED_SESSION_KEY] = {str(case.pk): time.time() + 60}
    assert access_to(request, case) is Access.FULL  # read-only: a reveal never lets anyone act
    request.session[REVEALED_SESSION_KEY] = {str(case.pk): time.time() - 1}
    assert access_to(request, case) is Access.MINIMAL
    assert request.session[REVEALED_SESSION_KEY] == {}  # expired grants are dropped
    request.user = world.users["catalog_manager"]
    request.session[REVEALED_SESSION_KEY] = {str(case.pk): time.time() + 60}
    assert access_to(request, case) is Access.NONE
