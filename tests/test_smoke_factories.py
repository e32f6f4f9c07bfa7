import pytest

from dossiers.models import State

from .factories import PATH, dossier_in_state


@pytest.mark.parametrize("state", [*PATH, State.REJECTED, State.WITHDRAWN])
def test_the_factory_reaches_every_state_through_the_services(state, cell_a):
    dossier = dossier_in_state(state, cell=cell_a)
    assert dossier.state == state
    assert dossier.events.filter(to_state=state).exists()
