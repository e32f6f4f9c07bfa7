"""The dossier as the workflow reads it while one change is being synchronised.

A service call changes the dossier once, then `workflows.sync` finishes the tasks that change made
done, creates the next ones, gives them deadlines and moves the others. All of that reads the same
facts, which do not change meanwhile (only tasks do), so the dossier is loaded once and each piece
of evidence at most once (`dossiers.evidence`), and shared here for the length of the
synchronisation — the gateways (`process.dossier`), the deadline rules and the task conditions
alike. A service's own locked dossier is that load already: the workflow reads it as the service
left it (with what the gates read of its evidence, less what the service wrote since).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from dossiers import evidence
from dossiers.models import Dossier

_CURRENT: contextvars.ContextVar[Dossier | None] = contextvars.ContextVar("workflow_dossier", default=None)


def load(pk: int) -> Dossier:
    """The dossier (one query), its evidence read on demand and then kept."""
    return evidence.read_on_demand(Dossier.objects.select_related("candidate", "cell__parent__parent").get(pk=pk))


def of(dossier: Dossier) -> Dossier:
    """The dossier a change was made on, if a service holds it read on demand (locked, as it
    saved it), else loaded afresh."""
    return dossier if evidence.reads_on_demand(dossier) else load(dossier.pk)


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
