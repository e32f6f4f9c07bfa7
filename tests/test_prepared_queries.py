"""A hot query's SQL written once per process (`dossiers.prepared`): the instances it builds are
those Django builds for the same queryset, with the same related objects, for any parameters; a
query whose parameters are not those given is never kept, and still answers right."""

from __future__ import annotations

import pytest
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
    compiled, converters = [], []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k))
    original_converters = SQLCompiler.get_converters
    monkeypatch.setattr(SQLCompiler, "get_converters",
                        lambda self, e: converters.append(1) or original_converters(self, e))
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
    # Django's own query (`expected`) asks for its columns' converters each time (twice); the kept one
    # worked them out at its first call here, never again.
    assert len(converters) == 3, "the kept query's converters were worked out once"
    assert prepared.rows(key, Dossier, lambda: _lock(0), [0]) == []


def test_a_query_whose_parameters_are_not_those_given_is_never_kept_and_still_answers(cell_a, secretary_a):
    d = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    key = "tests.prepared.wrong"
    prepared._CACHE.pop((key, "default"), None)
    assert [x.pk for x in prepared.rows(key, Dossier, lambda: _lock(d.pk), [d.pk + 1])] == [d.pk]
    assert prepared._CACHE[(key, "default")] is None
    assert [x.pk for x in prepared.rows(key, Dossier, lambda: _lock(d.pk), [d.pk + 1])] == [d.pk]


def test_the_dossier_pages_tasks_and_the_viewers_roles_are_kept_and_built_as_django_builds_them(
        cell_a, secretary_a, monkeypatch):
    from permissions.models import RoleAssignment
    from permissions.scoping import active_roles
    from workflows import page

    first = dossier_copy(State.PROBATION, cell=cell_a, actor=secretary_a)
    second = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    for key in ("workflows.page.process_tasks.viewer", "permissions.scoping.active_roles"):
        prepared._CACHE.pop((key, "default"), None)
    page.process_tasks(first, viewer=secretary_a)
    secretary_a.__dict__.pop("_active_roles", None)
    active_roles(secretary_a)
    assert prepared._CACHE[("workflows.page.process_tasks.viewer", "default")] is not None
    assert prepared._CACHE[("permissions.scoping.active_roles", "default")] is not None
    original = SQLCompiler.as_sql
    compiled = []
    for d in (second, first):
        expected = list(page._process_tasks(d, secretary_a))
        secretary_a.__dict__.pop("_active_roles", None)
        expected_roles = list(RoleAssignment.objects.filter(user=secretary_a, revoked_at__isnull=True)
                              .select_related("organization"))
        compiled.clear()
        monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k))
        got = page.process_tasks(d, viewer=secretary_a)
        got_roles = active_roles(secretary_a)
        monkeypatch.setattr(SQLCompiler, "as_sql", original)
        assert compiled == [], "the SQL was written once"
        assert expected and [_values(t) for t in got] == [_values(t) for t in expected]
        assert [t.viewer_inbox for t in got] == [t.viewer_inbox for t in expected]
        assert [(_values(t.process), t.owner and _values(t.owner)) for t in got] == [
            (_values(t.process), t.owner and _values(t.owner)) for t in expected]
        assert [type(t) for t in got] == [type(t) for t in expected]
        assert [(_values(a), _values(a.organization)) for a in got_roles] == [
            (_values(a), _values(a.organization)) for a in expected_roles] and got_roles


def test_a_queryset_that_turns_its_rows_into_subclasses_is_never_kept(cell_a, secretary_a):
    from viewflow.workflow.models import Task

    from workflows.flows import AdmissionFlow

    d = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    key = "tests.prepared.coerced"
    prepared._CACHE.pop((key, "default"), None)

    def build():
        return Task.objects.coerce_for([AdmissionFlow]).filter(process__artifact_object_id=d.pk).order_by("pk")

    params = build().query.get_compiler(using="default").as_sql()[1]
    got = prepared.rows(key, Task, build, params)
    assert prepared._CACHE[(key, "default")] is None
    assert got and [type(t) for t in got] == [type(t) for t in build()]


