"""Issue 21: the shell of every page (viewflow's frame, the menu, the task badge) is drawn from what
is kept per user (`permissions.user_version`, `web.menu`, `workflows.badge`) and costs one query:
the user. Nothing kept shows a user something stale after a change: a role granted or revoked
changes his menu on the next page, a task taken, given back, passed on or done changes the badge
of everyone concerned on the next page; with PER_USER_CACHE off nothing is kept."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task

from bench import floors
from dossiers import services
from dossiers.models import Dossier, State
from permissions.models import Role, RoleAssignment
from permissions.services import role_revoke
from web import menu
from workflows.services import task_claim, task_reassign, task_unassign

from .factories import UserFactory, dossier_in_state, grant
from .test_task_pages import open_task, spotted_tasks

ROOT = Path(__file__).resolve().parent.parent
SHELL = "/bench/floor/shell/"


@pytest.fixture
def deputy_a(cell_a):
    user = UserFactory(username="phobithu_a")
    grant(user, Role.CELL_DEPUTY, cell_a)
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def badge(client: Client, url: str = SHELL) -> int:
    with override_settings(ROOT_URLCONF=floors.FloorURLs()):
        html = client.get(url).content.decode()
    found = re.search(r'web-badge[^>]*>(\d+)<', html)
    return int(found.group(1)) if found else 0


def shell_html(client: Client) -> str:
    with override_settings(ROOT_URLCONF=floors.FloorURLs()):
        response = client.get(SHELL)
    assert response.status_code == 200
    return response.content.decode()


def test_once_kept_the_shell_costs_one_query_the_user(secretary_a, cell_a):
    task_claim(task=spotted_tasks(cell_a, 1)[0], user=secretary_a)
    client = logged_in(secretary_a)
    shell_html(client)
    with CaptureQueriesContext(connection) as ctx:
        html = shell_html(client)
    assert [q["sql"].split(" FROM ")[1].split()[0] for q in ctx.captured_queries] == ['"auth_user"']
    # The kept menu is the menu: the badge, the entries of the secretary's role, her name.
    assert re.search(r'web-badge[^>]*>1<', html)
    assert reverse("dossiers:create") in html and reverse("roles:index") not in html


def test_a_role_granted_or_revoked_changes_the_menu_on_the_next_page(secretary_a, tree):
    client = logged_in(secretary_a)
    assert reverse("roles:index") not in shell_html(client)
    assert reverse("roles:index") not in shell_html(client)  # kept
    assignment = grant(secretary_a, Role.ORG_BOARD, tree["district"])
    assert reverse("roles:index") in shell_html(client)
    role_revoke(assignment=assignment, actor=None)
    assert reverse("roles:index") not in shell_html(client)


def test_a_task_taken_given_back_passed_on_or_done_changes_each_badge_on_the_next_page(secretary_a, deputy_a,
                                                                                       cell_a):
    first, second = spotted_tasks(cell_a, 2)
    secretary, deputy = logged_in(secretary_a), logged_in(deputy_a)
    assert (badge(secretary), badge(deputy)) == (0, 0)
    task_claim(task=first, user=secretary_a)
    assert badge(secretary) == 1
    task_claim(task=second, user=secretary_a)
    assert badge(secretary) == 2
    task_unassign(task=Task.objects.get(pk=second.pk), user=secretary_a)
    assert badge(secretary) == 1
    # Passed on: the one it is taken from and the one it goes to.
    task_reassign(task=Task.objects.get(pk=first.pk), user=secretary_a, to=deputy_a)
    assert (badge(secretary), badge(deputy)) == (0, 1)
    # The step done by its holder leaves his inbox at once.
    dossier = Dossier.objects.get(pk=first.process.artifact_object_id)
    services.dossier_enroll_training(dossier=dossier, actor=deputy_a, class_name="Lớp 1", organiser="TTCT",
                                     start_date=timezone.localdate())
    assert badge(deputy) == 0


def test_a_step_done_from_the_queue_counts_for_whoever_does_it(secretary_a, cell_a):
    dossier = dossier_in_state(State.SPOTTED, cell=cell_a)
    client = logged_in(secretary_a)
    task_claim(task=open_task(dossier, "enroll_training"), user=secretary_a)
    assert badge(client) == 1
    services.dossier_enroll_training(dossier=dossier, actor=secretary_a, class_name="Lớp 1", organiser="TTCT",
                                     start_date=timezone.localdate())
    assert badge(client) == badge(client, reverse("tasks:inbox")) == 0


def test_with_per_user_cache_off_nothing_is_kept(settings, secretary_a, cell_a, tree):
    settings.PER_USER_CACHE = False
    task = spotted_tasks(cell_a, 1)[0]
    task_claim(task=task, user=secretary_a)
    grant(secretary_a, Role.ORG_BOARD, tree["district"])
    client = logged_in(secretary_a)
    assert badge(client) == 1 and reverse("roles:index") in shell_html(client)
    # Changes no signal sees (another process's memory cache would not see them either).
    Task.objects.filter(pk=task.pk).update(owner=None, status="NEW")
    RoleAssignment.objects.filter(user=secretary_a, role=Role.ORG_BOARD).update(revoked_at=timezone.now())
    from permissions.models import OrganizationUserObjectPermission  # noqa: PLC0415

    OrganizationUserObjectPermission.objects.filter(user=secretary_a, content_object=tree["district"])._raw_delete(
        connection.alias)
    assert badge(client) == 0 and reverse("roles:index") not in shell_html(client)


def test_the_menu_html_is_kept_per_set_of_entries_and_language_never_per_user(secretary_a, secretary_b):
    menu._rendered.clear()
    first = shell_html(logged_in(secretary_a))
    shell_html(logged_in(secretary_b))  # another cell's secretary: the same entries, the same kept HTML
    assert len(menu._rendered) == 1
    kept = next(iter(menu._rendered.values()))
    assert "bithu_" not in kept and "csrfmiddlewaretoken" in kept
    # Each page's own slots: its token and its address for the language switch.
    assert menu.CSRF_SLOT not in first and menu.NEXT_SLOT not in first and menu.BADGE_SLOT not in first
    assert f'name="next" value="{SHELL}"' in first


def test_gunicorn_without_redis_keeps_nothing_per_user():
    """Memory caches are per process: a version bumped in one would not reach the others."""
    code = ("import runpy; runpy.run_path('config/gunicorn.conf.py'); "
            "from config import settings as s; print(s.PER_USER_CACHE)")
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "PER_USER_CACHE"}}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, "REDIS_URL": "redis://127.0.0.1:6379/15"},
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True", done.stderr


@pytest.fixture
def redis_cache(settings):
    """The product's Redis cache under a prefix of its own (skipped without Redis)."""
    redis = pytest.importorskip("redis")
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis does not answer at {url}")
    prefix = f"test-shell-{os.getpid()}"
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url,
                                   "KEY_PREFIX": prefix}}
    yield
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_on_redis_the_kept_menu_and_badge_change_on_the_next_page(redis_cache, secretary_a, cell_a, tree):
    client = logged_in(secretary_a)
    task = spotted_tasks(cell_a, 1)[0]
    assert badge(client) == 0 and reverse("roles:index") not in shell_html(client)
    task_claim(task=task, user=secretary_a)
    grant(secretary_a, Role.ORG_BOARD, tree["district"])
    assert badge(client) == 1 and reverse("roles:index") in shell_html(client)


def test_a_restore_forgets_what_redis_kept_about_users(redis_cache, db):
    from django.core.cache import cache  # noqa: PLC0415

    from ops.backup import forget_kept_state  # noqa: PLC0415

    cache.set_many({"user-version:1": "a", "menu-entries:1": "b", "otp-device:1": "e", "inbox-count:1": "c",
                    "inbox-version:1": "d", "other": "kept"})
    forget_kept_state()
    assert cache.get_many(["user-version:1", "menu-entries:1", "otp-device:1", "inbox-count:1", "inbox-version:1",
                           "other"]) == {"other": "kept"}
