"""A per-user version of what decides the shell of every page: the user's roles and permissions
and his second-factor devices. Whatever is kept across requests about a user (his menu, whether
an optional second factor applies to him) is kept together with the version it was computed at,
and used only while the version is still the current one.

The version lives in the shared cache (Redis under several processes): a new random token on
every change (`bump`), so a value computed before the change is never taken for one computed
after it. A change bumps at once and again once its transaction commits: a request that read
the old rows in between cannot leave its answer under the new version. A cache that lost the
version (restart, eviction) just starts a new one: everything is computed again.

With a memory cache per process and several processes (gunicorn without Redis) a bump made in one
process would not reach the others: PER_USER_CACHE is then off (`config/gunicorn.conf.py`),
`current()` answers None and every request computes afresh, as before.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

# What is kept under a version, and the version itself, live 10 minutes: a bump lost to a Redis
# outage (django-redis ignores the error) is healed within that time, and a version that expires
# first only costs a recompute.
TIMEOUT = 600


def enabled() -> bool:
    return getattr(settings, "PER_USER_CACHE", True)


def _key(user_id: int) -> str:
    return f"user-version:{user_id}"


def current(user) -> str | None:
    """The user's version (one cache read per request, kept on the user object); None when per-user
    caching is off or for an anonymous user."""
    if not enabled() or not getattr(user, "is_authenticated", False):
        return None
    version = getattr(user, "_user_version", None)
    if version is None:
        version = cache.get(_key(user.pk))
        if version is None:
            version = secrets.token_hex(8)
            # add(): two requests starting a version at once agree on the first one written.
            if not cache.add(_key(user.pk), version, TIMEOUT):
                version = cache.get(_key(user.pk)) or version
        user._user_version = version
    return version


def _set_new(user_id: int) -> None:
    cache.set(_key(user_id), secrets.token_hex(8), TIMEOUT)


def bump(user_id: int | None) -> None:
    """What decides this user's shell changed: whatever was kept about him is stale, in every
    process and every one of his sessions."""
    if user_id is None or not enabled():
        return
    _set_new(user_id)
    transaction.on_commit(lambda: _set_new(user_id))
