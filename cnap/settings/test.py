"""The test suite: real PostgreSQL and Redis, fast password hashing.

Several test runs may share one machine's PostgreSQL and Redis (developers side by side, CI):
each run gets its own test database and its own Redis key prefix from CNAP_TEST_RUN_ID, which
worker processes started by the tests inherit."""

import os

from .base import *  # noqa: F403
from .base import DEVELOPMENT_APPS, INSTALLED_APPS, env

TEST_RUN_ID = os.environ.setdefault("CNAP_TEST_RUN_ID", str(os.getpid()))

SECRET_KEY = env("SECRET_KEY", default="test-only-secret-key-not-for-production-0123456789abcdef")
DEBUG = False
ALLOWED_HOSTS = ["*"]
CNAP_DEMO_ALLOWED = True
CNAP_DEVELOPMENT_TOOLS = True
INSTALLED_APPS = [*INSTALLED_APPS, *(app for app in DEVELOPMENT_APPS if app not in INSTALLED_APPS)]
# Staff pages need the second factor, as in production; tests' force_login gives a verified
# session (tests/conftest.py), login_as in the browser types the current TOTP code.
CNAP_REQUIRE_2FA = True

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/cnap")}
DATABASES["default"]["TEST"] = {"NAME": env("CNAP_TEST_DB_NAME", default=f"test_cnap_{TEST_RUN_ID}")}

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/14")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", default="redis://127.0.0.1:6379/15"),
        "KEY_PREFIX": f"t{TEST_RUN_ID}",
    }
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "max_retries": 0,
    "global_keyprefix": f"t{TEST_RUN_ID}:",
}
# A worker test's own worker may take back unacknowledged messages after a few seconds instead of an hour,
# looking every second (tests/cnap/core/test_worker_broker_loss.py).
if QUICK_REDELIVERY := env.int("CNAP_TEST_VISIBILITY_TIMEOUT", default=0):
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "visibility_timeout": QUICK_REDELIVERY,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PRIVATE_MEDIA_ROOT = VAR_DIR / "test-private"
STORAGES = {
    **STORAGES,
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
}
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}
