"""The daily sweep marks tasks past due, tells whoever holds them once, and after N working days
tells the next level up; `manage.py workflow_sweep --today` is what cron runs."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import override_settings
from viewflow.workflow.models import Task
from viewflow.workflow.nodes import Timer
from viewflow.workflow.status import STATUS

from dossiers import services
from permissions.models import Role
from workflows.flows import AdmissionFlow, EvaluationFlow
from workflows.models import Notice, NoticeKind, TaskDeadline
from workflows.notify import sweep
from workflows.sync import process_of

from .factories import CandidateFactory, UserFactory, grant
from .test_deadlines import voted_on

D = dt.date
DUE = D(2025, 6, 10)  # enroll_training of a case spotted on 25/04/2025 (tests/test_deadlines.py)


@pytest.fixture
def people(secretary_a, secretary_b, committee_member, approver):
    for user in (secretary_a, secretary_b, committee_member, approver):
        user.email = f"{user.username}@example.org"
        user.save()
    return {"secretary": secretary_a, "other_cell": secretary_b, "committee": committee_member, "approver": approver}


@pytest.fixture
def case(cell_a, people):
    d = services.dossier_create(candidate=CandidateFactory(), cell=cell_a, source="youth_union",
                                spotted_on=D(2025, 4, 25), actor=UserFactory())
    task = Task.objects.get(process=process_of(d), flow_task_type="HUMAN", status=STATUS.NEW)
    assert task.deadline.due_on == DUE
    return d, task


def notices(kind, task):
    return sorted(n.user.username for n in Notice.objects.filter(kind=kind, task=task))


def test_nothing_happens_on_the_due_date_itself(case, mailoutbox):
    _, task = case
    result = sweep(DUE)
    assert result.marked_overdue == 0 and not Notice.objects.exists() and mailoutbox == []


def test_an_unassigned_overdue_task_is_marked_and_everyone_who_may_take_it_is_told_once(case, people, mailoutbox):
    _, task = case
    result = sweep(D(2025, 6, 11))
    deadline = TaskDeadline.objects.get(task=task)
    assert deadline.overdue_since == D(2025, 6, 11) and deadline.escalated_on is None
    assert result.marked_overdue == 1
    assert notices(NoticeKind.OVERDUE, task) == ["bithu_a"]  # not the other cell, not the levels above
    assert [m.to for m in mailoutbox] == [["bithu_a@example.org"]]
    assert "10 tháng 6 năm 2025" in mailoutbox[0].body
    assert Notice.objects.get().emailed_at is not None

    again = sweep(D(2025, 6, 12))
    assert again.marked_overdue == 0 and again.notices == 0
    assert Notice.objects.count() == 1 and len(mailoutbox) == 1


def test_an_assigned_overdue_task_tells_only_its_owner(case, people, cell_a, mailoutbox):
    _, task = case
    deputy = UserFactory(username="phobithu_a", email="pbt@example.org")
    grant(deputy, Role.CELL_DEPUTY, cell_a)
    with task.activation() as activation:
        activation.assign(deputy)
    sweep(D(2025, 6, 11))
    assert notices(NoticeKind.OVERDUE, task) == ["phobithu_a"]


def test_a_cell_task_is_escalated_to_the_grassroots_committee_after_5_working_days(case, people, mailoutbox):
    _, task = case
    sweep(D(2025, 6, 11))
    # 11, 12, 13, 16 June: four working days overdue.
    assert sweep(D(2025, 6, 16)).escalated == 0
    result = sweep(D(2025, 6, 17))
    assert result.escalated == 1
    assert TaskDeadline.objects.get(task=task).escalated_on == D(2025, 6, 17)
    assert notices(NoticeKind.ESCALATED, task) == ["dangu_y"]
    assert mailoutbox[-1].to == ["dangu_y@example.org"]
    assert sweep(D(2025, 6, 30)).escalated == 0
    assert Notice.objects.filter(kind=NoticeKind.ESCALATED).count() == 1


@override_settings(WORKFLOW_ESCALATE_AFTER_DAYS=2)
def test_the_escalation_delay_is_configurable(case, people):
    _, task = case
    sweep(D(2025, 6, 11))
    assert sweep(D(2025, 6, 12)).escalated == 1


def test_a_committee_task_is_escalated_to_the_approvers(cell_a, people):
    d = voted_on(cell_a, D(2025, 1, 24), today=D(2026, 4, 20))
    task = next(t for t in Task.objects.filter(process=process_of(d), status=STATUS.NEW)
                if t.flow_task.name == "grassroots_resolution")
    sweep(D(2025, 4, 28))
    assert notices(NoticeKind.OVERDUE, task) == ["dangu_y"]
    sweep(D(2025, 5, 12))  # 28, 29/04, 05–09/05: over 5 working days
    assert notices(NoticeKind.ESCALATED, task) == ["btv_huyen"]


def test_an_approver_task_is_escalated_to_the_organisation_board(cell_a, tree, people):
    board = UserFactory(username="bantochuc", email="btc@example.org")
    grant(board, Role.ORG_BOARD, tree["district"])
    d = voted_on(cell_a, D(2025, 1, 24), today=D(2026, 4, 20))
    d = services.dossier_record_grassroots_admission(
        dossier=d, actor=UserFactory(), meeting_date=D(2025, 3, 3), present=9, votes_for=9, votes_against=0,
        number="2-NQ/ĐU", signer="Bí thư Đảng ủy")
    task = next(t for t in Task.objects.filter(process=process_of(d), status=STATUS.NEW)
                if t.flow_task.name == "admission_decision")
    sweep(D(2025, 5, 12))
    assert notices(NoticeKind.OVERDUE, task) == ["btv_huyen"]
    assert notices(NoticeKind.ESCALATED, task) == ["bantochuc"]


def test_the_command_runs_for_a_given_date_and_is_idempotent(case, people, mailoutbox, capsys):
    call_command("workflow_sweep", "--today", "2025-06-11")
    call_command("workflow_sweep", "--today", "2025-06-11")
    out = capsys.readouterr().out
    assert "1 task(s) overdue" in out and "0 task(s) overdue" in out
    assert len(mailoutbox) == 1


def test_a_sweep_with_nothing_new_to_do_costs_a_fixed_number_of_queries(cell_a, people, django_assert_max_num_queries):
    for _ in range(3):
        services.dossier_create(candidate=CandidateFactory(), cell=cell_a, source="youth_union",
                                spotted_on=D(2025, 4, 25), actor=UserFactory())
    sweep(D(2025, 6, 11))
    with django_assert_max_num_queries(12):
        sweep(D(2025, 6, 12))


def test_the_flows_need_no_viewflow_timers():
    """viewflow's `workflow_timers` fires Timer nodes only; the flows have none, the sweep does the work."""
    for flow_class in (AdmissionFlow, EvaluationFlow):
        assert not [n for n in flow_class.instance.nodes() if isinstance(n, Timer)]
