"""Dossier templates: one dossier walked to a state through the real services, read back as rows,
and copied with new ids, cell, people and names (`bench/dataset.py` writes a million of them;
`dossier_copy` writes one for a test).

A copy holds exactly the rows the services wrote for the template: the dossier, candidate and
relatives, evidence, votes and acts, history, the viewflow Process/Task rows and their deadlines.
It does not replay the services' effects outside the dossier (the cell's member counts, the
statistics profiles, simple-history's rows, notices): a test of those walks with `dossier_in_state`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from dossiers import models as dm
from dossiers.formatting import fold
from permissions.actions import CELL, STEP_ROLES
from workflows.models import TaskDeadline

User = get_user_model()


def _exec(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description is not None else None


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _unescape(text: str):
    if text == "\\N":
        return None
    if "\\" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(nxt, nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


class DjangoSink:
    """Writes through Django's connection: `executemany` of the COPY lines parsed back (SQLite, tests)."""

    def copy(self, table: str, columns: tuple[str, ...], data: str) -> None:
        cols = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        rows = [[_unescape(v) for v in line.split("\t")] for line in data.split("\n") if line]
        with connection.cursor() as cursor:
            if is_postgres():
                with cursor.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                    copy.write(data)
            else:
                cursor.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)

    def execute(self, sql: str, params=None) -> None:
        _exec(sql, params)

    def commit(self) -> None:
        pass

    def close(self) -> None:
        pass


class Writer:
    """Rows as COPY text lines, per table; `flush()` hands them to the sink."""

    def __init__(self, sink):
        self.sink = sink
        self.buffers: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        self.rows = 0

    def add(self, table: str, columns: tuple[str, ...], text: str, count: int) -> None:
        self.buffers.setdefault((table, columns), []).append(text)
        self.rows += count

    def add_row(self, table: str, columns: tuple[str, ...], values) -> None:
        self.add(table, columns, "\t".join(literal(v) for v in values) + "\n", 1)

    def flush(self) -> None:
        buffers, self.buffers = self.buffers, {}
        for (table, columns), parts in buffers.items():
            data = "".join(parts)
            if data:
                self.sink.copy(table, columns, data)


