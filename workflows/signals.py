"""Signals the workflow sends."""

from django.dispatch import Signal

# Sent when a task is assigned to a user (claim, reassign, assignment by the secretary).
# kwargs: task, user, by.
task_assigned = Signal()
