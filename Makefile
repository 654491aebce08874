# veille: two commands on a fresh machine, `make demo` and `make test`.
# Each target creates or updates the virtual environment in .venv/ from requirements.lock
# (generated with: uv pip compile pyproject.toml --extra dev --extra bench --extra spark -o requirements.lock).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/veille

.PHONY: gettext demo serve test test-sqlite test-postgres test-browser screenshots bench lint fmt typecheck messages venv clean browser-deps system-deps setup bytecode

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

## demo: migrate a SQLite database in ./var/, load the shipped data, serve http://$(HOST):$(PORT)
## through the ASGI server (uvicorn workers under gunicorn: an open live stream holds no thread)
demo: venv bytecode gettext
	$(BIN)/veille migrate --noinput -v0
	$(BIN)/veille compilemessages -v0 --ignore=.venv
	$(BIN)/veille collectstatic --noinput -v0
	$(BIN)/veille demo
	@echo ""
	@echo "  veille is served on http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@echo "  a synthetic AIS feed is replayed through the live readers, a fresh one every five minutes"
	@echo "  until veille stops: open /arctic/ to see its alerts arrive (the feed's log is under the"
	@echo "  AIS store, demo-feed/)"
	@echo ""
	@$(BIN)/veille demo --feed --loop --quiet > /dev/null & feed=$$!; \
	  trap 'kill -TERM $$feed 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn veille.asgi:application -k uvicorn_worker.UvicornWorker --bind $(HOST):$(PORT) \
	  --workers 2 --timeout 120 --graceful-timeout 5 --access-logfile - --forwarded-allow-ips=127.0.0.1

## setup: an instance for real use (docs/operations.md): migrate, compile messages, collect static
## files, create the first coordinator (asked on the terminal); run it again after each upgrade
setup: venv bytecode gettext
	$(BIN)/veille setup

## test: the whole suite on SQLite and on PostgreSQL, then the browser tests in Chromium
test: venv system-deps
	$(BIN)/veille compilemessages -v0 --ignore=.venv
	$(MAKE) --no-print-directory test-sqlite test-postgres test-browser

test-sqlite: venv
	VEILLE_TEST_DB=sqlite $(BIN)/pytest -m "not browser" -q -p no:cacheprovider

test-postgres: venv system-deps
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL does not answer on 127.0.0.1:5432 (.ci/run starts it)"; exit 1; }
	VEILLE_TEST_DB=postgres VEILLE_TEST_POSTGRES_URL=$(PG_URL) $(BIN)/pytest -m "not browser" -q -p no:cacheprovider

test-browser: venv system-deps
	VEILLE_TEST_DB=sqlite $(BIN)/pytest -m browser -q -p no:cacheprovider

# the browser tests, writing their screenshots to docs/screenshots/ (otherwise var/screenshots/)
screenshots: venv system-deps
	SCREENSHOTS_DIR=docs/screenshots VEILLE_TEST_DB=sqlite $(BIN)/pytest -m browser -q -p no:cacheprovider

# veille's own bytecode, as installing a wheel writes it: an editable install writes none, and with
# PYTHONDONTWRITEBYTECODE set every command would compile veille's modules again (50 ms a start)
bytecode: venv
	@$(BIN)/python -m compileall -q -j 0 src > /dev/null

gettext:
	@command -v msgfmt >/dev/null || { echo "installing Debian package gettext (msgfmt)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext) >/dev/null; }

## system-deps: the Debian packages `make test` needs, each installed when its command is missing:
## Chromium and its driver (browser tests; never a downloaded browser build), gettext (msgfmt), Java
## (Spark tests), postgresql-client (pg_dump and pg_restore for `veille backup|restore`)
SYSTEM_DEPS := chromium:chromium chromedriver:chromium-driver msgfmt:gettext java:openjdk-17-jre-headless pg_dump:postgresql-client pg_restore:postgresql-client
SUDO := $(shell [ "$$(id -u)" = 0 ] || { command -v sudo >/dev/null && echo sudo; })
system-deps:
	@missing=""; for dep in $(SYSTEM_DEPS); do command -v $${dep%%:*} >/dev/null || missing="$$missing $${dep#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  command -v apt-get >/dev/null || { echo "missing:$$missing (install them: this Makefile knows only apt-get)"; exit 1; }; \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	    || { echo "could not install:$$missing"; exit 1; }; \
	fi

browser-deps: system-deps

bench: venv bytecode
	@for b in bench/[!_]*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done
	@echo "results in docs/benchmarks.md"

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src

typecheck: lint

fmt: venv
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

## messages: refresh the French catalogues (one per app) after changing user-facing text
messages: venv gettext
	@for app in src/veille/*/apps.py; do d=$$(dirname $$app); mkdir -p $$d/locale; \
	  (cd $$d && ../../../$(BIN)/veille makemessages -l fr --no-obsolete --no-location -v0 --ignore='static/vendor/*' --ignore='migrations/*'); done
	@echo "now translate the empty msgstr entries in src/veille/*/locale/fr/LC_MESSAGES/django.po"

clean:
	rm -rf $(VENV) var/static .pytest_cache .mypy_cache .ruff_cache
