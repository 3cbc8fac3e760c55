"""Two people acting on the same case at once: one wins, the other is told what changed."""

import threading

import pytest
from django.db import connection

from applications.actions import workflow
from applications.constants import ApplicationStatus
from applications.models import StatusChange
from cnap.accounts.constants import Role
from tests.applications.workflow_helpers import case_in, user_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_moves_on_one_case_one_wins_the_other_gets_a_message():
    app = case_in(ApplicationStatus.REGISTERED)
    people = [user_for(app, Role.ADMINISTRATOR), user_for(app, Role.ADMINISTRATOR)]
    moves = [
        {"to_status": ApplicationStatus.SENT_TO_PROVIDER},
        {"to_status": ApplicationStatus.WITHDRAWN, "comment": "Заявник відкликав заяву"},
    ]
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def act(i):
        try:
            barrier.wait()
            workflow.transition(application=app.pk, acting_user=people[i], expected_revision=1, **moves[i])
            outcomes[i] = "ok"
        except workflow.ConcurrentChangeError as exc:
            outcomes[i] = exc.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(o == "ok" for o in outcomes) == [False, True]
    winner = outcomes.index("ok")
    loser_message = outcomes[1 - winner]
    assert people[winner].full_name in loser_message
    app.refresh_from_db()
    assert app.status == moves[winner]["to_status"]
    assert app.revision == 2
    assert StatusChange.objects.filter(application=app).count() == 1
