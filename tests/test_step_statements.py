"""What one step costs the database: each step of a case, spotted → recognised, issues at most
the statements pinned here (issue 21), so that re-reads cannot creep back unseen.

The figure pinned is **the statements of our own**: every statement the step's service call
issues (its gate, its evidence, history and deadline rows, the workflow's synchronisation, the
receivers of its saves), less

- the engine's: those that write viewflow's tables for the walk from task to task — issued from
  `workflows.engine` (the set-based step: the tasks finished and created, their links, the
  processes finished, in one statement on PostgreSQL, a few through the ORM on SQLite), or from
  viewflow's own engine code where it still runs (a cancellation's activations, a start or
  step the engine leaves to viewflow), whose statement is innermost in a viewflow frame other
  than its query helpers (`managers.py`, through which our code reads processes and tasks: those
  reads are ours). The deadlines the engine writes in its PostgreSQL statement are written on
  SQLite by `workflows.deadlines`, ours, as before;
- the step's own transaction boundary: in production the service's `atomic()` is BEGIN … COMMIT,
  which no query log shows; under the test's transaction it is the first SAVEPOINT and the last
  RELEASE.

The whole count (the engine's included) is pinned as well, with `django_assert_max_num_queries`:
lowered to what the set-based step writes (viewflow's activations took up to 31 a step), so that
the walk's statements cannot creep back.

A step's own statements are, at least: the dossier locked (1), its processes locked with their
open tasks (1), the evidence its gate reads (one per relation, shared with the workflow's conditions
and deadlines), its rows and their simple-history copies, the dossier saved (and its history copy),
the history row, and the deadlines opened and closed (one statement each way).
"""

from __future__ import annotations

import datetime as dt
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.utils import timezone

from builders.templates import dossier_copy
from dossiers import services
from dossiers.models import State

from .factories import PartyMemberFactory

VIEWFLOW = str(Path(__import__("viewflow").__file__).parent)
ENGINE = str(Path(__import__("workflows.engine").engine.__file__))
# viewflow's query helpers run the queries our code builds; those statements are ours.
VIEWFLOW_HELPERS = ("managers.py",)
LIBRARIES = str(Path(__import__("django").__file__).parent.parent)


