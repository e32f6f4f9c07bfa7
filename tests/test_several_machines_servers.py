"""Several stateless server processes on one PostgreSQL (issue 18 §6): two real gunicorn servers,
each on its own port, share the test database; the same step of the same dossier and the same
document number are raced through both at once, and two `db_worker` processes share one queue.

The row locks (`select_for_update`) and the numbering counter live in PostgreSQL, the sessions in
the database (gunicorn without Redis reads them from there, config/gunicorn.conf.py): nothing of
it is in a process, so whichever server a request reaches, exactly one transition and one number
come out."""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents.catalogue import BY_CODE
from documents.models import IssuedDocument, NumberCounter
from dossiers.models import Dossier, DossierHistory, State, TrainingCertificate
from permissions.models import Role

from .factories import UserFactory, dossier_in_state, dossier_removed, grant

ROOT = Path(__file__).resolve().parent.parent
CSRF = secrets.token_hex(16)  # an unmasked CSRF secret of 32 characters, sent as cookie and header

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("two servers on one database need PostgreSQL (SQLite's test database is in memory)")


def _database_url() -> str:
    """The live test database (test_<name>, _gw<n> under xdist), for the server processes."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "SESSION_ENGINE", "DATABASE_REPLICA_URL"}}
    return {**env, "DJANGO_SETTINGS_MODULE": "config.settings_test", "DATABASE_URL": _database_url(),
            "DEBUG": "0", "SECRET_KEY": settings.SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1", "CONN_MAX_AGE": "0",
            "HTTPS": "0",  # plain HTTP on the loopback: in production the reverse proxy speaks TLS
            **extra}


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (master and workers), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def two_servers(django_db_setup, tmp_path_factory):
    """Two gunicorn servers (one synchronous worker each) on two free ports of 127.0.0.1, started once
    for the module's tests (each test's rows are committed, then flushed, in the same database)."""
    if connection.vendor != "postgresql":
        pytest.skip("two servers on one database need PostgreSQL (SQLite's test database is in memory)")
    tmp_path = tmp_path_factory.mktemp("servers")
    ports, processes = [_free_port(), _free_port()], []
    try:
        for port in ports:
            log = (tmp_path / f"gunicorn-{port}.log").open("w")
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                env=_environment(BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1", GUNICORN_ACCESS_LOG="")))
        deadline = time.monotonic() + 30
        for port, process in zip(ports, processes, strict=True):
            while _status(port) != 200:
                assert process.poll() is None, (tmp_path / f"gunicorn-{port}.log").read_text()
                assert time.monotonic() < deadline, f"server on {port} did not answer in 30 s"
                time.sleep(0.2)
        yield ports
    finally:
        for process in processes:
            _stop(process)


def _status(port: int) -> int | None:
    try:
        return _request(port, "GET", "/accounts/login/")[0]
    except OSError:
        return None


def _request(port: int, method: str, path: str, *, session: str = "", data: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": f"csrftoken={CSRF}" + (f"; {settings.SESSION_COOKIE_NAME}={session}" if session else ""),
               "X-CSRFToken": CSRF}
    body = None
    if data is not None:
        body = urlencode(data)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        return response.status, response.getheader("Location"), response.read().decode(errors="replace")
    finally:
        conn.close()


def _session(user) -> str:
    """A session made here, in the shared database: either server reads it."""
    browser = Client()
    browser.force_login(user)
    return browser.cookies[settings.SESSION_COOKIE_NAME].value


def _at_once(*calls):
    """Run the calls in threads released together; their results in order."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 — asserted by the caller
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_the_same_step_posted_through_two_servers_at_once_is_done_once(two_servers, cell_a, secretary_a):
    from viewflow.workflow.models import Task

    deputy = UserFactory(username="phobithu_a")
    grant(deputy, Role.CELL_DEPUTY, cell_a)
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    url = reverse("dossiers:step", args=[d.pk, "enroll_training"])
    sessions = {secretary_a.username: _session(secretary_a), deputy.username: _session(deputy)}
    for port, session in zip(two_servers, sessions.values(), strict=True):
        assert _request(port, "GET", url, session=session)[0] == 200

    def post(port, username):
        return lambda: _request(port, "POST", url, session=sessions[username], data={
            "class_name": f"Lớp của {username}", "organiser": "Trung tâm Chính trị huyện",
            "start_date": timezone.localdate().isoformat()})

    results = _at_once(post(two_servers[0], secretary_a.username), post(two_servers[1], deputy.username))
    statuses = sorted(r[0] for r in results)
    assert statuses == [200, 302], results
    loser = next(r for r in results if r[0] == 200)
    assert "người khác" in loser[2] and "tải lại trang" in loser[2]
    assert Dossier.objects.get(pk=d.pk).state == State.TRAINING
    assert TrainingCertificate.objects.filter(dossier=d).count() == 1
    assert DossierHistory.objects.filter(dossier=d, action="enroll_training").count() == 1
    done = Task.objects.filter(process__artifact_object_id=d.pk, flow_task__endswith="enroll_training").get()
    assert done.status == "DONE"


