"""The dossier's evidence read once per service call (`dossiers.evidence`): the gates and the
workflow share what the locked dossier read, and what the call wrote is on it at once, in the
order a fresh read gives — the page after a step shows the step done, never the dossier before it."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from builders.templates import dossier_copy
from dossiers import evidence, services
from dossiers.models import ActKind, Dossier, Introducer, PartyAct, State

from .factories import PartyMemberFactory


def reads_of(queries: CaptureQueriesContext, table: str) -> int:
    """The reads of the table's rows, alone or with the dossier's other evidence in one statement
    (`dossiers.loading`), not full_clean's `SELECT 1 … LIMIT 1` uniqueness checks."""
    return sum(1 for q in queries.captured_queries
               if q["sql"].lstrip().startswith(f'SELECT "{table}"."id"') or f'FROM "{table}" t ' in q["sql"])


def test_it_reads_the_acts_once_in_a_vote_and_shows_the_resolution_it_wrote(cell_a, secretary_a):
    d = dossier_copy(State.BRANCH_VOTE, cell=cell_a, actor=secretary_a)
    on = timezone.localdate() - dt.timedelta(days=1)
    with CaptureQueriesContext(connection) as queries:
        d = services.dossier_record_branch_vote(dossier=d, actor=secretary_a, meeting_date=on, eligible=9, present=9,
                                                votes_for=9, votes_against=0, number="1-NQ/CB", signer="Bí thư")
    # The gate read the acts, the workflow's conditions and deadlines read them after the write.
    assert reads_of(queries, "dossiers_partyact") == 1
    assert d.state == State.HIGHER_APPROVAL
    with CaptureQueriesContext(connection) as after:
        held = [(a.kind, a.number) for a in d.acts.all()]
    assert len(after) == 0, "the dossier the service returns holds its acts"
    assert held == [(a.kind, a.number) for a in PartyAct.objects.filter(dossier=d)]
    assert (ActKind.BRANCH_ADMISSION, "1-NQ/CB") in held


def test_a_row_written_after_its_relation_was_read_takes_its_place_in_the_relations_order(cell_a, secretary_a):
    """The second introducer, assigned from an earlier date, comes first, as a fresh read has it."""
    d = dossier_copy(State.TRAINING, cell=cell_a, actor=secretary_a)
    first, second = PartyMemberFactory(cell=cell_a), PartyMemberFactory(cell=cell_a)
    today = timezone.localdate()
    d = services.dossier_assign_introducer(dossier=d, actor=secretary_a, member=first,
                                           worked_together_since=today - dt.timedelta(days=800), assigned_on=today)
    d = services.dossier_assign_introducer(dossier=d, actor=secretary_a, member=second,
                                           worked_together_since=today - dt.timedelta(days=800),
                                           assigned_on=today - dt.timedelta(days=3))
    fresh = list(Introducer.objects.filter(dossier=d).values_list("member_id", flat=True))
    assert fresh == [second.pk, first.pk]
    assert [i.member_id for i in d.introducers.all()] == fresh
    assert [i.member.full_name for i in d.introducers.all()] == [second.full_name, first.full_name]


def test_a_verification_concluded_shows_concluded_on_the_dossier_the_service_returns(cell_a, secretary_a):
    d = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    sent = timezone.localdate() - dt.timedelta(days=5)
    d = services.dossier_start_verification(dossier=d, actor=secretary_a, relative=None, method="letter",
                                            verifying_unit="Đảng ủy xã", sent_on=sent)
    verification = Dossier.objects.get(pk=d.pk).verifications.get(relative=None)  # as a page would read it
    d = services.dossier_conclude_verification(dossier=d, actor=secretary_a, verification=verification,
                                               concluded_on=sent + dt.timedelta(days=1), conclusion="Rõ ràng.")
    held = [(v.pk, v.status, v.conclusion) for v in d.verifications.all()]
    assert held == [(v.pk, v.status, v.conclusion) for v in Dossier.objects.get(pk=d.pk).verifications.all()]
    assert (verification.pk, "concluded", "Rõ ràng.") in held


