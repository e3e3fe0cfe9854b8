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

.PHONY: run test bench lint format messages install clean

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

# Rescoring 100,000 enterprises (~400,000 records) on a scratch PostgreSQL database, timed
# next to a bare SQL aggregate in the same process (docs/benchmarks.md).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cs_bench
BENCH_ENTERPRISES ?= 100000
bench: $(STAMP)
	$(PY) -c "import psycopg, sys; u = sys.argv[1]; base, name = u.rsplit('/', 1); c = psycopg.connect(base + '/postgres', autocommit=True); c.execute('SELECT 1 FROM pg_database WHERE datname = %s', [name]).fetchone() or c.execute('CREATE DATABASE \"' + name + '\" TEMPLATE template0 ENCODING UTF8 LC_CTYPE \'C.UTF-8\' LC_COLLATE \'C.UTF-8\'')" $(BENCH_DATABASE_URL)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench --enterprises $(BENCH_ENTERPRISES)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/bandit -q -r creditsite enterprises lists repair supervision -lll
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Regenerate and compile translations (needs GNU gettext; the compiled .mo files are committed).
messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
