"""The public status page /status/: what a citizen sees, what nobody can learn from it."""

import itertools

import pytest
from django.test import Client, override_settings
from django.utils import timezone, translation
from django.utils.html import escape

from applications.constants import ApplicationStatus
from applications.views.status import STATUS_TEXTS
from services.constants import DeliveryMethod
from tests.applications.factories import ApplicationFactory, LegalEntityApplicantFactory

pytestmark = pytest.mark.django_db

_addresses = itertools.count(1)


def new_client(address: str | None = None) -> Client:
    """A client with its own address, so the rate limit of one test never touches another."""
    n = next(_addresses)
    return Client(REMOTE_ADDR=address or f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")


@pytest.fixture
def public_client() -> Client:
    return new_client()


@pytest.fixture
def application():
    return ApplicationFactory(
        journal__office__name="ЦНАП Світанківської громади",
        journal__office__address="вул. Соборна, 12, м. Світанок",
        journal__office__schedule="Пн–Пт 08:00–17:00, Сб 09:00–13:00",
        journal__office__phone="+380 44 123 45 67",
        applicant__last_name="Шевчук",
        applicant__first_name="Мирослава",
        applicant__patronymic="Іванівна",
        applicant__address="вул. Тиха, 7, кв. 3, с. Ясне",
        applicant__phone="+380671112233",
        applicant__email="myroslava@example.com",
        applicant__document_number="004455667",
    )


def lookup(client: Client, number: str, code: str, **headers):
    """GET /status/ as the QR code's URL does; keyword arguments are request headers (META)."""
    return client.get("/status/", {"number": number, "code": code}, **headers)


def uk(text) -> str:
    """The Ukrainian text as the page shows it (HTML-escaped)."""
    with translation.override("uk"):
        return escape(str(text))


def en(text) -> str:
    with translation.override("en"):
        return escape(str(text))


def personal_data(applicant) -> list[str]:
    values = [
        applicant.last_name,
        applicant.first_name,
        applicant.patronymic,
        applicant.rnokpp,
        applicant.address,
        applicant.phone,
        applicant.email,
        applicant.document_number,
        applicant.name,
        applicant.edrpou,
        applicant.head_name,
    ]
    return [value for value in values if value]


def test_empty_page_is_a_ukrainian_form_without_javascript(public_client):
    response = public_client.get("/status/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="uk">' in html
    assert "Перевірте стан вашої заяви" in html
    assert 'name="number"' in html and 'name="code"' in html and 'method="get"' in html
    assert "<script" not in html
    assert "csrfmiddlewaretoken" not in html
    assert response.headers["Content-Language"] == "uk"
    assert "no-store" in response.headers["Cache-Control"]


def test_english_on_request(public_client):
    html = public_client.get("/status/", {"lang": "en"}).content.decode()
    assert '<html lang="en">' in html
    assert "Check the status of your application" in html


@pytest.mark.parametrize("status", list(STATUS_TEXTS))
def test_each_status_is_explained_in_ukrainian_without_personal_data(public_client, application, status):
    application.status = status
    if status == ApplicationStatus.RESULT_READY:
        application.result_ready_at = timezone.now()
    application.save()

    response = lookup(public_client, application.number, application.access_code)

    assert response.status_code == 200
    html = response.content.decode()
    meaning, next_step = STATUS_TEXTS[status]
    assert uk(meaning) in html
    assert uk(next_step) in html
    assert uk(meaning) != en(meaning), "the explanation is translated"
    assert uk(next_step) != en(next_step)
    assert uk(application.get_status_display()).capitalize()[:10] in html
    assert application.service_version.title in html
    assert timezone.localtime(application.registered_at).strftime("%d.%m.%Y") in html
    assert application.due_date.strftime("%d.%m.%Y") in html
    assert "ЦНАП Світанківської громади" in html
    assert "вул. Соборна, 12, м. Світанок" in html
    assert "Сб 09:00–13:00" in html
    for value in personal_data(application.applicant):
        assert value not in html, f"personal data on the public page: {value}"


def test_result_ready_says_where_to_collect_it(public_client, application):
    application.status = ApplicationStatus.RESULT_READY
    application.result_ready_at = timezone.now()
    application.save()
    html = lookup(public_client, application.number, application.access_code).content.decode()
    assert "Результат готовий" in html
    assert "Де отримати" in html
    assert "+380 44 123 45 67" in html
    assert "так, " + timezone.localtime(application.result_ready_at).strftime("%d.%m.%Y") in html


def test_result_sent_by_post_is_explained(public_client, application):
    application.status = ApplicationStatus.RESULT_READY
    application.result_delivery = DeliveryMethod.POST
    application.save()
    html = lookup(public_client, application.number, application.access_code).content.decode()
    assert "поштою" in html


def test_not_ready_says_so(public_client, application):
    html = lookup(public_client, application.number, application.access_code).content.decode()
    assert "ще ні" in html
    assert "Де отримати" not in html


def test_legal_entity_applicant_is_not_shown_either(public_client):
    application = ApplicationFactory(applicant=LegalEntityApplicantFactory())
    html = lookup(public_client, application.number, application.access_code).content.decode()
    assert application.service_version.title in html
    for value in personal_data(application.applicant):
        assert value not in html


def test_number_and_code_are_matched_regardless_of_case_and_spaces(public_client, application):
    number = " " + " - ".join(application.number.lower().split("-")) + " "
    code = f"{application.access_code[:4].lower()} {application.access_code[4:].lower()}"
    response = lookup(public_client, number, code)
    assert response.status_code == 200
    assert 'data-testid="status-result"' in response.content.decode()


def test_wrong_code_and_unknown_number_get_byte_identical_answers(application):
    other = ApplicationFactory()
    wrong_code = "ABCDEFGH" if application.access_code != "ABCDEFGH" else "HGFEDCBA"
    unknown_number = application.number[:-6] + "999999"

    answers = [
        lookup(new_client(), application.number, wrong_code),
        lookup(new_client(), unknown_number, wrong_code),
        lookup(new_client(), unknown_number, application.access_code),
        lookup(new_client(), application.number, other.access_code),  # another case's valid code
    ]

    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.content for answer in answers}) == 1
    html = answers[0].content.decode()
    assert "не знайдено" in html
    assert application.number not in html
    assert 'data-testid="status-result"' not in html


