"""Every (from status, to status, role) combination, generated from the table: the allowed moves
succeed and are recorded; every other combination is refused with a message and changes nothing."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from applications.actions.decisions import record_decision
from applications.actions.workflow import transition
from applications.constants import ApplicationStatus, DecisionKind
from applications.models import Application, Decision, StatusChange
from applications.transitions import SUSPENDABLE, TRANSITIONS, Needs, allowed_moves, get_move
from cnap.accounts.constants import Role
from tests.applications.workflow_helpers import ROLES_AND_SUPERUSER, SUPERUSER, case_in, user_for

pytestmark = pytest.mark.django_db

STATUSES = ApplicationStatus.values
COMBINATIONS = list(itertools.product(STATUSES, STATUSES, ROLES_AND_SUPERUSER))


def expected_allowed(from_status, to_status, role) -> bool:
    move = get_move(from_status, to_status)
    if move is None:
        return False
    return role == SUPERUSER or role in move.roles


def _attempt(app, to_status, user):
    if to_status == ApplicationStatus.REFUSED:
        ground = app.service_version.refusal_grounds.first()
        record_decision(application=app, kind=DecisionKind.REFUSAL, grounds=[ground], acting_user=user)
        return
    transition(
        application=app,
        to_status=to_status,
        acting_user=user,
        comment="Причина зазначена заявником",
        expected_revision=app.revision,
        reason="Очікування відповіді органу",
        legal_act="Постанова КМУ № 165",
        issued_to="Шевченко Тарас Григорович",
        identity_document="ID-картка 000123456",
    )


def test_the_table_is_not_empty_and_names_only_known_statuses_and_roles():
    assert len(TRANSITIONS) >= 20
    for (from_status, to_status), move in TRANSITIONS.items():
        assert from_status in STATUSES and to_status in STATUSES
        assert move.roles and move.roles <= set(Role.values)
    assert len(COMBINATIONS) == len(STATUSES) ** 2 * len(ROLES_AND_SUPERUSER)


@pytest.mark.parametrize(("from_status", "to_status", "role"), COMBINATIONS)
def test_move(from_status, to_status, role):
    previous = to_status if to_status in SUSPENDABLE else ApplicationStatus.IN_PROGRESS
    app = case_in(from_status, previous=previous)
    if to_status == ApplicationStatus.UNCLAIMED and from_status == ApplicationStatus.RESULT_READY:
        app.result_ready_at = timezone.now() - dt.timedelta(days=app.service_version.storage_days + 1)
        app.save()
    user = user_for(app, role)
    changes_before = StatusChange.objects.filter(application=app).count()
    revision_before = app.revision

    if expected_allowed(from_status, to_status, role):
        _attempt(app, to_status, user)
        app = Application.objects.get(pk=app.pk)
        assert app.status == to_status
        assert app.revision == revision_before + 1
        change = StatusChange.objects.filter(application=app).order_by("-id").first()
        assert (change.from_status, change.to_status, change.changed_by) == (from_status, to_status, user)
        assert change.comment
        assert app.history.first().history_user == user
    else:
        with pytest.raises((ValidationError, PermissionDenied)) as excinfo:
            _attempt(app, to_status, user)
        message = " ".join(getattr(excinfo.value, "messages", [str(excinfo.value)]))
        assert message.strip()
        app.refresh_from_db()
        assert app.status == from_status
        assert app.revision == revision_before
        assert StatusChange.objects.filter(application=app).count() == changes_before
        assert not Decision.objects.filter(application=app).exists()


@pytest.mark.parametrize("role", ROLES_AND_SUPERUSER)
@pytest.mark.parametrize("status", STATUSES)
def test_the_case_page_offers_exactly_the_moves_the_table_allows(status, role):
    app = case_in(status)
    user = user_for(app, role)
    offered = {move.to_status for move in allowed_moves(user, app, previous_status=ApplicationStatus.IN_PROGRESS)}
    expected = {
        to_status
        for to_status in STATUSES
        if expected_allowed(status, to_status, role)
        and not (get_move(status, to_status).needs_(Needs.RESUME) and to_status != ApplicationStatus.IN_PROGRESS)
    }
    assert offered == expected


@pytest.mark.parametrize(("from_status", "to_status"), list(TRANSITIONS))
def test_a_move_on_a_case_of_another_office_or_provider_is_refused(from_status, to_status):
    move = get_move(from_status, to_status)
    app = case_in(from_status)
    other = case_in(ApplicationStatus.REGISTERED)  # another office, another provider
    role = sorted(move.roles)[0]
    stranger = user_for(other, role)
    with pytest.raises(PermissionDenied):
        _attempt(app, to_status, stranger)
    app.refresh_from_db()
    assert app.status == from_status


def test_a_refusal_through_a_plain_transition_without_a_decision_is_refused():
    app = case_in(ApplicationStatus.IN_PROGRESS)
    officer = user_for(app, Role.PROVIDER_OFFICER)
    with pytest.raises(ValidationError, match="cites at least one ground|щонайменше однієї підстави"):
        transition(application=app, to_status=ApplicationStatus.REFUSED, acting_user=officer, comment="Відмова")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.IN_PROGRESS


def test_a_suspended_case_resumes_only_to_the_status_it_had():
    app = case_in(ApplicationStatus.SUSPENDED, previous=ApplicationStatus.SENT_TO_PROVIDER)
    officer = user_for(app, Role.PROVIDER_OFFICER)
    with pytest.raises(ValidationError) as excinfo:
        transition(application=app, to_status=ApplicationStatus.IN_PROGRESS, acting_user=officer)
    assert str(ApplicationStatus.SENT_TO_PROVIDER.label) in excinfo.value.messages[0]
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUSPENDED
