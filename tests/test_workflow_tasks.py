"""The workflow follows the dossier: for every open dossier the open tasks match its state."""

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from dossiers import services
from dossiers.models import State
from workflows.sync import process_of

from .factories import PATH, UserFactory, dossier_in_state

OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]

# Which tasks may be open in which state (workflows/flows.py).
EXPECTED = {
    State.SPOTTED: {"enroll_training"},
    State.TRAINING: {"complete_training"},
    State.MENTORING: {"assign_mentor", "assign_introducers", "collect_papers", "verify_history", "gather_opinions",
                      "submit_for_vote"},
    State.BRANCH_VOTE: {"branch_vote"},
    State.HIGHER_APPROVAL: {"sub_committee_appraisal", "grassroots_resolution", "admission_decision", "ceremony"},
    State.PROBATION: {"new_member_class", "mentor_report", "self_review", "probation_opinions", "recognition_vote",
                      "grassroots_recognition", "recognition_decision", "removal_decision"},
}


def open_task_names(dossier):
    process = process_of(dossier)
    return {t.flow_task.name for t in Task.objects.filter(process=process, status__in=OPEN, flow_task_type="HUMAN")}


@pytest.mark.parametrize("state", PATH)
def test_the_open_tasks_match_the_state(state, cell_a):
    d = dossier_in_state(state, cell=cell_a)
    names = open_task_names(d)
    if state == State.RECOGNIZED:
        assert names == set()
        assert process_of(d).status == PROCESS.DONE
    else:
        assert names and names <= EXPECTED[state], names


def test_a_new_case_waits_for_the_class_enrolment_in_the_cell(cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    assert open_task_names(d) == {"enroll_training"}


def test_the_task_is_finished_by_whoever_did_the_work_from_any_page(cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    someone = UserFactory()
    services.dossier_enroll_training(dossier=d, actor=someone, class_name="Lớp 1", organiser="TTCT",
                                     start_date=timezone.localdate())
    done = Task.objects.get(process=process_of(d), flow_task_type="HUMAN", status=STATUS.DONE)
    assert done.flow_task.name == "enroll_training" and done.owner == someone
    assert open_task_names(d) == {"complete_training"}


def test_withdrawal_cancels_every_open_task_and_closes_the_process(cell_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a)
    assert len(open_task_names(d)) >= 2
    services.dossier_withdraw(dossier=d, actor=UserFactory(), reason="Chuyển công tác.")
    assert open_task_names(d) == set()
    process = process_of(d)
    assert process.status == PROCESS.CANCELED and process.finished is not None
    assert Task.objects.filter(process=process, status=STATUS.CANCELED).count() >= 2


def test_a_failed_branch_vote_ends_the_process(cell_a):
    d = dossier_in_state(State.BRANCH_VOTE, cell=cell_a)
    services.dossier_record_branch_vote(dossier=d, actor=UserFactory(), meeting_date=timezone.localdate(),
                                        eligible=9, present=9, votes_for=5, votes_against=4)
    assert open_task_names(d) == set()
    assert process_of(d).finished is not None


def test_a_refused_step_leaves_the_task_open(cell_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a)
    before = open_task_names(d)
    with pytest.raises(services.Refusal):
        services.dossier_submit_for_vote(dossier=d, actor=UserFactory())
    assert open_task_names(d) == before
