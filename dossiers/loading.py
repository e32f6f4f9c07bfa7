"""A dossier's related rows in one round trip.

`prefetch_related` costs one query per relation: a dossier page read its eleven evidence
relations in eleven queries, about 1 ms of Django's compiler and row-building each for a handful
of rows. `load_related` reads them all in one `UNION ALL` of small selects, each row a JSON object
built by the database (`json_build_object` on PostgreSQL, `json_object` on SQLite), and fills the
same caches `prefetch_related` fills: `dossier.certificates.all()` then costs no query, as before.

The SQL is written from the models' metadata (the columns of every concrete field, and of the
foreign keys loaded with the row as `select_related` does), never from user input; values come
back as JSON and are turned into the fields' Python types here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, partial
from operator import attrgetter

from django.conf import settings
from django.db import connections, models
from django.utils.dateparse import parse_date, parse_datetime

from . import prepared


@dataclass(frozen=True)
class Related:
    """One relation to load: `attr` of the owner (a reverse foreign key's accessor, such as
    "certificates", or "candidate.relatives" through a loaded foreign key), the rows sorted by
    `order` (field names, ascending; the primary key breaks ties), `joins` the foreign keys of each
    row to load with it."""

    attr: str
    order: tuple[str, ...] = ()
    joins: tuple[str, ...] = ()
    # Only these columns (the others load on first access, as `.only()` leaves them).
    fields: tuple[str, ...] = ()
    # The same for a joined row: (join, its columns) pairs, such as ("actor", ("username",)).
    join_fields: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # A plain list in this attribute of the owner instead of the relation's cache (as
    # `Prefetch(to_attr=…)`), for a part of the relation: the last `last` rows in `order`.
    to_attr: str = ""
    last: int = 0
    # Only the rows whose these columns are NULL (a part of the relation: with `to_attr`).
    null: tuple[str, ...] = ()

    def __post_init__(self):
        if self.null and not self.to_attr:
            raise ValueError(f"{self.attr}: a part of the relation goes to an attribute of its own (to_attr)")


def _json_function(vendor: str) -> str:
    return "json_build_object" if vendor == "postgresql" else "json_object"


def _object_sql(model, alias: str, vendor: str, qn, names: tuple[str, ...] = ()) -> str:
    pairs = ", ".join(f"'{f.attname}', {alias}.{qn(f.column)}" for f in _loaded_fields(model, names))
    return f"{_json_function(vendor)}({pairs})"


def _loaded_fields(model, names: tuple[str, ...] = ()) -> list:
    fields = model._meta.concrete_fields
    if names:
        wanted = {model._meta.get_field(n).attname for n in names} | {model._meta.pk.attname}
        fields = [f for f in fields if f.attname in wanted]
    # JSON carries no bytes, and PostgreSQL's json_build_object takes at most 100 arguments.
    if any(isinstance(f, models.BinaryField) for f in fields) or len(fields) > 50:
        raise ValueError(f"{model.__name__}: name the columns to load (no binary column, at most 50)")
    return list(fields)


@cache
def _converters(model, vendor: str, names: tuple[str, ...] = ()) -> tuple:
    """(attname, converter or None) of the loaded fields, in their order: JSON carries dates,
    timestamps, booleans and decimals as strings or numbers."""
    out = []
    for f in _loaded_fields(model, names):
        convert = None
        if isinstance(f, models.DateTimeField):
            convert = _to_datetime
        elif isinstance(f, models.DateField):
            convert = _to_date
        elif isinstance(f, models.BooleanField):
            convert = bool
        elif isinstance(f, models.DecimalField):
            convert = lambda v: Decimal(str(v))  # noqa: E731
        elif isinstance(f, models.JSONField) and vendor != "postgresql":
            # SQLite keeps JSON as text, which json_object embeds as a string.
            convert = json.loads
        out.append((f.attname, convert))
    return tuple(out)


def _to_date(value):
    return value if isinstance(value, dt.date) else parse_date(value)


def _to_datetime(value):
    # PostgreSQL writes ISO 8601 with the session's offset (UTC); SQLite stores UTC without one.
    stamp = parse_datetime(value)
    if stamp is not None and stamp.tzinfo is None and settings.USE_TZ:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp


def _instance(model, data: dict, db: str, vendor: str, names: tuple[str, ...] = ()):
    converters = _converters(model, vendor, names)
    values = []
    for name, convert in converters:
        value = data.get(name)
        values.append(convert(value) if convert is not None and value is not None else value)
    return model.from_db(db, [name for name, _c in converters] if names else None, values)


def _sort_key(names: list[str]):
    getters = [attrgetter(name) for name in names]

    def key(obj):
        # NULLs last, as PostgreSQL sorts them.
        return [(True, 0) if (v := g(obj)) is None else (False, v) for g in getters]

    return key


def _owner_of(root, attr: str):
    *path, name = attr.split(".")
    owner = root
    for step in path:
        owner = getattr(owner, step)
    return owner, name


def _quote(name: str) -> str:
    # As PostgreSQL's and SQLite's `quote_name`; the SQL is cached per vendor, not per connection.
    return name if name.startswith('"') and name.endswith('"') else f'"{name}"'


def _model_at(model, path: list[str]):
    for step in path:
        model = model._meta.get_field(step).related_model
    return model


@cache
def _part_sql(root_model, rel: Related, n: int, vendor: str) -> tuple[str, int]:
    """The select of one relation (part `n` of the union) and how many times it takes the owner's
    id; written once per process from the models' metadata."""
    qn = _quote
    *path, name = rel.attr.split(".")
    back = getattr(_model_at(root_model, path), name).field  # the row's foreign key to its owner
    model = back.model
    columns = [f"'{f.attname}', t.{qn(f.column)}" for f in _loaded_fields(model, rel.fields)]
    joins_sql = []
    join_fields = dict(rel.join_fields)
    for i, fk in enumerate(model._meta.get_field(j) for j in rel.joins):
        target = fk.related_model
        alias = f"j{i}"
        columns.append(f"'{fk.name}', CASE WHEN {alias}.{qn(target._meta.pk.column)} IS NULL THEN NULL "
                       f"ELSE {_object_sql(target, alias, vendor, qn, join_fields.get(fk.name, ()))} END")
        joins_sql.append(f"LEFT JOIN {qn(target._meta.db_table)} {alias} "
                         f"ON {alias}.{qn(target._meta.pk.column)} = t.{qn(fk.column)}")
    where, uses = f"t.{qn(back.column)} = %s", 1
    for name in rel.null:
        where += f" AND t.{qn(model._meta.get_field(name).column)} IS NULL"
    if rel.last:
        # The last rows through a subquery: SQLite allows no LIMIT in a UNION's members.
        pk, latest = qn(model._meta.pk.column), ", ".join(
            f"u.{qn(model._meta.get_field(o).column)} DESC" for o in (*rel.order, model._meta.pk.name))
        where += (f" AND t.{pk} IN (SELECT u.{pk} FROM {qn(model._meta.db_table)} u "
                  f"WHERE u.{qn(back.column)} = %s ORDER BY {latest} LIMIT {int(rel.last)})")
        uses = 2
    return (f"SELECT {n} AS k, {_json_function(vendor)}({', '.join(columns)}) AS j "
            f"FROM {qn(model._meta.db_table)} t {' '.join(joins_sql)} WHERE {where}"), uses


