"""`builders.templates.dossier_copy`: a dossier copied from a template walked once through the
services holds the same rows as a dossier walked there, and goes on through the services."""

from __future__ import annotations

import pytest
from django.utils import timezone
from viewflow.workflow.status import STATUS

from builders.templates import _captured_models, dossier_copy
from dossiers import services, steps
from dossiers.models import Dossier, State
from workflows.sync import process_of

from .factories import PATH, PartyMemberFactory, dossier_in_state

STATES = [*PATH, State.REJECTED, State.WITHDRAWN]


def rows_of(d: Dossier) -> dict[str, int]:
    """How many rows of each kind the dossier has (its candidate's, its processes', its own)."""
    out = {}
    for model in _captured_models():
        names = {f.attname for f in model._meta.concrete_fields}
        if "dossier_id" in names:
            out[model.__name__] = model.objects.filter(dossier_id=d.pk).count()
    out["Relative"] = d.candidate.relatives.count()
    process = process_of(d)
    out["Task"] = process.task_set.count() if process else 0
    return out


def open_tasks(d: Dossier) -> list[str]:
    process = process_of(d)
    return sorted(t.flow_task.name for t in process.task_set.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED]))


def verdicts(d: Dossier, on) -> list[tuple[str, bool, int]]:
    """Each next step, whether it is allowed and how many reasons say why not (their texts name
    the people, who differ)."""
    d = Dossier.objects.get(pk=d.pk)
    return [(s.name, v.allowed, len(v.reasons)) for s, v in steps.next_steps(d, on)]


@pytest.mark.parametrize("state", STATES)
def test_a_copy_has_the_rows_the_open_tasks_and_the_next_steps_of_a_walked_dossier(state, cell_a, secretary_a):
    members = [PartyMemberFactory(cell=cell_a), PartyMemberFactory(cell=cell_a)]
    walked = dossier_in_state(state, cell=cell_a, actor=secretary_a, introducers=members)
    copy = dossier_copy(state, cell=cell_a, actor=secretary_a, members=members)
    assert copy.pk != walked.pk and copy.candidate_id != walked.candidate_id
    assert (copy.state, copy.cell_id, copy.spotted_on) == (walked.state, walked.cell_id, walked.spotted_on)
    assert rows_of(copy) == rows_of(walked)
    assert open_tasks(copy) == open_tasks(walked)
    today = timezone.localdate()
    assert verdicts(copy, today) == verdicts(walked, today)
    assert {i.member_id for i in copy.introducers.all()} == {i.member_id for i in walked.introducers.all()}


def test_a_copy_goes_on_through_the_services_and_two_copies_do_not_collide(cell_a, secretary_a):
    first = dossier_copy(State.SPOTTED, cell=cell_a, actor=secretary_a)
    second = dossier_copy(State.SPOTTED, cell=cell_a, actor=secretary_a, name="Nguyễn Thị Hoa")
    assert second.candidate.full_name == "Nguyễn Thị Hoa" and second.candidate.search_name == "nguyen thi hoa"
    d = services.dossier_enroll_training(dossier=first, actor=secretary_a, class_name="Lớp 1", organiser="TTCT",
                                         start_date=first.spotted_on)
    assert d.state == State.TRAINING and open_tasks(d) == open_tasks(dossier_in_state(State.TRAINING, cell=cell_a))
    # The ORM's own inserts come after the hand-written ids.
    assert dossier_in_state(State.SPOTTED, cell=cell_a).pk > second.pk
