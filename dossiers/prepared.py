"""A hot query's SQL written once per process.

Every step of a case locks its dossier (with its candidate, cell and member) and then its
processes' open tasks: two queries of the same shape each time, whose SQL Django's compiler writes
anew on every call (about 1 ms each, of a step's ~15). `rows` writes it once per query and
database vendor, then runs it with the call's parameters and builds the instances as Django does
(the same instances and related objects, built by `_kept` as ModelIterable builds them); the first
call checks that the parameters given are those the compiler put in the SQL, in its order, and a
query for which they are not is never kept.

On PostgreSQL the server plans such a statement anew each time too: the lock (six joins) and the
evidence read (`dossiers.loading`, nine selects) cost it ~0.6 ms of planning each, more than they
take to run. `cursor` runs them as prepared statements of the connection (psycopg's, with the
parameters bound by the server), planned once per connection; Django's wrapper is kept around them,
so they are logged, counted and timed as any other statement. It is for statements whose
parameters the server can type by themselves (ids, dates): a `rows` caller asks for it with
`server_prepared=True`.

PostgreSQL plans a prepared statement's first five calls for their values, then keeps one generic
plan only if it does not cost more than theirs; for a statement whose rows it cannot count from its
parameters (an array of ids) it kept planning every call. Every statement prepared here reads or
writes rows by their ids, where the generic plan is the plan: `generic_plans` has each connection
use it (`plan_cache_mode`, which concerns prepared statements only: Django's own are never
prepared).
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.db.transaction import TransactionManagementError


@dataclass(frozen=True)
class _Compiled:
    model: type
    sql: str
    select: Any
    klass_info: Any
    annotation_col_map: Any
    col_count: int
    has_extra_select: bool
    for_write: bool
    for_update: bool
    server_prepared: bool = False
    # {database alias: how its rows become instances (`_Plan`), worked out at the first call}
    plans: dict = dataclasses.field(default_factory=dict, compare=False)


# {(key, database alias): its SQL and what Django's iterable reads of the compiler; None: not to be kept}
_CACHE: dict[tuple[str, str], _Compiled | None] = {}


def generic_plans(sender, connection, **kwargs) -> None:
    """`connection_created`: a new PostgreSQL connection keeps one plan per prepared statement (see
    the module), set for the session, outside any transaction (a SET in one rolled back is undone)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as c:
        c.execute("SET plan_cache_mode = force_generic_plan")


# A count of executions no statement reaches: psycopg prepares only those asked to be.
_NEVER = 2**62


@cache
def _preparing_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor  # noqa: PLC0415 - PostgreSQL only

    class PreparingCursor(ServerBindingCursor):
        """psycopg's cursor binding parameters on the server, every statement prepared (once per
        connection: psycopg keeps the connection's prepared statements and their names)."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            try:
                return super().execute(query, params, prepare=True, binary=binary)
            finally:
                # A prepared statement leaves no text of itself: the log (Django's debug wrapper,
                # `last_executed_query`) shows it as the connection's other statements show.
                self._query = _Shown(self.connection, query, params)

    return PreparingCursor


class _Shown:
    """The statement as a client-side cursor would send it (its `query`, written when read)."""

    __slots__ = ("connection", "sql", "params")

    def __init__(self, connection, sql, params):
        self.connection, self.sql, self.params = connection, sql, params

    @property
    def query(self) -> bytes:
        return _mogrifier(self.connection).mogrify(self.sql, self.params).encode()


# {psycopg connection: a client-side cursor of it, which writes a statement with its values (never run)}
_MOGRIFIERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _mogrifier(connection):
    found = _MOGRIFIERS.get(connection)
    if found is None:
        from psycopg import ClientCursor  # noqa: PLC0415

        found = _MOGRIFIERS[connection] = ClientCursor(connection)
    return found


@contextmanager
def cursor(connection) -> Iterator:
    """A cursor of `connection` (Django's wrapper: logged, counted, its errors Django's) whose
    statements PostgreSQL prepares once per connection and then runs without planning them again;
    elsewhere the connection's own cursor (SQLite keeps its statements compiled by itself)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as c:
            yield c
        return
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        if connection.connection.prepare_threshold is None:
            # Django turns psycopg's prepared statements off (`prepare_threshold=None`) so that
            # no statement of its own is ever prepared behind a pooler's back; psycopg then
            # refuses to prepare any. A threshold never reached keeps Django's statements
            # unprepared and lets these ones, which ask for it, be prepared.
            connection.connection.prepare_threshold = _NEVER
        raw = _preparing_cursor_class()(connection.connection)
        # As Django's create_cursor: the connection's time zone on the cursor when it differs.
        from django.db.backends.postgresql.base import TIMESTAMPTZ_OID  # noqa: PLC0415
        from django.db.backends.postgresql.psycopg_any import register_tzloader  # noqa: PLC0415
        from psycopg.pq import Format  # noqa: PLC0415

        if connection.timezone != connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT).timezone:
            register_tzloader(connection.timezone, raw)
        wrapped = connection._prepare_cursor(raw)
    with wrapped:
        yield wrapped


