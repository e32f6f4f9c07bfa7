# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install messages migrate seed lint clean

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
	$(PY) manage.py seed_demo

run: messages seed
	@$(PY) manage.py demo_logins
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: messages
	$(PY) -m pytest -n auto --dist loadfile

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
