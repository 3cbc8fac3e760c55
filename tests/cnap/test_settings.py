"""The run modes: the production profile fails closed and passes `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "k9#2vQ!x7LmP0zR$4tYw8sB1nC6dF3gH5jK-production-like-secret",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/cnap",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "cnap.example.gov.ua",
    "CNAP_SITE_URL": "https://cnap.example.gov.ua",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION_ENV and key not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(**overrides: str | None) -> dict[str, str]:
    env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "cnap.settings.production"}
    for key, value in overrides.items():
        if value is None:
            env.pop(key)
        else:
            env[key] = value
    return env


def test_production_check_deploy_is_clean():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", env=production(SECRET_KEY=None))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", env=production(ALLOWED_HOSTS=None))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_refuses_to_start_without_a_database_url():
    result = run_manage("check", env=production(DATABASE_URL=None))
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_has_debug_off_and_secure_cookies():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, s.X_FRAME_OPTIONS)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=production())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "DENY"]


def test_embedded_default_needs_no_services(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.LANGUAGE_CODE, s.TIME_ZONE)"
    )
    env = {"CNAP_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "cnap.settings.embedded"}
    result = run_manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem://", "uk", "Europe/Kyiv"]
    assert (tmp_path / "secret_key").exists()


def test_templates_are_compiled_once_per_process():
    """No `loaders` option in TEMPLATES: Django wraps the loaders in its cached loader, so a worker parses
    each template once (production, tests and `make run` share base.py's TEMPLATES)."""
    from django.template import engines
    from django.template.loaders.cached import Loader

    from cnap.settings import base

    assert "loaders" not in base.TEMPLATES[0]["OPTIONS"]
    assert isinstance(engines["django"].engine.template_loaders[0], Loader)