def test_the_dossier_pages_scoped_query_finds_what_access_dossier_finds_for_every_shape_of_scope(
        tree, cell_a, cell_b, secretary_a, secretary_b, board, mentor_user):
    from django.contrib.auth import get_user_model
    from django.http import Http404
    from django.utils import timezone

    from dossiers.models import Mentor
    from permissions.models import Role
    from permissions.scoping import access_dossier, access_dossier_prepared, forget_scope

    from .factories import UserFactory, grant

    union = UserFactory(username="union_officer")
    grant(union, Role.UNION_OFFICER, cell_a.parent)
    mentor, member = mentor_user
    proposed = dossier_copy(State.MENTORING, cell=cell_a, actor=union)
    mentored = dossier_copy(State.MENTORING, cell=cell_b, actor=secretary_b)
    Mentor.objects.create(dossier=mentored, assigned_on=timezone.localdate(), member=member)
    other = dossier_copy(State.PROBATION, cell=cell_a, actor=secretary_a)
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    nobody = UserFactory(username="nobody")
    for key in [k for k in prepared._CACHE if k[0].startswith("tests.prepared.page")]:
        del prepared._CACHE[key]

    def found(call, *args, **kwargs):
        try:
            return call(*args, **kwargs).pk
        except Http404:
            return None

    seen = []
    for _round in range(2):
        for user in (secretary_a, secretary_b, board, union, mentor, admin, nobody):
            forget_scope(user)
            for d in (proposed, mentored, other):
                expected = found(access_dossier, user, d.pk)
                got = found(access_dossier_prepared, user, d.pk, key="tests.prepared.page",
                            build=Dossier.objects.all, lead=[])
                seen.append(expected is not None)
                assert got == expected, (user.username, d.pk)
    assert True in seen and False in seen
    kept = {k[0]: v for k, v in prepared._CACHE.items() if k[0].startswith("tests.prepared.page")}
    # The cell's secretary, the union officer's proposals, the mentor's cases, the administrator.
    assert len(kept) >= 4 and all(v is not None for v in kept.values()), kept


def test_an_organisations_ancestors_are_kept_per_depth_and_read_as_django_reads_them(cell_a, cell_b, monkeypatch):
    from dossiers.models import Organization

    for key in [k for k in prepared._CACHE if k[0].startswith("dossiers.organization.ancestors")]:
        del prepared._CACHE[key]
    cell_a.ancestors()
    original = SQLCompiler.as_sql
    compiled = []
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k))
    got = cell_b.ancestors()
    monkeypatch.setattr(SQLCompiler, "as_sql", original)
    assert compiled == [], "the SQL was written once"
    expected, org = [], Organization.objects.get(pk=cell_b.parent_id)
    while org is not None:
        expected.insert(0, org)
        org = org.parent
    assert got and [_values(o) for o in got] == [_values(o) for o in expected]
    assert Organization.objects.get(pk=expected[0].pk).ancestors() == []


def test_the_dossier_pages_scoped_query_answers_an_id_beyond_the_column_with_a_404(secretary_a):
    from django.http import Http404

    from permissions.scoping import access_dossier_prepared

    with pytest.raises(Http404):
        access_dossier_prepared(secretary_a, 2**70, key="tests.prepared.page.huge", build=Dossier.objects.all,
                                lead=[])


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements; SQLite keeps its own")
def test_on_postgresql_the_lock_and_the_evidence_read_are_planned_once_per_connection_and_read_what_django_reads(
        cell_a, secretary_a):
    from dossiers.models import PartyAct, Vote
    from dossiers.services.base import _lock

    first = dossier_copy(State.PROBATION, cell=cell_a, actor=secretary_a)
    second = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    for d in (first, second, first):
        with CaptureQueriesContext(connection) as queries:
            got = _lock(d)
            acts, votes = list(got.acts.all()), list(got.votes.all())
        assert len(queries) == 2, "the lock and the evidence read, each logged as a statement"
        assert all(f"= {d.pk}" in q["sql"] for q in queries.captured_queries), "logged with their values"
        [expected] = list(_lock_query(d.pk))
        assert _values(got) == _values(expected) and _values(got.candidate) == _values(expected.candidate)
        assert _values(got.cell.parent) == _values(expected.cell.parent)
        assert (got.member and _values(got.member)) == (expected.member and _values(expected.member))
        assert [_values(a) for a in acts] == [_values(a) for a in PartyAct.objects.filter(dossier=d)]
        assert [_values(v) for v in votes] == [_values(v) for v in Vote.objects.filter(dossier=d)]
    assert acts and votes
    statements = _prepared_statements()
    assert [s for s in statements if s.startswith('SELECT "dossiers_dossier"."id"') and "FOR UPDATE" in s]
    assert [s for s in statements if s.startswith("SELECT 0 AS k, json_build_object(")]
    # Django's own statements stay unprepared, however often they run.
    for _ in range(8):
        Dossier.objects.filter(pk=first.pk, state=State.PROBATION).exists()
    assert not [s for s in _prepared_statements() if "LIMIT 1" in s]


