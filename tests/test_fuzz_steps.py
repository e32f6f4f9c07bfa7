"""Issue 18 §5, the fuzz of every step form (dossiers.steps, web.forms.STEP_FORMS): a step added to
the registry is fuzzed with no change here. Each step is posted by a user holding one of its roles,
on a dossier in the step's first state, with generated bad input (tests/fuzzing.py): no 5xx, and a
refused request writes no row."""

import time

import pytest

from builders.templates import dossier_copy
from dossiers import steps
from dossiers.models import PartyMember
from permissions.models import Role
from web import views
from web.forms import STEP_FORMS

from .factories import UserFactory, grant
from .fuzzing import RUN, fields_of, form_data, fuzz_endpoint, memoize_page_loads

EXAMPLES_PER_STEP = 230
MIN_INPUTS = 6_850  # with tests/test_fuzz_pages.py's 3,150: 10,000 a run at least


def role_holders(tree, cell):
    """One user per role, at the level the role is held."""
    at = {Role.GRASSROOTS_COMMITTEE: tree["grassroots"], Role.APPROVER: tree["district"],
          Role.ORG_BOARD: tree["district"], Role.AUDITOR: tree["district"], Role.ADMIN: tree["province"]}
    users = {}
    for role in Role:
        user = UserFactory(username=f"fuzz_{role.value}")
        grant(user, role, at.get(role, cell))
        users[role.value] = user
    return users


@pytest.fixture
def stage(tree, cell_a, secretary_a):
    users = role_holders(tree, cell_a)
    dossiers = {}
    for step in steps.STEPS.values():
        if step.states[0] not in dossiers:
            dossiers[step.states[0]] = dossier_copy(step.states[0], cell=cell_a, actor=secretary_a)
    known = [str(pk) for pk in PartyMember.objects.values_list("pk", flat=True)[:10]]
    known += [str(u.pk) for u in users.values()] + ["0", "-1", "999999999"]
    return users, dossiers, known


def test_every_step_form_refuses_bad_input_without_5xx_and_without_writing(stage, monkeypatch):
    users, dossiers, known = stage
    memoize_page_loads(monkeypatch, views)
    statuses = {}
    before, started = RUN["inputs"], time.process_time()
    for name, step in sorted(steps.STEPS.items()):
        dossier = dossiers[step.states[0]]
        form_class, _service = STEP_FORMS[name]
        fields = fields_of(form_class(None, dossier=dossier), {n: known for n in form_class.base_fields})
        statuses[name] = fuzz_endpoint(users[sorted(step.roles)[0]], f"/dossiers/{dossier.pk}/act/{name}/",
                                       form_data(fields), examples=EXAMPLES_PER_STEP, what=name)
    ran = RUN["inputs"] - before
    print(f"\nfuzz: {ran} inputs over {len(steps.STEPS)} step forms in {time.process_time() - started:.1f} s CPU")
    assert ran >= MIN_INPUTS
    # Every step's form was reached (its page answered), not only refused at the door.
    assert [name for name, seen in statuses.items() if not seen & {200, 302}] == []
