"""The load test's scenario (bench/locustfile.py, `make loadtest`) stays in step with the app: its
pages are the app's URLs, and the sessions it is given log its users in. The load test itself is
never run here (it is timed and needs the bench data set)."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

from django.core.management import call_command
from django.test import Client
from django.urls import resolve

from dossiers.models import State
from permissions.models import Role

from .factories import UserFactory, dossier_in_state, grant

ROOT = Path(__file__).resolve().parent.parent
# locust patches the standard library with gevent when imported: never in the tests' own process.
DESCRIBE = """
import json, inspect
from locust import HttpUser
import bench.locustfile as scenario
users = {name: sorted({t.__name__ for t in cls.tasks}) for name, cls in vars(scenario).items()
         if inspect.isclass(cls) and issubclass(cls, HttpUser) and not cls.abstract}
print(json.dumps({"pages": scenario.PAGES, "users": users}))
"""


def test_the_locustfile_imports_and_names_a_secretary_and_a_board_officer():
    done = subprocess.run([sys.executable, "-c", DESCRIBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["users"] == {"CellSecretary": ["day"], "BoardOfficer": ["dashboard", "ranking", "report"]}
    for name, template in found["pages"].items():
        path = urlsplit(template.format(pk=1, org=1)).path
        match = resolve(path)
        assert match.url_name, name
    assert resolve(urlsplit(found["pages"]["step"].format(pk=1)).path).url_name == "step"
    assert resolve("/reports/report/").url_name == "report"


def test_loadtest_sessions_log_in_the_board_officer_and_the_secretaries(tree, cell_a, cell_b, settings):
    settings.TWO_FACTOR_ENFORCED = True  # as in production: the board officer's session has passed it
    board = UserFactory(username="bench_province")
    grant(board, Role.ORG_BOARD, tree["district"])
    measured = UserFactory(username="bench_secretary")
    grant(measured, Role.CELL_SECRETARY, cell_a)
    secretary = UserFactory(username=f"sec_{cell_b.pk}")
    grant(secretary, Role.CELL_SECRETARY, cell_b)
    dossier_in_state(State.SPOTTED, cell=cell_a)  # the measured cell's: never taken by the load test
    spotted = dossier_in_state(State.SPOTTED, cell=cell_b)
    out = StringIO()
    call_command("loadtest_sessions", stdout=out)
    data = json.loads(out.getvalue())
    assert data["board"]["province"] == tree["district"].pk
    assert [(s["username"], s["spotted"]) for s in data["secretaries"]] == [(secretary.username, [spotted.pk])]
    for session, page in ((data["board"]["session"], f"/reports/?org={tree['district'].pk}"),
                          (data["secretaries"][0]["session"], f"/dossiers/{spotted.pk}/act/enroll_training/")):
        browser = Client()
        browser.cookies["sessionid"] = session
        assert browser.get(page).status_code == 200, page
