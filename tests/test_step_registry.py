"""The step registry (dossiers.steps): each step declared once, and every layer reads it."""

import inspect

from django.utils.module_loading import import_string

from documents.catalogue import FORMS, SCAN_STEPS
from dossiers import services, steps
from dossiers.models import State
from permissions.actions import STEP_ROLES
from permissions.models import Role
from web.forms import STEP_FORMS, StepForm
from workflows.deadlines import step_of_node
from workflows.flows import AdmissionFlow, EvaluationFlow, StepTask


def test_every_step_has_every_part():
    roles = {r.value for r in Role}
    for name, step in steps.STEPS.items():
        assert step.name == name
        assert str(step.label), name
        assert step.states and set(step.states) <= set(State.values), name
        assert callable(step.gate) and callable(step.applies), name
        assert step.roles and step.roles <= roles, name
        assert issubclass(import_string(step.form), StepForm), name
        assert callable(getattr(services, step.service_name)), name
        assert step.deadline in steps.Deadline.ALL, name


def test_each_form_asks_for_the_arguments_of_its_service():
    for name, step in steps.STEPS.items():
        service = getattr(services, step.service_name)
        accepted = set(inspect.signature(service).parameters) - {"dossier", "actor"}
        form = import_string(step.form)
        asked = {getattr(form, "renames", {}).get(f, f) for f in form.base_fields}
        assert asked <= accepted, (name, asked - accepted)


def test_the_roles_forms_and_scans_are_the_registrys():
    assert STEP_ROLES == {name: s.roles for name, s in steps.STEPS.items()}
    assert set(STEP_FORMS) == set(steps.STEPS)
    assert SCAN_STEPS == {name: s.document for name, s in steps.STEPS.items() if s.document}
    assert {f.step for f in FORMS} <= set(steps.STEPS)


def test_every_task_of_the_flows_is_a_step_that_says_when_it_is_done():
    nodes = [n for flow in (AdmissionFlow, EvaluationFlow) for n in flow.instance.nodes() if isinstance(n, StepTask)]
    assert len(nodes) >= 20
    for node in nodes:
        assert node.step in steps.STEPS, node.name
        assert all(s.done is not None for s in node.done_steps), node.name
    assert step_of_node()["ceremony"] == "hold_ceremony"


def test_a_step_without_a_part_is_caught(monkeypatch):
    broken = steps.Step("made_up", "Made up", (State.SPOTTED,), steps.gates.always, frozenset(), "web.forms.EndForm")
    monkeypatch.setitem(steps.STEPS, "made_up", broken)
    try:
        test_every_step_has_every_part()
    except AssertionError:
        return
    raise AssertionError("a step with no roles and no service passed the registry check")
