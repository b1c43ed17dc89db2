# The two commands of the README: `make run` and `make test`. Everything they need is scripted here.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# Python >= 3.12 (scripts/find-python.sh says why); a virtualenv of an older Python is rebuilt.
PY ?= $(shell scripts/find-python.sh)
ifneq ($(shell $(BIN)/python -c 'import sys; print(sys.version_info >= (3, 12))' 2>/dev/null),True)
$(shell rm -rf $(VENV))
endif
FLASK := $(BIN)/flask --app app
PORT ?= 5000
HOST ?= 127.0.0.1
PO_FILES := $(shell find govtech -name '*.po' -path '*translations*')
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test install translations db demo bench lint migration clean serve

$(BIN)/python:
	@test -n "$(PY)" || { echo "no Python >= 3.12: see scripts/find-python.sh" >&2; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed translations

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

translations: $(MO_FILES)

db: install
	$(FLASK) init-db

demo: db
	$(FLASK) seed-demo --if-empty

run: demo
	@echo ""
	@echo "  GovTech Tokyo portal on http://$(HOST):$(PORT)   (Ctrl+C to stop)"
	@echo "  Demo logins (password: demo-password-2026):"
	@echo "    admin         admin@demo.govtech.tokyo"
	@echo "    coordinator   coordinator@demo.govtech.tokyo"
	@echo "    officer       officer.hinohara@demo.govtech.tokyo   (檜原村)"
	@echo "    officer       officer.setagaya@demo.govtech.tokyo   (世田谷区)"
	@echo "    professional  pro@demo.govtech.tokyo"
	@echo ""
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run_all.py

lint: install
	$(BIN)/ruff check govtech tests app.py bench

# Regenerate the initial migration from the models (allowed until the first release; afterwards
# add a new revision with `$(FLASK) db migrate -m "…"`).
# flock: several engineers may regenerate at once.
migration: install
	flock /tmp/govtech-migration.lock bash -c 'rm -f migrations/versions/*.py; tmp=$$(mktemp -d); \
	  DATABASE_URL=sqlite:///$$tmp/m.db $(FLASK) db migrate -m "initial schema" 2>&1 | grep -v "^INFO"; rm -rf $$tmp'
	@ls migrations/versions/

clean:
	rm -rf $(VENV) instance *.egg-info
