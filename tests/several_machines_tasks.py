"""A background job for tests/test_several_machines_servers.py: two `db_worker` processes share
the queue, and each job must run once (not a test module: the workers import it by name)."""

import os

from django_tasks import task


@task()
def note_worker(n: int) -> dict:
    return {"n": n, "pid": os.getpid()}
