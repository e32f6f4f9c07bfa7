"""The dossier page's evidence in one query (`dossiers.loading`): the same rows, the same values
and types, in the same order as `prefetch_related` read them, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from builders.templates import dossier_copy
from dossiers.loading import Related
from dossiers.models import DossierHistory, Relative, State
from permissions.selectors import EVIDENCE, dossier_for_page

from .factories import UserFactory


def field_values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def orm_rows(dossier, rel):
    owner = dossier.candidate if rel.attr.startswith("candidate.") else dossier
    manager = getattr(owner, rel.attr.split(".")[-1])
    return list(manager.model.objects.filter(**{manager.field.name: owner})
                .select_related(*rel.joins).order_by(*rel.order, "pk"))


def test_it_loads_every_evidence_relation_as_the_orm_reads_it(db, secretary_a, cell_a,
                                                              django_assert_num_queries):
    d = dossier_copy(State.RECOGNIZED, cell=cell_a, actor=secretary_a)
    # A JSON value, a NULL foreign key and a naive-looking timestamp in the history.
    DossierHistory.objects.filter(dossier=d).update(evidence={"số": "CN-1", "n": [1, 2.5, None]})
    Relative.objects.create(candidate=d.candidate, kind="sibling", full_name="Đỗ Văn Em", birth_year=None)
    expected_by_rel = {rel.attr: orm_rows(d, rel) for rel in EVIDENCE}
    loaded = dossier_for_page(user=secretary_a, pk=d.pk)
    with django_assert_num_queries(0):
        for rel in EVIDENCE:
            owner = loaded.candidate if rel.attr.startswith("candidate.") else loaded
            rows = list(getattr(owner, rel.attr.split(".")[-1]).all())
            expected = expected_by_rel[rel.attr]
            assert [field_values(r) for r in rows] == [field_values(r) for r in expected], rel.attr
            for row, want in zip(rows, expected, strict=True):
                assert [type(v) for v in field_values(row).values()] == \
                       [type(v) for v in field_values(want).values()], rel.attr
                for name in rel.joins:
                    got, other = getattr(row, name), getattr(want, name)
                    assert (field_values(got) if got else None) == (field_values(other) if other else None)
                assert row.dossier_id == loaded.pk if hasattr(row, "dossier_id") else True
    # Everything a page reads is there: a recognized member's case has evidence in most relations.
    assert sum(1 for rows in expected_by_rel.values() if rows) >= 9


def test_a_dossier_without_evidence_loads_empty_relations_in_the_same_query(db, secretary_a, cell_a,
                                                                             django_assert_num_queries):
    d = dossier_copy(State.SPOTTED, cell=cell_a, actor=secretary_a)
    loaded = dossier_for_page(user=UserFactory(is_superuser=True), pk=d.pk)
    with django_assert_num_queries(0):
        assert list(loaded.votes.all()) == [] and list(loaded.mentors.all()) == []
        assert all(r.candidate is loaded.candidate for r in loaded.candidate.relatives.all())


def test_it_loads_the_last_rows_of_a_relation_into_a_list_of_their_own(db, secretary_a, cell_a,
                                                                      django_assert_num_queries):
    d = dossier_copy(State.RECOGNIZED, cell=cell_a, actor=secretary_a)
    events = list(DossierHistory.objects.filter(dossier=d).select_related("actor").order_by("at", "pk"))
    assert len(events) > 4
    # The user's scope, the dossier with its cell's ancestors, its evidence with the events.
    with django_assert_num_queries(3):
        loaded = dossier_for_page(user=secretary_a, pk=d.pk, also=(
            Related("events", order=("at",), joins=("actor",), to_attr="recent", last=4),))
    with django_assert_num_queries(0):
        assert [field_values(e) for e in loaded.recent] == [field_values(e) for e in events[-4:]]
        assert [e.actor.username for e in loaded.recent] == [e.actor.username for e in events[-4:]]
    # The relation itself is left alone: a partial list never passes for the whole one.
    assert loaded.events.count() == len(events)


def test_a_relation_with_a_binary_column_must_name_the_columns_it_loads(db, secretary_a, cell_a):
    d = dossier_copy(State.SPOTTED, cell=cell_a, actor=secretary_a)
    with pytest.raises(ValueError, match="IssuedDocument"):
        dossier_for_page(user=secretary_a, pk=d.pk, also=(Related("issued_documents"),))


def test_the_cells_ancestors_come_with_the_dossier_up_to_the_root(db, secretary_a, cell_a, django_assert_num_queries):
    """`permissions.selectors.CELL_ANCESTORS`: the parents of the dossier's cell are joined to the
    dossier's own query, up to the organisation without a parent, the levels a tree allows."""
    from dossiers.models import Organization, OrgLevel
    from dossiers.selectors import grassroots_of

    under = Organization.objects.create(name="Đảng bộ bộ phận", level=OrgLevel.SUB_COMMITTEE, parent=cell_a.parent)
    deep = Organization.objects.create(name="Chi bộ sâu", level=OrgLevel.CELL, parent=under)
    for cell in (cell_a, deep):
        d = dossier_copy(State.SPOTTED, cell=cell, actor=secretary_a)
        loaded = dossier_for_page(user=UserFactory(is_superuser=True), pk=d.pk)
        expected = [o.pk for o in cell.ancestors()]
        with django_assert_num_queries(0):
            chain, org = [], loaded.cell
            while org.parent_id is not None:
                org = org.parent
                chain.insert(0, org.pk)
            assert grassroots_of(loaded.cell).pk == cell_a.parent_id
        assert chain == expected and len(chain) >= 2
        assert Organization.objects.get(pk=chain[0]).parent_id is None


