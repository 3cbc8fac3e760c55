"""The holes found from outside as an attacker would, one test each (they failed before the access
scope and its companions, and pass now). Only public behaviour is used: pages, downloads, the API, the
actions, the settings, as a user or an attacker meets them."""

import datetime as dt
import io
import socket
import stat
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from api.actions import create_api_client
from applications.actions.registration import register_application
from applications.constants import ApplicationStatus
from applications.models import Applicant, Application
from cnap.accounts.constants import Role
from cnap.security.models import PersonalDataAccess
from tests.applications.factories import ApplicationFactory
from tests.applications.registration_support import kyiv, make_counter, pdf_bytes, person, upload
from tests.applications.workflow_helpers import case_in, user_for
from tests.cnap.test_settings import production, run_manage
from tests.factories import HromadaFactory, OfficeFactory, UserFactory
from tests.security.factories import make_registry_request, make_scan
from tests.services.factories import ProviderFactory, ServiceVersionFactory

pytestmark = pytest.mark.django_db

EDDR_RESPONSE = {
    "surname": "Підмінений",
    "name": "Чужий",
    "patronym": "Іванович",
    "dateOfBirth": "1970-01-01",
    "unzr": "19700101-00012",
    "registeredAddress": {"text": "м. Київ, вул. Чужа, 1"},
}


def lenient_client() -> Client:
    """A client that returns a 500 as a response instead of raising it: "never a 500" is what we assert."""
    return Client(raise_request_exception=False)


# 1 ------------------------------------------------------------------------------------------------------------
def test_1_a_provider_officer_gets_nothing_of_their_providers_case_not_yet_sent(client):
    case = case_in(ApplicationStatus.REGISTERED)
    scan = make_scan(case)
    lookup = make_registry_request(case, response=EDDR_RESPONSE)
    client.force_login(user_for(case, Role.PROVIDER_OFFICER))
    urls = [
        reverse("applications:detail", args=[case.pk]),
        reverse("applications:receipt", args=[case.pk]),
        reverse("applications:scan_file", args=[scan.pk]),
        reverse("registry:request", args=[lookup.pk]) + "?mode=case",
        reverse("registry:history", args=[case.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("registry:apply", args=[lookup.pk]), {"registry_fields": ["last_name", "address"]})
    assert response.status_code == 404
    applicant = Applicant.objects.get(pk=case.applicant_id)
    assert (applicant.last_name, applicant.address) == (case.applicant.last_name, case.applicant.address)
    assert not PersonalDataAccess.objects.exists()


# 2 ------------------------------------------------------------------------------------------------------------
def test_2_the_counter_reaches_another_offices_applicant_only_by_an_exact_number(client):
    office = OfficeFactory()
    neighbour = OfficeFactory(hromada=office.hromada)
    theirs = ApplicationFactory(journal__office=neighbour).applicant
    ours = ApplicationFactory(journal__office=office).applicant
    administrator = UserFactory(role=Role.ADMINISTRATOR, office=office)
    client.force_login(administrator)
    search = reverse("applications:applicant_search")

    assert client.get(search, {"pick": theirs.pk}).status_code == 404
    assert theirs.phone not in client.get(search, {"applicant_q": theirs.last_name}).content.decode()
    assert client.get(search, {"pick": ours.pk}).status_code == 200  # through a case of the office

    found = client.get(search, {"applicant_q": theirs.rnokpp}).content.decode()
    assert theirs.last_name in found
    row = PersonalDataAccess.objects.filter(action="search_applicants").latest("id")
    assert row.user == administrator and theirs.rnokpp not in row.detail
    pick = found.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    picked = client.get(pick)
    assert picked.status_code == 200 and theirs.rnokpp in picked.content.decode()
    # the same link does not work for another administrator
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, office=office))
    assert client.get(pick).status_code == 404


# 3 ------------------------------------------------------------------------------------------------------------
def test_3_a_provider_shared_by_two_hromadas_opens_no_other_hromadas_case(client):
    shared = ProviderFactory(hromada=None)
    version = ServiceVersionFactory(service__provider=shared, published=True)
    ours = case_in(ApplicationStatus.IN_PROGRESS, service_version=version)
    theirs = case_in(ApplicationStatus.IN_PROGRESS, service_version=version)
    assert ours.hromada_id != theirs.hromada_id and ours.provider_id == theirs.provider_id
    client.force_login(user_for(ours, Role.PROVIDER_OFFICER))

    assert client.get(reverse("applications:detail", args=[ours.pk])).status_code == 200
    assert client.get(reverse("applications:detail", args=[theirs.pk])).status_code == 404
    move = client.post(
        reverse("applications:move", args=[theirs.pk]),
        {"to_status": ApplicationStatus.RETURNED_FOR_REVISION, "comment": "Не та громада", "revision": 1},
    )
    assert move.status_code == 404
    decide = client.post(
        reverse("applications:decide", args=[theirs.pk]),
        {"kind": "approval", "revision": theirs.revision, "decided_on": dt.date.today().isoformat()},
    )
    assert decide.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ApplicationStatus.IN_PROGRESS and not theirs.decisions.exists()


