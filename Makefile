# Two commands: `make run` serves the demo portal, `make test` runs the tests.
# Both create .venv on first use; only Python 3.11+ and make are needed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint bench worker beat install migrate clean help

help:
	@echo "make run    - set up, migrate, load demo data and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   - set up and run the test suite (SQLite unless DATABASE_URL is set)"
	@echo "make lint   - ruff check and the import layers (import-linter)"
	@echo "make bench  - benchmarks against the PostgreSQL server named by DATABASE_URL"
	@echo "make worker / make beat - Celery worker and scheduler against REDIS_URL"

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Collected static files (hashed, gzip and brotli): redone only when a static source or the
# installed packages (plotly.js comes from the plotly package) changed. About 30 s the first time.
COLLECTED := var/staticfiles/staticfiles.json
$(COLLECTED): $(STAMP) $(shell find static -type f 2>/dev/null)
	@echo "Collecting and compressing static files (about 30 s the first time)..."
	STATIC_COLLECTED=true $(BIN)/python manage.py collectstatic --noinput --clear -v0

run: migrate $(COLLECTED)
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  Portal: http://127.0.0.1:$(PORT)/   (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "  Sign in as admin, pm.anna, exec.claire, partner.fr or partner.nl"
	@echo "  with the password 'readiness-demo' (demo data, local use only)."
	@echo ""
	STATIC_COLLECTED=true SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache *.egg-info

# Background jobs against REDIS_URL (and the DATABASE_URL the web processes use).
worker: migrate
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run a worker."; exit 2; }
	$(BIN)/celery -A config worker --loglevel=INFO

beat: migrate
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run beat."; exit 2; }
	$(BIN)/celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule
