# Two commands: `make run` sets up and serves the workbench; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on SQLite, then on this PostgreSQL server when it answers.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/factcheck

.PHONY: run serve test test-sqlite test-postgres test-cluster lint install
.DEFAULT_GOAL := run

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run: make PYTHON=python3.11")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

# Local settings, written once: plain HTTP on this machine with the site's own error pages
# (LOCAL, not DEBUG: Django's debug 404 lists every URL), and a random secret key.
.env:
	@printf 'LOCAL=true\nSECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote .env (LOCAL=true, a random SECRET_KEY) for local use."

run: install .env
	@if grep -qx 'DEBUG=true' .env; then echo "Note: .env sets DEBUG=true, so errors show Django's debug pages (a 404 lists every URL). LOCAL=true in its place serves the site's own."; fi
	$(PY) manage.py migrate --no-input
	$(PY) manage.py setup_demo
	@echo "Serving on http://$(HOST):$(PORT)/  (stop with Ctrl-C)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production: gunicorn with the production settings. Needs SECRET_KEY, ALLOWED_HOSTS and
# DATABASE_URL in the environment (see docs/deploy.md); refuses to start on a deploy warning.
serve: install
	$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input -v0
	exec $(VENV)/bin/gunicorn factcheck.wsgi --config gunicorn.conf.py

lint: install
	$(VENV)/bin/ruff check .

test: lint test-sqlite test-postgres

test-sqlite: install
	@echo "== Test suite on SQLite"
	env -u DATABASE_URL $(PY) -m pytest

test-postgres: install
	@if $(PY) -c 'import sys, psycopg; from urllib.parse import urlsplit as u; x = u(sys.argv[1]); psycopg.connect(host=x.hostname, port=x.port or 5432, user=x.username, password=x.password, dbname="postgres", connect_timeout=3).close()' '$(TEST_DATABASE_URL)' 2>/dev/null; then \
		echo "== Test suite on PostgreSQL ($(TEST_DATABASE_URL))"; \
		DATABASE_URL='$(TEST_DATABASE_URL)' $(PY) -m pytest; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL at $(TEST_DATABASE_URL) does not answer; CI must not skip it." >&2; exit 1; \
	else \
		echo "== SKIPPED the PostgreSQL run: nothing answers at $(TEST_DATABASE_URL)."; \
		echo "   Start PostgreSQL or set TEST_DATABASE_URL to run the suite on it too."; \
	fi

# As root: a primary and a replica, Redis, two app servers and HAProxy on this machine,
# broken in turn while reviewers save (deploy/cluster/); all of it is removed afterwards.
test-cluster: install
	@echo "== Fault test on a local cluster (deploy/cluster)"
	$(PY) -m pytest deploy/cluster -p no:cacheprovider -q -s
