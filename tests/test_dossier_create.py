"""Putting a candidate on the source list (`dossier_create`): one open case per person, none for an
official member, and another attempt once the last has ended — the candidate's dossiers read once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dossiers import services
from dossiers.models import Dossier, DossierHistory, State

from .factories import CandidateFactory, dossier_in_state


def _create(candidate, cell, actor):
    return services.dossier_create(candidate=candidate, cell=cell, source="cell", spotted_on=timezone.localdate(),
                                   actor=actor)


@pytest.mark.parametrize(("state", "reason"), [
    (State.MENTORING, "Quần chúng này đang có một hồ sơ chưa kết thúc"),
    (State.RECOGNIZED, "Quần chúng này đã là đảng viên chính thức"),
])
def test_a_candidate_with_an_open_or_recognised_dossier_is_refused_another_and_nothing_is_written(
        state, reason, cell_a, secretary_a):
    d = dossier_in_state(state, cell=cell_a, actor=secretary_a)
    before = (Dossier.objects.count(), DossierHistory.objects.count())
    with pytest.raises(services.Refusal) as exc:
        _create(d.candidate, cell_a, secretary_a)
    assert [r for r in exc.value.reasons if reason in r], exc.value.reasons
    assert (Dossier.objects.count(), DossierHistory.objects.count()) == before


def test_another_attempt_opens_once_the_last_has_ended_reading_the_candidates_dossiers_once(cell_a, secretary_a):
    d = dossier_in_state(State.WITHDRAWN, cell=cell_a, actor=secretary_a)
    with CaptureQueriesContext(connection) as queries:
        again = _create(d.candidate, cell_a, secretary_a)
    assert again.state == State.SPOTTED and again.pk != d.pk
    reads = [q["sql"] for q in queries.captured_queries
             if q["sql"].startswith("SELECT") and ('WHERE ("dossiers_dossier"."candidate_id" = ' in q["sql"] or "_check" in q["sql"])]
    assert len(reads) == 1, reads  # its open and recognised dossiers; the constraint not asked again
    assert _create(CandidateFactory(), cell_a, secretary_a).state == State.SPOTTED