def _lock_query(pk):
    return (Dossier.objects.select_for_update(of=("self",))
            .select_related("candidate", "cell", "cell__parent", "cell__parent__parent", "member").filter(pk=pk))


def test_a_row_inserted_once_written_is_the_row_save_writes_and_save_is_used_where_it_does_more(
        cell_a, secretary_a):
    from django.db.models.signals import pre_save
    from django.utils import timezone

    from dossiers.models import DossierHistory

    d = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)

    def row(**extra):
        return DossierHistory(dossier=d, actor=secretary_a, action="test", from_state=State.MENTORING,
                              to_state=State.MENTORING, effective_on=timezone.localdate(), note="Ghi chú",
                              evidence={"số": "1-NQ/CB", "ngày": "2025-01-02"}, **extra)

    fast, saved = row(), row()
    with CaptureQueriesContext(connection) as queries:
        prepared.insert(fast)
    saved.save()
    assert len(queries) == 1 and fast.pk and not fast._state.adding and fast._state.db == "default"
    got, expected = DossierHistory.objects.get(pk=fast.pk), DossierHistory.objects.get(pk=saved.pk)
    skip = {"id", "at"}
    assert {f.attname: getattr(got, f.attname) for f in DossierHistory._meta.concrete_fields if f.attname not in skip} \
        == {f.attname: getattr(expected, f.attname) for f in DossierHistory._meta.concrete_fields if f.attname not in skip}
    assert got.at and got.at <= expected.at, "stamped as save stamps it (auto_now_add)"
    # Someone listening to its saves: the row goes through save(), which tells him.
    heard = []

    def listener(sender, instance, **kwargs):
        heard.append(instance)

    pre_save.connect(listener, sender=DossierHistory)
    try:
        third = row()
        prepared.insert(third)
    finally:
        pre_save.disconnect(listener, sender=DossierHistory)
    assert heard == [third] and third.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements; SQLite keeps its own")
def test_on_postgresql_a_steps_history_row_and_the_copies_of_what_it_wrote_are_one_prepared_statement(
        cell_a, secretary_a):
    from django.utils import timezone

    from dossiers import services
    from dossiers.models import HistoricalDossier

    d = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    with CaptureQueriesContext(connection) as queries:
        services.dossier_record_application(dossier=d, actor=secretary_a, on=timezone.localdate())
    writes = [q["sql"] for q in queries.captured_queries
              if '"dossiers_dossierhistory"' in q["sql"] or '"dossiers_historicaldossier"' in q["sql"]]
    assert len(writes) == 1 and writes[0].startswith("WITH ") and '"dossiers_historicaldossier"' in writes[0]
    assert [s for s in _prepared_statements() if s.startswith("WITH ") and '"dossiers_dossierhistory"' in s]
    copy = HistoricalDossier.objects.filter(id=d.pk).order_by("-history_id").first()
    assert copy.application_received_on == timezone.localdate() and copy.history_type == "~"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements; SQLite keeps its own")
def test_on_postgresql_the_lock_of_the_open_tasks_is_planned_once_per_connection_and_reads_what_django_reads(
        cell_a, secretary_a):
    from viewflow.workflow.models import Process, Task

    from workflows import sync

    d = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    for _ in range(2):
        got = sync._locked_open_tasks(d)
        expected = list(Task.objects.filter(process__artifact_object_id=d.pk, process__finished__isnull=True,
                                            status__in=sync.OPEN_STATUSES).order_by("created", "pk"))
        assert got and [_values(t) for t in got] == [_values(t) for t in expected]
        assert all(t.process.pk == t.process_id for t in got)
        assert all(_values(t.process) == _values(Process.objects.get(pk=t.process_id)) for t in got)
        assert all(isinstance(t.data, dict) and isinstance(t.process.data, dict) for t in got), "JSON read as JSON"
    assert [s for s in _prepared_statements() if s.startswith('SELECT "viewflow_task"') and "FOR UPDATE OF" in s]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements; SQLite keeps its own")
def test_on_postgresql_the_engines_step_is_one_prepared_statement(cell_a, secretary_a):
    from django.utils import timezone

    from dossiers import services

    d = dossier_copy(State.SPOTTED, cell=cell_a, actor=secretary_a)
    with CaptureQueriesContext(connection) as queries:
        services.dossier_enroll_training(dossier=d, actor=secretary_a, class_name="Lớp cảm tình Đảng",
                                         organiser="Trung tâm Chính trị", start_date=timezone.localdate())
    steps = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("WITH ids AS MATERIALIZED")]
    assert len(steps) == 1 and '"viewflow_task"' in steps[0], "the step written in one statement"
    assert "ARRAY[" in steps[0] or "'{" in steps[0], "logged with its values"
    assert [s for s in _prepared_statements() if s.startswith("WITH ids AS MATERIALIZED")], "planned once per connection"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements; SQLite keeps its own")
def test_on_postgresql_the_engines_step_is_not_planned_again_at_every_call(cell_a, secretary_a):
    # PostgreSQL plans a prepared statement's first five calls for their values, then keeps one plan
    # for all only if it costs no more than theirs: rows it cannot count from a parameter (the new
    # tasks, the ids of those finished) kept it planning every step anew, ~0.25 ms each. Every
    # statement prepared here reads or writes rows by id: the connection keeps their generic plans.
    from django.utils import timezone

    from dossiers import services

    if connection.pg_version < 140000:
        pytest.skip("pg_prepared_statements counts plans from PostgreSQL 14 on")
    for _ in range(8):
        d = dossier_copy(State.SPOTTED, cell=cell_a, actor=secretary_a)
        services.dossier_enroll_training(dossier=d, actor=secretary_a, class_name="Lớp cảm tình Đảng",
                                         organiser="Trung tâm Chính trị", start_date=timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                       "WHERE statement LIKE 'WITH ids AS MATERIALIZED%%' ORDER BY custom_plans + generic_plans DESC")
        generic, custom = cursor.fetchone()
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE custom_plans > 0")
        assert cursor.fetchone()[0] == 0, "no prepared statement planned for its values"
    assert generic >= 8 and custom == 0, (generic, custom)


def test_a_queryset_whose_iterable_is_not_declared_plain_is_never_kept_and_builds_its_own(cell_a, secretary_a):
    from django.db.models.query import ModelIterable

    class Marking(ModelIterable):
        # builds something Django's ModelIterable does not: the kept path could not reproduce it
        def __iter__(self):
            for obj in super().__iter__():
                obj.marked = True
                yield obj

    d = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    key = "tests.prepared.own_iterable"
    prepared._CACHE.pop((key, "default"), None)

    def build():
        queryset = Dossier.objects.filter(pk=d.pk).order_by()
        queryset._iterable_class = Marking
        return queryset

    for _ in range(2):
        [got] = prepared.rows(key, Dossier, build, [d.pk])
        assert got.marked and got.pk == d.pk
    assert prepared._CACHE[(key, "default")] is None