def rows(key: str, model: type, build: Callable[[], QuerySet], params: Sequence, *,
         server_prepared: bool = False) -> list:
    """The instances of `model` that `build()` returns. `key` names the query's shape (the same SQL
    whatever the call: no parameter that changes it, such as a None or a list of another length);
    `params` are the call's values, in the order the compiler puts them in the SQL. Once the SQL
    is kept, `build` is not called. `server_prepared`: on PostgreSQL, the kept statement prepared
    by the server (`cursor`): only for parameters it types by itself (ids, dates, not a bare
    string in the select list)."""
    params = tuple(params)
    alias = model._default_manager.db
    entry = _CACHE.get((key, alias), False)
    if entry is False:
        queryset = build()
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, compiled_params = compiler.as_sql()
        entry = None
        if (tuple(compiled_params) == params and queryset.model is model and queryset.db == alias
                and _plain_instances(queryset, model) and not queryset._prefetch_related_lookups):
            entry = _Compiled(model, sql, compiler.select, compiler.klass_info, compiler.annotation_col_map,
                              compiler.col_count, compiler.has_extra_select, queryset._for_write,
                              queryset.query.select_for_update, server_prepared)
        _CACHE[(key, alias)] = entry
        return list(queryset)
    if entry is None:
        return list(build())
    return _kept(entry, alias, params)


@dataclass(frozen=True)
class _Plan:
    """How a kept statement's rows become instances, as Django's ModelIterable makes them, worked
    out once per statement and database: the columns' converters, the root's columns, the related
    objects' populators (`select_related`), the annotations."""

    converters: list
    start: int
    end: int
    init_list: list
    populators: list
    annotations: list


def _plan(entry: _Compiled, alias: str) -> _Plan:
    found = entry.plans.get(alias)
    if found is None:
        connection = connections[alias]
        compiler = connection.ops.compiler("SQLCompiler")(entry.model._default_manager.all().query, connection, alias)
        converters = compiler.get_converters([s[0] for s in entry.select[0:entry.col_count]])
        fields = entry.klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        found = entry.plans[alias] = _Plan(
            list(converters.items()), start, end, [f[0].target.attname for f in entry.select[start:end]],
            get_related_populators(entry.klass_info, entry.select, alias),
            list((entry.annotation_col_map or {}).items()))
    return found


def _kept(entry: _Compiled, alias: str, params: tuple) -> list:
    """The kept statement run with `params`, its rows made instances as Django's ModelIterable makes
    them (`_plan`), without building a queryset and a compiler for each call."""
    connection = connections[alias]
    if entry.for_update and connection.get_autocommit():
        # As the compiler itself refuses it.
        raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
    with (cursor(connection) if entry.server_prepared else connection.cursor()) as c:
        c.execute(entry.sql, params)
        found = c.fetchall()
    plan = _plan(entry, alias)
    model, objects = entry.model, []
    for row in found:
        if entry.has_extra_select:
            row = row[:entry.col_count]
        if plan.converters:
            row = list(row)
            for pos, (convs, expression) in plan.converters:
                value = row[pos]
                for converter in convs:
                    value = converter(value, expression, connection)
                row[pos] = value
        obj = model.from_db(alias, plan.init_list, row[plan.start:plan.end])
        for populator in plan.populators:
            populator.populate(row, obj)
        for name, pos in plan.annotations:
            setattr(obj, name, row[pos])
        objects.append(obj)
    return objects


# Iterable classes that build instances exactly as Django's ModelIterable does for a queryset that
# does not turn its rows into other classes (`plain_iterable`): the kept path builds them itself.
_PLAIN_ITERABLES: set[type] = {ModelIterable}


def plain_iterable(iterable: type) -> None:
    """Declare a manager's own iterable class plain: for a queryset not marked `_coerced` (asked to
    turn its rows into subclasses), it yields what ModelIterable yields (viewflow's tasks' does)."""
    _PLAIN_ITERABLES.add(iterable)


def _plain_instances(queryset: QuerySet, model: type) -> bool:
    """The queryset builds instances as Django's ModelIterable does, which the kept path does
    itself (`_kept`): its iterable is ModelIterable, or one declared plain (`plain_iterable`) that is
    the default manager's, and the queryset is not asked to turn rows into subclasses (viewflow's
    `coerce_for`, which marks it `_coerced`)."""
    iterable = queryset._iterable_class
    return (iterable in _PLAIN_ITERABLES and iterable is model._default_manager.all()._iterable_class
            and not getattr(queryset, "_coerced", False))


