# Dossier: `make run` serves the demo site, `make test` runs the test suite.
# Both create the virtualenv first if needed.

VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run serve migrate demo test test-fast test-browser messages check format bench bench-load prod-check clean

help:
	@echo "make run      create the virtualenv, migrate, load demo content, serve at http://$(HOST):$(PORT)/"
	@echo "make test     run the whole test suite (browser tests need /usr/bin/chromium)"
	@echo "make messages extract interface strings into locale/fr and compile them"
	@echo "make check    system checks, missing migrations, import contracts, lint and format (ruff)"
	@echo "make format   let ruff format the code and fix what it can"
	@echo "make bench    performance benchmarks (see bench/README.md)"
	@echo "make bench-load  100 concurrent readers for 60 s against gunicorn (see bench/README.md)"
	@echo "make prod-check  two app servers on one PostgreSQL and Redis behind a balancer (README, Production)"

$(STAMP): pyproject.toml requirements/constraints.txt
	@PYBIN=$$(scripts/find-python) || exit 1; \
	  test -x $(PY) || $$PYBIN -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements/constraints.txt ".[test,dev]"
	@touch $@

install: $(STAMP)

migrate: $(STAMP)
	DEBUG=1 $(PY) manage.py migrate --no-input

# Links printed by the demo and carried by e-mails name the address served.
SITE_URL := http://$(HOST):$(PORT)

demo: migrate
	DEBUG=1 DOSSIER_SITE_URL=$(SITE_URL) $(PY) manage.py load_demo

run: demo serve

serve: $(STAMP)
	DEBUG=1 DOSSIER_SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

test-browser: $(STAMP)
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

messages: $(STAMP)
	cd . && DEBUG=1 $(PY) manage.py makemessages --locale fr --no-obsolete --add-location file \
	    --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*'
	DEBUG=1 $(PY) manage.py compilemessages --locale fr --ignore '.venv/*'

check: $(STAMP)
	DEBUG=1 $(PY) manage.py check
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	$(PY) bench/run.py

bench-load: $(STAMP)
	$(PY) bench/load.py $(BENCH_ARGS)

# Needs PostgreSQL and Redis on this machine (scripts/prod_check.py).
prod-check: $(STAMP)
	$(PY) scripts/prod_check.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
