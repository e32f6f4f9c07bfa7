"""The dossier as the workflow reads it while one change is being synchronised.

A service call changes the dossier once, then `workflows.sync` finishes the tasks that change made
done, creates the next ones, gives them deadlines and moves the others. All of that reads the same
facts, which do not change meanwhile (only tasks do), so the dossier is loaded once and each piece
of evidence at most once, and shared here for the length of the synchronisation — the gateways
(`process.dossier`), the deadline rules and the task conditions alike.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import Prefetch, prefetch_related_objects

from dossiers.models import Dossier, Introducer, Mentor

_CURRENT: contextvars.ContextVar[Dossier | None] = contextvars.ContextVar("workflow_dossier", default=None)


# How a relation is loaded when first read (the people behind mentors and introducers with them).
_LOOKUPS = {
    "introducers": Prefetch("introducers", queryset=Introducer.objects.select_related("member")),
    "mentors": Prefetch("mentors", queryset=Mentor.objects.select_related("member")),
}


class _LoadedOnFirstRead(dict):
    """The dossier's prefetch cache, filled per relation on first read: a change reads some of
    the dossier's evidence (the acts, say) many times and most of it never, so each relation costs
    one query if read and none if not. Django's related managers read this dict first."""

    def __init__(self, dossier: Dossier):
        super().__init__()
        self.dossier = dossier
        self.loading = False

    def __missing__(self, name: str):
        # While loading, Django asks the manager for its plain queryset: a miss makes it build one.
        if name not in _RELATIONS or self.loading:
            raise KeyError(name)
        self.loading = True
        try:
            prefetch_related_objects([self.dossier], _LOOKUPS.get(name, name))
        finally:
            self.loading = False
        return dict.__getitem__(self, name)


_RELATIONS = {"certificates", "introducers", "mentors", "acts", "verifications", "opinions", "votes",
              "progress_reports", "self_reviews"}


def load(pk: int) -> Dossier:
    """The dossier (one query), its evidence read on demand and then kept."""
    dossier = Dossier.objects.select_related("candidate", "cell__parent__parent").get(pk=pk)
    dossier._prefetched_objects_cache = _LoadedOnFirstRead(dossier)
    return dossier


@contextmanager
def reading(dossier: Dossier) -> Iterator[Dossier]:
    token = _CURRENT.set(dossier)
    try:
        yield dossier
    finally:
        _CURRENT.reset(token)


def current(pk) -> Dossier | None:
    """The dossier being synchronised, if it is dossier `pk`."""
    dossier = _CURRENT.get()
    if dossier is not None and pk is not None and dossier.pk == int(pk):
        return dossier
    return None