def test_the_dossier_pages_tasks_carry_only_what_the_page_and_its_timeline_read(client, cell_a, secretary_a,
                                                                                 monkeypatch):
    """`workflows.page.PAGE_COLUMNS`: the pages print the process panel and the timeline from them
    without loading any column left out (a deferred column loads through refresh_from_db, one
    query a task)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from viewflow.workflow.models import Process, Task

    from workflows import page
    from workflows.models import TaskDeadline

    d = dossier_copy(State.RECOGNIZED, cell=cell_a, actor=secretary_a)
    tasks = page.process_tasks(d, viewer=secretary_a)
    assert tasks and {"data", "assigned", "token"} <= tasks[0].get_deferred_fields()
    assert "password" in next(t.owner for t in tasks if t.owner).get_deferred_fields()
    assert "data" in tasks[0].process.get_deferred_fields()

    def loaded(self, *args, **kwargs):
        raise AssertionError(f"a column left out of the page's tasks was read: {type(self).__name__} {kwargs}")

    client.force_login(secretary_a)
    for model in (Task, Process, get_user_model(), TaskDeadline):
        monkeypatch.setattr(model, "refresh_from_db", loaded)
    for url in (reverse("dossiers:detail", args=[d.pk]), reverse("dossiers:timeline", args=[d.pk])):
        response = client.get(url)
        assert response.status_code == 200 and "web-timeline__item--task" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements; SQLite keeps its own")
def test_on_postgresql_the_dossier_pages_dossier_tasks_and_roles_are_planned_once_per_connection(
        client, cell_a, secretary_a):
    """Issue 21: the dossier (scoped) and the process's tasks with the badge's count, prepared by
    the server; the tasks' statement writes the held statuses in its SQL, so that PostgreSQL keeps
    one plan for every call (as parameters, its plan for any values could not use the partial index
    of held tasks and it planned every call anew)."""
    from django.urls import reverse

    dossiers = [dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a) for _ in range(2)]
    client.force_login(secretary_a)
    for i in range(8):  # PostgreSQL weighs a generic plan after five custom ones
        assert client.get(reverse("dossiers:detail", args=[dossiers[i % 2].pk])).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans FROM pg_prepared_statements")
        statements = cursor.fetchall()
    tasks = [(s, generic) for s, generic in statements if s.startswith('SELECT "viewflow_task"."id"')
             and "viewer_inbox" in s]
    assert tasks and all("IN ('ASSIGNED', 'STARTED')" in s for s, _generic in tasks)
    assert sum(generic for _s, generic in tasks) >= 1, "one plan kept for every call"
    assert [s for s, _generic in statements if s.startswith('SELECT "dossiers_dossier"."id"')
            and "viewer_member_id" in s and "FOR UPDATE" not in s]
    # The viewer's roles (`permissions.scoping.active_roles`, read on every page): read apart, prepared
    # too; on the dossier page with its evidence (`permissions.scoping.ACTIVE_ROLES`).
    assert [s for s, _generic in statements if s.startswith("SELECT 0 AS k, json_build_object(")
            and '"permissions_roleassignment"' in s]
    from permissions.scoping import active_roles

    secretary_a.__dict__.pop("_active_roles", None)
    assert active_roles(secretary_a)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        assert [s for (s,) in cursor.fetchall() if s.startswith('SELECT "permissions_roleassignment"."id"')]


def test_a_kept_querys_converters_are_worked_out_once_per_connection(cell_a, secretary_a, monkeypatch):
    """What `SQLCompiler.get_converters` works out from a kept query's columns is kept with it (the
    same columns, the same backend): asked again on every call, it cost a wide row more than
    building it. The rows are still converted as Django converts them (dates, JSON, booleans)."""
    first = dossier_copy(State.PROBATION, cell=cell_a, actor=secretary_a)
    second = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    key = "tests.prepared.converters"
    prepared._CACHE.pop((key, "default"), None)
    prepared.rows(key, Dossier, lambda: _lock(first.pk), [first.pk])  # written
    prepared.rows(key, Dossier, lambda: _lock(first.pk), [first.pk])  # converters worked out
    original = SQLCompiler.get_converters
    asked = []
    monkeypatch.setattr(SQLCompiler, "get_converters", lambda self, e: asked.append(1) or original(self, e))
    for d in (second, first):
        [got] = prepared.rows(key, Dossier, lambda d=d: _lock(d.pk), [d.pk])
        assert not asked, "worked out once"
        [expected] = list(_lock(d.pk))
        asked.clear()
        assert _values(got) == _values(expected) and _values(got.candidate) == _values(expected.candidate)
        assert type(got.spotted_on) is type(expected.spotted_on) and got.candidate.birth_date == expected.candidate.birth_date


def test_a_task_lists_dossiers_are_kept_per_count_and_read_as_django_reads_them(cell_a, cell_b, secretary_a,
                                                                                monkeypatch):
    from viewflow.workflow.models import Task

    from workflows.selectors import attach_dossiers

    dossiers = [dossier_copy(State.MENTORING, cell=cell, actor=secretary_a) for cell in (cell_a, cell_b, cell_a)]
    for key in [k for k in prepared._CACHE if k[0].startswith("workflows.selectors.attach_dossiers")]:
        del prepared._CACHE[key]

    def tasks_of(chosen):
        return list(Task.objects.filter(process__artifact_object_id__in=[d.pk for d in chosen])
                    .select_related("process", "deadline").order_by("pk"))

    attach_dossiers(tasks_of(dossiers[:2]))
    original = SQLCompiler.as_sql
    compiled = []
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k))
    tasks = tasks_of(dossiers[1:])
    compiled.clear()
    got = attach_dossiers(tasks)
    monkeypatch.setattr(SQLCompiler, "as_sql", original)
    assert compiled == [], "the SQL was written once for two dossiers"
    for task in got:
        expected = Dossier.objects.select_related("candidate", "cell").get(pk=task.process.artifact_object_id)
        assert _values(task.dossier) == _values(expected)
        assert _values(task.dossier.candidate) == _values(expected.candidate)
        assert _values(task.dossier.cell) == _values(expected.cell)
    assert {t.dossier.pk for t in got} == {d.pk for d in dossiers[1:]}