def literal(value) -> str:
    """A value as COPY text (also parsed back for other databases)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t" if is_postgres() else "1"
    if value is False:
        return "f" if is_postgres() else "0"
    if isinstance(value, dt.datetime):
        if is_postgres():
            return value.isoformat()
        return timezone.make_naive(value, dt.UTC).isoformat(" ") if timezone.is_aware(value) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, (dict, list)):
        return _escape(json.dumps(value, cls=DjangoJSONEncoder))
    return _escape(str(value))


def columns_of(model) -> tuple[str, ...]:
    return tuple(f.column for f in model._meta.concrete_fields)


def row_of(model, values: dict) -> list:
    """A full row of `model` (defaults for what `values` does not give), in `columns_of` order."""
    out = []
    for f in model._meta.concrete_fields:
        if f.attname in values:
            v = values[f.attname]
        elif f.has_default():
            v = f.get_default()
        elif f.null:
            v = None
        elif isinstance(f, models.CharField | models.TextField):
            v = ""
        else:
            raise ValueError(f"{model.__name__}.{f.attname} needs a value")
        out.append(v)
    return out


# --- Templates: one dossier per state, walked through the services ---------------------------

# What a copy of a dossier consists of, in insertion order: (model, how its template rows are found).
TaskPrevious = Task.previous.through


def _captured_models():
    return [dm.Candidate, dm.Relative, dm.PartyMember, dm.Dossier, Process, Task, TaskPrevious, TaskDeadline,
            dm.TrainingCertificate, dm.Mentor, dm.Introducer, dm.Verification, dm.OpinionSummary, dm.Vote,
            dm.PartyAct, dm.Ceremony, dm.ProgressReport, dm.SelfReview, dm.DossierHistory]


# Columns of the big tables whose secondary indexes are dropped during the load.
def loaded_tables() -> list[str]:
    return [m._meta.db_table for m in _captured_models()]


@dataclass
class Template:
    state: str
    tables: list[tuple[str, tuple[str, ...], str, int]]  # (table, columns, format string, rows)
    task_variant: tuple[int, str] | None  # (index in tables, format with the cell's open tasks taken)
    id_slots: list[tuple[str, int, int]]  # (slot name, table index, row index)
    date_offsets: list[int]
    ts_offsets: list[int]
    span: int  # days from spotted to the last effective date
    rows: int


@dataclass
class _Capture:
    model: type
    rows: list[dict]


def _capture(dossier_pk: int) -> list[_Capture]:
    d = dm.Dossier.objects.get(pk=dossier_pk)
    ct = ContentType.objects.get_for_model(dm.Dossier)
    process_ids = list(Process.objects.filter(artifact_content_type=ct, artifact_object_id=d.pk).values_list(
        "pk", flat=True))
    task_ids = list(Task.objects.filter(process_id__in=process_ids).values_list("pk", flat=True))
    filters = {
        dm.Candidate: {"pk": d.candidate_id},
        dm.Relative: {"candidate_id": d.candidate_id},
        dm.PartyMember: {"pk": d.member_id or 0},
        dm.Dossier: {"pk": d.pk},
        Process: {"pk__in": process_ids},
        Task: {"pk__in": task_ids},
        TaskPrevious: {"from_task_id__in": task_ids},
    }
    out = []
    for model in _captured_models():
        condition = filters.get(model, {"dossier_id": d.pk})
        names = [f.attname for f in model._meta.concrete_fields]
        rows = [dict(zip(names, values, strict=True))
                for values in model.objects.filter(**condition).order_by("pk").values_list(*names)]
        out.append(_Capture(model, rows))
    return out


def _compile(state: str, captured: list[_Capture], actor_id: int) -> Template:
    """Turn the template's rows into format strings whose slots a copy fills in."""
    spot = next(c for c in captured if c.model is dm.Dossier).rows[0]["spotted_on"]
    # Which captured row each template id stands for.
    where: dict[tuple[type, int], str] = {}
    id_slots = []
    for t, cap in enumerate(captured):
        for k, row in enumerate(cap.rows):
            name = f"i{t}_{k}"
            where[(cap.model, row["id"])] = name
            id_slots.append((name, t, k))
    # Timestamps: ordered, each placed on the effective date of the latest history row before it.
    history = sorted(
        (r["at"], (r["effective_on"] - spot).days) for r in next(c for c in captured if c.model is dm.DossierHistory).rows
        if r["effective_on"] is not None)
    stamps = sorted({v for cap in captured for row in cap.rows for v in row.values() if isinstance(v, dt.datetime)})
    ts_offsets, best, h = [], 0, 0
    for stamp in stamps:
        while h < len(history) and history[h][0] <= stamp:
            best = max(best, history[h][1])
            h += 1
        ts_offsets.append(best)
    ts_index = {stamp: j for j, stamp in enumerate(stamps)}
    span = max((o for _at, o in history), default=0)
    members: dict[int, str] = {}
    date_offsets: set[int] = set()

    def slot(model, f, value, row) -> str:
        if value is None:
            return "\\N"
        if f.primary_key:
            return "{" + where[(model, value)] + "}"
        if model is Process and f.attname == "artifact_object_id":
            return "{" + where[(dm.Dossier, value)] + "}"
        if model is dm.Candidate and f.attname in ("full_name", "search_name", "birth_date", "sex"):
            return "{" + {"full_name": "name", "search_name": "sname", "birth_date": "birth", "sex": "sex"}[f.attname] + "}"
        if model is dm.PartyMember and f.attname == "full_name":
            return "{name}"
        if model is dm.Dossier and f.attname == "year":
            return "{year}"
        if f.is_relation and f.many_to_one or f.one_to_one:
            target = f.related_model
            if target is dm.Organization:
                return "{cell}"
            if target is User or (target is not None and target._meta.label == User._meta.label):
                return "{user}"
            if (target, value) in where:
                return "{" + where[(target, value)] + "}"
            if target is dm.PartyMember:
                members.setdefault(value, f"m{len(members) % 2}")
                return "{" + members[value] + "}"
            return literal(value)
        if isinstance(value, dt.datetime):
            return "{t" + str(ts_index[value]) + "}"
        if isinstance(value, dt.date):
            offset = (value - spot).days
            date_offsets.add(offset)
            return "{d" + (f"n{-offset}" if offset < 0 else str(offset)) + "}"
        if isinstance(f, models.JSONField):
            return _escape(json.dumps(value, cls=DjangoJSONEncoder)).replace("{", "{{").replace("}", "}}")
        prepared = f.get_prep_value(value)
        return literal(prepared).replace("{", "{{").replace("}", "}}")

    tables = []
    variant = None
    rows = 0
    for t, cap in enumerate(captured):
        fields = cap.model._meta.concrete_fields
        lines, taken_lines, has_taken = [], [], False
        for row in cap.rows:
            cells = [slot(cap.model, f, row[f.attname], row) for f in fields]
            lines.append("\t".join(cells))
            if cap.model is Task and row["status"] == STATUS.NEW and row["flow_task_type"] == "HUMAN":
                step = getattr(row["flow_task"], "step", None)
                if step and STEP_ROLES.get(step, set()) & CELL:
                    names = [f.attname for f in fields]
                    taken = list(cells)
                    taken[names.index("status")] = STATUS.ASSIGNED.value
                    taken[names.index("owner_id")] = "{user}"
                    taken[names.index("assigned")] = taken[names.index("created")]
                    taken_lines.append("\t".join(taken))
                    has_taken = True
                    continue
            taken_lines.append(lines[-1])
        text = "".join(line + "\n" for line in lines)
        tables.append((cap.model._meta.db_table, tuple(f.column for f in fields), text, len(cap.rows)))
        rows += len(cap.rows)
        if has_taken:
            variant = (t, "".join(line + "\n" for line in taken_lines))
    return Template(state=state, tables=tables, task_variant=variant, id_slots=id_slots,
                    date_offsets=sorted(date_offsets), ts_offsets=ts_offsets, span=span, rows=rows)


