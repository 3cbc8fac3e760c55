"""The embedded default (`make run`): nothing to install. SQLite, a file-system Celery broker,
a file cache and the registry emulator, all under var/."""

import os
from pathlib import Path

from django.core.management.utils import get_random_secret_key

from .base import *  # noqa: F403
from .base import DEVELOPMENT_APPS, INSTALLED_APPS, VAR_DIR, env

# Everything the embedded mode writes under var/ (the SQLite database and its journal, scans, the
# broker's messages, the cache, the secret key) is readable by this user only.
os.umask(0o077)
VAR_DIR.mkdir(parents=True, exist_ok=True)
VAR_DIR.chmod(0o700)


def _make_private(database) -> None:
    """The SQLite database (created empty if missing) and its journal files: 0600, whatever the umask
    was when they were made (a database from before this rule was 0644)."""
    if not database or database == ":memory:":
        return
    path = Path(database)
    path.touch(mode=0o600, exist_ok=True)
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if name.exists():
            name.chmod(0o600)
    private = Path(PRIVATE_MEDIA_ROOT)
    if private.exists():
        for directory, _dirs, files in os.walk(private):
            Path(directory).chmod(0o700)
            for file in files:
                (Path(directory) / file).chmod(0o600)


def _embedded_secret_key() -> str:
    """A random key kept in var/ so sessions survive restarts; never used in production."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env("SECRET_KEY", default=None) or _embedded_secret_key()
# Off unless asked for (CNAP_DEBUG=1): a debug page shows local variables, an applicant's data among them.
DEBUG = env.bool("CNAP_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# The web server serves the static files itself, with DEBUG off too (straight from static/, no collectstatic).
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]  # noqa: F405
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = VAR_DIR / "static"  # collectstatic's target, if ever run; whitenoise wants it to exist
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_AUTOREFRESH = True
CNAP_DEMO_ALLOWED = True
CNAP_DEVELOPMENT_TOOLS = True
INSTALLED_APPS = [*INSTALLED_APPS, *(app for app in DEVELOPMENT_APPS if app not in INSTALLED_APPS)]
# The demo logins printed by `make run` work with a password only, unless CNAP_REQUIRE_2FA=1.
CNAP_REQUIRE_2FA = env.bool("CNAP_REQUIRE_2FA", default=False)

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'cnap.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _make_private(DATABASES["default"]["NAME"])
    # WAL lets the web server and the worker write without "database is locked" at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}

_BROKER_DIR = VAR_DIR / "broker"
for _sub in ("queue", "processed", "control"):
    (_BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "data_folder_in": str(_BROKER_DIR / "queue"),
    "data_folder_out": str(_BROKER_DIR / "queue"),
    "processed_folder": str(_BROKER_DIR / "processed"),
    "control_folder": str(_BROKER_DIR / "control"),
    "store_processed": False,
    "visibility_timeout": 3600,
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# The embedded mode talks to the emulator that `make run` starts (on EMULATOR_PORT, which run_embedded sets
# for the processes it starts). The demo configuration: the person lookup of ЄДДР over SOAP (the passport
# status check is a SOAP service by default), the other registries over REST, so both paths run.
CNAP_TREMBITA = env.json(
    "CNAP_TREMBITA",
    default={
        "ss_base_url": f"http://127.0.0.1:{env.int('EMULATOR_PORT', default=8090)}",
        "services": {"eddr_person": {"protocol": "soap"}},
    },
)
TREMBITA = CNAP_TREMBITA
