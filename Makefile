# Two commands: `make run` (set up everything and serve on SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# PostgreSQL for the second test run: DATABASE_URL if given, else a local server if one answers.
PG_URL ?= $(if $(DATABASE_URL),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/portal)
DEV_ENV := DJANGO_DEBUG=1 DJANGO_MFA_REQUIRED=0

.PHONY: run serve install migrate demo test test-sqlite test-postgres check clean backup restore bench loadtest lint format

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput

demo: migrate
	$(DEV_ENV) $(PY) manage.py load_demo

run: demo
	@echo "Портал: http://$(HOST):$(PORT)/  кабинет: http://$(HOST):$(PORT)/admin/  (демо-входы: admin, moderator, sayanogorsk, kogalym; пароль demo)"
	$(DEV_ENV) PORTAL_BASE_URL=http://$(HOST):$(PORT) $(PY) manage.py runserver $(HOST):$(PORT)

# Production mode without Docker: the same entrypoint as the image (wait for the database,
# migrate, collectstatic, gunicorn with gunicorn.conf.py), DEBUG off, against PostgreSQL.
# A throwaway secret key is kept in .secret_key (git-ignored) unless DJANGO_SECRET_KEY is set.
SERVE_DB ?= $(if $(DATABASE_URL),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/portal)
serve: install
	@test -f .secret_key || $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > .secret_key
	DATABASE_URL=$(SERVE_DB) \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$(cat .secret_key)} \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-localhost,127.0.0.1} \
	DJANGO_SECURE_SSL_REDIRECT=$${DJANGO_SECURE_SSL_REDIRECT:-0} \
	GUNICORN_BIND=$${GUNICORN_BIND:-127.0.0.1:8000} \
	PYTHON=$(PY) sh scripts/entrypoint.sh

# The whole suite on SQLite, then on PostgreSQL when one is available
# (REQUIRE_POSTGRES=1, as CI sets it, makes a missing PostgreSQL an error).
test: install test-sqlite test-postgres

test-sqlite: install
	env -u DATABASE_URL $(PY) -m pytest

test-postgres: install
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== PostgreSQL: $(PG_URL)"; \
		DATABASE_URL=$(PG_URL) $(PY) -m pytest; \
	elif [ "$(REQUIRE_POSTGRES)" = "1" ]; then \
		echo "PostgreSQL at $(PG_URL) is required but does not answer" >&2; exit 1; \
	else \
		echo "== PostgreSQL not available at $(PG_URL): skipped the PostgreSQL run"; \
	fi

# Lint and format (pyproject.toml [tool.ruff]): `make lint` checks (CI runs it), `make format` rewrites.
# django-upgrade rewrites old Django idioms and exits 1 when it did; djhtml indents the templates.
LINT_PY = git ls-files '*.py' ':!:*/migrations/*'
LINT_HTML = git ls-files 'templates/*.html' '*/templates/*.html'

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(LINT_PY) | xargs $(VENV)/bin/django-upgrade --target-version 5.2
	$(LINT_HTML) | xargs $(VENV)/bin/djhtml --check

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(LINT_PY) | xargs $(VENV)/bin/django-upgrade --target-version 5.2 || true
	$(LINT_HTML) | xargs $(VENV)/bin/djhtml

check: install
	$(DEV_ENV) $(PY) manage.py check
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

# Backup and restore of the portal's data (accounts with password hashes and roles,
# municipalities, reports, items, events, all history) against the same database as
# `make serve` (DATABASE_URL, else the local PostgreSQL database "portal"):
#   make backup                     -> backups/portal-YYYYmmdd-HHMMSS.json.gz (OUTPUT=path to choose)
#   make restore FILE=backups/….json.gz   into a new database (migrated first); REPLACE=1 wipes
#                                   the current portal data first (asks to confirm; YES=1 does not)
# For very large installations pg_dump -Fc / pg_restore is faster (see README).
# The commands sign nothing, so without DJANGO_SECRET_KEY or .secret_key any key will do.
BACKUP_ENV = DATABASE_URL=$(SERVE_DB) \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$(cat .secret_key 2>/dev/null || $(PY) -c "import secrets; print(secrets.token_urlsafe(50))")} \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-localhost,127.0.0.1}

backup: install
	$(BACKUP_ENV) $(PY) manage.py backup_portal $(if $(OUTPUT),--output "$(OUTPUT)")

restore: install
	@test -n "$(FILE)" || { echo "Укажите файл копии: make restore FILE=backups/portal-….json.gz" >&2; exit 2; }
	$(BACKUP_ENV) $(PY) manage.py migrate --noinput
	$(BACKUP_ENV) $(PY) manage.py restore_portal "$(FILE)" $(if $(REPLACE),--replace) $(if $(YES),--yes)

# Benchmark and load tests (docs/performance.md): gunicorn with the production settings on a
# loopback port against PostgreSQL, wrk (Debian package `wrk`) as the load generator.
#   make bench                       all public pages vs a trivial 20 KB view -> docs/bench-<N>.md
#   make bench BENCH_REPORTS=350000  the same at 350 000 reports (generation takes tens of minutes)
#   make loadtest                    60 s at 64 connections on report and search pages, then a
#                                    worker killed mid-load (exit status 1 if any check fails)
# The database BENCH_DB is created and migrated if needed and refilled by generate_demo_data
# (BENCH_REPORTS reports = BENCH_REPORTS / BENCH_YEARS municipalities × BENCH_YEARS years)
# when it holds a different number of reports. Redis database 15 is flushed (BENCH_CACHE_URL).
# More options: BENCH_ARGS="--duration 30 --connections 32", LOADTEST_ARGS="--duration 30";
# see `$(PY) -m devtools.bench --help`.
BENCH_DB ?= postgres://postgres@127.0.0.1:5432/portal_bench
BENCH_REPORTS ?= 40000
BENCH_YEARS ?= 20
BENCH_DATA = --database-url "$(BENCH_DB)" --ensure-reports $(BENCH_REPORTS) --years $(BENCH_YEARS)

bench: install
	$(PY) -m devtools.bench $(BENCH_DATA) $(BENCH_ARGS)

loadtest: install
	$(PY) -m devtools.loadtest $(BENCH_DATA) $(LOADTEST_ARGS)