def test_a_draft_is_not_shown(public_client):
    draft = ApplicationFactory(status=ApplicationStatus.DRAFT)
    html = lookup(public_client, draft.number, draft.access_code).content.decode()
    assert 'data-testid="not-found"' in html


def test_only_one_of_the_two_values_asks_for_both(public_client, application):
    response = public_client.get("/status/", {"number": application.number})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Введіть і реєстраційний номер, і код доступу" in html
    assert 'data-testid="status-result"' not in html


@pytest.mark.parametrize(
    "number, code",
    [("\x00", "ABC"), ("A" * 5000, "B"), ("' OR 1=1 --", "x" * 21), ("<script>", "<b>"), ("Ц1-2026-1", "ЖЖЖЖЖЖЖЖ")],
)
def test_hostile_input_is_answered_not_crashed(public_client, number, code):
    response = lookup(public_client, number, code)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_only_get_and_head(public_client):
    assert public_client.post("/status/", {"number": "x", "code": "y"}).status_code == 405
    assert public_client.head("/status/").status_code == 200


@override_settings(CNAP_STATUS_RATE_LIMIT=3, CNAP_STATUS_RATE_WINDOW=3600)
def test_rate_limit_per_client_address(application):
    client = new_client()
    for _ in range(2):
        assert lookup(client, application.number, "WRONG123").status_code == 200
    assert lookup(client, application.number, application.access_code).status_code == 200
    # The empty form does not count.
    assert client.get("/status/").status_code == 200

    limited = lookup(client, application.number, application.access_code)

    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 3601
    html = limited.content.decode()
    assert "Забагато спроб" in html
    assert 'data-testid="status-result"' not in html
    # Another address is still served.
    assert lookup(new_client(), application.number, application.access_code).status_code == 200


@override_settings(CNAP_STATUS_RATE_LIMIT=2, CNAP_STATUS_RATE_WINDOW=3600, CNAP_PROXY_COUNT=0)
def test_forwarded_for_is_ignored_without_proxies(application):
    client = new_client()
    for n in range(2):
        assert lookup(client, application.number, "X", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code == 200
    assert lookup(client, application.number, "X", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


@override_settings(CNAP_STATUS_RATE_LIMIT=2, CNAP_STATUS_RATE_WINDOW=3600, CNAP_PROXY_COUNT=2)
def test_behind_two_proxies_the_hop_the_first_proxy_saw_is_the_client(application):
    """X-Forwarded-For: "<what the client sent>, <client, added by proxy 1>, <proxy 1, added by proxy 2>"."""
    proxy = new_client()
    n = next(_addresses)
    citizen, other = f"198.51.{n % 256}.1", f"198.51.{n % 256}.2"
    for forged in ("", "203.0.113.7, "):
        response = lookup(proxy, application.number, "X", HTTP_X_FORWARDED_FOR=f"{forged}{citizen}, 10.0.0.1")
        assert response.status_code == 200
    # a new forged left-most address does not make the citizen someone else
    forged = lookup(proxy, application.number, "X", HTTP_X_FORWARDED_FOR=f"203.0.113.8, {citizen}, 10.0.0.1")
    assert forged.status_code == 429
    assert lookup(proxy, application.number, "X", HTTP_X_FORWARDED_FOR=f"{other}, 10.0.0.1").status_code == 200
