import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from api.models import ApiClient, hash_token
from tests.factories import HromadaFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_command_prints_the_token_once_and_stores_its_hash():
    hromada = HromadaFactory()
    out = io.StringIO()
    call_command(
        "create_api_client", "--hromada", str(hromada.pk), "--name", "Портал", stdout=out, stderr=io.StringIO()
    )
    token = out.getvalue().strip()
    client = ApiClient.objects.get()
    assert client.hromada == hromada and client.name == "Портал"
    assert client.token_hash == hash_token(token) and client.token_prefix == token[:8]


def test_command_refuses_an_unknown_hromada():
    with pytest.raises(CommandError):
        call_command("create_api_client", "--hromada", "999999", "--name", "Портал", stdout=io.StringIO())


def test_admin_creates_a_client_and_shows_the_token_once(client):
    root = UserFactory(username="root-api", role="", office=None, is_superuser=True, is_staff=True)
    client.force_login(root)
    hromada = HromadaFactory()
    response = client.post(reverse("admin:api_apiclient_add"), {"name": "Е-черга", "hromada": hromada.pk}, follow=True)
    assert response.status_code == 200
    api_client = ApiClient.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    tokens = [word for message in shown for word in message.split() if word.startswith(api_client.token_prefix)]
    assert len(tokens) == 1 and hash_token(tokens[0]) == api_client.token_hash
    assert api_client.created_by == root
    page = client.get(reverse("admin:api_apiclient_change", args=[api_client.pk])).content.decode()
    assert tokens[0] not in page
