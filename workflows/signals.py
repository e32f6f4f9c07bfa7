"""Signals the workflow sends, and the switch that holds back their emails."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.dispatch import Signal

# Sent when a task is assigned to a user (claim, reassign, assignment by the secretary).
# kwargs: task, user, by, and `mail` (False: the assignment was made with mail held back).
task_assigned = Signal()

_mail_held_back: ContextVar[bool] = ContextVar("workflows_mail_held_back", default=False)


@contextmanager
def mail_held_back() -> Iterator[None]:
    """No notice made inside this block is emailed, not at the commit, not by a later sweep: the
    notices are written and count as delivered (the demo seed gives out its tasks so)."""
    token = _mail_held_back.set(True)
    try:
        yield
    finally:
        _mail_held_back.reset(token)


def mail_allowed() -> bool:
    return not _mail_held_back.get()
