# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed
# The demo app (seed_demo, demo_logins, seed_quotas) is installed by the development settings only.
DEV := DJANGO_SETTINGS_MODULE=config.settings_dev

.PHONY: run serve test install messages migrate seed lint clean chromium bench loadtest

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: $(STAMP)

messages: install
	$(PY) manage.py compilemessages -v0 --ignore=.venv --ignore=staticfiles

migrate: install
	$(PY) manage.py migrate --noinput -v0

seed: migrate
	$(DEV) $(PY) manage.py seed_demo
	$(DEV) $(PY) manage.py seed_quotas

# The background worker (bundles for many dossiers) runs beside the server and stops with it.
run: messages seed
	@$(DEV) $(PY) manage.py demo_logins
	@trap 'kill 0' INT TERM EXIT; $(DEV) $(PY) manage.py db_worker --no-reload -v0 & \
		$(DEV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Issue 18: the production server. gunicorn with config/gunicorn.conf.py (WEB_CONCURRENCY workers,
# BIND, timeouts, proxy addresses, request limits: all from the environment; README "Deployment").
# The settings are whatever the environment says (DEBUG=0, SECRET_KEY, DATABASE_URL, REDIS_URL, …).
# With DEBUG off WhiteNoise serves only what collectstatic gathered (compressed: ~40 s the first time).
serve: messages migrate
	$(PY) manage.py collectstatic --noinput -v0
	$(VENV)/bin/gunicorn -c config/gunicorn.conf.py config.wsgi

# The browser test (tests/test_browser.py) drives Debian's Chromium through Playwright; Playwright's own
# browser download is not used. Installed here when missing (CI runs as root on Debian).
chromium:
	@command -v chromium >/dev/null 2>&1 || apt-get install -y -q chromium \
		|| (apt-get update -q && apt-get install -y -q chromium)

test: messages chromium
	$(PY) -m pytest -n auto --dist loadfile --durations=20

# Issue 7: the national-size benchmark in its own PostgreSQL database (created and migrated when
# missing; the data set is built once and reused). `make bench SCALE=national`; BENCH_ARGS=--rebuild.
SCALE ?= province
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/partydev_bench
bench: messages
	DJANGO_SETTINGS_MODULE=config.settings_bench DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench --scale $(SCALE) --create-db $(BENCH_ARGS)

# Issue 18 §7: the load test (bench/locustfile.py) against gunicorn with LOADTEST_WORKERS workers on
# the bench database at province scale (the data set of `make bench`, built when missing; SCALE=national
# loads the same province among 60), headless, on 127.0.0.1 only, for LOADTEST_TIME; CSV statistics,
# the machine's load and a summary in bench/loadtest/.
LOADTEST_USERS ?= 10
LOADTEST_SPAWN ?= 5
LOADTEST_TIME ?= 60s
LOADTEST_WORKERS ?= 4
LOADTEST_PORT ?= 8077
loadtest: messages
	DJANGO_SETTINGS_MODULE=config.settings_bench DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench --scale $(SCALE) --create-db --build-only
	PY=$(PY) DATABASE_URL=$(BENCH_DATABASE_URL) USERS=$(LOADTEST_USERS) SPAWN_RATE=$(LOADTEST_SPAWN) \
		RUN_TIME=$(LOADTEST_TIME) WORKERS=$(LOADTEST_WORKERS) PORT=$(LOADTEST_PORT) OUT_DIR=bench/loadtest \
		bench/loadtest.sh

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
