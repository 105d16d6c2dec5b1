# The contributor guide: every recipe a newcomer needs.
#   make run      set up .venv, migrate a SQLite file, seed the demo, serve on :8000
#   make test     lint + type-check + the whole suite on SQLite and PostgreSQL
#   make bench    every benchmark in bench/, one `name: value` line per figure
#   make worker   send daily reminders until SIGTERM (when REMINDERS_IN_PROCESS=false)
#   make migrate  apply migrations to DATABASE_URL
#   make migration  write a new migration after changing server/tables.py

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed

.PHONY: run test lint format bench migrate migration clean worker

$(RUNTIME): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(DEV): $(RUNTIME)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

run: $(RUNTIME)
	$(VENV)/bin/bridgework serve --demo

test: lint
	$(PY) -m pytest

lint: $(DEV)
	$(VENV)/bin/ruff check server tests bench piccolo_conf.py setup.py
	$(VENV)/bin/ruff format --check server tests bench piccolo_conf.py setup.py
	$(VENV)/bin/mypy

format: $(DEV)
	$(VENV)/bin/ruff check --fix server tests bench piccolo_conf.py setup.py
	$(VENV)/bin/ruff format server tests bench piccolo_conf.py setup.py

bench: $(DEV)
	@for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

worker: $(RUNTIME)
	$(VENV)/bin/bridgework dispatch --loop

migrate: $(RUNTIME)
	$(VENV)/bin/bridgework migrate

migration: $(DEV)
	$(VENV)/bin/piccolo migrations new bridgework --auto

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
