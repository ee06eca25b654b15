# The two commands of the README: `make run` and `make test`. Each sets up what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export CAJAD_DATABASE_URL ?= sqlite:///var/cajad.sqlite

.PHONY: run test setup system-deps lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

## run: set up, load the bundled initiative data and the minerals demo into SQLite, open the portal
run: $(STAMP)
	mkdir -p var
	$(BIN)/cajad init
	$(BIN)/cajad load-demo
	test -f var/prospect-demo/metrics.json || $(BIN)/cajad prospect demo --out var/prospect-demo --resolution 10000
	$(BIN)/cajad prospect record var/prospect-demo --commodity 'porphyry Cu'
	$(BIN)/cajad serve --host $(HOST) --port $(PORT)

## system-deps: Debian's chromium for the browser tests (installed when missing and we are root)
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: install Debian's chromium package (sudo apt-get install chromium)"; exit 1; fi; }

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) system-deps
	$(BIN)/pytest $(PYTEST_ARGS)

## test: set up, then lint, type-check and run every test (SQLite, PostgreSQL, browser)
test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/tracker.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
