"""Cache and sessions on Redis when REDIS_URL is set, a replica alias when DATABASE_REPLICA_URL is
(issue 18 §6): the settings read from the environment, and a session made by one process is read
by another through Redis."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

SHOW_SETTINGS = """
import json
from config import settings as s
print(json.dumps({"caches": getattr(s, "CACHES", None), "session": s.SESSION_ENGINE,
                  "aliases": sorted(s.DATABASES), "routers": getattr(s, "DATABASE_ROUTERS", []),
                  "replica": s.DATABASES.get("replica", {}).get("NAME")}))
"""


def product_settings(**env) -> subprocess.CompletedProcess:
    """Import the product's settings in a fresh interpreter with this environment."""
    clean = {k: v for k, v in os.environ.items()
             if k not in {"REDIS_URL", "DATABASE_REPLICA_URL", "SESSION_ENGINE", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run([sys.executable, "-c", SHOW_SETTINGS], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=60)


def settings_with(**env) -> dict:
    done = product_settings(**env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_without_redis_url_the_cache_stays_in_memory_and_sessions_cached_db():
    s = settings_with()
    assert s["caches"] is None  # Django's default: the local memory cache
    assert s["session"] == "django.contrib.sessions.backends.cached_db"
    assert s["aliases"] == ["default"] and s["routers"] == []


def test_with_redis_url_the_cache_and_the_sessions_go_to_redis_under_a_key_prefix():
    s = settings_with(REDIS_URL="redis://cache.internal:6379/2", CACHE_KEY_PREFIX="tinh_a")
    cache = s["caches"]["default"]
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/2"
    assert cache["KEY_PREFIX"] == "tinh_a"
    assert s["session"] == "django.contrib.sessions.backends.cached_db"


def test_a_malformed_redis_url_stops_the_start():
    done = product_settings(REDIS_URL="cache.internal:6379")
    assert done.returncode != 0 and "REDIS_URL must be a redis://" in done.stderr


def test_with_a_replica_url_a_second_alias_and_the_router_are_installed():
    s = settings_with(DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/partydev")
    assert s["aliases"] == ["default", "replica"] and s["replica"] == "partydev"
    assert s["routers"] == ["reports.routing.ReplicaRouter"]


def test_gunicorn_without_redis_reads_sessions_from_the_database_only():
    """Memory caches are per process: under gunicorn without Redis the session engine is `db`."""
    code = ("import os, runpy; runpy.run_path('config/gunicorn.conf.py'); "
            "from config import settings as s; print(s.SESSION_ENGINE)")
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "SESSION_ENGINE"}}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "django.contrib.sessions.backends.db", done.stderr
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, "REDIS_URL": REDIS_URL},
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "django.contrib.sessions.backends.cached_db", done.stderr


@pytest.fixture
def redis_cache(settings):
    """The Redis cache of the product's settings, under a prefix of its own (skipped without Redis)."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL,
                                   "KEY_PREFIX": prefix,
                                   "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"}}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


READ_SESSION = """
import json, sys
import django
from django.conf import settings
settings.configure(
    SECRET_KEY=sys.argv[3], INSTALLED_APPS=["django.contrib.sessions"],
    # No session table: a session not found in Redis would fail here, not be read from the database.
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    CACHES={"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": sys.argv[1],
                        "KEY_PREFIX": sys.argv[2]}},
    SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
)
django.setup()
from django.contrib.sessions.backends.cached_db import SessionStore
print(json.dumps(SessionStore(session_key=sys.argv[4]).load()))
"""


def test_a_session_made_by_one_process_is_read_by_another_through_redis(redis_cache, client, secretary_a,
                                                                        settings):
    client.force_login(secretary_a)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    from django.core.cache import cache

    assert cache.client.get_client().exists(f"{redis_cache}:1:django.contrib.sessions.cached_db{key}")
    done = subprocess.run([sys.executable, "-c", READ_SESSION, REDIS_URL, redis_cache, settings.SECRET_KEY, key],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["_auth_user_id"] == str(secretary_a.pk)
    # Another client of this process (another server process would do the same) with the cookie.
    from django.test import Client

    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = key
    assert other.get("/tasks/").status_code == 200
    # Logging out through one removes the session for all: the other is sent to the login page.
    client.post("/accounts/logout/")
    assert not cache.client.get_client().exists(f"{redis_cache}:1:django.contrib.sessions.cached_db{key}")
    assert other.get("/tasks/").status_code == 302
