"""A hot query's SQL written once per process (`dossiers.prepared`): the instances it builds are
those Django builds for the same queryset, with the same related objects, for any parameters; a
query whose parameters are not those given is never kept, and still answers right."""

from __future__ import annotations

from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from builders.templates import dossier_copy
from dossiers import prepared
from dossiers.models import Dossier, State


def _lock(pk):
    return (Dossier.objects.select_for_update(of=("self",))
            .select_related("candidate", "cell", "cell__parent", "member").filter(pk=pk).order_by())


def _values(obj) -> tuple:
    return tuple(getattr(obj, f.attname) for f in obj._meta.concrete_fields)


def test_it_builds_what_django_builds_for_every_call_writing_the_sql_once(cell_a, secretary_a, monkeypatch):
    first = dossier_copy(State.PROBATION, cell=cell_a, actor=secretary_a)
    second = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    key = "tests.prepared.lock"
    prepared._CACHE.pop((key, "default"), None)
    prepared.rows(key, Dossier, lambda: _lock(first.pk), [first.pk])
    compiled = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k))
    for d in (second, first):
        with CaptureQueriesContext(connection) as queries:
            [got] = prepared.rows(key, Dossier, lambda d=d: _lock(d.pk), [d.pk])
        assert len(queries) == 1
        monkeypatch.setattr(SQLCompiler, "as_sql", original)
        [expected] = list(_lock(d.pk))
        monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k))
        assert _values(got) == _values(expected) and got.pk == d.pk
        with CaptureQueriesContext(connection) as related:
            assert _values(got.candidate) == _values(expected.candidate)
            assert _values(got.cell.parent) == _values(expected.cell.parent)
            assert (got.member and _values(got.member)) == (expected.member and _values(expected.member))
        assert len(related) == 0, "the related objects came with the row"
    assert compiled == [], "the SQL was written once"
    assert prepared.rows(key, Dossier, lambda: _lock(0), [0]) == []


def test_a_query_whose_parameters_are_not_those_given_is_never_kept_and_still_answers(cell_a, secretary_a):
    d = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    key = "tests.prepared.wrong"
    prepared._CACHE.pop((key, "default"), None)
    assert [x.pk for x in prepared.rows(key, Dossier, lambda: _lock(d.pk), [d.pk + 1])] == [d.pk]
    assert prepared._CACHE[(key, "default")] is None
    assert [x.pk for x in prepared.rows(key, Dossier, lambda: _lock(d.pk), [d.pk + 1])] == [d.pk]