def _rows(relation) -> list[tuple]:
    return [tuple(getattr(row, f.attname) for f in row._meta.concrete_fields) for row in relation]


def test_it_reads_every_relation_of_the_evidence_in_one_statement_as_each_relations_own_query_reads_it(
        cell_a, secretary_a):
    """The first read of any relation reads them all (`evidence._read_together`): the same rows, the
    same values and the same order as the relation's own query, the mentors' and introducers'
    people with them."""
    d = dossier_copy(State.PROBATION, cell=cell_a, actor=secretary_a)
    held = evidence.read_on_demand(Dossier.objects.get(pk=d.pk))
    with CaptureQueriesContext(connection) as queries:
        got = {name: _rows(getattr(held, name).all()) for name in sorted(evidence.RELATIONS)}
        people = [i.member.full_name for i in held.introducers.all()] + [m.member.full_name for m in held.mentors.all()]
    assert len(queries) == 1
    fresh = Dossier.objects.get(pk=d.pk)
    assert got == {name: _rows(getattr(fresh, name).all()) for name in sorted(evidence.RELATIONS)}
    assert people == ([i.member.full_name for i in fresh.introducers.all()]
                      + [m.member.full_name for m in fresh.mentors.all()])
    assert got["acts"] and got["certificates"] and got["introducers"] and got["votes"], "a case with evidence"


def test_the_relations_read_together_are_made_instances_only_when_read_and_take_a_row_written_meanwhile(
        cell_a, secretary_a, monkeypatch):
    """One statement reads the nine relations; only those read are made instances (a gate reads two
    or three); one written to before it is read holds the row written, in its order, read once."""
    from dossiers import loading
    from dossiers.models import OpinionStage, OpinionSummary
    from dossiers.refusals import clean_and_save

    d = dossier_copy(State.PROBATION, cell=cell_a, actor=secretary_a)
    made = []
    original = loading._instance
    monkeypatch.setattr(loading, "_instance", lambda model, *a, **k: made.append(model) or original(model, *a, **k))
    held = evidence.read_on_demand(Dossier.objects.get(pk=d.pk))
    with CaptureQueriesContext(connection) as queries:
        acts = list(held.acts.all())
    assert len(queries) == 1 and acts
    assert set(made) == {PartyAct}, "the acts alone were made instances"
    summary = clean_and_save(OpinionSummary(dossier=held, stage=OpinionStage.PROBATION, date=timezone.localdate(),
                                            workplace_opinion="Tốt.", residence_opinion="Tốt."))
    with CaptureQueriesContext(connection) as queries:
        opinions = [o.pk for o in held.opinions.all()]
    assert len(queries) == 0 and summary.pk in opinions
    assert opinions == list(OpinionSummary.objects.filter(dossier=d).values_list("pk", flat=True))


def test_the_lock_brings_the_evidence_on_sqlite_and_reads_it_after_itself_on_postgresql_the_same_rows(
        cell_a, secretary_a):
    """SQLite reads one snapshot a transaction: the evidence comes in the lock's statement
    (`evidence.with_the_lock`). PostgreSQL reads it in a statement after the lock, which sees what
    the lock waited for. Either way the rows are those of each relation's own query."""
    from dossiers.services.base import _lock

    d = dossier_copy(State.PROBATION, cell=cell_a, actor=secretary_a)
    with CaptureQueriesContext(connection) as queries:
        locked = _lock(d)
        got = {name: _rows(getattr(locked, name).all()) for name in sorted(evidence.RELATIONS)}
    assert len(queries) == (1 if connection.vendor == "sqlite" else 2)
    fresh = Dossier.objects.get(pk=d.pk)
    assert got == {name: _rows(getattr(fresh, name).all()) for name in sorted(evidence.RELATIONS)}
    assert got["acts"] and got["votes"] and got["introducers"]
