"""Error answers: Ukrainian pages for people, the API's one JSON error body under /api/."""

import pytest
from django.test import Client, override_settings
from django.urls import path, reverse

from api.views import ApiView
from cnap.accounts.constants import Role
from tests.factories import UserFactory


def _boom(request):
    raise RuntimeError("a bug with an applicant's name in it: Шевченко")


class _ApiBoom(ApiView):
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        raise RuntimeError("a bug")


urlpatterns = [path("boom/", _boom), path("api/boom/", _ApiBoom.as_view())]
handler500 = "cnap.core.errors.server_error"


@pytest.mark.django_db
def test_a_forbidden_page_says_so_in_ukrainian():
    client = Client()
    client.force_login(UserFactory(role=Role.CATALOG_MANAGER, office=None))
    response = client.get(reverse("reporting:dashboard"))
    assert response.status_code == 403 and "Доступ заборонено" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_api_url_and_a_refused_method_answer_the_error_body():
    client = Client()
    response = client.get("/api/catalog/nothing-here/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = client.delete(reverse("api:services"))
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"


@override_settings(ROOT_URLCONF=__name__)
def test_a_crash_shows_no_details_to_people_and_the_error_body_to_the_api():
    client = Client(raise_request_exception=False)
    page = client.get("/boom/")
    assert page.status_code == 500 and "Внутрішня помилка" in page.content.decode()
    assert "Шевченко" not in page.content.decode() and "Traceback" not in page.content.decode()
    api = client.get("/api/boom/")
    assert api.status_code == 500 and api.json()["error"]["code"] == "server_error"
    assert "a bug" not in api.content.decode()
