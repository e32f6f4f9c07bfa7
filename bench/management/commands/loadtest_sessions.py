"""`manage.py loadtest_sessions`: the logged-in users of the load test (`make loadtest`, issue 18 §7).

The load users are logged in by sessions made here, in the database the servers read, not through
the login page: the test measures the pages, and stays independent of the login's lockout and of
the second factor of the board roles. Prints (or writes to --out) JSON for bench/locustfile.py:

- `board`: the session of `bench_province` (organisation board of the measured province), the
  province and a spread of its dossiers;
- `secretaries`: cell secretaries (`sec_<cell>`) of the province with a session each, their cell's
  dossiers, and the candidates still "spotted" there, whose "register for the training class" step
  the load test takes (each once: the data set changes; `make bench BENCH_ARGS=--rebuild` restores it).
The measured cell of `make bench` (`bench_secretary`) is left out.
"""

from __future__ import annotations

import json
from collections import defaultdict
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.management.base import BaseCommand, CommandError

from bench import dataset
from bench.second_factor import verify_session
from dossiers.models import Dossier, Organization, OrgLevel, State

BACKEND = "django.contrib.auth.backends.ModelBackend"


def session_for(user, *, verified: bool = False) -> str:
    """A logged-in session, as django.contrib.auth.login makes one, saved by the configured engine;
    `verified`: as django_otp.login leaves it after the second factor (an authenticator app of the
    bench's own), which the board roles need on every page (issue 18 §2)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if verified:
        verify_session(store, user)
    store.create()
    return store.session_key


class Command(BaseCommand):
    help = "Make the sessions of the load test's users (bench data set) and print them as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--secretaries", type=int, default=2000,
                            help="cell secretaries to log in (default 2000: every cell with a spotted candidate)")
        parser.add_argument("--out", default="", help="write the JSON to this file instead of printing it")

    def handle(self, *args, secretaries, out, **options):
        User = get_user_model()
        board = User.objects.filter(username=dataset.BENCH_PROVINCE).first()
        if board is None:
            raise CommandError("No bench data set here: run `make bench` first (DATABASE_URL=…/partydev_bench).")
        province = board.role_assignments.get(revoked_at__isnull=True).organization
        measured = User.objects.get(username=dataset.BENCH_SECRETARY).role_assignments.get(
            revoked_at__isnull=True).organization
        spread = []
        for state in (State.MENTORING, State.PROBATION, State.RECOGNIZED, State.HIGHER_APPROVAL, State.TRAINING):
            spread += list(Dossier.objects.filter(cell__path__startswith=province.path, state=state)
                           .order_by("-pk").values_list("pk", flat=True)[:10])
        spotted = defaultdict(list)
        for pk, cell in (Dossier.objects.filter(cell__path__startswith=province.path, state=State.SPOTTED)
                         .exclude(cell=measured).order_by("cell", "pk").values_list("pk", "cell")):
            spotted[cell].append(pk)
        cells = list(Organization.objects.filter(pk__in=list(spotted)[:secretaries], level=OrgLevel.CELL)
                     .order_by("pk").values_list("pk", flat=True))
        users = {u.username: u for u in User.objects.filter(username__in=[f"sec_{c}" for c in cells])}
        in_cell = defaultdict(list)
        for pk, cell in Dossier.objects.filter(cell__in=cells).order_by("pk").values_list("pk", "cell"):
            in_cell[cell].append(pk)
        data = {
            "board": {"session": session_for(board, verified=True), "province": province.pk, "dossiers": spread},
            "secretaries": [
                {"username": f"sec_{c}", "session": session_for(users[f"sec_{c}"]), "cell": c,
                 "dossiers": in_cell[c], "spotted": spotted[c]}
                for c in cells if f"sec_{c}" in users
            ],
        }
        text = json.dumps(data, indent=1)
        if out:
            with open(out, "w") as f:
                f.write(text)
            self.stderr.write(f"{len(data['secretaries'])} secretaries, "
                              f"{sum(len(s['spotted']) for s in data['secretaries'])} steps available → {out}")
        else:
            self.stdout.write(text)
