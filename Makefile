# Involve: the two commands.
#   make run   creates .venv, installs, migrates, loads demo data and serves on http://127.0.0.1:$(PORT)
#   make test  installs what the tests need (Debian packages included) and runs every test

PORT ?= 5000
PYTHON ?= python3
VENV := .venv

.PHONY: run test lint format bench clean

run:
	@PORT=$(PORT) PYTHON=$(PYTHON) bash scripts/run.sh

test:
	@PYTHON=$(PYTHON) bash scripts/test.sh

lint:
	$(VENV)/bin/ruff check app tests bench migrations scripts
	$(VENV)/bin/ruff format --check app tests bench scripts

format:
	$(VENV)/bin/ruff check --fix app tests bench scripts
	$(VENV)/bin/ruff format app tests bench scripts

bench:
	@for script in bench/*.py; do echo "== $$script"; $(VENV)/bin/python $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules .pytest_cache