def test_documents_issued_through_two_servers_at_once_get_one_number_each_without_gap(two_servers, cell_a,
                                                                                       approver):
    first, second, third = (dossier_removed(cell=cell_a) for _ in range(3))
    session = _session(approver)
    slug = BY_CODE["XT"].slug

    def issue(port, dossier):
        path = reverse("documents:issue", args=[dossier.pk, slug])
        return lambda: _request(port, "POST", path, session=session, data={})

    # Two dossiers, one number each: consecutive, whichever server answered.
    results = _at_once(issue(two_servers[0], first), issue(two_servers[1], second))
    assert [r[0] for r in results] == [302, 302], results
    assert sorted(IssuedDocument.objects.values_list("number", flat=True)) == ["1-QĐ/HU", "2-QĐ/HU"]
    # The same dossier through both at once: two versions of one document, one number.
    results = _at_once(issue(two_servers[0], third), issue(two_servers[1], third))
    assert [r[0] for r in results] == [302, 302], results
    versions = list(IssuedDocument.objects.filter(dossier=third).order_by("version").values_list("version", "number"))
    assert versions == [(1, "3-QĐ/HU"), (2, "3-QĐ/HU")]
    assert NumberCounter.objects.get().last == 3


def test_a_logout_through_one_server_ends_the_session_on_the_other(two_servers, secretary_a):
    session = _session(secretary_a)
    assert [_request(port, "GET", "/tasks/", session=session)[0] for port in two_servers] == [200, 200]
    assert _request(two_servers[0], "POST", "/accounts/logout/", session=session, data={})[0] == 302
    status, location, _body = _request(two_servers[1], "GET", "/tasks/", session=session)
    assert status == 302 and "/accounts/login/" in location


def test_two_background_workers_run_each_job_once(on_postgresql):
    from django_tasks_db.models import DBTaskResult

    from .several_machines_tasks import note_worker

    results = [note_worker.enqueue(n) for n in range(12)]
    env = _environment()
    workers = [subprocess.Popen([sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay",
                                 "--no-reload", "--interval", "0.05", "-v0", "--worker-id", f"w{i}"],
                                cwd=ROOT, env=env, start_new_session=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
               for i in range(2)]
    try:
        for w in workers:
            w.wait(timeout=60)
    finally:
        for w in workers:
            _stop(w)
    rows = DBTaskResult.objects.filter(id__in=[r.id for r in results])
    assert rows.count() == 12
    assert sorted(r.status for r in rows) == ["SUCCESSFUL"] * 12, [w.stdout.read() for w in workers]
    assert all(len(r.worker_ids) == 1 for r in rows)
    assert sorted(r.return_value["n"] for r in rows) == list(range(12))