def next_ids(tables: list[str]) -> dict[str, int]:
    out = {}
    for table in tables:
        out[table] = (_exec(f'SELECT max(id) FROM "{table}"')[0][0] or 0) + 1
    return out


def fix_sequences(tables: list[str]) -> None:
    """PostgreSQL: move each table's id sequence past the ids written by hand."""
    if not is_postgres():
        return
    for table in tables:
        _exec(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
              f"greatest((SELECT max(id) FROM \"{table}\"), 1))")


def time_slots(count: int) -> list[str]:
    """Times of day for the timestamps of a copy, in the order of the template's."""
    if is_postgres():
        return [f" {8 + j // 3600:02d}:{(j // 60) % 60:02d}:{j % 60:02d}+07" for j in range(count)]
    return [f" {1 + j // 3600:02d}:{(j // 60) % 60:02d}:{j % 60:02d}" for j in range(count)]


def make_template(state: str, *, today: dt.date | None = None) -> Template:
    """Walk one dossier to `state` through the services in a tree of its own, read its rows,
    roll everything back."""
    from .factories import PartyMemberFactory, UserFactory, dossier_in_state  # noqa: PLC0415

    with transaction.atomic():
        province = dm.Organization.objects.create(name="Template", level=dm.OrgLevel.PROVINCE)
        district = dm.Organization.objects.create(name="Template D", level=dm.OrgLevel.DISTRICT, parent=province)
        grassroots = dm.Organization.objects.create(name="Template G", level=dm.OrgLevel.GRASSROOTS,
                                                    parent=district, committee_members=9, category="commune")
        cell = dm.Organization.objects.create(name="Template C", level=dm.OrgLevel.CELL, parent=grassroots,
                                              official_members=9)
        actor = UserFactory(username=f"template_{state}")
        members = [PartyMemberFactory(cell=cell), PartyMemberFactory(cell=cell)]
        d = dossier_in_state(state, cell=cell, actor=actor, introducers=members, today=today)
        template = _compile(state, _capture(d.pk), actor.pk)
        transaction.set_rollback(True)  # read, not kept
    return template


_TEMPLATES: dict[tuple, Template] = {}


def template_of(state: str) -> Template:
    """The template of `state`, made once per database and day (a test session's worker). The
    content types are in the key: a flush (a transactional test) makes them again with new ids,
    and a template holds the dossier's."""
    content_type = ContentType.objects.filter(app_label="dossiers", model="dossier").values_list("pk", flat=True)
    key = (connection.settings_dict["NAME"], state, timezone.localdate(), content_type.first())
    if key not in _TEMPLATES:
        _TEMPLATES[key] = make_template(state)
    return _TEMPLATES[key]


_copies = iter(range(1, 1 << 30))


def dossier_copy(state: str, *, cell: dm.Organization, actor, members: list[dm.PartyMember] | None = None,
                 name: str | None = None) -> dm.Dossier:
    """A dossier in `state` in `cell`, a copy of the template walked through the services (its
    dates those `dossier_in_state` gives today); `members` stand for its mentor and introducers."""
    from .factories import PartyMemberFactory, vietnamese_name  # noqa: PLC0415

    template = template_of(state)
    members = members or [PartyMemberFactory(cell=cell), PartyMemberFactory(cell=cell)]
    spot = timezone.localdate() - relativedelta(months=16)
    n = next(_copies)
    name = name or vietnamese_name(n + 500)
    slots = {"cell": cell.pk, "user": actor.pk, "m0": members[0].pk, "m1": members[-1].pk, "name": name,
             "sname": fold(name), "sex": "female" if n % 2 else "male",
             "birth": (spot - relativedelta(years=25, days=n % 300)).isoformat(), "year": spot.year}
    tables = [m._meta.db_table for m in _captured_models()]
    ids = next_ids(tables)
    for slot, t, k in template.id_slots:
        slots[slot] = ids[tables[t]] + k
    for offset in template.date_offsets:
        slots["dn" + str(-offset) if offset < 0 else "d" + str(offset)] = (spot + dt.timedelta(days=offset)).isoformat()
    times = time_slots(len(template.ts_offsets))
    for j, offset in enumerate(template.ts_offsets):
        slots["t" + str(j)] = (spot + dt.timedelta(days=offset)).isoformat() + times[j]
    sink = DjangoSink()
    for table, columns, text, count in template.tables:
        if count:
            sink.copy(table, columns, text.format_map(slots))
    fix_sequences(tables)
    dossier_slot = next(s for s, t, _k in template.id_slots if tables[t] == dm.Dossier._meta.db_table)
    return dm.Dossier.objects.select_related("candidate", "cell").get(pk=slots[dossier_slot])
