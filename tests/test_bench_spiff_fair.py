"""The fair column of issue 21 (`bench.spiff.run_case_with_domain`): SpiffWorkflow runs the admission
and each of its user tasks calls the same step of ours (`builders.factories.WALK`), so its cases
do our domain work — the rules refuse what they refuse, the evidence and history are written — and
viewflow does none."""

import pytest
from django.db import connection, transaction
from viewflow.workflow.models import Process, Task

from bench import spiff
from builders.factories import WALK
from dossiers.models import Dossier, DossierHistory, State
from dossiers.refusals import Refusal

from .factories import dossier_in_state


@pytest.fixture
def engine():
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer

    spiff.ensure_table()
    return spiff.load_spec(), BpmnWorkflowSerializer()


@pytest.mark.django_db
def test_a_spiff_case_does_our_steps_and_viewflow_none(engine, cell_a, secretary_a):
    # secretary of cell A: the actor of every step, as in the bench
    spec, serializer = engine
    with spiff.without_viewflow():
        order = spiff.run_case_with_domain(spec, serializer, cell=cell_a, actor=secretary_a)
    d = Dossier.objects.get()
    assert d.state == State.RECOGNIZED
    assert sorted(order) == sorted(task for _s, task, _f in WALK)
    # The same history as a case walked by our own engine, and no process or task of viewflow.
    ours = dossier_in_state(State.RECOGNIZED, cell=cell_a, actor=secretary_a)
    actions = lambda dossier: sorted(DossierHistory.objects.filter(dossier=dossier).values_list("action", flat=True))  # noqa: E731
    assert actions(d) == actions(ours)
    assert not Process.objects.filter(artifact_object_id=d.pk).exists()
    assert Process.objects.filter(artifact_object_id=ours.pk).exists()


@pytest.mark.django_db
def test_our_rules_refuse_inside_a_spiff_task(engine, cell_a, secretary_a, monkeypatch):
    # Without the opinions (5-KNĐ) the submission to the cell is refused by our rule, inside Spiff's
    # task as inside ours: the hooks are the real steps.
    spec, serializer = engine
    skipped = [(s, t, (lambda w: None) if t == "gather_opinions" else f) for s, t, f in WALK]
    monkeypatch.setattr("builders.factories.WALK", skipped)
    with spiff.without_viewflow(), pytest.raises(Refusal), transaction.atomic():
        spiff.run_case_with_domain(spec, serializer, cell=cell_a, actor=secretary_a)


@pytest.mark.django_db
def test_the_fair_rate_keeps_nothing_and_reconnects_viewflow(cell_a, secretary_a):
    rate, order = spiff.fair_cases_per_second(1, cell=cell_a, actor=secretary_a)
    assert rate > 0 and len(order) == 19
    assert not Dossier.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {spiff.TABLE}")
        assert cursor.fetchone()[0] == 0
    # viewflow is back for everything after: a new case gets its process and tasks.
    dossier_in_state(State.TRAINING, cell=cell_a, actor=secretary_a)
    assert Task.objects.exists()
