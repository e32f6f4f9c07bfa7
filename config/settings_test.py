"""pytest (pyproject.toml): the benchmark's settings, with a password hasher made for tests.

The bench app is installed because tests check that its measurements keep nothing. MD5 makes a
test user in microseconds instead of PBKDF2's ~0.2 s; tests/test_settings_split.py checks that
the product's settings keep the strong hasher."""

from .settings_bench import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Long enough for DEBUG=0 (config.settings refuses a weak key there): the tests' server processes
# (tests/test_several_machines_servers.py) run with DEBUG off and read the sessions the tests sign.
SECRET_KEY = "test-only-key-4f9c2a7e81d35b60c9e4f1a28d7b3c56e0a9f4d2b8c1e7a3"

# Most tests log in with force_login and no second factor; tests/test_two_factor.py and the browser
# test turn the requirement on (settings.TWO_FACTOR_ENFORCED = True).
TWO_FACTOR_ENFORCED = False
# django-axes logs every attempt at INFO; thousands of fuzzed logins would bury a failure's output.
AXES_VERBOSE = False

# Issue 18 §6: a `replica` alias that mirrors the test database, so that
# tests/test_several_machines_replica.py can install the replica router and watch the statistics'
# queries arrive there. No router is installed here (even with DATABASE_REPLICA_URL in the
# environment): every other test reads `default` only.
from .settings_bench import DATABASES  # noqa: E402

DATABASES = {**DATABASES, "replica": {**DATABASES["default"], "TEST": {"MIRROR": "default"}}}
DATABASE_ROUTERS = []
# Likewise the cache: each test process keeps its own memory cache even with REDIS_URL in the
# environment (xdist workers have a database each and must not share cached sessions or pages);
# tests/test_several_machines_redis.py switches to Redis where it means to.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