# 4 ------------------------------------------------------------------------------------------------------------
def test_4_the_community_head_sees_cases_minimised_and_reveals_one_with_a_logged_reason(client):
    case = case_in(ApplicationStatus.IN_PROGRESS)
    applicant = case.applicant
    applicant.email = "olena@example.org"
    applicant.save()
    scan = make_scan(case)
    head = user_for(case, Role.COMMUNITY_HEAD)
    client.force_login(head)
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    assert applicant.last_name in page and applicant.masked_tax_id in page
    for secret in (applicant.rnokpp, applicant.phone, applicant.email, applicant.address, applicant.document_number):
        assert secret not in page
    assert client.get(reverse("applications:receipt", args=[case.pk])).status_code == 404
    assert client.get(reverse("applications:scan_file", args=[scan.pk])).status_code == 404
    # the drill-down list and its export: names and masked numbers, no contact data
    export = b"".join(client.get(reverse("applications:list"), {"format": "csv"}).streaming_content).decode()
    assert applicant.last_name in export and applicant.masked_tax_id in export
    assert applicant.rnokpp not in export and applicant.phone not in export and applicant.address not in export

    url = reverse("applications:reveal", args=[case.pk])
    client.post(url, {"reason": ""})
    assert applicant.rnokpp not in client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    client.post(url, {"reason": "Скарга заявника № 12 від 03.02.2026"})
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    assert applicant.rnokpp in page and applicant.phone in page
    assert PersonalDataAccess.objects.filter(
        user=head, application_id=case.pk, detail__contains="Скарга заявника"
    ).exists()
    assert client.get(reverse("applications:scan_file", args=[scan.pk])).status_code == 404  # documents stay


# 5 ------------------------------------------------------------------------------------------------------------
@override_settings(CNAP_PROXY_COUNT=1, CNAP_STATUS_RATE_LIMIT=2, CNAP_STATUS_RATE_WINDOW=3600)
def test_5_behind_the_proxy_one_citizen_does_not_block_the_status_page_for_everyone():
    case = case_in(ApplicationStatus.REGISTERED)
    proxy = Client(REMOTE_ADDR="10.9.8.7")
    status = reverse("public_status")
    for _ in range(3):
        proxy.get(status, {"number": case.number, "code": "WRONG"}, HTTP_X_FORWARDED_FOR="198.51.100.31")
    blocked = proxy.get(status, {"number": case.number, "code": "WRONG"}, HTTP_X_FORWARDED_FOR="198.51.100.31")
    assert blocked.status_code == 429
    other = proxy.get(status, {"number": case.number, "code": "WRONG"}, HTTP_X_FORWARDED_FOR="198.51.100.32")
    assert other.status_code == 200


