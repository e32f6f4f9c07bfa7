"""Periodic evaluations (reference 001: the assigned member evaluates the candidate monthly or
quarterly; during probation the mentor reports periodically): a missing evaluation becomes a task
for the mentor, his report finishes it, and the end of the case cancels it."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.test import override_settings
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from dossiers import services
from dossiers.models import State
from workflows.flows import AdmissionFlow, EvaluationFlow
from workflows.models import EvaluationProcess, Notice, NoticeKind, TaskDeadline
from workflows.notify import sweep
from workflows.sync import due_evaluations, process_of

from .factories import PartyMemberFactory, UserFactory, dossier_in_state

OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


@pytest.fixture
def mentored(cell_a, mentor_user):
    """A case in mentoring whose mentor (with a login) was assigned 16 months ago and never reported."""
    _, member = mentor_user
    return dossier_in_state(State.MENTORING, cell=cell_a, introducers=[member, PartyMemberFactory(cell=cell_a)])


def evaluations(dossier):
    return EvaluationProcess.objects.filter(flow_class=EvaluationFlow, artifact_object_id=dossier.pk)


def evaluation_task(dossier) -> Task:
    return Task.objects.get(process__in=evaluations(dossier), flow_task_type="HUMAN")


def test_a_missing_evaluation_becomes_a_task_for_the_mentor(mentored, mentor_user, django_capture_on_commit_callbacks):
    user, _ = mentor_user
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(today).evaluations_started == 1
    process = evaluations(mentored).get()
    mentor_since = mentored.mentors.get().assigned_on
    assert process.dossier == mentored
    # Assigned 16 months ago and silent since: one task covering the five quarters missed.
    assert (process.period_start, process.period_end) == (
        mentor_since + dt.timedelta(days=1), mentor_since + relativedelta(months=15))
    task = evaluation_task(mentored)
    assert task.status == STATUS.ASSIGNED and task.owner == user
    assert task.flow_task.step == "record_progress_report"
    deadline = TaskDeadline.objects.get(task=task)
    assert deadline.due_on > process.period_end and deadline.rule
    assert Notice.objects.filter(user=user, task=task, kind=NoticeKind.ASSIGNED).exists()


def test_the_admission_process_stays_the_only_one_process_of_returns(mentored):
    sweep(timezone.localdate())
    assert process_of(mentored).flow_class is AdmissionFlow


def test_an_open_evaluation_is_not_started_twice(mentored):
    today = timezone.localdate()
    sweep(today)
    assert sweep(today + dt.timedelta(days=1)).evaluations_started == 0
    assert evaluations(mentored).count() == 1


def test_recording_the_report_for_the_period_finishes_the_task(mentored, mentor_user):
    user, member = mentor_user
    today = timezone.localdate()
    sweep(today)
    process = evaluations(mentored).get()
    services.dossier_record_progress_report(dossier=mentored, actor=user, mentor=member,
                                            period_start=process.period_start, period_end=today,
                                            content="Tích cực, gương mẫu.")
    task = evaluation_task(mentored)
    assert task.status == STATUS.DONE and task.owner == user
    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    # The report resets the clock: nothing is due until the next quarter has passed.
    assert sweep(today).evaluations_started == 0
    assert due_evaluations(today + relativedelta(months=3, days=1))


def test_a_report_that_stops_short_of_the_period_leaves_the_task_open(mentored, mentor_user):
    user, member = mentor_user
    sweep(timezone.localdate())
    process = evaluations(mentored).get()
    services.dossier_record_progress_report(dossier=mentored, actor=user, mentor=member,
                                            period_start=process.period_start,
                                            period_end=process.period_end - dt.timedelta(days=1), content="Tốt.")
    assert evaluation_task(mentored).status in OPEN


def test_a_withdrawn_case_cancels_its_evaluation(mentored):
    sweep(timezone.localdate())
    services.dossier_withdraw(dossier=mentored, actor=UserFactory(), reason="Chuyển công tác.")
    process = evaluations(mentored).get()
    assert process.status == PROCESS.CANCELED and process.finished is not None
    assert evaluation_task(mentored).status == STATUS.CANCELED


def test_a_case_going_up_for_approval_cancels_its_evaluation(cell_a, mentor_user):
    _, member = mentor_user
    d = dossier_in_state(State.BRANCH_VOTE, cell=cell_a, introducers=[member, PartyMemberFactory(cell=cell_a)])
    sweep(timezone.localdate())
    assert evaluations(d).get().finished is None
    services.dossier_record_branch_vote(dossier=d, actor=UserFactory(), meeting_date=timezone.localdate(),
                                        eligible=9, present=9, votes_for=9, votes_against=0, number="1-NQ/CB",
                                        signer="Bí thư chi bộ")
    assert evaluations(d).get().status == PROCESS.CANCELED


def test_a_mentor_without_a_login_leaves_the_task_in_the_cells_queue(cell_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a)
    sweep(timezone.localdate())
    task = evaluation_task(d)
    assert task.status == STATUS.NEW and task.owner is None


@override_settings(WORKFLOW_EVALUATION_MONTHS=6)
def test_the_period_is_configurable(mentored):
    sweep(timezone.localdate())
    process = evaluations(mentored).get()
    # Half-yearly: of the ~15½ months since the assignment, two whole periods are missed.
    assert process.period_end == process.period_start - dt.timedelta(days=1) + relativedelta(months=12)


def test_no_evaluation_is_due_for_a_case_without_a_mentor_or_already_decided(cell_a):
    dossier_in_state(State.SPOTTED, cell=cell_a)
    dossier_in_state(State.HIGHER_APPROVAL, cell=cell_a)
    dossier_in_state(State.RECOGNIZED, cell=cell_a)
    assert sweep(timezone.localdate()).evaluations_started == 0
