"""The bench's hooks (cnap/core/bench.py): the floor page exists only when CNAP_BENCH is on, and then
answers each role as the URL matrix's BENCH_MATRIX says behind the login and the second factor; the
Server-Timing middleware reports the request's CPU time; `check --deploy` warns while the bench is on."""

import importlib

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

import cnap.urls
from cnap.core.bench import ServerTimingMiddleware, cpu_ms
from cnap.core.checks import check_bench_off
from cnap.security.url_matrix import BENCH_MATRIX, LOGIN, ROLES, expected
from tests.factories import TEST_PASSWORD, UserFactory
from tests.security.otp import confirmed_totp_device

pytestmark = pytest.mark.django_db

FLOOR = "/bench/floor/"


def _reload_urls():
    importlib.reload(cnap.urls)
    clear_url_caches()


@pytest.fixture
def bench_on():
    with override_settings(CNAP_BENCH=True):
        _reload_urls()
        try:
            yield
        finally:
            pass
    _reload_urls()
    assert not any(getattr(p, "name", "") == "bench_floor" for p in cnap.urls.urlpatterns)


def _user(role: str):
    if role == "superuser":
        return UserFactory(role="administrator", office=None, is_superuser=True, is_staff=True)
    return UserFactory(role=role)


def _outcome(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


def test_the_floor_does_not_exist_without_the_bench_setting():
    assert settings.CNAP_BENCH is False
    with pytest.raises(NoReverseMatch):
        reverse("bench_floor")
    assert Client().get(FLOOR).status_code == 404
    client = Client()
    client.force_login(_user("administrator"))
    assert client.get(FLOOR).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_the_floor_answers_each_role_as_the_bench_matrix_says(bench_on, role):
    assert reverse("bench_floor") == FLOOR
    client = Client()
    if role != "anonymous":
        client.force_login(_user(role))
    response = client.get(FLOOR)
    assert _outcome(response) == expected(BENCH_MATRIX["bench_floor"], role)
    if response.status_code == 200:
        assert response.content.startswith(b"ok ")


def test_the_floor_needs_the_second_factor(bench_on):
    user = _user("administrator")
    confirmed_totp_device(user)
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD}).status_code == 302
    response = client.get(FLOOR)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_server_timing_reports_the_cpu_of_the_request():
    user = _user("administrator")
    client = Client()
    client.force_login(user)
    assert "Server-Timing" not in client.get(reverse("home"))
    with override_settings(MIDDLEWARE=["cnap.core.bench.ServerTimingMiddleware", *settings.MIDDLEWARE]):
        client = Client()  # a client builds its middleware chain on its first request
        client.force_login(user)
        response = client.get(reverse("home"))
    assert response.status_code == 200
    value = cpu_ms(response)
    assert value is not None and value > 0


def test_server_timing_counts_cpu_spent_inside_the_stack():
    def busy(request):
        from django.http import HttpResponse

        total = 0
        for i in range(2_000_000):
            total += i
        return HttpResponse(str(total))

    response = ServerTimingMiddleware(busy)(None)
    assert cpu_ms(response) > 5  # two million additions take tens of milliseconds of CPU on any machine


def test_cpu_ms_reads_only_the_cpu_entry():
    assert cpu_ms({"Server-Timing": "db;dur=3, cpu;dur=12.50"}) == 12.5
    assert cpu_ms({"Server-Timing": "cpu;desc=x"}) is None
    assert cpu_ms({}) is None


def test_deploy_check_warns_while_the_bench_is_on():
    assert check_bench_off(None) == []
    with override_settings(CNAP_BENCH=True):
        (warning,) = check_bench_off(None)
    assert warning.id == "core.W001"
