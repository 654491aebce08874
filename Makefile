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

.PHONY: gettext demo serve test test-sqlite test-postgres test-browser screenshots bench lint fmt typecheck messages venv clean browser-deps

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

## demo: migrate a SQLite database in ./var/, load the shipped data, serve http://$(HOST):$(PORT)
demo: venv gettext
	$(BIN)/veille migrate --noinput -v0
	$(BIN)/veille compilemessages -v0 --ignore=.venv
	$(BIN)/veille collectstatic --noinput -v0
	$(BIN)/veille demo
	@echo ""
	@echo "  veille is served on http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@echo "  for about five minutes a synthetic AIS feed is replayed through the live readers:"
	@echo "  open /arctic/ to see its alerts arrive (the feed's log is under the AIS store, demo-feed/)"
	@echo ""
	@$(BIN)/veille demo --feed --quiet > /dev/null & feed=$$!; \
	  trap 'kill -TERM $$feed 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn veille.wsgi:application --bind $(HOST):$(PORT) --workers 2 --threads 4 --timeout 120 \
	  --access-logfile - --forwarded-allow-ips=127.0.0.1

## test: the whole suite on SQLite and on PostgreSQL, then the browser tests in Chromium
test: venv browser-deps
	$(BIN)/veille compilemessages -v0 --ignore=.venv
	$(MAKE) --no-print-directory test-sqlite test-postgres test-browser

test-sqlite: venv
	VEILLE_TEST_DB=sqlite $(BIN)/pytest -m "not browser" -q -p no:cacheprovider

test-postgres: venv
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL does not answer on 127.0.0.1:5432 (.ci/run starts it)"; exit 1; }
	VEILLE_TEST_DB=postgres VEILLE_TEST_POSTGRES_URL=$(PG_URL) $(BIN)/pytest -m "not browser" -q -p no:cacheprovider

test-browser: venv browser-deps
	VEILLE_TEST_DB=sqlite $(BIN)/pytest -m browser -q -p no:cacheprovider

# the browser tests, writing their screenshots to docs/screenshots/ (otherwise var/screenshots/)
screenshots: venv browser-deps
	SCREENSHOTS_DIR=docs/screenshots VEILLE_TEST_DB=sqlite $(BIN)/pytest -m browser -q -p no:cacheprovider

gettext:
	@command -v msgfmt >/dev/null || { echo "installing Debian package gettext (msgfmt)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext) >/dev/null; }

## Debian's Chromium for the browser tests (never a downloaded browser build)
browser-deps:
	@command -v chromium >/dev/null && command -v msgfmt >/dev/null || { \
	  echo "installing Debian packages chromium, chromium-driver, gettext"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver gettext) >/dev/null; }
	@command -v java >/dev/null || { echo "installing Debian package openjdk-17-jre-headless (Apache Spark's tests)"; (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless) >/dev/null; }

bench: venv
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
