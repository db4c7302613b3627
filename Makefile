# Two commands: `make run` (the app with demo data) and `make test` (every check).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export DATABASE_ADMIN_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export TEST_APP_DATABASE_URL ?= postgres://influencer_ops@127.0.0.1:5432/influencer_ops

.PHONY: install run test lint types pytest browser-deps redis-deps pgbouncer-deps gettext-deps db-role fmt clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) -m config.devrun

# Debian's Chromium for the browser tests (never Playwright's own download).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing and cannot be installed here" >&2; exit 1; fi; \
	fi

# Debian's redis-server for the click crash tests, which start, kill and restart their own
# (tests/tracking/test_clicks_crash.py; the shared Redis is never stopped).
redis-deps:
	@if ! command -v redis-server >/dev/null; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's redis-server for the click crash tests…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	  else echo "redis-server missing and cannot be installed here" >&2; exit 1; fi; \
	fi

# Debian's pgbouncer for the test that runs the tenancy leak checks through a transaction-mode
# pool (tests/core/test_pgbouncer.py starts its own on a free loopback port).
pgbouncer-deps:
	@if ! command -v pgbouncer >/dev/null && [ ! -x /usr/sbin/pgbouncer ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's pgbouncer for the pooled tenancy test…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null; \
	  else echo "pgbouncer missing and cannot be installed here" >&2; exit 1; fi; \
	fi

# GNU gettext (xgettext, msgfmt) for `manage.py makemessages` / `compilemessages` and the test
# that runs makemessages (tests/core/test_i18n.py).
gettext-deps:
	@if ! command -v xgettext >/dev/null; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing GNU gettext for the translation catalogues…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	  else echo "xgettext missing and cannot be installed here" >&2; exit 1; fi; \
	fi

# The non-superuser, NOBYPASSRLS role the app (and its tests) connect as.
db-role: install
	@if [ -z "$$DATABASE_URL" ]; then $(PY) -m config.dbsetup --app-url "$$TEST_APP_DATABASE_URL"; fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo

types: install
	$(VENV)/bin/mypy .

pytest: install browser-deps redis-deps pgbouncer-deps gettext-deps db-role
	$(VENV)/bin/pytest -n 2

test: lint types pytest

fmt: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf .data
