"""Redis down: the API's rate limits cannot count in the shared cache. Every endpoint still answers (never
500): the limits fall back to this process's memory, and still limit. Uses a redis-server of the test's own,
stopped mid-test (never the shared one)."""

import pytest
from django.urls import reverse

from tests.processes import RedisServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_redis_cache(settings):
    redis = RedisServer().start()
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis.url, "KEY_PREFIX": "t"}
    }
    yield redis
    redis.stop()


def test_the_api_answers_while_redis_is_down(client, own_redis_cache, service, auth, settings, caplog):
    assert client.get(reverse("api:services")).status_code == 200  # the cache works
    own_redis_cache.stop()

    answers = {
        "services": client.get(reverse("api:services")).status_code,
        "offices": client.get(reverse("api:offices")).status_code,
        "status changes": client.get(reverse("api:status_changes"), **auth).status_code,
        "unknown case": client.get(reverse("api:application_status", args=["NO-SUCH"]), **auth).status_code,
        "bad e-application": client.post(
            reverse("api:e_applications"), "{", content_type="application/json", **auth
        ).status_code,
    }
    assert answers == {
        "services": 200,
        "offices": 200,
        "status changes": 200,
        "unknown case": 404,
        "bad e-application": 400,
    }
    assert "fall back to this process's memory" in caplog.text

    # and the fallback still limits
    settings.CNAP_API_RATES = {**settings.CNAP_API_RATES, "anonymous": "3/min"}
    codes = [client.get(reverse("api:offices")).status_code for _ in range(5)]
    assert 429 in codes and 500 not in codes
