# The two commands of the README: `make run` and `make test`. See README.md.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The registry emulator's port for `make run` (empty: PORT + 90, or a free port when that one is taken).
EMULATOR_PORT ?=

.PHONY: run test check lint format bench bench-quick services test-deps messages clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## make run: the whole workstation on its embedded default (SQLite, worker, beat, emulator, demo data).
run: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py run_embedded --host $(HOST) --port $(PORT) $(if $(EMULATOR_PORT),--emulator-port $(EMULATOR_PORT),)

## make test: installs what the tests need (Chromium, PostgreSQL, Redis), starts them, runs the whole suite.
test: $(VENV)/.dev test-deps services
	$(VENV)/bin/pytest

test-deps:
	bash scripts/install-test-deps.sh

services:
	bash scripts/ensure-services.sh

## make check: what CI runs besides the tests (lint, format, types of the typed layers, migrations, deploy check).
check: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run
	SECRET_KEY=$(shell $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))') DATABASE_URL=postgres://postgres@127.0.0.1:5432/cnap \
	REDIS_URL=redis://127.0.0.1:6379/0 ALLOWED_HOSTS=cnap.example.gov.ua CNAP_SITE_URL=https://cnap.example.gov.ua \
	$(PY) manage.py check --deploy --fail-level WARNING --settings=cnap.settings.production

## make bench: the speed targets (docs/benchmarks.md) measured over HTTP at 1 M applications (bench/run.py, writes docs/benchmarks.md).
## make bench-quick (or make bench QUICK=1): the same at 50 k applications, under 10 minutes.
bench: $(VENV)/.dev services
	$(PY) bench/run.py $(if $(QUICK),--quick,)

bench-quick: $(VENV)/.dev services
	$(PY) bench/run.py --quick

lint: check

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## make messages: refresh the Ukrainian catalogue after changing UI strings.
messages: $(VENV)/.dev
	$(PY) manage.py makemessages -l uk --ignore=.venv --ignore=var --ignore=staticfiles --no-obsolete --no-location
	$(PY) manage.py compilemessages -l uk --ignore=.venv

clean:
	rm -rf var/broker var/cache var/test-logs staticfiles
