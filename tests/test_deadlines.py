"""Every task carries a due date computed from the rules in working days, Vietnam's holidays
included: Tết 2025 (27/01–02/02), Tết 2026 (16–20/02), 30/4–1/5 with the 2025 bridge day (02/05,
paid for by working Saturday 26/04) and Giỗ Tổ. The expected dates below were counted by hand."""

import datetime as dt

import pytest
from django.test import override_settings
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from dossiers import services
from dossiers.models import Dossier, State
from dossiers.workdays import add_working_days
from workflows.deadlines import due_for
from workflows.models import TaskDeadline
from workflows.sync import process_of

from .factories import CandidateFactory, UserFactory, dossier_in_state

D = dt.date


def open_deadline(dossier, node_name) -> TaskDeadline:
    tasks = Task.objects.filter(process=process_of(dossier), status__in=[STATUS.NEW, STATUS.ASSIGNED])
    task = next(t for t in tasks if t.flow_task.name == node_name)
    return TaskDeadline.objects.get(task=task)


def voted_on(cell, meeting_date, *, today):
    """A dossier whose cell voted to propose admission on `meeting_date` (services all the way)."""
    d = dossier_in_state(State.BRANCH_VOTE, cell=cell, today=today)
    eligible = cell.official_members
    return services.dossier_record_branch_vote(
        dossier=d, actor=UserFactory(), meeting_date=meeting_date, eligible=eligible, present=eligible,
        votes_for=eligible, votes_against=0, number="1-NQ/CB", signer="Bí thư chi bộ")


def test_the_admission_decision_is_due_60_working_days_after_a_cell_resolution_just_before_tet_2025(cell_a):
    # Friday 24/01/2025; Tết closes 27/01–02/02, Giỗ Tổ 07/04; day 60 is the worked Saturday 26/04.
    d = voted_on(cell_a, D(2025, 1, 24), today=D(2026, 4, 20))
    deadline = open_deadline(d, "grassroots_resolution")
    assert deadline.due_on == D(2025, 4, 26)
    assert deadline.dossier == d
    assert "60" in deadline.rule and "4.3.1" in deadline.rule
    assert due_for("admission_decision", d, D(2025, 1, 24)).on == D(2025, 4, 26)


def test_extending_the_decision_period_moves_the_open_deadline_by_30_working_days_over_30_4(cell_a):
    d = voted_on(cell_a, D(2025, 1, 24), today=D(2026, 4, 20))
    services.dossier_extend_decision(dossier=d, actor=UserFactory(), granted_by="Ban Thường vụ Huyện ủy",
                                     granted_on=D(2025, 4, 1), reason="Chờ kết quả thẩm tra bổ sung")
    deadline = open_deadline(d, "grassroots_resolution")
    # 28–29/04, then 30/4, 1/5 and the bridge day 2/5 are off: the 90th working day is 11/06.
    assert deadline.due_on == D(2025, 6, 11)
    assert "90" in deadline.rule


def test_the_admission_decision_is_due_60_working_days_after_a_cell_resolution_just_before_tet_2026(cell_a):
    # Friday 13/02/2026; Tết 16–20/02, Giỗ Tổ observed 27/04, 30/4 and 1/5 off.
    d = voted_on(cell_a, D(2026, 2, 13), today=D(2027, 1, 1))
    assert open_deadline(d, "grassroots_resolution").due_on == D(2026, 5, 20)


def test_the_ceremony_is_due_30_working_days_after_the_decision_across_30_4_and_1_5(cell_a):
    d = voted_on(cell_a, D(2025, 1, 24), today=D(2026, 4, 20))
    actor = UserFactory()
    d = services.dossier_record_grassroots_admission(
        dossier=d, actor=actor, meeting_date=D(2025, 3, 3), present=9, votes_for=9, votes_against=0,
        number="2-NQ/ĐU", signer="Bí thư Đảng ủy")
    assert open_deadline(d, "admission_decision").due_on == D(2025, 4, 26)
    d = services.dossier_decide_admission(
        dossier=d, actor=actor, approved=True, number="90-QĐ/HU", date=D(2025, 4, 10),
        signer="Phó Bí thư Thường trực", issuer="Ban Thường vụ Huyện ủy")
    deadline = open_deadline(d, "ceremony")
    # Thursday 10/04/2025: the worked Saturday 26/04 counts, 30/4–2/5 do not.
    assert deadline.due_on == D(2025, 5, 26)
    assert "30" in deadline.rule and "4.1" in deadline.rule


def test_the_recognition_vote_is_due_30_working_days_after_probation_ends_across_tet_2026():
    # Ceremony 14/02/2025 → official 14/02/2026 (a Saturday of the Tết break); 16–20/02 are off.
    assert due_for("recognition_vote", Dossier(official_date=D(2026, 2, 14)), D(2025, 2, 14)).on == D(2026, 4, 3)


def test_the_recognition_vote_is_due_30_working_days_after_probation_ends_across_30_4_2026():
    # Official 28/04/2026; 30/4 and 1/5 are off.
    due = due_for("recognition_vote", Dossier(official_date=D(2026, 4, 28)), D(2025, 4, 28))
    assert due.on == D(2026, 6, 11) and "4.2" in due.rule


def test_the_recognition_vote_of_a_walked_case_is_due_30_working_days_after_its_12_months(cell_a):
    d = dossier_in_state(State.PROBATION, cell=cell_a)
    assert due_for("recognition_vote", d, d.ceremony_date).on == add_working_days(d.official_date, 30)


def test_a_step_the_rules_do_not_time_gets_the_configured_default_from_the_day_it_arose(cell_a):
    # Added to the source list on Friday 25/04/2025: 30 working days, the worked Saturday 26/04
    # included and 30/4–2/5 excluded.
    d = services.dossier_create(candidate=CandidateFactory(), cell=cell_a, source="youth_union",
                                spotted_on=D(2025, 4, 25), actor=UserFactory())
    deadline = open_deadline(d, "enroll_training")
    assert deadline.due_on == D(2025, 6, 10)
    assert "30" in deadline.rule


@override_settings(WORKFLOW_DEFAULT_DAYS={"*": 10, "enroll_training": 5})
def test_the_default_periods_are_configurable(cell_a):
    d = services.dossier_create(candidate=CandidateFactory(), cell=cell_a, source="youth_union",
                                spotted_on=D(2025, 1, 24), actor=UserFactory())
    # 5 working days after Friday 24/01/2025, Tết skipped: 03/02 … 07/02.
    assert open_deadline(d, "enroll_training").due_on == D(2025, 2, 7)


@pytest.mark.parametrize("state", [State.SPOTTED, State.MENTORING, State.HIGHER_APPROVAL, State.PROBATION])
def test_every_open_task_created_by_the_flow_carries_its_deadline_and_rule(state, cell_a):
    d = dossier_in_state(state, cell=cell_a)
    tasks = Task.objects.filter(process=process_of(d), flow_task_type="HUMAN", status=STATUS.NEW)
    assert tasks
    for task in tasks:
        deadline = TaskDeadline.objects.get(task=task)
        assert deadline.dossier_id == d.pk and deadline.rule
        assert deadline.due_on > d.spotted_on
