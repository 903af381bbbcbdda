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

.PHONY: install demo test test-sqlite test-postgres quality format bench clean

# Idempotent: creates .venv once, then syncs it to uv.lock exactly (uv is in the lock too).
install: $(UV)
	@$(UV) sync --frozen --quiet

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

demo: install
	$(BIN)/maillage migrate --no-input
	$(BIN)/maillage demo
	$(BIN)/maillage runserver $(HOST):$(PORT)

test: install test-sqlite test-postgres

test-sqlite:
	$(BIN)/pytest -p no:cacheprovider

# A throwaway cluster (initdb + pg_ctl on a private port) lives only for this run.
test-postgres:
	$(BIN)/python scripts/throwaway_postgres.py -- $(BIN)/pytest -p no:cacheprovider

quality: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/maillage makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var/test-*
