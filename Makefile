# The two commands of the README: `make run` and `make test`. Each sets up what it needs first,
# installing exactly the versions in requirements/*.txt (hashed locks made by pip-compile from
# pyproject.toml's ranges); `make upgrade` moves the locks on deliberately and runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export CAJAD_DATABASE_URL ?= sqlite:///var/cajad.sqlite

PIP := pip==26.3
PIP_TOOLS := pip-tools==7.7.0
RUN_LOCK := requirements/run.txt
TEST_LOCK := requirements/test.txt
MUTATION_LOCK := requirements/mutation.txt
COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --no-emit-index-url --no-emit-find-links \
	--strip-extras
# LOCKED=no installs the newest versions pyproject.toml allows instead (see `test-latest`).
LOCKED ?= yes

.PHONY: run test setup system-deps lint typecheck pytest bench mutation clean upgrade test-latest \
	messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet '$(PIP)'

ifeq ($(LOCKED),no)
$(VENV)/.run $(VENV)/.test: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade -e '.[test]'
	$(BIN)/pip check
	touch $(VENV)/.run $(VENV)/.test
else
$(VENV)/.run: $(BIN)/python pyproject.toml $(RUN_LOCK)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(RUN_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $@

$(VENV)/.test: $(VENV)/.run $(TEST_LOCK)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(TEST_LOCK)
	$(BIN)/pip check
	touch $@
endif

setup: $(VENV)/.test

## run: set up, load the bundled initiative data, investor profiles and the minerals demo runs into SQLite, open the portal
run: $(VENV)/.run
	mkdir -p var
	$(BIN)/cajad init
	$(BIN)/cajad load-demo
	$(BIN)/cajad screen-all
	$(BIN)/cajad plan --budget 2025=600000000000 --budget 2026=600000000000 --alternatives 2 || true
	$(BIN)/cajad plan --candidates src/cajad/data/portfolio/example_candidates.csv $(foreach y,2026 2027 2028 2029 2030,--budget $(y)=40000000000) --min-share area:hrd=0.2 --max-share country:UZ=0.6 --min-grade C --alternatives 2 || true
	$(BIN)/cajad match uz-acwa-sazagan-solar-storage-jbic --show-excluded || true
	$(BIN)/cajad match uz-jica-2015-turakurgan-tpp || true
	$(BIN)/cajad match uz-ngmk-marubeni-uranium-export-2023-2030 || true
	$(BIN)/cajad prospect demos --out var/prospect-demos --resolution 10000
	@echo "Everyone reads without an account. To change anything, create the first admin"
	@echo "(it prints a one-time password), then sign in at http://$(HOST):$(PORT)/login:"
	@echo "  $(BIN)/cajad user add YOU@EXAMPLE.ORG --role admin"
	$(BIN)/cajad serve --host $(HOST) --port $(PORT)

## system-deps: Debian's chromium for the browser tests (installed when missing and we are root)
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: install Debian's chromium package (sudo apt-get install chromium)"; exit 1; fi; }

lint: $(VENV)/.test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(VENV)/.test
	$(BIN)/mypy

# One worker per core, each taking whole files (a module's server and browser start once).
PYTEST_WORKERS ?= auto
pytest: $(VENV)/.test system-deps
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

## test: set up, then lint, type-check and run every test (SQLite, PostgreSQL, browser)
test: lint typecheck pytest

bench: $(VENV)/.test
	$(BIN)/python benchmarks/tracker.py

## mutation: mutation score of the policy modules (mutmut; minutes, not part of `make test`)
mutation: $(VENV)/.test $(MUTATION_LOCK)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(MUTATION_LOCK)
	$(BIN)/pip check
	$(BIN)/python benchmarks/mutation.py

LOCALE_DIR := src/cajad/web/locale
LANGUAGES := ja ru

## messages: extract the portal's interface text into the .pot and update each language's .po
messages: $(VENV)/.run
	$(BIN)/pybabel extract -F babel.cfg --add-location=file --sort-by-file \
	  --project=cajad --copyright-holder='cajad contributors' \
	  --msgid-bugs-address='' -o $(LOCALE_DIR)/messages.pot .
	for lang in $(LANGUAGES); do \
	  po=$(LOCALE_DIR)/$$lang/LC_MESSAGES/messages.po; \
	  if [ -f $$po ]; then $(BIN)/pybabel --quiet update --no-fuzzy-matching --ignore-obsolete -l $$lang \
	    -i $(LOCALE_DIR)/messages.pot -o $$po; \
	  else $(BIN)/pybabel --quiet init -l $$lang -i $(LOCALE_DIR)/messages.pot -o $$po; fi; \
	done
	@echo "untranslated or fuzzy entries fail tests/web/test_i18n.py; translate them in the .po files"

## upgrade: move the locks to the newest versions pyproject.toml allows, then run the whole suite
upgrade: $(VENV)/.test
	$(BIN)/pip install --quiet '$(PIP_TOOLS)'
	$(COMPILE) --upgrade --extra test --output-file $(TEST_LOCK) pyproject.toml
	$(COMPILE) --upgrade --constraint $(TEST_LOCK) --output-file $(RUN_LOCK) pyproject.toml
	$(COMPILE) --upgrade --extra mutation --constraint $(TEST_LOCK) --output-file $(MUTATION_LOCK) pyproject.toml
	$(MAKE) test

## test-latest: the suite on the newest allowed versions, no lock, in .venv-latest (drift seen early)
test-latest:
	$(MAKE) test VENV=.venv-latest LOCKED=no

clean:
	rm -rf $(VENV) .venv-latest .venv-newest var .pytest_cache .mypy_cache .ruff_cache
