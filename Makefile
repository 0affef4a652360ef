# sitaware: `make demo` serves the dashboard, `make test` runs the whole suite.
# Both install what is missing first; a second run reinstalls and reloads nothing.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.sitaware-installed
HOST   ?= 127.0.0.1
PORT   ?= 8050
CHROMIUM := /usr/bin/chromium
IS_ROOT  := $(shell [ "$$(id -u)" = 0 ] && echo yes)

.PHONY: help demo test setup db lint typecheck pytest dev serve browser system-python clean plotly-bundle

help:
	@echo "make demo   - install what is missing, start PostGIS, load data, serve http://$(HOST):$(PORT)"
	@echo "make test   - the same set-up without serving, then lint, type checks and pytest"
	@echo "make dev    - the dashboard in Dash debug mode (development only)"
	@echo "make clean  - stop the local database and remove .venv and .sitaware"
	@echo "make plotly-bundle - rebuild the partial plotly.js the dashboard serves (npm)"

system-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "sitaware needs Python >= 3.11 (found $$($(PYTHON) --version))"; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
	  if [ "$(IS_ROOT)" = yes ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv; \
	  else echo "missing venv/ensurepip; install with: sudo apt-get install -y python3-venv"; exit 1; fi; }

$(STAMP): pyproject.toml requirements.lock | system-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip wheel
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)
	$(BIN)/sitaware db up
	$(BIN)/sitaware db migrate
	$(BIN)/sitaware geodata load-reference
	$(BIN)/sitaware user bootstrap-admin

# Debian's Chromium drives the browser tests (Playwright with its executable path set).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$(IS_ROOT)" = yes ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium \
	    || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; }; \
	  else echo "browser tests need Chromium: sudo apt-get install -y chromium"; exit 1; fi; fi

# Plain http on loopback: the session cookie cannot carry the Secure flag there.
demo: setup
	$(BIN)/sitaware demo load
	SITAWARE_COOKIE_SECURE=false $(BIN)/sitaware serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy geodata etl

pytest: setup browser
	$(BIN)/pytest

test: lint typecheck pytest

dev: setup
	SITAWARE_COOKIE_SECURE=false $(BIN)/python -c "from dashboard.app import create_app; create_app().run(host='$(HOST)', port=$(PORT), debug=True)"

plotly-bundle:  # rebuild dashboard/vendor/plotly-sitaware.min.js (needs npm and the registry)
	cd tools/plotly-bundle && npm ci --no-audit --no-fund && npm run build

clean:
	-$(BIN)/sitaware db down
	@# the cluster may live outside the checkout (see geodata/localdb.py); .sitaware/pg links to it
	if [ -L .sitaware/pg ]; then rm -rf "$$(readlink -f .sitaware/pg)"; fi
	rm -rf $(VENV) .sitaware
