"""Open deadlines apart from those of finished tasks (issue 7): a deadline stays on record when
its task ends, but leaves the follow-up lists and the sweep, which read only the open ones."""

import datetime as dt

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from dossiers import services
from dossiers.models import State
from workflows.models import TaskDeadline
from workflows.selectors import tasks_overdue_in_scope
from workflows.sync import process_of

from .factories import dossier_in_state
from .test_task_pages import open_task, set_due

LONG_AGO = dt.date(2025, 1, 6)


def _enrol(dossier, actor):
    return services.dossier_enroll_training(dossier=dossier, actor=actor, class_name="Lớp cảm tình Đảng",
                                            organiser="Trung tâm Chính trị", start_date=timezone.localdate())


def test_it_closes_the_deadline_of_a_task_when_its_work_is_done(cell_a, secretary_a):
    dossier = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    task = open_task(dossier, "enroll_training")
    assert TaskDeadline.objects.get(task=task).is_open
    _enrol(dossier, secretary_a)
    closed = TaskDeadline.objects.get(task=task)
    assert not closed.is_open  # still on record: was the step late?
    following = Task.objects.get(process=process_of(dossier), flow_task_type="HUMAN", status=STATUS.NEW)
    assert TaskDeadline.objects.get(task=following).is_open


def test_it_closes_every_deadline_when_the_case_ends(cell_a, secretary_a):
    dossier = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    assert TaskDeadline.objects.filter(dossier=dossier, is_open=True).exists()
    services.dossier_withdraw(dossier=dossier, actor=secretary_a, reason="Chuyển công tác.")
    assert not TaskDeadline.objects.filter(dossier=dossier, is_open=True).exists()
    assert TaskDeadline.objects.filter(dossier=dossier).count() >= 3


def test_the_overdue_list_forgets_a_late_task_once_it_is_done(board, cell_a, secretary_a):
    dossier = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    task = open_task(dossier, "enroll_training")
    set_due(task, LONG_AGO)
    assert [t.pk for t in tasks_overdue_in_scope(user=board)] == [task.pk]
    _enrol(dossier, secretary_a)
    assert list(tasks_overdue_in_scope(user=board)) == []


def test_the_overdue_list_is_oldest_due_first(board, cell_a, cell_b):
    later = open_task(dossier_in_state(State.SPOTTED, cell=cell_a), "enroll_training")
    older = open_task(dossier_in_state(State.SPOTTED, cell=cell_b), "enroll_training")
    set_due(later, LONG_AGO + dt.timedelta(days=30))
    set_due(older, LONG_AGO)
    assert [t.pk for t in tasks_overdue_in_scope(user=board)] == [older.pk, later.pk]


def test_the_migration_closes_the_deadlines_of_tasks_already_finished(cell_a, secretary_a):
    migration = __import__("workflows.migrations.0004_deadline_open", fromlist=["close_finished"])
    dossier = dossier_in_state(State.TRAINING, cell=cell_a, actor=secretary_a)
    TaskDeadline.objects.filter(dossier=dossier).update(is_open=True)  # as before the migration
    migration.close_finished(apps, None)
    finished = TaskDeadline.objects.filter(dossier=dossier).exclude(task__status__in=["NEW", "ASSIGNED", "STARTED"])
    assert finished.exists() and not finished.filter(is_open=True).exists()
    assert TaskDeadline.objects.filter(dossier=dossier, is_open=True).count() == 1


def test_the_workflow_reads_the_dossier_and_each_piece_of_evidence_once_per_change(cell_a, secretary_a):
    # The branch vote finishes a task and passes gateways and deadline rules that all read the acts
    # and votes: after the service's history row, the workflow reads each once, not once per node.
    dossier = dossier_in_state(State.BRANCH_VOTE, cell=cell_a, actor=secretary_a)
    with CaptureQueriesContext(connection) as ctx:
        services.dossier_record_branch_vote(
            dossier=dossier, actor=secretary_a, meeting_date=timezone.localdate(), eligible=9, present=9,
            votes_for=9, votes_against=0, number="1-NQ/CB", signer="Nguyễn Văn Bí Thư")
    sqls = [q["sql"] for q in ctx.captured_queries]
    # The history row (on PostgreSQL written in one statement with the copies of what the step wrote).
    start = next(i for i, sql in enumerate(sqls) if 'INSERT INTO "dossiers_dossierhistory"' in sql)
    workflow = [sql for sql in sqls[start + 1:] if sql.startswith("SELECT")]
    assert any('"viewflow_task"' in sql for sql in workflow)  # the workflow did run here

    def reads(table):
        return [sql for sql in workflow if sql.split(" FROM ", 1)[1].startswith(f'"{table}" ')]

    for table in ("dossiers_dossier", "dossiers_partyact", "dossiers_vote"):
        assert len(reads(table)) <= 1, (table, reads(table))
