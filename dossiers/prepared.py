"""A hot query's SQL written once per process.

Every step of a case locks its dossier (with its candidate, cell and member) and then its
processes' open tasks: two queries of the same shape each time, whose SQL Django's compiler writes
anew on every call (about 1 ms each, of a step's ~15). `rows` writes it once per query and
database vendor, then runs it with the call's parameters and builds the instances as Django does
(the same iterable, the same related objects); the first call checks that the parameters given are
those the compiler put in the SQL, in its order, and a query for which they are not is never kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
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


# {(key, database alias): its SQL and what Django's iterable reads of the compiler; None: not to be kept}
_CACHE: dict[tuple[str, str], _Compiled | None] = {}


def _compiler(query, using: str, entry: _Compiled, params: tuple):
    connection = connections[using]
    if entry.for_update and connection.get_autocommit():
        # As the compiler itself refuses it.
        raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
    compiler = connection.ops.compiler(query.compiler)(query, connection, using)
    compiler.select, compiler.klass_info = entry.select, entry.klass_info
    compiler.annotation_col_map, compiler.col_count = entry.annotation_col_map, entry.col_count
    compiler.has_extra_select = entry.has_extra_select
    compiler.as_sql = lambda *args, **kwargs: (entry.sql, params)
    return compiler


def rows(key: str, model: type, build: Callable[[], QuerySet], params: Sequence) -> list:
    """The instances of `model` that `build()` returns. `key` names the query's shape (the same SQL
    whatever the call: no parameter that changes it, such as a None or a list of another length);
    `params` are the call's values, in the order the compiler puts them in the SQL. Once the SQL
    is kept, `build` is not called."""
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
                              queryset.query.select_for_update)
        _CACHE[(key, alias)] = entry
        return list(queryset)
    if entry is None:
        return list(build())
    kept = model._default_manager.all()
    kept._for_write = entry.for_write
    query = kept.query
    query.get_compiler = lambda using=alias, connection=None, elide_empty=True: _compiler(query, using, entry, params)
    return list(kept)


def _plain_instances(queryset: QuerySet, model: type) -> bool:
    """The queryset builds instances as Django's ModelIterable does, and as the kept path's (the
    model's default manager's) does: a manager's own iterable (viewflow's tasks' is one) counts
    when it is the default manager's and the queryset is not asked to turn rows into subclasses
    (viewflow's `coerce_for`, which marks it `_coerced`)."""
    iterable = queryset._iterable_class
    return (issubclass(iterable, ModelIterable) and iterable is model._default_manager.all()._iterable_class
            and not getattr(queryset, "_coerced", False))