@override_settings(CNAP_PROXY_COUNT=1, CNAP_API_RATES={"api_client": "120/min", "anonymous": "3/min"})
def test_5_rotating_x_forwarded_for_does_not_escape_the_api_limit():
    client = Client(REMOTE_ADDR="10.9.8.7")
    cache.clear()
    answers = [
        client.get(reverse("api:offices"), HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.44").status_code
        for n in range(5)
    ]
    assert answers[:3] == [200, 200, 200] and answers[3:] == [429, 429]


@override_settings(CNAP_PROXY_COUNT=1)
def test_5_the_access_log_records_the_clients_address_not_the_proxys():
    case = case_in(ApplicationStatus.REGISTERED)
    lookup = make_registry_request(case, response=EDDR_RESPONSE)
    client = Client(REMOTE_ADDR="10.9.8.7")
    client.force_login(user_for(case, Role.ADMINISTRATOR))
    url = reverse("registry:request", args=[lookup.pk]) + "?mode=case"
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.55").status_code == 200
    assert PersonalDataAccess.objects.get(registry_request_id=lookup.pk).ip == "198.51.100.55"


def test_5_the_proxy_count_is_read_from_the_environment():
    code = "from django.conf import settings as s; print(s.CNAP_PROXY_COUNT)"
    result = run_manage("shell", "--no-imports", "-c", code, env=production(CNAP_PROXY_COUNT="2"))
    assert result.stdout.split() == ["2"], result.stderr


# 6 ------------------------------------------------------------------------------------------------------------
def test_6_a_non_numeric_pick_is_no_500():
    office = OfficeFactory()
    client = lenient_client()
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, office=office))
    for pick in ("abc", "1 OR 1=1", "-5", "99999999999999999999999"):
        assert client.get(reverse("applications:applicant_search"), {"pick": pick}).status_code == 404, pick


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_6_extreme_dates_in_every_filter_are_refused_with_a_message(day):
    office = OfficeFactory()
    ApplicationFactory(journal__office=office)
    client = lenient_client()
    client.force_login(UserFactory(role=Role.CNAP_HEAD, office=office))
    pages = [
        (reverse("applications:list"), {"registered_from": day}),
        (reverse("applications:list"), {"registered_to": day}),
        (reverse("reporting:dashboard"), {"date_to": day}),
        (reverse("reporting:dashboard"), {"date_from": day, "date_to": day}),
        (reverse("reporting:reports"), {"download": "open_data", "date_from": day, "date_to": day, "format": "csv"}),
        (reverse("reporting:reports"), {"download": "monthly", "month": day[:7], "format": "xlsx"}),
        (reverse("applications:access_log"), {"date_to": day}),
        (reverse("applications:access_log"), {"date_from": day}),
    ]
    for url, query in pages:
        response = client.get(url, query)
        assert response.status_code == 200, (url, query, response.status_code)
        assert "1900" in response.content.decode(), (url, query)  # the message names the range


@pytest.mark.parametrize("since", ["0001-01-01", "0001-01-01T00:00:00", "9999-12-31T23:59:59-12:00"])
def test_6_an_extreme_moment_in_the_api_feed_is_a_400(since):
    _client, token = create_api_client(hromada=HromadaFactory(), name="Портал")
    response = lenient_client().get(
        reverse("api:status_changes"), {"since": since}, HTTP_AUTHORIZATION=f"Token {token}"
    )
    assert response.status_code == 400 and "since" in response.json()["error"]["fields"]


