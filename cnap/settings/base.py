"""Settings shared by every run mode. The mode modules (embedded, production, test) import this
and set the database, broker, cache and security settings that differ between them.

The workstation's own settings are named ``CNAP_*``; each is read from the environment variable of the same
name, with the default and a one-line comment here (docs/deployment.md lists them all; a test keeps the two
lists equal). CNAP_DEMO_ALLOWED alone is not read from the environment: the run mode decides it."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Runtime data that is not in git: the SQLite database, private files, the embedded broker.
CNAP_VAR_DIR = Path(env("CNAP_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR = CNAP_VAR_DIR

# https://docs.djangoproject.com/en/5.2/ref/settings/#installed-apps
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_filters",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "cnap.core",
    "cnap.accounts",
    "cnap.security",
    "cnap.exchange",
    "services",
    "applications",
    "registry",
    "notifications",
    "reporting",
    "equeue",
    "rest_framework",
    "drf_spectacular",
    "api",
]
# Install the development-only app `demo` (demo data, load data, the embedded runner); embedded/test: always.
CNAP_DEVELOPMENT_TOOLS = env.bool("CNAP_DEVELOPMENT_TOOLS", default=False)
DEVELOPMENT_APPS = ["demo"]
if CNAP_DEVELOPMENT_TOOLS:
    INSTALLED_APPS += DEVELOPMENT_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # The second factor and the absolute session lifetime (cnap/security/middleware.py).
    "cnap.security.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "cnap.security.middleware.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# `make bench` only: the framework-floor page (bench/floor/) and the CPU time of every request in a
# Server-Timing header (cnap/core/bench.py). Off unless the environment switches it on; `check --deploy`
# warns when it is on.
CNAP_BENCH = env.bool("CNAP_BENCH", default=False)
if CNAP_BENCH:
    MIDDLEWARE = ["cnap.core.bench.ServerTimingMiddleware", *MIDDLEWARE]

ROOT_URLCONF = "cnap.urls"
WSGI_APPLICATION = "cnap.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cnap.core.context_processors.workstation",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it counts failed logins and refuses locked-out ones before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Ukrainian first, English second; dates as 27.11.2026 (cnap/formats/).
LANGUAGE_CODE = "uk"
LANGUAGES = [("uk", _("Ukrainian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["cnap.formats"]
TIME_ZONE = "Europe/Kyiv"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Scans, receipts and registry extracts are personal data: stored outside any public URL and
# served only through permission-checked views.
CNAP_PRIVATE_MEDIA_ROOT = Path(env("CNAP_PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
PRIVATE_MEDIA_ROOT = CNAP_PRIVATE_MEDIA_ROOT
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
# The largest scan accepted, in bytes.
CNAP_MAX_SCAN_BYTES = env.int("CNAP_MAX_SCAN_BYTES", default=20 * 1024 * 1024)
# Scans uploaded with a registration form that failed are kept this long for the corrected submit.
CNAP_STAGED_UPLOAD_HOURS = env.int("CNAP_STAGED_UPLOAD_HOURS", default=12)
# All the scans of one registration together (applications/uploads.py).
CNAP_MAX_REGISTRATION_BYTES = env.int("CNAP_MAX_REGISTRATION_BYTES", default=50 * 1024 * 1024)
# Mode of stored files (scans, printed documents): 0600, or 0640 where a backup or web-server group reads them.
CNAP_FILE_MODE = env("CNAP_FILE_MODE", default="0600")
FILE_UPLOAD_PERMISSIONS = int(CNAP_FILE_MODE, 8)
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750 if FILE_UPLOAD_PERMISSIONS & 0o040 else 0o700

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Public holidays are working days while martial law lasts (Law 2136-IX): due dates count them.
CNAP_MARTIAL_LAW = env.bool("CNAP_MARTIAL_LAW", default=True)
# The public address printed on receipts and encoded in their QR codes.
CNAP_SITE_URL = env("CNAP_SITE_URL", default="http://127.0.0.1:8000")


def check_site_url(value: str) -> str:
    """Production's CNAP_SITE_URL: an http(s) address of a real host (not loopback), no trailing slash."""
    from urllib.parse import urlsplit

    from django.core.exceptions import ImproperlyConfigured

    parts = urlsplit(value.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host or host in ("localhost", "127.0.0.1", "::1", "0.0.0.0"):
        raise ImproperlyConfigured(
            f"CNAP_SITE_URL must be the public address of the site, e.g. https://cnap.example.gov.ua (got {value!r}): "
            "it is printed on receipts and in their QR codes."
        )
    return value.strip().rstrip("/")


# seed_demo creates users with known passwords: only where this is True (the run mode sets it, never the env).
CNAP_DEMO_ALLOWED = False
# How long a community head's stated reason shows one case's full personal data (applications/access.py).
CNAP_REVEAL_SECONDS = env.int("CNAP_REVEAL_SECONDS", default=15 * 60)
# How long the pick link of an exact applicant search at the counter stays valid (applications/access.py).
CNAP_PICK_GRANT_SECONDS = env.int("CNAP_PICK_GRANT_SECONDS", default=30 * 60)
# The embedded mode may listen on the network while demo users have the published password (demo/run_embedded).
CNAP_ALLOW_DEMO_ON_NETWORK = env.bool("CNAP_ALLOW_DEMO_ON_NETWORK", default=False)

# Security (docs/security.md). Sessions: the cookie lives SESSION_COOKIE_AGE seconds after the last
# request (saved on every request: an idle timeout, ASVS 3.3.2: 30 minutes), and at most
# CNAP_SESSION_MAX_SECONDS after the login, however active (cnap/security/middleware.py).
# Idle session timeout, seconds.
CNAP_SESSION_SECONDS = env.int("CNAP_SESSION_SECONDS", default=30 * 60)
# Absolute session lifetime after the login, seconds.
CNAP_SESSION_MAX_SECONDS = env.int("CNAP_SESSION_MAX_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = CNAP_SESSION_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Staff log in with a password and a TOTP code (django-otp); the embedded demo mode may switch it off.
CNAP_REQUIRE_2FA = env.bool("CNAP_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = "ЦНАП"
OTP_TOTP_THROTTLE_FACTOR = 1
# django-axes: 10 failed logins for one user name from one address lock that pair out for 15 minutes
# (never for good: ASVS 2.2.1 without a self-inflicted denial of service); a success resets the count.
# Failed logins (one user name, one address) before a lockout.
CNAP_LOGIN_FAILURE_LIMIT = env.int("CNAP_LOGIN_FAILURE_LIMIT", default=10)
# Minutes a lockout lasts.
CNAP_LOGIN_COOLOFF_MINUTES = env.int("CNAP_LOGIN_COOLOFF_MINUTES", default=15)
AXES_FAILURE_LIMIT = CNAP_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=CNAP_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cnap.security.lockout.lockout_response"  # the Ukrainian page with the minutes left
AXES_CLIENT_IP_CALLABLE = "cnap.security.client_ip.client_ip"
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]
# The lockout answer to a script's login names no foreign origin (axes' default is "*").
AXES_ALLOWED_CORS_ORIGINS = ""
# How many reverse proxies in front of the site append to X-Forwarded-For (0: use REMOTE_ADDR); the
# one client-IP rule of cnap/security/client_ip.py reads it (status page, API throttles, axes, logs).
CNAP_PROXY_COUNT = env.int("CNAP_PROXY_COUNT", default=0)
# Lookups on the public status page allowed per client address and window.
CNAP_STATUS_RATE_LIMIT = env.int("CNAP_STATUS_RATE_LIMIT", default=20)
# The window of that limit, seconds.
CNAP_STATUS_RATE_WINDOW = env.int("CNAP_STATUS_RATE_WINDOW", default=600)
# Tickets a kiosk of the electronic queue may issue per window (taps beyond it get a friendly wait message).
CNAP_QUEUE_KIOSK_RATE_LIMIT = env.int("CNAP_QUEUE_KIOSK_RATE_LIMIT", default=10)
# The window of that limit, seconds.
CNAP_QUEUE_KIOSK_RATE_WINDOW = env.int("CNAP_QUEUE_KIOSK_RATE_WINDOW", default=60)
# Booked visits: how many days ahead a visit can be booked (today counts as day 0).
CNAP_QUEUE_BOOKING_DAYS_AHEAD = env.int("CNAP_QUEUE_BOOKING_DAYS_AHEAD", default=14)
# Visits one phone number (or e-mail) may book for one day.
CNAP_QUEUE_BOOKINGS_PER_CONTACT_PER_DAY = env.int("CNAP_QUEUE_BOOKINGS_PER_CONTACT_PER_DAY", default=2)
# Bookings sent from one client address per window on the public booking page.
CNAP_QUEUE_BOOKING_RATE_LIMIT = env.int("CNAP_QUEUE_BOOKING_RATE_LIMIT", default=10)
# The window of that limit, seconds.
CNAP_QUEUE_BOOKING_RATE_WINDOW = env.int("CNAP_QUEUE_BOOKING_RATE_WINDOW", default=3600)
# A booked visit's name, phone and e-mail are erased this many days after the visit (monthly retention).
CNAP_QUEUE_BOOKING_KEEP_DAYS = env.int("CNAP_QUEUE_BOOKING_KEEP_DAYS", default=90)
# Content-Security-Policy (django-csp 4): no inline scripts or styles anywhere; JS lives in static/js/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
# Scans and registry responses of closed cases are removed this many days after the closing
# (apply_retention, monthly); the rows stay with removed_at set.
CNAP_RETENTION_DAYS = env.int("CNAP_RETENTION_DAYS", default=1826)

# The Trembita security server, client identity and registries' service ids, as JSON over the defaults of
# cnap/exchange/conf.py (docs/exchange.md).
CNAP_TREMBITA = env.json("CNAP_TREMBITA", default={})
TREMBITA = CNAP_TREMBITA

# Notices to applicants: the SMS backend class (docs/notifications.md), and retries of a failed send.
CNAP_SMS_BACKEND = env("CNAP_SMS_BACKEND", default="notifications.sms.LoggingSmsBackend")
# How many times a notice whose sending failed transiently is retried.
CNAP_NOTIFICATION_MAX_RETRIES = env.int("CNAP_NOTIFICATION_MAX_RETRIES", default=5)
# The first retry's delay in seconds, doubled on each retry.
CNAP_NOTIFICATION_RETRY_DELAY = env.int("CNAP_NOTIFICATION_RETRY_DELAY", default=60)

# Celery (docs/deployment.md). The broker URL is set by each run mode.
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_ACKS_ON_FAILURE_OR_TIMEOUT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Survives a lost broker connection with tasks running (cnap/celery.py, docs/deployment.md).
CELERY_WORKER_CONSUMER = "cnap.celery:Consumer"
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = 10.0
CELERY_WORKER_MAX_TASKS_PER_CHILD = 1000
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "cnap.exchange.*": {"queue": "registry"},
    "registry.tasks.run_registry_request": {"queue": "registry"},
    "registry.tasks.fetch_registry_evidence": {"queue": "registry"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Longer than the longest task (time limit 180 s) plus retries' countdowns; see docs/deployment.md.
CELERY_VISIBILITY_TIMEOUT = 3600
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "cnap.core.tasks.record_heartbeat", "schedule": 30.0},
    # The same heartbeat through the registry queue: /healthz sees a dead registry worker.
    "registry-worker-heartbeat": {
        "task": "cnap.core.tasks.record_heartbeat",
        "schedule": 30.0,
        "kwargs": {"queue": "registry"},
        "options": {"queue": "registry"},
    },
    # Does our Трембіта security server answer? (runs on the registry queue: cnap.exchange.* is routed there)
    "trembita-probe": {"task": "cnap.exchange.tasks.probe_security_server", "schedule": 60.0},
    "registry-sweeper": {"task": "registry.tasks.sweep_registry_requests", "schedule": 60.0},
    # Signed evidence (ASiC) of completed lookups that could not be fetched yet.
    "registry-evidence": {"task": "registry.tasks.retry_registry_evidence", "schedule": 300.0},
    # Notifications whose task was lost (broker down at commit) are sent again.
    "notification-sweeper": {
        "task": "notifications.tasks.resend_pending_notifications",
        "schedule": 600.0,
    },
    # Retention of personal data (docs/security.md): monthly, 1st day 03:15 Kyiv time.
    "apply-retention": {
        "task": "cnap.security.tasks.apply_retention",
        "schedule": crontab(day_of_month=1, hour=3, minute=15),
    },
    # Dashboards and deadline control: mark overdue cases and notify at 06:00, rebuild the
    # summary tables at 02:30 (Kyiv time).
    "mark-overdue": {"task": "applications.tasks.mark_overdue_daily", "schedule": crontab(hour=6, minute=0)},
    "rebuild-stats": {"task": "reporting.tasks.rebuild_stats_nightly", "schedule": crontab(hour=2, minute=30)},
    # Scans staged by registration forms that were never sent again, and old one-time form tokens.
    "purge-staged-uploads": {"task": "applications.tasks.purge_staged_uploads", "schedule": crontab(minute=20)},
    "purge-form-tokens": {"task": "cnap.core.tasks.purge_form_tokens", "schedule": crontab(hour=3, minute=40)},
    # Booked visits not checked in by the end of their check-in window become no-shows; lost confirmations
    # are sent again.
    "queue-booking-no-shows": {"task": "equeue.tasks.mark_booking_no_shows", "schedule": 300.0},
    # The electronic queue: tickets of past days left open are closed (no-show, not served).
    "close-queue-days": {"task": "equeue.tasks.close_past_queue_days", "schedule": crontab(hour=0, minute=30)},
}
# A worker that has not written its heartbeat within this many seconds counts as down in /healthz.
CNAP_HEARTBEAT_MAX_AGE = env.int("CNAP_HEARTBEAT_MAX_AGE", default=120)
# The last probe of the Трембіта security server older than this counts as "not answering" (/healthz degraded).
CNAP_TREMBITA_PROBE_MAX_AGE = env.int("CNAP_TREMBITA_PROBE_MAX_AGE", default=180)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Tax numbers, tokens and passwords never reach a log (cnap/security/log_filters.py).
    "filters": {"mask_personal_data": {"()": "cnap.security.log_filters.MaskPersonalData"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_personal_data"]}
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# The REST API for portals and other systems (api/): JSON only, one error body, cursor pages, rate limits.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsApiClient"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiClientThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.handler",
    "UNAUTHENTICATED_USER": None,
    "PAGE_SIZE": 20,
}
# A JSON body larger than this is refused with a 400 (api/parsers.py).
CNAP_API_MAX_BODY_BYTES = env.int("CNAP_API_MAX_BODY_BYTES", default=1024 * 1024)
# A JSON body nested deeper than this is refused with a 400 (api/parsers.py).
CNAP_API_MAX_JSON_DEPTH = env.int("CNAP_API_MAX_JSON_DEPTH", default=20)
# REST API requests allowed per token.
CNAP_API_RATE_CLIENT = env("CNAP_API_RATE_CLIENT", default="120/min")
# REST API requests allowed per address for the public catalog (no token).
CNAP_API_RATE_ANONYMOUS = env("CNAP_API_RATE_ANONYMOUS", default="60/min")
CNAP_API_RATES = {"api_client": CNAP_API_RATE_CLIENT, "anonymous": CNAP_API_RATE_ANONYMOUS}
SPECTACULAR_SETTINGS = {
    "TITLE": "ЦНАП API",
    "DESCRIPTION": "Каталог адміністративних послуг (відкритий) і подання е-заяв, статуси справ, попередній запис "
    "до електронної черги (за токеном).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "applications.constants.ApplicationStatus.choices",
        "ApplicantKindEnum": "applications.constants.ApplicantKind.choices",
        "DocumentKindEnum": "services.constants.DocumentKind.choices",
        "OfficeKindEnum": "cnap.accounts.constants.OfficeKind.choices",
        "TermUnitEnum": "cnap.workdays.TermUnit.choices",
    },
}
