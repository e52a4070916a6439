# make run  — from a fresh clone to a running system with the demo city.
# make test — every check CI runs (.ci/run calls it and nothing else).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/pingyi
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint check pytest-sqlite pytest-postgres pytest-dates fuzz system bench clean

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo ""
	@echo "  Pingyi 已启动：http://$(HOST):$(PORT)/  （按 Ctrl+C 停止）"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

system:
	bash scripts/ensure-system.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: install
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=pingyi.settings.production SECRET_KEY=$$($(PY) -c 'print("x"*64)')-check-only \
		ALLOWED_HOSTS=pingyi.example $(PY) manage.py check --deploy --fail-level WARNING

pytest-sqlite: install system
	env -u DATABASE_URL $(VENV)/bin/pytest

pytest-postgres: install system
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(VENV)/bin/pytest

# The suite must pass on any day: the non-browser tests again with the clock moved far ahead (a
# year's last evening, when China is already in the next year) and to a leap day.
FAR_DATES := "2031-12-31 23:30:00" "2048-02-29 12:00:00"
pytest-dates: install system
	for d in $(FAR_DATES); do \
		echo "== pytest at $$d"; \
		env -u DATABASE_URL faketime "$$d" $(VENV)/bin/pytest -m "not browser" -p no:cacheprovider || exit 1; \
	done

test: lint check pytest-sqlite pytest-postgres pytest-dates

# The fuzzing tests with fresh random examples and many more of them (the suite runs a fixed few).
fuzz: install system
	env -u DATABASE_URL PINGYI_FUZZ_EXAMPLES=$${EXAMPLES:-500} $(VENV)/bin/pytest -p no:cacheprovider \
		pingyi/lib/tests/test_fuzz_readers.py pingyi/lib/tests/test_fuzz_api.py

bench: install system
	$(PY) bench/import_roster.py
	$(PY) bench/cohort_stats.py
	$(PY) bench/tally.py
	$(PY) bench/ballots_load.py
	$(PY) bench/accounts_bulk.py

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache screenshots
