"""The dossier's evidence read at most once per change: its relations (acts, votes, certificates…)
loaded on first read and then kept on the instance, and forgotten when a row is written for it.

A service locks the dossier (`services.base._lock`) and reads it through the gates, then writes;
the workflow then reads the same facts to finish tasks and date deadlines (`workflows.snapshot`).
Both read the one locked instance, so each relation costs one query if read and none if not, and
a row written through `refusals.clean_and_save` makes its relation read again at the next read —
what is shown after a change is what the change wrote.
"""

from __future__ import annotations

import json
import weakref
from contextvars import ContextVar
from functools import cache

from django.db import connections

from .loading import Related, read_related, union_sql
from .models import Dossier

# What a relation is read with (the people behind mentors and introducers).
_WITH = {"introducers": ("member",), "mentors": ("member",)}

# {(database, dossier id): the dossier this thread (or task) holds read on demand, weakly}
_HELD: ContextVar[dict] = ContextVar("dossiers.evidence.held")


def _held() -> dict:
    try:
        return _HELD.get()
    except LookupError:
        held: dict = {}
        _HELD.set(held)
        return held


RELATIONS = frozenset({"certificates", "introducers", "mentors", "acts", "verifications", "opinions", "votes",
                       "progress_reports", "self_reviews"})
_IN_ORDER = sorted(RELATIONS)


@cache
def _ordering(name: str) -> tuple[str, ...] | None:
    """The relation's order (its model's `Meta.ordering`, its attnames, the owner's key left out),
    or None when that order is not plain ascending fields."""
    model = getattr(Dossier, name).rel.related_model
    names = []
    for o in model._meta.ordering:
        if not isinstance(o, str) or o.startswith(("-", "?")) or "__" in o:
            return None
        field = model._meta.get_field(o)
        if not (field.is_relation and field.related_model is Dossier):
            names.append(field.attname)
    return tuple(names)


def _sort(rows: list, names: tuple[str, ...], vendor: str) -> list:
    """`rows` in the order the relation's own query returns them: its fields ascending, NULLs where
    the database puts them (last on PostgreSQL, first on SQLite), ties by the primary key (as
    `load_related` left them: Python's sort is stable)."""
    nulls_last = vendor == "postgresql"

    def key(row):
        return [((nulls_last, 0) if (v := getattr(row, n)) is None else (not nulls_last, v)) for n in names]

    return sorted(rows, key=key)


class _Read:
    """A relation read with the others and not yet made instances: made so on its first read."""

    __slots__ = ("fill",)

    def __init__(self, fill):
        self.fill = fill


class _LoadedOnFirstRead(dict):
    """The dossier's prefetch cache, filled per relation on first read: a change reads some of
    the dossier's evidence (the acts, say) many times and most of it never. Django's related
    managers read this dict first. The relations are read together (one statement) and each made
    instances when it is first read: a gate reads two or three of the nine."""

    def __init__(self, dossier: Dossier, read: list | None = None):
        super().__init__()
        self.dossier = dossier
        self.loading = False
        # The rows of the relations read together, read already with the dossier (`with_the_lock`).
        self.read = read

    def __getitem__(self, name: str):
        held = dict.__getitem__(self, name)  # a miss reads (`__missing__`)
        if isinstance(held, _Read):
            if self.loading:
                # While its instances are being made, Django asks the manager for its plain queryset.
                raise KeyError(name)
            held = self._made(name, held)
        return held

    def _made(self, name: str, read: _Read):
        self.loading = True
        try:
            read.fill()
        finally:
            self.loading = False
        held = dict.__getitem__(self, name)
        if order := _ordering(name):
            held._result_cache = _sort(held._result_cache, order,
                                       connections[self.dossier._state.db or "default"].vendor)
        return held

    def __missing__(self, name: str):
        # While loading, Django asks the manager for its plain queryset: a miss makes it build one.
        if name not in RELATIONS or self.loading:
            raise KeyError(name)
        # The relations read together in one statement (`dossiers.loading`): those whose order can be told here.
        if _ordering(name) is not None:
            self._read_together([n for n in _IN_ORDER if _ordering(n) is not None and not dict.__contains__(self, n)])
            return self[name]
        self.loading = True
        try:
            # The relation's own queryset (its manager, its order), read and held as a prefetch holds
            # it: `prefetch_related_objects` would build the same query the long way round.
            rows = getattr(self.dossier, name).get_queryset()
        finally:
            self.loading = False
        if name in _WITH:
            rows = rows.select_related(*_WITH[name])
        rows._result_cache, rows._prefetch_done = list(rows), True
        dict.__setitem__(self, name, rows)
        return rows


    def _read_together(self, names: list[str]) -> None:
        """Every relation not yet held, read in one statement at the first read of any: a change's
        gate, its workflow's task conditions and deadlines read three or four of them, one statement
        each. The rows are those of the relation's own query (its manager is the model's plain one),
        in its order, the people behind mentors and introducers with them."""
        rows = None
        if self.read is not None and names == _together():
            rows, self.read = self.read, None
        fills = read_related(self.dossier, [Related(n, joins=_WITH.get(n, ())) for n in names], rows=rows)
        for n, fill in zip(names, fills, strict=True):
            dict.__setitem__(self, n, _Read(fill))