# --- Rows written many times a step: an INSERT written once per model, prepared by the server ----


@cache
def _insert_sql(model: type, alias: str, vendor: str) -> tuple[str, tuple, tuple] | None:
    """The INSERT of a new row of `model` as Django writes it (every local column but the automatic
    key, the key returned), its fields and the fields returned; None when Django would write it
    otherwise (parents, a placeholder of its own, an order kept, no RETURNING)."""
    connection = connections[alias]
    meta = model._meta
    fields = tuple(f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field)
    returning = tuple(meta.db_returning_fields)
    if (meta.parents or meta.order_with_respect_to or meta.auto_field is None
            or not connection.features.can_return_columns_from_insert or returning != (meta.auto_field,)
            or any(hasattr(f, "get_placeholder") for f in fields)):
        return None
    qn = connection.ops.quote_name
    returning_sql, returning_params = connection.ops.return_insert_columns(list(returning))
    if returning_params:
        return None
    sql = (f"{connection.ops.insert_statement()} {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))}) {returning_sql}")
    return sql, fields, returning


def insert(obj, *, using: str | None = None) -> None:
    """Save `obj`, a new row (no key yet), as `Model.save()` inserts it — each field's `pre_save`
    and database value, its key returned — with the INSERT written once per model and prepared by
    PostgreSQL (`cursor`). For a row whose model's own `save()` adds nothing to an insert (a
    simple-history copy, a history row): nobody listening to its saves, no parents; anything else
    is saved by `save()` as before."""
    from django.db import router, transaction  # noqa: PLC0415

    using = using or router.db_for_write(type(obj), instance=obj)
    shape = _insertable(obj, using)
    if shape is None:
        obj.save(using=using)
        return
    sql, values, returning = shape
    with transaction.mark_for_rollback_on_error(using=using), cursor(connections[using]) as c:
        c.execute(sql, values)
        row = connections[using].ops.fetch_returned_insert_columns(c, ())
    _inserted(obj, returning, row, using)


def _insertable(obj, using: str):
    """`obj`'s INSERT (`_insert_sql`) and its values when it may be written by one, else None."""
    from django.db.models.signals import post_save, pre_save  # noqa: PLC0415

    model = type(obj)
    connection = connections[using]
    shape = _insert_sql(model, using, connection.vendor)
    if shape is None or obj._is_pk_set() or pre_save.has_listeners(model) or post_save.has_listeners(model):
        return None
    sql, fields, returning = shape
    obj._prepare_related_fields_for_save(operation_name="save")
    raw = [f.pre_save(obj, True) for f in fields]
    if any(hasattr(v, "resolve_expression") for v in raw):
        return None
    return sql, [f.get_db_prep_save(v, connection=connection) for f, v in zip(fields, raw, strict=True)], returning


def _inserted(obj, returning, row, using: str) -> None:
    for field, value in zip(returning, row, strict=True):
        setattr(obj, field.attname, value)
    obj._state.db = using
    obj._state.adding = False


def insert_all(objs: Sequence, *, using: str | None = None) -> None:
    """Save new rows as `insert` saves each; on PostgreSQL those it may write go in one statement
    (each INSERT a `WITH` of it, their keys read back together): a service's history row and the
    simple-history copies of what it wrote, one round trip instead of one each."""
    from django.db import router, transaction  # noqa: PLC0415

    objs = list(objs)
    if not objs:
        return
    using = using or router.db_for_write(type(objs[-1]), instance=objs[-1])
    if len(objs) < 2 or connections[using].vendor != "postgresql":
        for obj in objs:
            insert(obj, using=using)
        return
    together, parts, params = [], [], []
    for obj in objs:
        if router.db_for_write(type(obj), instance=obj) != using or (shape := _insertable(obj, using)) is None:
            insert(obj, using=using)
            continue
        sql, values, returning = shape
        parts.append(f"i{len(together)} AS ({sql})")
        params += values
        together.append((obj, returning))
    if not together:
        return
    connection = connections[using]
    statement = (f"WITH {', '.join(parts)} SELECT "
                 + ", ".join(f"(SELECT * FROM i{n})" for n in range(len(together))))
    with transaction.mark_for_rollback_on_error(using=using), cursor(connection) as c:
        c.execute(statement, params)
        row = c.fetchone()
    for (obj, returning), value in zip(together, row, strict=True):
        _inserted(obj, returning, (value,), using)
