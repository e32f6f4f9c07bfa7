"""The menu's task badge on every page: the user's open tasks, counted once and kept until one of
his tasks changes.

The count is kept in the shared cache with the user's inbox version; any save or deletion of a
task that he holds or held (taken, given to him, finished, handed back, passed to someone else,
cancelled) gives him a new version at once and again when its transaction commits, so the next page
counts again: a step done leaves the badge on the very next page, in every process. A task's owner
as it was loaded is remembered on the instance (`post_init`), so that the one it is taken from is
told as well as the one it goes to. Writes that bypass the model's signals (the import's
`bulk_create`) call `bump` themselves; the cache's timeout bounds anything missed.

Off with PER_USER_CACHE (gunicorn without Redis: memory caches are not shared): one COUNT per page.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver
from viewflow.workflow.models import Task

from permissions.user_version import enabled

from .selectors import inbox_count

TIMEOUT = 300  # anything the signals cannot see (a raw UPDATE) is corrected within 5 minutes


def _version_key(user_id: int) -> str:
    return f"inbox-version:{user_id}"


def _count_key(user_id: int) -> str:
    return f"inbox-count:{user_id}"


def keys(user_id: int) -> list[str]:
    """The cache keys `open_task_count` reads: a caller reading other keys at the same moment (the
    menu) fetches them in the same round trip and hands them over as `kept`."""
    return [_version_key(user_id), _count_key(user_id)]


def open_task_count(user, kept: dict | None = None) -> int:
    """The badge's number: from the cache while the user's inbox version holds (one cache read, or
    `kept`: those keys read by the caller just now), else one COUNT query."""
    if not user.is_authenticated:
        return 0
    if not enabled():
        return inbox_count(user=user)
    version_key, count_key = keys(user.pk)
    if kept is None:
        kept = cache.get_many([version_key, count_key])
    version = kept.get(version_key)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(version_key, version, TIMEOUT):
            version = cache.get(version_key) or version
    counted = kept.get(count_key)
    if counted is not None and counted[0] == version:
        return counted[1]
    # The version was read before counting: a change committed meanwhile has bumped it, and this
    # count, stored under the old one, is never read.
    count = inbox_count(user=user)
    cache.set(count_key, (version, count), TIMEOUT)
    return count


def _set_new(user_id: int) -> None:
    cache.set(_version_key(user_id), secrets.token_hex(8), TIMEOUT)


def bump(user_id: int | None) -> None:
    """One of this user's tasks changed: his badge is counted again on his next page."""
    if user_id is None or not enabled():
        return
    _set_new(user_id)
    transaction.on_commit(lambda: _set_new(user_id))


@receiver(post_init, sender=Task, dispatch_uid="workflows.badge.task_loaded")
def on_task_loaded(sender, instance: Task, **kwargs) -> None:
    # From __dict__: a task loaded without its owner column (`only()`) must not query for it.
    instance._badge_owner_id = instance.__dict__.get("owner_id")


@receiver(post_save, sender=Task, dispatch_uid="workflows.badge.task_saved")
@receiver(post_delete, sender=Task, dispatch_uid="workflows.badge.task_deleted")
def on_task_changed(sender, instance: Task, **kwargs) -> None:
    for user_id in {getattr(instance, "_badge_owner_id", None), instance.__dict__.get("owner_id")} - {None}:
        bump(user_id)
    instance._badge_owner_id = instance.__dict__.get("owner_id")
