"""Waiting for a registry: the sweeper's pace, no duplicate enqueues, the cut-off, stopping, what the panel says,
the signed evidence and its download, the passport lookup of the declarative list (in-process against the
emulator; the worker is tested in test_registry_task.py and test_registry_outage.py)."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cnap.exchange import registries
from cnap.security.models import PersonalDataAccess
from registry import actions
from registry.actions import (
    request_lookup,
    resend_stale_registry_requests,
    retry_registry_evidence,
    run_registry_attempt,
    stop_waiting,
    store_registry_evidence,
    validate_query,
)
from registry.constants import EvidenceState, RegistryName
from registry.constants import RegistryRequestState as S
from registry.models import RegistryRequest
from registry.selectors import lookup_options
from tests.applications.factories import ApplicationFactory, valid_rnokpp
from tests.factories import UserFactory
from tests.registry.test_registry_task import trembita_env

pytestmark = pytest.mark.django_db

RNOKPP = valid_rnokpp(12, male=False)


@pytest.fixture
def operator():
    return UserFactory()


@pytest.fixture
def application(operator):
    return ApplicationFactory(office=operator.office, journal__office=operator.office)


@pytest.fixture
def sent(monkeypatch):
    """The tasks these tests would send, recorded instead of sent (no broker involved)."""
    calls = []

    def send_task(name, args=(), countdown=None, **kwargs):
        calls.append((name, args[0], countdown))

    monkeypatch.setattr(actions.current_app, "send_task", send_task)
    return calls


def pending(operator, application=None, **fields) -> RegistryRequest:
    return RegistryRequest.objects.create(
        application=application,
        applicant=application.applicant if application else None,
        office=operator.office,
        registry="eddr_person",
        query={"rnokpp": RNOKPP},
        requested_by=operator,
        **fields,
    )


def age(request, **fields):
    RegistryRequest.objects.filter(pk=request.pk).update(**fields)
    request.refresh_from_db()


# ---------------------------------------------------------------------------------------------- the sweeper
def test_a_queued_request_is_never_sent_twice_however_long_the_worker_is_away(settings, emulator, operator, sent):
    """The registry worker is down: twenty lookups wait in the queue. Minute after minute the sweeper adds no
    copy of them; only one whose message never reached the broker, or sat in the queue past
    QUEUED_STALE_AFTER, is sent again (once)."""
    settings.TREMBITA = trembita_env(emulator.url)
    requests = [pending(operator) for _ in range(20)]
    for request in requests:
        assert actions.send_registry_request(request_id=str(request.id))
    assert len(sent) == 20
    minutes_later = timezone.now() - dt.timedelta(minutes=3)
    RegistryRequest.objects.update(updated_at=minutes_later)

    for _minute in range(3):
        assert resend_stale_registry_requests() == []
    assert len(sent) == 20

    never_reached = requests[0]
    age(never_reached, enqueued_at=None)  # the broker was down when it was asked for
    lost = requests[1]
    age(lost, next_try_at=timezone.now() - dt.timedelta(seconds=actions.QUEUED_STALE_AFTER + 60))
    assert sorted(resend_stale_registry_requests()) == sorted([str(never_reached.id), str(lost.id)])
    assert resend_stale_registry_requests() == []  # sent once, now queued and fresh again
    assert len(sent) == 22


def test_unavailable_lookups_are_retried_at_a_slower_pace_until_the_cut_off(settings, emulator, operator, sent):
    settings.TREMBITA = trembita_env(
        emulator.url,
        retry={"attempts": 1, "jitter": 0, "sweep_every": 600, "cutoff": 3600},
    )
    emulator.fault(fault="network_error", count=1)
    request = pending(operator)
    assert run_registry_attempt(request_id=request.id) is None
    request.refresh_from_db()
    assert request.state == S.UNAVAILABLE
    assert 590 <= (request.next_try_at - request.finished_at).total_seconds() <= 610

    assert resend_stale_registry_requests() == []  # not due yet
    age(request, next_try_at=timezone.now() - dt.timedelta(seconds=1))
    assert resend_stale_registry_requests() == [str(request.id)]
    request.refresh_from_db()
    assert request.state == S.PENDING and request.finished_at is None
    assert run_registry_attempt(request_id=request.id) is None  # the ШБО is back
    request.refresh_from_db()
    assert request.state == S.SUCCEEDED and request.next_try_at is None
    assert [a["kind"] for a in request.attempts] == ["transport_error", "ok"]  # every attempt in the history

    late = pending(operator, state=S.UNAVAILABLE)
    age(late, next_try_at=timezone.now(), created_at=timezone.now() - dt.timedelta(hours=2))
    assert resend_stale_registry_requests() == []  # past the cut-off: no more tries
    late.refresh_from_db()
    assert late.next_try_at is None and late.state == S.UNAVAILABLE


def test_stop_waiting(settings, emulator, operator, application, client, sent):
    settings.TREMBITA = trembita_env(emulator.url)
    request = pending(operator, application)
    actions.send_registry_request(request_id=str(request.id), countdown=30)
    client.force_login(operator)

    panel = client.get(reverse("registry:request", args=[request.id]) + "?mode=case").content.decode()
    assert 'data-testid="registry-attempts"' in panel and 'data-testid="registry-stop"' in panel
    request.refresh_from_db()
    assert timezone.localtime(request.next_try_at).strftime("%H:%M:%S") in panel

    response = client.post(reverse("registry:stop", args=[request.id]), {"registry_mode": "case"})
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.state == S.UNAVAILABLE and request.stopped_by == operator and request.next_try_at is None
    assert "registry-stop" not in response.content.decode()
    # the queued message runs later and changes nothing
    assert run_registry_attempt(request_id=request.id) is None
    assert RegistryRequest.objects.get(pk=request.pk).attempts == []
    assert resend_stale_registry_requests(pending_after=0) == []
    with pytest.raises(ValidationError) as error:
        stop_waiting(registry_request=request, acting_user=operator)
    assert error.value.code == "not_waiting"

    other = UserFactory()
    client.force_login(other)
    assert client.post(reverse("registry:stop", args=[request.id])).status_code == 404


# ---------------------------------------------------------------------------------------------- evidence
@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_the_signed_evidence_is_kept_and_offered_on_the_case(
    settings, emulator, operator, application, client, protocol, sent
):
    settings.TREMBITA = trembita_env(
        emulator.url, services={"eddr_person": {"protocol": protocol}}, evidence={"enabled": True}
    )
    request = pending(operator, application)
    with __import__("django.test", fromlist=["TestCase"]).TestCase.captureOnCommitCallbacks(execute=True):
        assert run_registry_attempt(request_id=request.id) is None
    request.refresh_from_db()
    assert request.state == S.SUCCEEDED
    assert request.request_hash and request.transaction_id  # the ШБО's ids of the exchange
    assert (actions.FETCH_EVIDENCE_TASK, str(request.id), None) in sent  # sent when the lookup committed

    assert store_registry_evidence(request_id=request.id) == EvidenceState.STORED
    request.refresh_from_db()
    with zipfile.ZipFile(io.BytesIO(request.evidence.read())) as archive:
        assert archive.read("mimetype") == b"application/vnd.etsi.asic-e+zip"
        if protocol == "soap":
            assert request.attempts[-1]["message_id"].encode() in archive.read("message.xml")

    client.force_login(operator)
    panel = client.get(reverse("registry:request", args=[request.id]) + "?mode=case").content.decode()
    assert reverse("registry:evidence", args=[request.id]) in panel
    before = PersonalDataAccess.objects.count()
    response = client.get(reverse("registry:evidence", args=[request.id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.etsi.asic-e+zip"
    assert "attachment" in response["Content-Disposition"] and ".asice" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert PersonalDataAccess.objects.count() == before + 1  # the download is logged as access to the response
    assert PersonalDataAccess.objects.order_by("-pk").first().registry_request_id == request.pk

    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(reverse("registry:evidence", args=[request.id])).status_code == 404


def test_evidence_that_cannot_be_fetched_does_not_fail_the_lookup_and_is_retried(settings, emulator, operator, sent):
    settings.TREMBITA = trembita_env(emulator.url, evidence={"enabled": True, "retry_every": 60})
    request = pending(operator)
    run_registry_attempt(request_id=request.id)
    emulator.fault(fault="asic_unavailable")

    assert store_registry_evidence(request_id=request.id) == EvidenceState.FAILED
    request.refresh_from_db()
    assert request.state == S.SUCCEEDED and request.response  # the lookup stands
    assert "500" in request.evidence_error and request.evidence_tries == 1
    assert retry_registry_evidence() == []  # not due yet
    age(request, evidence_next_at=timezone.now() - dt.timedelta(seconds=1))
    sent.clear()
    assert retry_registry_evidence() == [str(request.id)]
    assert store_registry_evidence(request_id=request.id) == EvidenceState.FAILED  # still down
    emulator.http.delete("/__emulator/faults").raise_for_status()  # the ШБО's message log is back
    assert store_registry_evidence(request_id=request.id) == EvidenceState.STORED
    request.refresh_from_db()
    assert request.evidence_tries == 3 and request.evidence_next_at is None and not request.evidence_error

    gone = pending(operator)
    run_registry_attempt(request_id=gone.id)
    emulator.fault(fault="asic_unavailable")
    age(gone, finished_at=timezone.now() - dt.timedelta(days=40))  # past the ШБО's message-log retention
    assert store_registry_evidence(request_id=gone.id) == EvidenceState.GAVE_UP
    gone.refresh_from_db()
    assert gone.evidence_next_at is None


# ---------------------------------------------------------------------------------------------- the list
def test_the_panel_and_the_validation_come_from_the_declarative_list(settings, emulator, operator):
    settings.TREMBITA = trembita_env(emulator.url)
    assert {choice for choice, _label in RegistryName.choices} == set(registries.registry_keys())
    assert [o.value for o in lookup_options(category="")] == [lookup.key for lookup in registries.lookups()]
    assert "drrp_rights.rnokpp" not in [o.value for o in lookup_options(category="social")]

    assert validate_query("mvs_passport", {"passport": "аа 123456"}) == {
        "passport_series": "АА",
        "passport_number": "123456",
    }
    assert validate_query("mvs_passport", {"passport": "001234567"}) == {"passport_number": "001234567"}
    assert validate_query("mvs_passport", {"passport_series": "АА", "passport_number": "123456"}) == {
        "passport_series": "АА",
        "passport_number": "123456",
    }  # a stored query asked again
    with pytest.raises(ValidationError) as error:
        validate_query("mvs_passport", {"passport": "12345"})
    assert "passport" in error.value.message_dict

    request = request_lookup(
        registry="mvs_passport", query={"passport": "АА 123456"}, office=operator.office, acting_user=operator
    )
    assert run_registry_attempt(request_id=request.id) is None
    request.refresh_from_db()
    assert request.state == S.SUCCEEDED and request.response["documentNumber"] == "123456"
    assert request.attempts[-1]["protocol"] == "soap"