def _engines() -> bool:
    """Whether the statement being executed comes from the engine: ours or viewflow's (see the docstring)."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if name == ENGINE:
            return True
        if name.startswith(VIEWFLOW):
            if not name.endswith(VIEWFLOW_HELPERS):
                return True
        elif not name.startswith(LIBRARIES) and "/lib/python3" not in name:
            return False  # a frame of ours (the step's service, a receiver…) is innermost
        frame = frame.f_back
    return False


@dataclass
class Count:
    statements: list[tuple[str, bool]] = field(default_factory=list)  # (sql, the engine's)

    @property
    def total(self) -> int:
        return len(self.statements)

    @property
    def ours(self) -> int:
        mine = [sql for sql, engine in self.statements if not engine]
        if mine and mine[0].startswith("SAVEPOINT"):
            mine = mine[1:]  # the step's BEGIN…
        if mine and mine[-1].startswith("RELEASE SAVEPOINT"):
            mine = mine[:-1]  # …and COMMIT
        return len(mine)

    def __str__(self) -> str:
        return "\n".join(("engine " if v else "ours   ") + sql[:150] for sql, v in self.statements)


@contextmanager
def counted():
    count = Count()

    def record(execute, sql, params, many, context):
        count.statements.append((sql.lstrip(), _engines()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield count


# (step, the statements of our own, all statements) at most, in the order of the case. On
# SQLite (the suite's database). PostgreSQL issues one more of our own per step (the evidence is
# read after the lock, not with it, so that it sees what the lock waited for), fewer history inserts
# (a service's history row and its simple-history copies are one statement), and fewer of the
# engine's (its step is one statement there: three on SQLite, a fourth when a Split's branches wait
# for its id).
PINNED = {
    "enroll_training": (8, 13),
    "complete_training": (8, 14),
    "assign_mentor": (6, 11),
    "assign_introducer": (6, 10),
    "record_application": (5, 7),
    "record_personal_history": (6, 10),
    "start_verification": (5, 7),
    "conclude_verification": (5, 7),
    "certify_personal_history": (7, 11),
    "record_opinions": (6, 11),
    "submit_for_vote": (7, 12),
    "record_branch_vote": (9, 15),
    "record_grassroots_admission": (7, 13),
    "decide_admission": (6, 11),
    "hold_ceremony": (12, 18),
    "record_new_member_certificate": (6, 11),
    "record_self_review": (6, 10),
    "record_progress_report": (6, 10),
    "record_recognition_vote": (7, 13),
    "record_grassroots_recognition": (7, 13),
    "recognize": (11, 18),
}


def test_it_takes_each_step_of_a_case_within_its_pinned_statements(cell_a, secretary_a,
                                                                   django_assert_max_num_queries):
    """A copy of the spotted template walked to recognition as `builders.dossier_in_state`
    walks one; every step is measured, each pin is checked."""
    members = [PartyMemberFactory(cell=cell_a), PartyMemberFactory(cell=cell_a)]
    d = dossier_copy(State.SPOTTED, cell=cell_a, actor=secretary_a, members=members)
    start = timezone.localdate() - relativedelta(months=16)

    def at(days: int) -> dt.date:
        return start + dt.timedelta(days=days)

    measured: dict[str, list[Count]] = {}

    def step(name: str, **kwargs):
        nonlocal d
        ours, total = PINNED[name]
        with django_assert_max_num_queries(total), counted() as count:
            d = getattr(services, f"dossier_{name}")(dossier=d, actor=secretary_a, **kwargs)
        measured.setdefault(name, []).append(count)
        assert count.ours <= ours, f"{name}: {count.ours} statements of our own, pinned at {ours}\n{count}"

    step("enroll_training", class_name="Lớp cảm tình Đảng", organiser="Trung tâm Chính trị", start_date=at(5))
    step("complete_training", number="CN-123", issued_on=at(12))
    step("assign_mentor", member=members[0], assigned_on=at(13))
    for m in members:
        step("assign_introducer", member=m, worked_together_since=at(-800), assigned_on=at(13))
    step("record_application", on=at(14))
    step("record_personal_history", on=at(14))
    step("start_verification", relative=None, method="letter", verifying_unit="Đảng ủy xã", sent_on=at(15))
    for r in d.candidate.relatives.all():
        if r.requires_verification:
            step("start_verification", relative=r, method="in_person", verifying_unit="Đảng ủy xã", sent_on=at(15))
    for v in list(d.verifications.all()):
        step("conclude_verification", verification=v, concluded_on=at(20), conclusion="Rõ ràng.")
    step("certify_personal_history", on=at(21))
    step("record_opinions", date=at(22), workplace_opinion="Tốt.", residence_opinion="Tốt.")
    step("submit_for_vote", on=at(23))
    step("record_branch_vote", meeting_date=at(25), eligible=9, present=9, votes_for=9, votes_against=0,
         number="1-NQ/CB", signer="Bí thư")
    step("record_grassroots_admission", meeting_date=at(27), present=9, votes_for=9, votes_against=0,
         number="2-NQ/ĐU", signer="Bí thư Đảng ủy")
    step("decide_admission", approved=True, number="90-QĐ/HU", date=at(40), signer="Phó Bí thư",
         issuer="Ban Thường vụ Huyện ủy")
    step("hold_ceremony", date=at(50), place="Hội trường xã", chaired_by="Bí thư chi bộ")
    end = d.official_date
    step("record_new_member_certificate", class_name="Lớp đảng viên mới", organiser="Trung tâm Chính trị",
         start_date=at(80), number="ĐVM-7", issued_on=at(85))
    step("record_self_review", date=end, strengths="Tốt", weaknesses="Ít")
    step("record_progress_report", mentor=members[0], period_start=at(50), period_end=end,
         content="Hoàn thành tốt nhiệm vụ.", final=True)
    step("record_opinions", date=end, workplace_opinion="Tốt.", residence_opinion="Tốt.")
    step("record_recognition_vote", meeting_date=end, eligible=9, present=9, votes_for=9, votes_against=0,
         number="5-NQ/CB", signer="Bí thư chi bộ")
    step("record_grassroots_recognition", meeting_date=end, present=9, votes_for=9, votes_against=0,
         number="6-NQ/ĐU", signer="Bí thư Đảng ủy")
    step("recognize", number="120-QĐ/HU", date=end, signer="Phó Bí thư", issuer="Ban Thường vụ Huyện ủy")

    assert d.state == State.RECOGNIZED
    assert set(measured) == set(PINNED), "every pinned step was taken"
    # The target: a step, on average over the case, within 12 statements of our own.
    steps_taken = [c.ours for counts in measured.values() for c in counts]
    assert sum(steps_taken) / len(steps_taken) <= 12