def test_6_deeply_nested_or_oversized_json_to_the_api_is_a_400_in_the_error_body():
    _client, token = create_api_client(hromada=HromadaFactory(), name="Портал")
    client = lenient_client()
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    url = reverse("api:e_applications")
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post(url, deep, content_type="application/json", **headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "request_too_deep"
    nested = '{"applicant": ' * 50 + "1" + "}" * 50
    assert client.post(url, nested, content_type="application/json", **headers).json()["error"]["code"] == (
        "request_too_deep"
    )
    big = '{"comment": "' + "x" * (2 * 1024 * 1024) + '"}'
    response = client.post(url, big, content_type="application/json", **headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "request_too_large"
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_6_a_decision_template_that_reaches_outside_is_refused_when_saved_and_never_500s():
    from services.actions import update_draft

    draft = ServiceVersionFactory()
    catalog = UserFactory(role=Role.CATALOG_MANAGER, office=None)
    for template in ('{% include "base.html" %}', "{% load static %}", '{% extends "x" %}', '{% ssi "/etc/passwd" %}'):
        with pytest.raises(ValidationError) as info:
            update_draft(version=draft, acting_user=catalog, decision_template=template)
        tag = template.split()[1]
        assert tag in str(info.value.message_dict["decision_template"]), template

    # a template saved before the rule (straight into the database) fails with a message, not a 500
    version = ServiceVersionFactory(published=True)
    type(version).objects.filter(pk=version.pk).update(decision_template='Видати {% include "base.html" %}')
    case = case_in(ApplicationStatus.IN_PROGRESS, service_version=version)
    client = lenient_client()
    client.force_login(user_for(case, Role.PROVIDER_OFFICER))
    response = client.post(
        reverse("applications:decide", args=[case.pk]),
        {"kind": "approval", "revision": case.revision, "decided_on": dt.date.today().isoformat()},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == ApplicationStatus.IN_PROGRESS


# 7 ------------------------------------------------------------------------------------------------------------
def _register(counter, scans):
    return register_application(
        office=counter.office,
        service=counter.service,
        applicant=person(21),
        documents=counter.documents,
        scans=scans,
        acting_user=counter.user,
        registered_at=kyiv(2026, 11, 26),
    )


def _pdf_with(kind: str) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if kind == "javascript":
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('hi');")}
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    else:
        writer.add_attachment("invoice.exe", b"MZ\x90\x00")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_7_a_pdf_header_followed_by_html_or_a_pdf_with_active_content_is_refused():
    counter = make_counter()
    for name, content in (
        ("fake.pdf", b"%PDF-1.7\n<html><script>alert(1)</script></html>"),
        ("script.pdf", _pdf_with("javascript")),
        ("attachment.pdf", _pdf_with("attachment")),
    ):
        with pytest.raises(ValidationError) as info:
            _register(counter, [upload(name, content)])
        assert name in " ".join(info.value.message_dict["scans"]), name
    assert not Application.objects.exists()


def test_7_the_scans_of_one_registration_have_a_total_size(settings):
    counter = make_counter()
    pdf = pdf_bytes()
    settings.CNAP_MAX_SCAN_BYTES = len(pdf) + 10
    settings.CNAP_MAX_REGISTRATION_BYTES = 3 * len(pdf) + 10
    with pytest.raises(ValidationError) as info:
        _register(counter, [upload(f"scan{n}.pdf", pdf) for n in range(6)])
    assert "scans" in info.value.message_dict
    assert not Application.objects.exists()


def test_7_stored_scans_are_readable_by_the_service_user_only():
    counter = make_counter()
    application = _register(counter, [upload("scan.pdf", pdf_bytes())])
    path = Path(application.scans.get().file.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_7_the_embedded_sqlite_database_is_readable_by_the_service_user_only(tmp_path):
    env = {"CNAP_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "cnap.settings.embedded"}
    code = "from django.db import connection; connection.ensure_connection(); print(connection.settings_dict['NAME'])"
    result = run_manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    database = Path(result.stdout.split()[-1])
    assert database.exists() and stat.S_IMODE(database.stat().st_mode) == 0o600


# 8 ------------------------------------------------------------------------------------------------------------
def test_8_a_right_to_left_override_in_a_name_is_refused_naming_the_character():
    counter = make_counter()
    with pytest.raises(ValidationError) as info:
        register_application(
            office=counter.office,
            service=counter.service,
            applicant=person(22, last_name="Шевч\u202eокне"),
            documents=counter.documents,
            acting_user=counter.user,
        )
    assert "U+202E" in " ".join(info.value.message_dict["applicant-last_name"])
    assert not Application.objects.exists()


# 9 ------------------------------------------------------------------------------------------------------------
def test_9_the_embedded_mode_runs_without_debug_unless_asked(tmp_path):
    code = "from django.conf import settings as s; print(s.DEBUG)"
    env = {"CNAP_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "cnap.settings.embedded"}
    assert run_manage("shell", "--no-imports", "-c", code, env=env).stdout.split() == ["False"]
    assert run_manage("shell", "--no-imports", "-c", code, env={**env, "CNAP_DEBUG": "1"}).stdout.split() == ["True"]


def test_9_the_embedded_mode_refuses_the_network_while_demo_users_have_the_known_password(monkeypatch):
    from demo.staff import seed_demo_staff

    seed_demo_staff()
    started = []
    monkeypatch.setattr(subprocess, "Popen", lambda *args, **kwargs: started.append(args) or 1 / 0)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(Exception) as info:  # noqa: PT011 - the message is what is checked
        call_command("run_embedded", host="0.0.0.0", port=port)
    assert "CNAP_ALLOW_DEMO_ON_NETWORK" in str(info.value) and "lock_demo_users" in str(info.value)
    assert not started


# 10 -----------------------------------------------------------------------------------------------------------
def test_10_production_refuses_to_start_without_the_site_url():
    result = run_manage("check", env=production(CNAP_SITE_URL=None))
    assert result.returncode != 0 and "CNAP_SITE_URL" in result.stderr
    result = run_manage("check", env=production(CNAP_SITE_URL="http://127.0.0.1:8000"))
    assert result.returncode != 0 and "CNAP_SITE_URL" in result.stderr


def test_10_error_pages_are_ukrainian_and_the_api_answers_json():
    client = lenient_client()
    page = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="uk")
    assert page.status_code == 404 and "Сторінку не знайдено" in page.content.decode()
    api = client.get("/api/no-such-endpoint/")
    assert api.status_code == 404 and api["Content-Type"].startswith("application/json")
    assert api.json() == {"error": {"code": "not_found", "message": "Не знайдено.", "fields": {}}}


def test_10_the_lockout_page_says_when_to_try_again():
    from tests.factories import TEST_PASSWORD

    UserFactory(username="olena", role=Role.ADMINISTRATOR)
    client = Client()
    for _ in range(10):
        client.post(reverse("login"), {"username": "olena", "password": "wrong-password-1"})
    locked = client.post(reverse("login"), {"username": "olena", "password": TEST_PASSWORD})
    assert locked.status_code == 429
    assert 0 < int(locked["Retry-After"]) <= 15 * 60
