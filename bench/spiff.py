"""The peer engine: SpiffWorkflow running `admission.bpmn` (the same human tasks as
`workflows.flows.AdmissionFlow`, in the same order, with the same parallel splits and gateways),
its whole workflow state serialised with its JSON serializer into a table of the same database
after every step, as an application built on it would persist a case."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, transaction

BPMN = Path(__file__).with_name("admission.bpmn")
TABLE = "bench_spiff_case"

# What each user task records (the gateways read it), as the bench's own case does.
TASK_DATA = {
    "enroll_training": {"class_name": "Lớp cảm tình Đảng khóa 1"},
    "complete_training": {"certificate": "CN-123"},
    "assign_mentor": {"mentor": 1},
    "assign_introducers": {"introducers": [1, 2]},
    "collect_papers": {"application": True, "personal_history": True},
    "verify_history": {"verified": True},
    "gather_opinions": {"opinions": "Tốt."},
    "submit_for_vote": {"submitted": True},
    "branch_vote": {"branch_eligible": 9, "branch_votes_for": 9, "under_sub_committee": False,
                    "has_grassroots_committee": True},
    "grassroots_resolution": {"committee_eligible": 9, "committee_votes_for": 9},
    "admission_decision": {"approved": True},
    "ceremony": {"ceremony_place": "Hội trường xã"},
    "new_member_class": {"new_member_certificate": "ĐVM-7"},
    "mentor_report": {"final_report": True},
    "self_review": {"self_review": True},
    "probation_opinions": {"probation_opinions": "Tốt."},
    "recognition_vote": {"recognition_proposed": True, "removal_proposed": False},
    "grassroots_recognition": {"recognition_committee_votes_for": 9},
    "recognition_decision": {"official": True},
}


def load_spec():
    from SpiffWorkflow.bpmn.parser import BpmnParser  # noqa: PLC0415

    parser = BpmnParser()
    parser.add_bpmn_file(str(BPMN))
    return parser.get_spec("admission")


def ensure_table() -> None:
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} ("
                       + ("id bigserial PRIMARY KEY, step integer NOT NULL, state jsonb NOT NULL)" if pg else
                          "id integer PRIMARY KEY AUTOINCREMENT, step integer NOT NULL, state text NOT NULL)"))


def run_case(spec, serializer, *, on_task=None, pick=None) -> list[str]:
    """One case from start to end: complete each ready user task, run the engine, save the whole
    workflow state. Returns the user tasks in the order they were completed. `on_task(name)` is
    called as each user task completes (the application's own work); `pick(ready)` chooses among
    the ready ones (default: the first)."""
    from SpiffWorkflow import TaskState  # noqa: PLC0415
    from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: PLC0415

    wf = BpmnWorkflow(spec)
    wf.do_engine_steps()
    done = []
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (step, state) VALUES (0, %s)", [serializer.serialize_json(wf)])
        case_id = cursor.lastrowid if connection.vendor != "postgresql" else None
        if case_id is None:
            cursor.execute(f"SELECT max(id) FROM {TABLE}")
            case_id = cursor.fetchone()[0]
        while not wf.is_completed():
            ready = wf.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                raise RuntimeError("SpiffWorkflow case stuck: no ready user task")
            task = pick(ready) if pick else ready[0]
            if on_task:
                on_task(task.task_spec.name)
            task.data.update(TASK_DATA.get(task.task_spec.name, {}))
            task.run()
            wf.do_engine_steps()
            done.append(task.task_spec.name)
            cursor.execute(f"UPDATE {TABLE} SET step = %s, state = %s WHERE id = %s",
                           [len(done), serializer.serialize_json(wf), case_id])
    return done


def cases_per_second(n: int, *, warmup: bool = True) -> tuple[float, list[str]]:
    """`n` whole cases, timed, in one transaction rolled back afterwards (as our own cases)."""
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: PLC0415

    ensure_table()
    spec = load_spec()
    serializer = BpmnWorkflowSerializer()
    order: list[str] = []
    with transaction.atomic():
        if warmup:
            run_case(spec, serializer)  # warm-up: imports, script engine
        start = time.perf_counter()
        for _ in range(n):
            order = run_case(spec, serializer)
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)  # measured, not kept
    return n / elapsed, order


# --- The fair column: SpiffWorkflow with our domain work --------------------------------------------


@contextmanager
def without_viewflow():
    """Our services with no engine behind them: the receiver that keeps viewflow's processes in step
    with the dossier (`workflows.sync`, which also dates the tasks) is off, so the rules, evidence,
    history and profile writes of each step are all that is left of ours."""
    from dossiers.signals import dossier_changed  # noqa: PLC0415
    from workflows import sync  # noqa: PLC0415

    dossier_changed.disconnect(sync.on_dossier_changed, dispatch_uid="workflows.sync")
    try:
        yield
    finally:
        dossier_changed.connect(sync.on_dossier_changed, dispatch_uid="workflows.sync")


def run_case_with_domain(spec, serializer, *, cell, actor) -> list[str]:
    """One case as an application built on SpiffWorkflow would run it: the same candidate, people and
    dossier as ours (`builders.factories.walk_start`), and each user task, when completed, calls the
    step of ours that does its work (`builders.factories.WALK`: the same services with the same
    arguments, so the same rule checks, evidence, history rows and profiles); the engine then runs
    and its whole state is saved, as in `run_case`. Of the ready tasks (the parallel branches) the
    one our walk takes first is done first, as a user picks one."""
    from builders import factories  # noqa: PLC0415

    steps = {task: (i, step) for i, (_state, task, step) in enumerate(factories.WALK)}
    walk = factories.walk_start(cell=cell, actor=actor)
    done = run_case(spec, serializer, on_task=lambda name: steps[name][1](walk),  # raises if our rules refuse
                    pick=lambda ready: min(ready, key=lambda t: steps[t.task_spec.name][0]))
    if walk.dossier.state != "recognized":
        raise RuntimeError(f"the domain did not follow the engine: dossier {walk.dossier.state}")
    return done


def fair_cases_per_second(n: int, *, cell, actor, warmup: bool = True) -> tuple[float, list[str]]:
    """`n` cases of `run_case_with_domain`, timed as ours, rolled back."""
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: PLC0415

    ensure_table()
    spec = load_spec()
    serializer = BpmnWorkflowSerializer()
    order: list[str] = []
    with without_viewflow(), transaction.atomic():
        if warmup:
            run_case_with_domain(spec, serializer, cell=cell, actor=actor)
        start = time.perf_counter()
        for _ in range(n):
            order = run_case_with_domain(spec, serializer, cell=cell, actor=actor)
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)  # measured, not kept
    return n / elapsed, order
