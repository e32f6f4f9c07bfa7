"""Task queues by role and scope; claim, give back, give to someone else, bulk claim."""

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from dossiers import services
from dossiers.models import State
from dossiers.refusals import Refusal
from permissions.models import Role
from workflows.selectors import eligible_assignees, tasks_archive, tasks_inbox, tasks_queue
from workflows.services import task_claim, task_reassign, task_unassign, tasks_claim_bulk
from workflows.signals import task_assigned
from workflows.sync import process_of

from .factories import PartyMemberFactory, UserFactory, dossier_in_state, grant


def open_task(dossier, name):
    return Task.objects.get(process=process_of(dossier), flow_task_type="HUMAN", status=STATUS.NEW,
                            flow_task__endswith=f".{name}")


def names(queryset):
    return {t.flow_task.name for t in queryset}


@pytest.fixture
def deputy_a(cell_a):
    user = UserFactory(username="phobithu_a")
    grant(user, Role.CELL_DEPUTY, cell_a)
    return user


def test_the_secretary_queue_has_her_cell_tasks_and_not_the_other_cell(secretary_a, cell_a, cell_b):
    mine = dossier_in_state(State.SPOTTED, cell=cell_a)
    other = dossier_in_state(State.SPOTTED, cell=cell_b)
    queue = list(tasks_queue(user=secretary_a))
    dossiers = {t.process.artifact_object_id for t in queue}
    assert mine.pk in dossiers and other.pk not in dossiers
    assert names(queue) == {"enroll_training"}


def test_the_committee_queue_has_committee_tasks_of_every_cell_and_no_cell_secretary_task(
        committee_member, cell_a, cell_b):
    a = dossier_in_state(State.MENTORING, cell=cell_a)
    b = dossier_in_state(State.HIGHER_APPROVAL, cell=cell_b)
    queue = list(tasks_queue(user=committee_member))
    by_dossier = {}
    for t in queue:
        by_dossier.setdefault(t.process.artifact_object_id, set()).add(t.flow_task.name)
    assert "verify_history" in by_dossier.get(a.pk, set())
    assert "grassroots_resolution" in by_dossier.get(b.pk, set())
    cell_steps = {"enroll_training", "complete_training", "assign_mentor", "assign_introducers", "collect_papers",
                  "gather_opinions", "submit_for_vote", "branch_vote", "ceremony"}
    assert not names(queue) & cell_steps


def test_the_approver_queue_has_the_decisions_and_nothing_for_the_cell(approver, cell_a):
    d = dossier_in_state(State.HIGHER_APPROVAL, cell=cell_a)
    services.dossier_record_grassroots_admission(
        dossier=d, actor=approver, meeting_date=timezone.localdate(), present=9, votes_for=9, votes_against=0,
        number="3-NQ/ĐU", signer="Bí thư Đảng ủy")
    assert names(tasks_queue(user=approver)) == {"admission_decision"}


def test_the_mentor_queue_has_the_report_on_the_probationer_he_mentors(mentor_user, cell_a):
    user, member = mentor_user
    d = dossier_in_state(State.PROBATION, cell=cell_a, introducers=[member, PartyMemberFactory(cell=cell_a)])
    queue = list(tasks_queue(user=user))
    assert {t.process.artifact_object_id for t in queue} == {d.pk}
    assert "mentor_report" in names(queue) and not names(queue) & {"self_review", "new_member_class"}


def test_claiming_moves_the_task_from_the_queue_to_the_inbox_and_announces_it_after_commit(
        secretary_a, cell_a, django_capture_on_commit_callbacks):
    task = open_task(dossier_in_state(State.SPOTTED, cell=cell_a), "enroll_training")
    heard = []

    def listener(sender, task, user, by, **kwargs):
        heard.append((task.pk, user, by))

    task_assigned.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            task_claim(task=task, user=secretary_a)
            assert heard == []  # not before the commit
        for callback in callbacks:
            callback()
    finally:
        task_assigned.disconnect(listener)
    assert heard == [(task.pk, secretary_a, secretary_a)]
    assert task.pk not in {t.pk for t in tasks_queue(user=secretary_a)}
    assert [t.pk for t in tasks_inbox(user=secretary_a)] == [task.pk]
    task.refresh_from_db()
    assert task.status == STATUS.ASSIGNED and task.owner == secretary_a


def test_giving_a_task_back_puts_it_in_the_queue_again(secretary_a, cell_a):
    task = open_task(dossier_in_state(State.SPOTTED, cell=cell_a), "enroll_training")
    task_claim(task=task, user=secretary_a)
    task_unassign(task=task, user=secretary_a)
    assert not tasks_inbox(user=secretary_a).exists()
    assert task.pk in {t.pk for t in tasks_queue(user=secretary_a)}
    task.refresh_from_db()
    assert task.status == STATUS.NEW and task.owner is None