def load_related(root: models.Model, relations: list[Related], *,
                 more: Sequence[tuple[models.Model, list[Related]]] = ()) -> None:
    """Load `relations` of `root` in one query and cache them as `prefetch_related` would (the
    rows' foreign key back to their owner cached too). Owners reached through a dotted `attr`
    must already be loaded (select_related). `more`: relations of other roots (the viewer's own
    rows, say), read in the same query."""
    for fill in read_related(root, relations, more=more):
        fill()


def read_related(root: models.Model, relations: list[Related], *, rows: list | None = None,
                 more: Sequence[tuple[models.Model, list[Related]]] = ()) -> list[Callable[[], None]]:
    """Read `relations` of `root` in one query, as `load_related`, and return for each relation, in
    order, what caches it: its rows are made instances only when it is called (a caller that reads
    a few of the relations read together builds no instance for the others). `rows`: that query's
    rows (part, object), read already by another statement (`union_sql`), not read again. `more`:
    (another root, its relations), read in the same query, their fills after `root`'s."""
    db = root._state.db or "default"
    connection = connections[db]
    vendor = connection.vendor
    selects, params, plans = [], [], []
    for n, (owner_root, rel) in enumerate(
            [(root, rel) for rel in relations] + [(other, rel) for other, rels in more for rel in rels]):
        owner, name = _owner_of(owner_root, rel.attr)
        # `__class__`, not type(): a root may be a lazy object (the request's user).
        back = getattr(owner.__class__, name).field
        sql, uses = _part_sql(owner_root.__class__, rel, n, vendor)
        selects.append(sql)
        params += [owner.pk] * uses
        plans.append((owner, name, back, back.model, [back.model._meta.get_field(j) for j in rel.joins], rel))
    rows_by_part: list[list] = [[] for _ in plans]
    if rows is None:
        # Planned once per connection on PostgreSQL (`dossiers.prepared.cursor`): the plan of nine
        # selects costs the server more than reading their rows.
        with prepared.cursor(connection) as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            rows = cursor.fetchall()
    for k, data in rows:
        rows_by_part[k].append(json.loads(data) if isinstance(data, str) else data)
    return [partial(_fill, db, vendor, plan, rows) for plan, rows in zip(plans, rows_by_part, strict=True)]


def union_sql(root_model: type, relations: list[Related], vendor: str) -> tuple[str, int]:
    """The statement `read_related` runs for `relations` of the root itself (no dotted `attr`), and
    how many times it takes the root's id, in order."""
    parts = [_part_sql(root_model, rel, n, vendor) for n, rel in enumerate(relations)]
    return " UNION ALL ".join(sql for sql, _uses in parts), sum(uses for _sql, uses in parts)


def _fill(db: str, vendor: str, plan: tuple, rows: list[dict]) -> None:
    owner, name, back, model, joined, rel = plan
    join_fields = dict(rel.join_fields)
    objects = []
    for data in rows:
        obj = _instance(model, data, db, vendor, rel.fields)
        back.set_cached_value(obj, owner)
        for fk in joined:
            nested = data.get(fk.name)
            if isinstance(nested, str):
                nested = json.loads(nested)
            fk.set_cached_value(obj, _instance(fk.related_model, nested, db, vendor, join_fields.get(fk.name, ()))
                                if nested else None)
        objects.append(obj)
    objects.sort(key=_sort_key([*rel.order, model._meta.pk.attname]))
    if rel.to_attr:
        setattr(owner, rel.to_attr, objects)
        return
    queryset = getattr(owner, name).all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    owner.__dict__.setdefault("_prefetched_objects_cache", {})[back.remote_field.cache_name] = queryset
