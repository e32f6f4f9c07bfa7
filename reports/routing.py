"""Statistics from a PostgreSQL replica (issue 18 §6): a database router for `DATABASE_REPLICA_URL`.

The statistics read many rows and change none: with a streaming replica, the report pages' counting
(`reports.stats`, called inside `replica_reads()`) runs there and leaves the primary to the people
working cases. Everything else reads from the primary, and every write goes there:

- the user's scope (roles, guardian permissions), the session and the user are read before the
  statistics and outside `replica_reads()`; their models are also refused the replica by app, so a
  role withdrawn a moment ago is never honoured from a replica that lags behind;
- a read inside a transaction (`atomic`, `select_for_update`) is on the primary: it belongs with
  the writes around it;
- the replica is never migrated (it copies the primary).

Without `DATABASE_REPLICA_URL` the router is not installed and `replica_reads()` changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# Apps whose rows decide who may see what, or are written on the way: always the primary.
PRIMARY_ONLY_APPS = frozenset({
    "auth", "contenttypes", "sessions", "admin", "guardian", "permissions", "django_tasks_db", "axes", "otp_totp",
    "otp_static", "django_otp",
})

_on_replica: ContextVar[bool] = ContextVar("reports_on_replica", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """The reads made inside go to the replica when one is configured (the router decides)."""
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


class ReplicaRouter:
    """`DATABASE_ROUTERS = ["reports.routing.ReplicaRouter"]` (config/settings.py sets it)."""

    def db_for_read(self, model, **hints):
        if not _on_replica.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if REPLICA not in connections or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read there may be linked to one read here.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