def read_on_demand(dossier: Dossier, read: str | None = None) -> Dossier:
    """`dossier`, its evidence now read on first use and kept (see the module's docstring); `read`:
    the relations read together, read already in the statement that read the dossier
    (`with_the_lock`)."""
    rows = None
    if read is not None:
        rows = [(k, j) for k, j in json.loads(read)] if isinstance(read, str) else list(read)
    dossier._prefetched_objects_cache = _LoadedOnFirstRead(dossier, rows)
    # This thread's change holds it: a row written for its id through another instance joins it (`written`).
    held = _held()
    if len(held) > 64:
        held.clear()
    held[(dossier._state.db or "default", dossier.pk)] = weakref.ref(dossier)
    return dossier


@cache
def _together() -> list[str]:
    return [n for n in _IN_ORDER if _ordering(n) is not None]


def with_the_lock(vendor: str) -> tuple[str, int] | None:
    """On SQLite, the relations read together as one JSON value, a column of the statement that
    locks the dossier (`services.base._lock`), and how many times it takes the dossier's id: a
    transaction there reads one snapshot, so the evidence read with the lock is the evidence read
    after it, one statement sooner. None on PostgreSQL, where a statement after the lock sees what
    the lock waited for and one beside it would not: the evidence is read after the lock."""
    if vendor != "sqlite":
        return None
    sql, uses = union_sql(Dossier, [Related(n, joins=_WITH.get(n, ())) for n in _together()], vendor)
    return f"SELECT json_group_array(json_array(k, json(j))) FROM ({sql})", uses


def reads_on_demand(dossier: Dossier) -> bool:
    return isinstance(getattr(dossier, "_prefetched_objects_cache", None), _LoadedOnFirstRead)


def _order_key(obj):
    """The key of the relation's order (its model's `Meta.ordering`, plain ascending fields), or
    None when that order is not so simple: then the relation is read again instead."""
    key = []
    for name in obj._meta.ordering:
        if not isinstance(name, str) or name.startswith(("-", "?")) or "__" in name:
            return None
        value = getattr(obj, obj._meta.get_field(name).attname)
        if value is None:
            return None
        key.append(value)
    return tuple(key)


def written(obj) -> None:
    """`obj` (a row of evidence) was just saved: the dossier it belongs to, if it is held read on
    demand, holds it too, in the relation's order (what the next read would return), or reads
    the relation again next time when that order cannot be told here. The dossier is the one
    `obj` holds, and the one this thread's change holds read on demand under the same id (a row
    the caller read elsewhere, such as a verification concluded from the page's list)."""
    for field in obj._meta.concrete_fields:
        if not (field.is_relation and field.related_model is Dossier):
            continue
        dossiers = []
        cached = field.get_cached_value(obj) if field.is_cached(obj) else None
        if cached is not None and reads_on_demand(cached):
            dossiers.append(cached)
        ref = _held().get((obj._state.db or "default", getattr(obj, field.attname)))
        held_here = ref() if ref is not None else None
        if held_here is not None and held_here is not cached and reads_on_demand(held_here):
            dossiers.append(held_here)
        for dossier in dossiers:
            _hold(dossier, field.remote_field.get_accessor_name(), obj)


def _hold(dossier: Dossier, name: str, obj) -> None:
    cache = dossier._prefetched_objects_cache
    held = dict.get(cache, name)
    if held is None and cache.read is not None and name in _together():
        # Read with the lock (`with_the_lock`), before the row: held from now on, the row with it.
        cache._read_together([n for n in _together() if not dict.__contains__(cache, n)])
        held = dict.get(cache, name)
    if held is None:
        return  # not read yet: it will be read with the row
    if isinstance(held, _Read):
        held = cache[name]  # read before the row: made instances now
    rows = [row for row in held if row.pk != obj.pk] + [obj]
    if getattr(held, "_result_cache", None) is None or (keys := [_order_key(row) for row in rows]).count(None):
        del cache[name]
        return
    held._result_cache = [row for _key, row in sorted(zip(keys, rows, strict=True), key=lambda kr: kr[0])]
