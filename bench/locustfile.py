"""The load test of issue 18 §7 (`make loadtest`, bench/loadtest.sh; figures in bench/README.md).

Two kinds of users on the province of the bench data set (`make bench`), logged in by sessions
made beforehand by `manage.py loadtest_sessions` (file LOADTEST_SESSIONS), not through the login
page (whose lockout and second factor are not what is measured):

- a cell secretary's day: her inbox, the dossier list, one of her cell's dossiers, and now and then
  (STEP_SHARE of the rounds) one step: "register for the training class" of a spotted candidate of
  her cell (the form, then the POST, which must redirect: anything else is an error);
- an organisation board officer of the province: the dashboard, the report and the ranking.

Run it through `make loadtest` (gunicorn with 4 workers on partydev_bench, headless, bounded).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import secrets

from locust import HttpUser, between, task
from locust.exception import StopUser

SESSIONS = os.environ.get("LOADTEST_SESSIONS", "bench/loadtest/sessions.json")
SESSION_COOKIE = "sessionid"
CSRF = secrets.token_hex(16)  # an unmasked CSRF secret (32 characters): cookie and header
STEP_SHARE = float(os.environ.get("LOADTEST_STEP_SHARE", "0.25"))

# The pages, by the name they have in the statistics (tests/test_loadtest_scenario.py resolves them).
PAGES = {
    "inbox": "/tasks/",
    "dossier list": "/dossiers/",
    "dossier page": "/dossiers/{pk}/",
    "step form": "/dossiers/{pk}/act/enroll_training/",
    "step": "/dossiers/{pk}/act/enroll_training/",
    "dashboard": "/reports/?org={org}",
    "report": "/reports/report/?org={org}",
    "ranking": "/reports/ranking/?org={org}",
}

_data: dict | None = None
_secretaries = None


def data() -> dict:
    global _data
    if _data is None:
        with open(SESSIONS) as f:
            _data = json.load(f)
    return _data


def next_secretary() -> dict | None:
    """The next cell secretary not yet taken by a load user (each candidate's step is taken once)."""
    global _secretaries
    if _secretaries is None:
        _secretaries = iter(data()["secretaries"])
    return next(_secretaries, None)


class LoggedIn(HttpUser):
    abstract = True

    def log_in(self, session: str) -> None:
        self.client.cookies.clear()
        self.client.cookies.set(SESSION_COOKIE, session)
        self.client.cookies.set("csrftoken", CSRF)

    def page(self, name: str, **kwargs):
        with self.client.get(PAGES[name].format(**kwargs), name=name, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{name}: HTTP {response.status_code}")


class CellSecretary(LoggedIn):
    weight = 4
    wait_time = between(1, 2)

    def on_start(self):
        self.me = next_secretary()
        if self.me is None:
            raise StopUser()
        self.log_in(self.me["session"])

    @task
    def day(self):
        self.page("inbox")
        self.page("dossier list")
        self.page("dossier page", pk=random.choice(self.me["dossiers"]))
        if random.random() < STEP_SHARE:
            self.step()

    def step(self):
        while not self.me["spotted"]:
            me = next_secretary()
            if me is None:
                return
            self.me = me
            self.log_in(me["session"])
        pk = self.me["spotted"].pop()
        self.page("step form", pk=pk)
        with self.client.post(PAGES["step"].format(pk=pk), name="step", allow_redirects=False, catch_response=True,
                              headers={"X-CSRFToken": CSRF},
                              data={"class_name": "Lớp bồi dưỡng nhận thức về Đảng",
                                    "organiser": "Trung tâm Chính trị huyện", "start_date": dt.date.today().isoformat()}) as r:
            if r.status_code != 302:
                r.failure(f"step not taken: HTTP {r.status_code}")


class BoardOfficer(LoggedIn):
    weight = 1
    wait_time = between(2, 4)

    def on_start(self):
        self.board = data()["board"]
        self.log_in(self.board["session"])

    @task(3)
    def dashboard(self):
        self.page("dashboard", org=self.board["province"])

    @task(1)
    def report(self):
        self.page("report", org=self.board["province"])

    @task(1)
    def ranking(self):
        self.page("ranking", org=self.board["province"])
