"""The set-based step (`workflows.engine`) leaves viewflow's tables as viewflow's own activations
leave them, on every path the admission can take and in the periodic evaluations.

Each scenario runs twice from the same database state, each time in a transaction rolled back:
with the engine, then with viewflow's walk (`engine.viewflow_walk()`); after every service call
the dossier's processes are pictured — per process its flow, status and whether it finished, each
task's node, type, status, token (a split's id replaced by its node's name), owner, the nodes of
its previous tasks, which of started/finished/assigned are set; the deadline rows; the notices —
and the two series must be equal. With the engine, every step must have been the engine's (no
fallback), so the comparison is of the two paths indeed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from contextlib import nullcontext

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from builders.factories import WALK, walk_start
from dossiers import services
from dossiers.models import Dossier
from workflows import engine
from workflows.flows import AdmissionFlow, EvaluationFlow
from workflows.models import Notice, TaskDeadline
from workflows.sync import start_due_evaluations

from .factories import PartyMemberFactory, UserFactory, org_tree

STEPS = {task: step for _state, task, step in WALK}
ORDER = [task for _state, task, _step in WALK]


def picture(dossier: Dossier) -> list:
    kind = ContentType.objects.get_for_model(Dossier)
    out = []
    for process in Process.objects.filter(artifact_content_type=kind, artifact_object_id=dossier.pk).order_by("pk"):
        tasks = list(Task.objects.filter(process=process).select_related("owner").prefetch_related("previous"))
        name = {t.pk: t.flow_task.name for t in tasks}

        def token(task, name=name) -> str:
            return re.sub(r"/(\d+)_", lambda m: f"/{name[int(m.group(1))]}_", task.token.token)

        rows = sorted(
            (t.flow_task.name, t.flow_task_type, t.status, token(t), t.owner.username if t.owner else None,
             tuple(sorted(name[p.pk] for p in t.previous.all())),
             t.started is None, t.finished is None, t.assigned is None)
            for t in tasks)
        deadlines = sorted(
            (name[d.task_id], d.due_on, d.rule, d.is_open, d.overdue_since, d.escalated_on)
            for d in TaskDeadline.objects.filter(task__process=process))
        notices = sorted((n.user.username, n.kind, name[n.task_id])
                         for n in Notice.objects.filter(task__process=process).select_related("user"))
        out.append((process.flow_class.__name__, process.status, process.finished is None, process.data,
                    rows, deadlines, notices))
    return out


def both_ways(scenario: Callable[[Callable[[Dossier], None]], None], monkeypatch, *, declined: int = 0) -> list:
    """The scenario's pictures with the engine, checked equal to those with viewflow's walk; with
    the engine, `declined` steps (of the engine's own will) left to viewflow, no more, no less."""
    answers: list[bool] = []
    step, start = engine.step, engine.start

    def spied_step(*args, **kwargs):
        answer = step(*args, **kwargs)
        answers.append(answer is not None)
        return answer

    def spied_start(*args, **kwargs):
        answer = start(*args, **kwargs)
        answers.append(answer is not engine.DECLINED)
        return answer

    monkeypatch.setattr(engine, "step", spied_step)
    monkeypatch.setattr(engine, "start", spied_start)
    series = {}
    for way, switch in (("engine", nullcontext), ("viewflow", engine.viewflow_walk)):
        pictures: list = []
        answers.clear()
        with transaction.atomic(), switch():
            scenario(lambda d, pictures=pictures: pictures.append(picture(d)))
            transaction.set_rollback(True)
        if way == "engine":
            assert answers and answers.count(False) == declined, f"steps left to viewflow: {answers}"
        else:
            assert not any(answers)
        series[way] = pictures
    assert len(series["engine"]) == len(series["viewflow"])
    for i, (ours, theirs) in enumerate(zip(series["engine"], series["viewflow"], strict=True)):
        assert ours == theirs, f"after call {i}"
    return series["engine"]


def walk(cell, actor, snap, until: str | None = None, skip: tuple[str, ...] = ()):
    """Walk a new case through `WALK` to (and with) step `until`, picturing it after each step."""
    w = walk_start(cell=cell, actor=actor)
    snap(w.dossier)
    for task in ORDER:
        if task not in skip:
            STEPS[task](w)
            snap(w.dossier)
        if task == until:
            break
    return w


def ended(pictures, flow=AdmissionFlow) -> tuple[str, bool]:
    process = next(p for p in pictures[-1] if p[0] == flow.__name__)
    return process[1], process[2]


def test_the_whole_walk_writes_what_viewflow_writes(cell_a, secretary_a, monkeypatch):
    pictures = both_ways(lambda snap: walk(cell_a, secretary_a, snap), monkeypatch)
    assert ended(pictures) == ("DONE", False)


def test_a_case_under_a_sub_committee_writes_what_viewflow_writes(db, monkeypatch):
    cell = org_tree(with_sub_committee=True)["cells"][0]
    actor = UserFactory()
    pictures = both_ways(lambda snap: walk(cell, actor, snap), monkeypatch)
    assert ended(pictures) == ("DONE", False)
    assert any(row[0] == "sub_committee_appraisal" for row in pictures[-1][0][4])


def test_a_case_without_a_grassroots_committee_writes_what_viewflow_writes(db, monkeypatch):
    tree = org_tree()
    tree["grassroots"].has_party_committee = False
    tree["grassroots"].save()
    actor = UserFactory()
    pictures = both_ways(lambda snap: walk(tree["cells"][0], actor, snap,
                                           skip=("grassroots_resolution", "grassroots_recognition")), monkeypatch)
    assert ended(pictures) == ("DONE", False)
    assert not any(row[0].startswith("grassroots") for row in pictures[-1][0][4])


def test_a_case_rejected_at_the_branch_vote_writes_what_viewflow_writes(cell_a, secretary_a, monkeypatch):
    def scenario(snap):
        w = walk(cell_a, secretary_a, snap, until="submit_for_vote")
        d = services.dossier_record_branch_vote(dossier=w.dossier, actor=secretary_a, meeting_date=w.at(25),
                                                eligible=9, present=9, votes_for=5, votes_against=4)
        snap(d)

    pictures = both_ways(scenario, monkeypatch)
    assert ended(pictures)[1] is False
    assert any(row[0] == "not_admitted" for row in pictures[-1][0][4])


def test_a_case_rejected_by_the_grassroots_committee_writes_what_viewflow_writes(cell_a, secretary_a, monkeypatch):
    def scenario(snap):
        w = walk(cell_a, secretary_a, snap, until="branch_vote")
        d = services.dossier_record_grassroots_admission(dossier=w.dossier, actor=secretary_a, meeting_date=w.at(27),
                                                         present=9, votes_for=2, votes_against=7, number="2-NQ/ĐU",
                                                         signer="Bí thư Đảng ủy")
        snap(d)

    both_ways(scenario, monkeypatch)


def test_a_case_not_admitted_by_the_decision_writes_what_viewflow_writes(cell_a, secretary_a, monkeypatch):
    def scenario(snap):
        w = walk(cell_a, secretary_a, snap, until="grassroots_resolution")
        d = services.dossier_decide_admission(dossier=w.dossier, actor=secretary_a, approved=False, number="90-QĐ/HU", reason="Chưa đủ tiêu chuẩn.",
                                              date=w.at(40), signer="Phó Bí thư", issuer="Ban Thường vụ Huyện ủy")
        snap(d)

    pictures = both_ways(scenario, monkeypatch)
    assert ended(pictures)[1] is False
    assert any(row[0] == "not_admitted" and row[2] == STATUS.DONE for row in pictures[-1][0][4])


def _probation_done(cell, actor, snap):
    return walk(cell, actor, snap, until="probation_opinions")


def test_a_recognition_escalated_to_the_competent_committee_writes_what_viewflow_writes(cell_a, secretary_a,
                                                                                       monkeypatch):
    def scenario(snap):
        w = _probation_done(cell_a, secretary_a, snap)
        d = w.dossier
        for _ in range(3):
            d = services.dossier_record_recognition_vote(dossier=d, actor=secretary_a, meeting_date=d.official_date,
                                                         eligible=9, present=9, votes_for=5, votes_against=4)
            snap(d)
        assert d.escalated_on is not None
        d = services.dossier_recognize(dossier=d, actor=secretary_a, number="120-QĐ/HU", date=d.official_date,
                                       signer="Phó Bí thư", issuer="Ban Thường vụ Huyện ủy")
        snap(d)

    pictures = both_ways(scenario, monkeypatch)
    assert ended(pictures) == ("DONE", False)


def test_a_removal_proposed_by_the_cell_writes_what_viewflow_writes(cell_a, secretary_a, monkeypatch):
    def scenario(snap):
        w = _probation_done(cell_a, secretary_a, snap)
        d = services.dossier_record_recognition_vote(dossier=w.dossier, actor=secretary_a,
                                                     meeting_date=w.dossier.official_date, eligible=9, present=9,
                                                     votes_for=2, votes_against=6)
        snap(d)
        d = services.dossier_remove(dossier=d, actor=secretary_a, number="3-QĐ/HU", date=d.official_date,
                                    signer="Phó Bí thư", issuer="Ban Thường vụ Huyện ủy", reason="Vi phạm.")
        snap(d)

    pictures = both_ways(scenario, monkeypatch)
    assert any(row[0] == "removal_decision" and row[2] == STATUS.DONE for row in pictures[-1][0][4])


@pytest.mark.parametrize("end", ["withdraw", "reject"])
def test_a_case_ended_midway_writes_what_viewflow_writes(end, cell_a, secretary_a, monkeypatch):
    def scenario(snap):
        w = walk(cell_a, secretary_a, snap, until="assign_mentor")
        d = getattr(services, f"dossier_{end}")(dossier=w.dossier, actor=secretary_a, reason="Chuyển công tác.")
        snap(d)

    pictures = both_ways(scenario, monkeypatch)
    assert ended(pictures) == ("CANCELED", False)


def test_a_periodic_evaluation_writes_what_viewflow_writes(cell_a, secretary_a, mentor_user, monkeypatch):
    user, member = mentor_user

    def scenario(snap):
        w = walk_start(cell=cell_a, actor=secretary_a, introducers=[member, PartyMemberFactory(cell=cell_a)])
        for task in ORDER[:3]:  # to the mentor's assignment, 16 months ago
            STEPS[task](w)
        today = timezone.localdate()
        assert start_due_evaluations(today) == 1
        snap(w.dossier)
        process = Process.objects.get(flow_class=EvaluationFlow, artifact_object_id=w.dossier.pk)
        d = services.dossier_record_progress_report(dossier=w.dossier, actor=user, mentor=member,
                                                    period_start=dt.date.fromisoformat(process.data["period_start"]),
                                                    period_end=today, content="Tích cực.")
        snap(d)

    pictures = both_ways(scenario, monkeypatch)
    assert ended(pictures, EvaluationFlow) == ("DONE", False)


@override_settings(WORKFLOW_EVALUATION_MONTHS=1)
def test_an_evaluation_finished_with_the_probation_report_writes_what_viewflow_writes(cell_a, secretary_a,
                                                                                   mentor_user, monkeypatch):
    """One report finishes two processes' tasks in one step: the admission's and the evaluation's."""
    _user, member = mentor_user

    def scenario(snap):
        w = walk_start(cell=cell_a, actor=secretary_a, introducers=[member, PartyMemberFactory(cell=cell_a)])
        for task in ORDER[:ORDER.index("self_review") + 1]:
            STEPS[task](w)
        assert start_due_evaluations(w.dossier.official_date - dt.timedelta(days=1)) == 1
        snap(w.dossier)
        STEPS["mentor_report"](w)
        snap(w.dossier)

    pictures = both_ways(scenario, monkeypatch)
    assert ended(pictures, EvaluationFlow) == ("DONE", False)


def test_a_step_the_engine_declines_halfway_is_viewflows_from_the_tasks_as_they_were(cell_a, secretary_a,
                                                                                    monkeypatch):
    """The walk meets what it does not reproduce after finishing a task in memory (here the branch
    vote's gateway, made unsupported for the test): nothing is written, the task is as it was read,
    and viewflow's activations take the step — with the same outcome."""
    create = engine._Step.create

    def refusing(self, node, prev, token):
        if node.name == "branch_passed":
            raise engine.Unsupported(node)
        return create(self, node, prev, token)

    monkeypatch.setattr(engine._Step, "create", refusing)
    pictures = both_ways(lambda snap: walk(cell_a, secretary_a, snap, until="branch_vote"), monkeypatch, declined=1)
    assert any(row[0] == "branch_passed" and row[2] == STATUS.DONE for row in pictures[-1][0][4])


def test_the_flows_of_the_dossier_are_the_engines():
    assert engine.supported(AdmissionFlow) and engine.supported(EvaluationFlow)


def _view():
    return flow.View(lambda request: None)


def _flow(name: str, **nodes):
    return type(name, (flow.Flow,), {"__module__": "bench.floors", "start": flow.StartHandle().Next(this.first),
                                     "end": flow.End(), **nodes})


def test_a_flow_of_views_and_gateways_only_is_the_engines():
    chain = _flow("EngineChainFlow",
                  first=flow.Split().Next(this.a).Next(this.b),
                  a=flow.If(lambda activation: True).Then(this.c).Else(this.join),
                  b=flow.Switch().Case(this.join, lambda activation: False).Default(this.join),
                  c=_view().Next(this.join),
                  join=flow.Join().Next(this.end))
    assert engine.supported(chain)


@pytest.mark.parametrize("name, nodes", [
    ("a split's branch under a condition", dict(
        first=flow.Split().Next(this.a, case=lambda activation: True).Next(this.b),
        a=_view().Next(this.join), b=_view().Next(this.join), join=flow.Join().Next(this.end))),
    ("a split's branch ending the process before the join", dict(
        first=flow.Split().Next(this.a).Next(this.end), a=_view().Next(this.end))),
    ("a join fed by two splits", dict(
        first=flow.Split().Next(this.a).Next(this.second), second=flow.Split().Next(this.b).Next(this.join),
        a=_view().Next(this.join), b=_view().Next(this.join), join=flow.Join().Next(this.end))),
    ("a join that may go on early", dict(
        first=flow.Split().Next(this.a).Next(this.b), a=_view().Next(this.join), b=_view().Next(this.join),
        join=flow.Join(continue_on_condition=lambda activation, tasks: True).Next(this.end))),
    ("a loop", dict(first=_view().Next(this.again), again=flow.If(lambda activation: True).Then(this.first)
                    .Else(this.end))),
    ("a task behind a permission", dict(first=_view().Permission("auth.change_user").Next(this.end))),
    ("another kind of node", dict(first=flow.SplitFirst().Next(this.a).Next(this.b), a=_view().Next(this.end),
                                  b=_view().Next(this.end))),
])
def test_a_flow_outside_the_engines_subset_is_left_to_viewflow(name, nodes):
    assert not engine.supported(_flow("Outside" + "".join(w.title() for w in name.split() if w.isalpha()), **nodes))


def test_without_the_engine_the_step_is_viewflows(cell_a, secretary_a, monkeypatch):
    answers = []
    step, start = engine.step, engine.start
    monkeypatch.setattr(engine, "step", lambda *a, **k: answers.append(step(*a, **k)) or answers[-1])
    monkeypatch.setattr(engine, "start", lambda *a, **k: answers.append(start(*a, **k)) or answers[-1])
    with override_settings(WORKFLOW_SET_ENGINE=False):
        walk(cell_a, secretary_a, lambda d: None, until="complete_training")
    assert len(answers) == 3 and all(a is None or a is engine.DECLINED for a in answers)
