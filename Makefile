# Maillage — the two commands are `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
UV_VERSION := 0.13.9
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_PYTHON_DOWNLOADS := never

.PHONY: install bytecode messages browser-assets demo test test-sqlite test-postgres quality format bench clean

# Idempotent: creates .venv once, then syncs it to uv.lock exactly (uv is in the lock too).
install: $(UV)
	@$(UV) sync --frozen --quiet
	@$(MAKE) --no-print-directory bytecode
	@$(MAKE) --no-print-directory messages
	@$(MAKE) --no-print-directory browser-assets

# Bytecode compiled at install (as pip does; uv does not by default), once per lock for the
# dependencies, and for our own sources (compileall skips unchanged files): every process of
# `make demo` then starts in a third of the CPU time, even where PYTHONDONTWRITEBYTECODE is set.
bytecode: $(VENV)/.bytecode-stamp
	@$(BIN)/python -m compileall -q -j 0 maillage config >/dev/null 2>&1 || true
$(VENV)/.bytecode-stamp: uv.lock
	@$(BIN)/python -m compileall -q -j 0 $(VENV)/lib >/dev/null 2>&1 || true
	@touch $@

# axe-core (accessibility checks of the browser tests) from its npm package, never committed.
AXE := var/node/node_modules/axe-core/axe.min.js
browser-assets:
	@if [ -f $(AXE) ]; then :; elif command -v npm >/dev/null; then \
	  npm install --silent --no-audit --no-fund --prefix var/node axe-core@4; \
	else echo "npm not found (apt-get install npm): the browser accessibility tests will fail."; fi

# Translations: the .po files are committed, the .mo files are built here (gettext's msgfmt).
messages:
	@if command -v msgfmt >/dev/null; then \
	  for po in maillage/locale/*/LC_MESSAGES/django.po; do msgfmt --check -o "$${po%.po}.mo" "$$po"; done; \
	else echo "msgfmt not found (apt-get install gettext): the interface stays in French only."; fi

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

demo: install
	$(BIN)/maillage migrate --no-input
	@# The task queue's consumer (needs: batches, reminders, outcome requests) and the web
	@# server start while the demo is built, on the second core: they are ready when it ends
	@# (bench/demo_start.py). A page opened before the demo prints its address may be partial.
	@# `migrate` has just run the system checks. Both stop with the server (Ctrl-C).
	$(BIN)/maillage run_huey & HUEY_PID=$$!; \
	  $(BIN)/maillage runserver --skip-checks $(HOST):$(PORT) & SERVER_PID=$$!; \
	  trap 'kill $$HUEY_PID $$SERVER_PID 2>/dev/null' EXIT; \
	  $(BIN)/maillage demo --url http://$(HOST):$(PORT)/ && wait $$SERVER_PID

test: install test-sqlite test-postgres

# Every core works (pytest-xdist, one worker per core, at most 8): each worker has its own test
# database (pytest-django's _gw0, _gw1… suffix), data directory (config/settings/test.py) and
# live-server port; docs/decisions/0012-parallel-test-workers.md. `make test-sqlite
# PYTEST_WORKERS=0` runs in one process. The bytecode of every module is cached under var/
# even where the environment says PYTHONDONTWRITEBYTECODE: otherwise each worker and each
# child process a test starts compiles Django and the project again from source.
PYTEST_WORKERS ?= auto
PYTEST_ARGS ?=
PYTEST = env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX=$(abspath var/pycache) \
  $(BIN)/pytest -p no:cacheprovider -n $(PYTEST_WORKERS) --maxprocesses 8 --dist loadgroup $(PYTEST_ARGS)

test-sqlite:
	$(PYTEST)

# A throwaway cluster (initdb + pg_ctl on a private port) lives only for this run.
test-postgres:
	$(BIN)/python scripts/throwaway_postgres.py -- $(PYTEST)

quality: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff format --check .
	$(BIN)/maillage makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var/test-* var/pycache
