"""The lookup panel says when the registries cannot be reached (the security server, or in the embedded mode
the registry emulator, does not answer) instead of letting every lookup end in a timeout."""

import socket

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings

from registry.selectors import exchange_status
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def panel(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("registry/_lookup_panel.html", {}, request=request)


def test_a_server_that_does_not_answer_is_reported_in_the_panel(settings, free_port):
    settings.TREMBITA = {"ss_base_url": f"http://127.0.0.1:{free_port}"}
    status = exchange_status()
    assert (status.reachable, status.emulator) == (False, True)
    html = panel(UserFactory())
    assert 'data-testid="registry-unavailable"' in html
    assert "The registry emulator is not running" in html or "Емулятор реєстрів не запущено" in html

    settings.CNAP_DEVELOPMENT_TOOLS = False  # a real deployment: the security server is named instead
    assert exchange_status().emulator is False
    html = panel(UserFactory())
    assert 'data-testid="registry-unavailable"' in html
    assert "The registry emulator is not running" not in html and "Емулятор реєстрів не запущено" not in html


def test_a_server_that_answers_is_not_reported():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        with override_settings(TREMBITA={"ss_base_url": f"http://127.0.0.1:{port}"}):
            assert exchange_status().reachable is True
            assert 'data-testid="registry-unavailable"' not in panel(UserFactory())