def test_a_relation_and_its_joined_rows_can_load_only_the_columns_named(db, secretary_a, cell_a,
                                                                       django_assert_num_queries):
    """The dossier page's latest actions (`web.views.RECENT_EVENTS`): the columns the timeline prints,
    the actor's name; the others load on first access, as `.only()` leaves them."""
    from web.views import RECENT_EVENTS

    d = dossier_copy(State.RECOGNIZED, cell=cell_a, actor=secretary_a)
    events = list(DossierHistory.objects.filter(dossier=d).select_related("actor").order_by("at", "pk"))
    loaded = dossier_for_page(user=secretary_a, pk=d.pk, also=(RECENT_EVENTS,))
    shown = ("at", "actor_id", "effective_on", "action", "from_state", "to_state", "note")
    last = events[-len(loaded.recent_events):]
    with django_assert_num_queries(0):
        assert [[getattr(e, n) for n in shown] for e in loaded.recent_events] == [
            [getattr(e, n) for n in shown] for e in last]
        assert [(e.actor.username, e.actor.first_name, e.actor.last_name) for e in loaded.recent_events] == [
            (e.actor.username, e.actor.first_name, e.actor.last_name) for e in last]
    assert all("evidence" in e.get_deferred_fields() for e in loaded.recent_events)
    assert all({"password", "email"} <= e.actor.get_deferred_fields() for e in loaded.recent_events)
    # A column left out still answers, read on first access.
    assert [e.evidence for e in loaded.recent_events] == [e.evidence for e in last]


def test_the_viewers_roles_come_with_the_dossiers_evidence_as_active_roles_reads_them(
        db, client, secretary_a, cell_a, django_assert_num_queries):
    """`permissions.scoping.ACTIVE_ROLES`: the dossier page reads the viewer's current roles in its
    evidence query; they are what `active_roles` reads (revoked ones left out), with their
    organisations, and no query of their own follows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from permissions.models import Role, RoleAssignment
    from permissions.scoping import active_roles

    from .factories import grant

    grant(secretary_a, Role.CELL_DEPUTY, cell_a)
    revoked = RoleAssignment.objects.get(user=secretary_a, role=Role.CELL_DEPUTY)
    RoleAssignment.objects.filter(pk=revoked.pk).update(revoked_at=revoked.granted_at)
    grant(secretary_a, Role.UNION_OFFICER, cell_a.parent)
    d = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    expected = list(RoleAssignment.objects.filter(user=secretary_a, revoked_at__isnull=True)
                    .select_related("organization").order_by("pk"))
    assert len(expected) == 2
    secretary_a.__dict__.pop("_active_roles", None)
    dossier_for_page(user=secretary_a, pk=d.pk)
    with django_assert_num_queries(0):
        got = active_roles(secretary_a)
        assert [(field_values(a), field_values(a.organization)) for a in got] == [
            (field_values(a), field_values(a.organization)) for a in expected]
    client.force_login(secretary_a)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("dossiers:detail", args=[d.pk])).status_code == 200
    assert not [q for q in ctx.captured_queries if q["sql"].startswith('SELECT "permissions_roleassignment"')]
    assert [q for q in ctx.captured_queries if '"permissions_roleassignment"' in q["sql"]]
