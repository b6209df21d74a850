# Watchkeeper — `make run` to start it, `make test` to check everything. `make help` lists targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMPS := .make
STATIC_VENDOR := src/watchkeeper/web/ui/static/vendor
CHROMIUM ?= /usr/bin/chromium
ALERTMANAGER ?= /usr/bin/prometheus-alertmanager
PYTEST_ARGS ?=
WORKERS ?= auto

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help run install install-dev assets browser alertmanager oidc-provider check lint format typecheck contracts test test-fast clean migration

help: ## List the targets
	@awk -F ':.*## ' '/^[a-z-]+:.*## / { printf "  %-12s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

run: install assets ## Install and start the server on SQLite in ./var (DEMO=1 adds demo data)
	$(BIN)/watchkeeper serve $(if $(DEMO),--demo,)

test: install-dev assets browser alertmanager oidc-provider check ## Install dev tools, run lint, types, contracts and the whole suite
	$(BIN)/pytest -n $(WORKERS) $(PYTEST_ARGS)

test-fast: install-dev assets ## The suite without the browser and end-to-end tests
	$(BIN)/pytest -n $(WORKERS) -m "not e2e and not browser" $(PYTEST_ARGS)

check: lint typecheck contracts ## Lint, format check, mypy --strict, import contracts

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: install-dev ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

typecheck: install-dev
	$(BIN)/mypy

contracts: install-dev
	$(BIN)/lint-imports

install: $(STAMPS)/install ## Create the virtualenv and install the package

install-dev: $(STAMPS)/install-dev ## Also install the test and lint tools

assets: $(STAMPS)/assets ## Install front-end packages from npm and copy them into the static folder

browser: ## Make sure Debian's chromium is there for the browser tests (installs it as root)
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium for the browser tests"; \
		(apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || \
		 (apt-get update >/dev/null && apt-get install -y --no-install-recommends chromium >/dev/null)); \
	else echo "chromium is missing and cannot be installed here: browser tests will skip (fail under CI=true)"; fi

alertmanager: ## Make sure Debian's prometheus-alertmanager and amtool are there for the peer tests (installs it as root)
	@if [ -x "$(ALERTMANAGER)" ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's prometheus-alertmanager for the peer tests"; \
		(apt-get install -y --no-install-recommends prometheus-alertmanager >/dev/null 2>&1 || \
		 (apt-get update >/dev/null && apt-get install -y --no-install-recommends prometheus-alertmanager >/dev/null)); \
	else echo "prometheus-alertmanager is missing and cannot be installed here: its peer tests will skip (fail under CI=true)"; fi

oidc-provider: $(STAMPS)/oidc-provider ## Install the OpenID Connect provider (npm) the single sign-on tests run

$(STAMPS)/oidc-provider: tests/peers/oidc/package.json tests/peers/oidc/package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --prefix tests/peers/oidc --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMPS)/install: pyproject.toml | $(BIN)/python
	@mkdir -p $(STAMPS)
	$(BIN)/pip install --quiet -e .
	@touch $@

$(STAMPS)/install-dev: pyproject.toml $(STAMPS)/install
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

$(STAMPS)/assets: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(STATIC_VENDOR)
	mkdir -p $(STATIC_VENDOR)/htmx $(STATIC_VENDOR)/pico $(STATIC_VENDOR)/chartjs $(STATIC_VENDOR)/swagger-ui \
		$(STATIC_VENDOR)/axe
	cp node_modules/htmx.org/dist/htmx.min.js $(STATIC_VENDOR)/htmx/
	cp node_modules/@picocss/pico/css/pico.min.css $(STATIC_VENDOR)/pico/
	cp node_modules/chart.js/dist/chart.umd.min.js $(STATIC_VENDOR)/chartjs/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
		$(STATIC_VENDOR)/swagger-ui/
	cp node_modules/axe-core/axe.min.js $(STATIC_VENDOR)/axe/  # the browser tests' accessibility check
	@touch $@

migration: install-dev ## Autogenerate a migration: make migration m="what changed"
	$(BIN)/python -m watchkeeper db revision -m "$(m)"

clean: ## Remove the virtualenv, caches and installed assets (keeps ./var)
	rm -rf $(VENV) $(STAMPS) node_modules tests/peers/oidc/node_modules $(STATIC_VENDOR) .mypy_cache .ruff_cache .pytest_cache