def test_only_the_holder_gives_a_task_back(secretary_a, deputy_a, cell_a):
    task = open_task(dossier_in_state(State.SPOTTED, cell=cell_a), "enroll_training")
    task_claim(task=task, user=secretary_a)
    with pytest.raises(Refusal):
        task_unassign(task=task, user=deputy_a)
    task.refresh_from_db()
    assert task.owner == secretary_a


def test_the_secretary_gives_her_task_to_the_deputy(secretary_a, deputy_a, cell_a):
    task = open_task(dossier_in_state(State.SPOTTED, cell=cell_a), "enroll_training")
    task_claim(task=task, user=secretary_a)
    task_reassign(task=task, user=secretary_a, to=deputy_a)
    assert [t.pk for t in tasks_inbox(user=deputy_a)] == [task.pk]
    assert not tasks_inbox(user=secretary_a).exists()


def test_the_secretary_gives_an_unclaimed_task_straight_to_the_deputy(secretary_a, deputy_a, cell_a):
    task = open_task(dossier_in_state(State.SPOTTED, cell=cell_a), "enroll_training")
    task_reassign(task=task, user=secretary_a, to=deputy_a)
    task.refresh_from_db()
    assert task.status == STATUS.ASSIGNED and task.owner == deputy_a


def test_the_mentor_step_can_be_given_to_the_mentor_and_a_cell_step_cannot(secretary_a, mentor_user, cell_a):
    user, member = mentor_user
    d = dossier_in_state(State.PROBATION, cell=cell_a, introducers=[member, PartyMemberFactory(cell=cell_a)])
    report = open_task(d, "mentor_report")
    review = open_task(d, "self_review")
    assert user in eligible_assignees(report, d) and user not in eligible_assignees(review, d)
    task_reassign(task=report, user=secretary_a, to=user)
    assert [t.pk for t in tasks_inbox(user=user)] == [report.pk]
    with pytest.raises(Refusal):
        task_reassign(task=review, user=secretary_a, to=user)


def test_only_the_cell_secretaries_give_a_task_to_someone_else(committee_member, deputy_a, cell_a):
    task = open_task(dossier_in_state(State.MENTORING, cell=cell_a), "verify_history")
    with pytest.raises(Refusal):
        task_reassign(task=task, user=committee_member, to=deputy_a)
    task.refresh_from_db()
    assert task.owner is None


def test_a_user_outside_the_scope_cannot_claim_and_nothing_changes(secretary_b, cell_a):
    task = open_task(dossier_in_state(State.SPOTTED, cell=cell_a), "enroll_training")
    with pytest.raises(Refusal) as refused:
        task_claim(task=task, user=secretary_b)
    assert refused.value.reasons
    task.refresh_from_db()
    assert task.status == STATUS.NEW and task.owner is None


def test_a_committee_member_cannot_claim_a_cell_step(committee_member, cell_a):
    task = open_task(dossier_in_state(State.SPOTTED, cell=cell_a), "enroll_training")
    with pytest.raises(Refusal):
        task_claim(task=task, user=committee_member)


def test_a_task_already_taken_is_refused_with_the_holder_name(secretary_a, deputy_a, cell_a):
    task = open_task(dossier_in_state(State.SPOTTED, cell=cell_a), "enroll_training")
    stale = Task.objects.get(pk=task.pk)
    task_claim(task=task, user=secretary_a)
    with pytest.raises(Refusal) as refused:
        task_claim(task=stale, user=deputy_a)
    assert secretary_a.first_name in refused.value.reasons[0]
    task.refresh_from_db()
    assert task.owner == secretary_a


def test_bulk_claim_takes_every_task_it_may_and_reports_the_others(secretary_a, deputy_a, cell_a):
    tasks = [open_task(dossier_in_state(State.SPOTTED, cell=cell_a), "enroll_training") for _ in range(3)]
    task_claim(task=Task.objects.get(pk=tasks[2].pk), user=deputy_a)
    result = tasks_claim_bulk(tasks=tasks, user=secretary_a)
    assert {t.pk for t in result.claimed} == {tasks[0].pk, tasks[1].pk}
    assert list(result.refused) == [tasks[2].pk]
    assert {t.pk for t in tasks_inbox(user=secretary_a)} == {tasks[0].pk, tasks[1].pk}


def test_the_archive_lists_the_tasks_the_user_finished(secretary_a, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    task = open_task(d, "enroll_training")
    task_claim(task=task, user=secretary_a)
    services.dossier_enroll_training(dossier=d, actor=secretary_a, class_name="Lớp 1", organiser="TTCT",
                                     start_date=timezone.localdate())
    assert [t.pk for t in tasks_archive(user=secretary_a)] == [task.pk]
    assert not tasks_inbox(user=secretary_a).exists()
