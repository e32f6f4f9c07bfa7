"""The partial indexes of issue 7 say in SQL what the code says in Python: they must not drift."""

from dossiers.models import BEFORE_ADMISSION, Dossier
from workflows.models import TaskDeadline


def _index(model, name):
    return next(i for i in model._meta.indexes if i.name == name)


def test_the_open_cell_index_covers_exactly_the_states_before_admission():
    condition = _index(Dossier, "dossier_open_cell").condition
    [(lookup, states)] = condition.children
    assert lookup == "state__in"
    assert sorted(states) == sorted(str(s) for s in BEFORE_ADMISSION)


def test_the_deadline_indexes_hold_only_the_open_deadlines():
    for name in ("deadline_open_due", "deadline_open_dossier"):
        assert _index(TaskDeadline, name).condition.children == [("is_open", True)]
