# CreditSite — the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ENTERPRISES ?= 2000
DEMO_SEED ?= 1
PYTEST_ARGS ?=

.PHONY: run test bench lint audit load format messages install clean

# Create the virtualenv and install the pinned dependencies (again only when they change).
$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade "pip==25.3"
	$(PIP) install --quiet -c requirements.lock -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Serve the site with demo data: SQLite and nothing else unless DATABASE_URL / REDIS_URL are set.
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py sync_schedules
	$(PY) manage.py seed_demo --enterprises $(DEMO_ENTERPRISES) --seed $(DEMO_SEED) --if-empty
	$(PY) manage.py rescore
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite (SQLite unless DATABASE_URL is set).
test: $(STAMP)
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

# Benchmarks against bare SQL in the same process (docs/benchmarks.md) on a scratch
# PostgreSQL database: `make bench` (100,000 enterprises, a few minutes) or
# `make bench SCALE=province` (2.58 M enterprises, 10 M records, seeded through COPY
# into its own database the first time).
SCALE ?= small
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/$(if $(filter province,$(SCALE)),cs_province,cs_bench)
BENCH_ARGS ?=
bench: $(STAMP)
	$(PY) -m tests.bench.createdb $(BENCH_DATABASE_URL)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench --scale $(SCALE) $(BENCH_ARGS)

# Import contracts (which package may import which) are in .importlinter.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(VENV)/bin/bandit -q -r creditsite core rules enterprises lists repair supervision portal demo -lll
	$(PY) manage.py makemigrations --check --dry-run

# Known vulnerabilities in the installed packages (pip-audit, PyPI's advisory data; needs
# the network). --strict: a package that cannot be audited fails the audit too.
# Without the network: `make audit AUDIT_DB=/path/to/PyPI-all.zip` checks against an OSV
# snapshot on disk (creditsite/vulnaudit.py; a zip or a folder of OSV JSON files).
AUDIT_DB ?=
audit: $(STAMP)
ifneq ($(AUDIT_DB),)
	$(PY) -m creditsite.vulnaudit --db $(AUDIT_DB)
else
	REQUESTS_CA_BUNDLE=$${REQUESTS_CA_BUNDLE:-$$(test -f /etc/ssl/certs/ca-certificates.crt && echo /etc/ssl/certs/ca-certificates.crt)} \
	$(VENV)/bin/pip-audit --local --skip-editable --strict --vulnerability-service pypi --progress-spinner off --desc on
endif

# Load test: wrk (Debian package) on loopback against gunicorn (2 workers) serving the
# PostgreSQL database LOAD_DATABASE_URL, read only; exits non-zero on any failed request
# (docs/benchmarks.md). By default the bench database (`make bench` seeds it; SCALE=province
# for cs_province).
LOAD_DATABASE_URL ?= $(BENCH_DATABASE_URL)
LOAD_DURATION ?= 30
LOAD_CONNECTIONS ?= 32
load: $(STAMP)
	$(PY) -m tests.bench.load --database-url $(LOAD_DATABASE_URL) --duration $(LOAD_DURATION) --connections $(LOAD_CONNECTIONS)

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Regenerate and compile translations (needs GNU gettext; the compiled .mo files are committed).
messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
