"""The benchmark's data set: a tree of organisations, their people and dossiers, written in bulk.

Every dossier is a copy of a *template*: a dossier walked to its state through the real services
(`dossiers.services`, as `builders.factories.dossier_in_state` does) once per state, by
`builders.templates` (which `dossier_copy` also uses for tests), inside a
transaction that is rolled back after its rows were read. So each copy has exactly the evidence,
history, viewflow Process/Task rows (open tasks matching the state, done tasks for the past steps)
and TaskDeadline rows the application itself writes; only its ids, cell, people, names and dates
differ. Copies are written with PostgreSQL `COPY … FROM STDIN` (psycopg 3), or with `executemany`
on another database (the tests use SQLite).

On PostgreSQL the build is resumable: one transaction per province, a row in `bench_dataset` per
finished province; secondary indexes are dropped while loading (their definitions kept in
`bench_dataset_index`) and re-created at the end, then ANALYZE.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from viewflow.workflow.models import Task

from builders.templates import (
    DjangoSink,
    Template,
    Writer,
    _captured_models,
    _exec,
    columns_of,
    fix_sequences,
    is_postgres,
    loaded_tables,
    make_template,
    next_ids,
    row_of,
)
from dossiers import models as dm
from dossiers.formatting import fold
from dossiers.models import OrgLevel, State
from permissions import roles
from permissions.models import OrganizationUserObjectPermission, Role, RoleAssignment
from reports.models import AdmissionProfile, AdmissionQuota, QuotaKind
from reports.profiles import profiles_rebuild

User = get_user_model()

# --- The shape of a data set ------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """One province: its tree and how many dossiers its cells hold (5 years of cases)."""

    districts: int
    grassroots: int  # per district
    cells: int  # per grassroots organisation
    dossiers: int


@dataclass(frozen=True)
class Plan:
    scale: str
    provinces: tuple[Shape, ...]
    seed: int = 7

    @property
    def dossiers(self) -> int:
        return sum(s.dossiers for s in self.provinces)


# The measured province is the same in both scales (50,000 dossiers, 5,000 cells), so that its pages
# compare like with like; the national set adds 59 provinces around it (950,000 dossiers).
BIG_PROVINCE = Shape(districts=25, grassroots=40, cells=5, dossiers=50_000)


def plan_for(scale: str, *, dossiers: int | None = None) -> Plan:
    if scale == "province":
        return Plan("province", (BIG_PROVINCE,))
    if scale == "national":
        rest, others = 950_000, 59
        shapes = [Shape(10, 30, 5, rest // others + (1 if i < rest % others else 0)) for i in range(others)]
        return Plan("national", (BIG_PROVINCE, *shapes))
    if scale == "tiny":  # tests
        return Plan("tiny", (Shape(2, 2, 2, dossiers or 200),))
    raise ValueError(f"unknown scale {scale!r}")


# Share of dossiers in each state, and the range of their age in days (spotted that many days ago):
# a case in an early state is young, a recognised one at least the 16 months its path takes.
STATE_MIX: list[tuple[str, float, tuple[int, int]]] = [
    (State.SPOTTED, 0.04, (0, 60)),
    (State.TRAINING, 0.05, (6, 120)),
    (State.MENTORING, 0.09, (15, 240)),
    (State.BRANCH_VOTE, 0.04, (25, 300)),
    (State.HIGHER_APPROVAL, 0.04, (27, 330)),
    (State.PROBATION, 0.16, (55, 420)),
    (State.RECOGNIZED, 0.50, (500, 1826)),
    (State.REJECTED, 0.04, (0, 1826)),
    (State.WITHDRAWN, 0.04, (0, 1826)),
]
# Share of the open cell tasks a secretary has already taken (ASSIGNED to her: her inbox).
TAKEN_SHARE = 0.6

BENCH_SECRETARY = "bench_secretary"
BENCH_PROVINCE = "bench_province"
BENCH_NATIONAL = "bench_national"
DEFAULT_PASSWORD = "bench-12345"

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
            "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu", "Thanh", "Xuân", "Kim", "Gia"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hạnh", "Hòa", "Hương", "Khánh", "Lan", "Long", "Mai", "Nam", "Phúc",
         "Quyên", "Sơn", "Thảo", "Trang", "Tuấn", "Yến", "Hiếu", "Linh", "Nga", "Phương", "Quân", "Tâm", "Vinh"]
NAMES = [(f"{s} {m} {g}", fold(f"{s} {m} {g}")) for s in SURNAMES for m in MIDDLE for g in GIVEN]

# --- Writing rows -----------------------------------------------------------------------------


def bulk_load() -> bool:
    """PostgreSQL outside a transaction (the command, not a test): COPY on a connection of its own,
    indexes dropped during the load, VACUUM after it. Inside a transaction everything goes through
    Django's connection, so that a test's rollback takes it all back."""
    return is_postgres() and not connection.in_atomic_block


class PgCopySink:
    """PostgreSQL: COPY on a connection of its own, in a thread, so that the next rows are made
    while the last ones load (2 cores: one makes, one loads). One transaction per `commit()`."""

    def __init__(self):
        import queue  # noqa: PLC0415
        import threading  # noqa: PLC0415

        import psycopg  # noqa: PLC0415

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        self.conn = psycopg.connect(**params)
        with self.conn.cursor() as cur:
            cur.execute("SET session_replication_role = replica")  # no FK triggers: the rows are consistent
            cur.execute("SET synchronous_commit = off")
        self.queue: queue.Queue = queue.Queue(maxsize=3)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error is not None:
                continue
            try:
                kind, *args = item
                with self.conn.cursor() as cur:
                    if kind == "copy":
                        table, columns, data = args
                        cols = ", ".join(f'"{c}"' for c in columns)
                        with cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                            for start in range(0, len(data), 1 << 22):
                                copy.write(data[start:start + (1 << 22)])
                    elif kind == "sql":
                        cur.execute(*args)
                    elif kind == "commit":
                        self.conn.commit()
                        args[0].set()
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                self.error = exc
                if kind == "commit":
                    args[0].set()

    def _put(self, item) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(item)

    def copy(self, table, columns, data) -> None:
        self._put(("copy", table, columns, data))

    def execute(self, sql, params=None) -> None:
        self._put(("sql", sql, params))

    def commit(self) -> None:
        """Wait until everything sent so far is committed."""
        import threading  # noqa: PLC0415

        done = threading.Event()
        self._put(("commit", done))
        done.wait()
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        self.conn.close()
        if self.error is not None:
            raise self.error


def make_templates(today: dt.date | None = None) -> dict[str, Template]:
    """Walk one dossier to each state through the services, read its rows, roll everything back."""
    return {state: make_template(state, today=today) for state, _share, _ages in STATE_MIX}


# --- The build --------------------------------------------------------------------------------

MARKER_DDL = [
    "CREATE TABLE IF NOT EXISTS bench_dataset (scale varchar(16) NOT NULL, province integer NOT NULL, "
    "dossiers integer NOT NULL, rows_written bigint NOT NULL, PRIMARY KEY (scale, province))",
    "CREATE TABLE IF NOT EXISTS bench_dataset_state (name varchar(32) PRIMARY KEY, value text NOT NULL)",
    "CREATE TABLE IF NOT EXISTS bench_dataset_index (name varchar(128) PRIMARY KEY, definition text NOT NULL)",
]




def _state_get(name: str) -> str | None:
    rows = _exec("SELECT value FROM bench_dataset_state WHERE name = %s", [name])
    return rows[0][0] if rows else None


def _state_set(name: str, value: str) -> None:
    _exec("DELETE FROM bench_dataset_state WHERE name = %s", [name])
    _exec("INSERT INTO bench_dataset_state (name, value) VALUES (%s, %s)", [name, value])


def dataset_status() -> dict:
    """{"scale", "complete", "provinces_done", "dossiers"} of what the database holds."""
    for ddl in MARKER_DDL:
        _exec(ddl)
    scale = _state_get("scale")
    done = _exec("SELECT count(*), coalesce(sum(dossiers), 0) FROM bench_dataset WHERE scale = %s", [scale or ""])[0]
    return {"scale": scale, "complete": _state_get("complete") == "1", "provinces_done": done[0], "dossiers": done[1]}


# Tables emptied by a rebuild (everything the data set writes, and what hangs off it).
def _wiped_tables() -> list[str]:
    from documents.models import IssuedDocument, SignedScan  # noqa: PLC0415
    from permissions.models import DossierUserObjectPermission, PersonalDataRead, RoleChange  # noqa: PLC0415
    from workflows.models import Notice  # noqa: PLC0415

    extra = [AdmissionProfile, Notice, PersonalDataRead, DossierUserObjectPermission, IssuedDocument, SignedScan,
             AdmissionQuota,
             RoleChange, OrganizationUserObjectPermission, RoleAssignment]
    history = [m for m in django_models() if m.__name__.startswith("Historical")]
    return [m._meta.db_table for m in [*extra, *history, *_captured_models(), dm.Award, dm.WorkHistory,
                                       dm.TripAbroad, dm.Organization]]


def django_models():
    from django.apps import apps  # noqa: PLC0415

    return apps.get_models()


def wipe(log: Callable[[str], None]) -> None:
    tables = _wiped_tables()
    if bulk_load():
        _exec("TRUNCATE " + ", ".join(f'"{t}"' for t in [*tables, User._meta.db_table]) + " CASCADE")
        _restore_indexes(log)
    else:
        with connection.cursor() as cursor:
            for t in reversed(tables):
                cursor.execute(f'DELETE FROM "{t}"')
        User.objects.filter(username__startswith="bench_").delete()
        User.objects.filter(username__startswith="sec_").delete()
    _exec("DELETE FROM bench_dataset")
    _exec("DELETE FROM bench_dataset_state")


def _drop_indexes(log) -> None:
    """Drop the secondary indexes of the loaded tables (not the primary keys nor constraints),
    keeping their definitions to re-create them after the load."""
    tables = loaded_tables()
    rows = _exec(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "JOIN pg_class c ON c.relname = i.indexname "
        "WHERE i.schemaname = 'public' AND i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)", [tables])
    for name, definition in rows:
        _exec("INSERT INTO bench_dataset_index (name, definition) VALUES (%s, %s) ON CONFLICT DO NOTHING",
              [name, definition])
        _exec(f'DROP INDEX IF EXISTS "{name}"')
    if rows:
        log(f"dropped {len(rows)} secondary indexes for the load")


def _restore_indexes(log) -> None:
    rows = _exec("SELECT name, definition FROM bench_dataset_index ORDER BY name")
    if not rows:
        return
    start = time.perf_counter()
    _exec("SET maintenance_work_mem = '1GB'")
    for name, definition in rows:
        _exec(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
              .replace("CREATE UNIQUE INDEX ", "CREATE UNIQUE INDEX IF NOT EXISTS ", 1))
        _exec("DELETE FROM bench_dataset_index WHERE name = %s", [name])
    log(f"re-created {len(rows)} indexes in {time.perf_counter() - start:.0f} s")






@dataclass
class BuildReport:
    scale: str
    dossiers: int = 0
    tasks: int = 0
    rows: int = 0
    seconds: float = 0.0
    skipped: bool = False
    per_state: dict[str, int] = field(default_factory=dict)


def _perm_ids() -> dict[str, int]:
    ct = ContentType.objects.get_for_model(dm.Organization)
    return dict(Permission.objects.filter(content_type=ct).values_list("codename", "pk"))


def build(plan: Plan, *, rebuild: bool = False, log: Callable[[str], None] = print,
          today: dt.date | None = None, templates: dict[str, Template] | None = None) -> BuildReport:
    """Build (or finish building) the data set of `plan`; nothing happens when it is complete."""
    report = BuildReport(plan.scale)
    status = dataset_status()
    if status["scale"] not in (None, plan.scale) or rebuild:
        log(f"wiping the {status['scale'] or 'previous'} data set")
        wipe(log)
        status = dataset_status()
    if status["complete"]:
        report.skipped = True
        report.dossiers = status["dossiers"]
        report.tasks = Task.objects.count()
        return report
    if status["scale"] is None and (dm.Dossier.objects.exists() or dm.Organization.objects.exists()):
        log("the database holds other data: wiping it for the benchmark")
        wipe(log)
    _state_set("scale", plan.scale)
    start = time.perf_counter()
    today = today or timezone.localdate()
    if templates is None:
        log("walking one template dossier per state through the services…")
        templates = make_templates(today)
    log("templates: " + ", ".join(f"{s} {t.rows} rows" for s, t in templates.items()))
    if bulk_load():
        _drop_indexes(log)
    done = {row[0] for row in _exec("SELECT province FROM bench_dataset WHERE scale = %s", [plan.scale])}
    perms = _perm_ids()
    ids = next_ids([dm.Organization._meta.db_table, User._meta.db_table, RoleAssignment._meta.db_table,
                     OrganizationUserObjectPermission._meta.db_table, AdmissionQuota._meta.db_table,
                     *loaded_tables()])
    sink = PgCopySink() if bulk_load() else DjangoSink()
    try:
        for index, shape in enumerate(plan.provinces):
            if index in done:
                continue
            t0 = time.perf_counter()
            with transaction.atomic():
                written, counts = _build_province(plan, index, shape, templates, perms, today, ids, sink)
                sink.execute("INSERT INTO bench_dataset (scale, province, dossiers, rows_written) "
                             "VALUES (%s, %s, %s, %s)", [plan.scale, index, shape.dossiers, written])
                sink.commit()
            report.rows += written
            for state, n in counts.items():
                report.per_state[state] = report.per_state.get(state, 0) + n
            log(f"province {index + 1}/{len(plan.provinces)}: {shape.dossiers} dossiers, {written} rows "
                f"in {time.perf_counter() - t0:.1f} s")
    finally:
        sink.close()
    _finish(plan, log)
    report.dossiers = dm.Dossier.objects.count()
    report.tasks = Task.objects.count()
    report.seconds = time.perf_counter() - start
    return report


def _finish(plan: Plan, log) -> None:
    tables = [*loaded_tables(), dm.Organization._meta.db_table, User._meta.db_table, RoleAssignment._meta.db_table,
              OrganizationUserObjectPermission._meta.db_table, AdmissionQuota._meta.db_table]
    fix_sequences(tables)
    _bench_users(plan)
    if bulk_load():
        tune_database()
        _restore_indexes(log)
    # The copies skip the signals that write each admitted person's profile (reports.profiles).
    t0 = time.perf_counter()
    written = profiles_rebuild()
    log(f"{written:,} admission profiles in {time.perf_counter() - t0:.0f} s")
    if bulk_load():
        t0 = time.perf_counter()
        # VACUUM too: the freshly copied rows get their hint bits and visibility map now, as
        # autovacuum would give them in a running system (index-only scans, no writes on first read).
        _exec("VACUUM (ANALYZE)")
        log(f"VACUUM (ANALYZE) in {time.perf_counter() - t0:.0f} s")
    _state_set("complete", "1")


# The planner's settings for a database that lives in memory or on SSD (the whole national set,
# 20 GB, fits in this machine's page cache): random reads cost about as much as sequential ones.
# With the default random_page_cost (4, spinning disks) PostgreSQL hashes every open dossier of
# the country to count one province's pipeline (300 ms) instead of walking the province's cells
# through the (cell, state) index (50 ms). Set on the benchmark's own database only.
PLANNER_SETTINGS = {"random_page_cost": "1.1", "effective_cache_size": "16GB"}


def tune_database() -> None:
    if not is_postgres():
        return
    name = connection.settings_dict["NAME"]
    for key, value in PLANNER_SETTINGS.items():
        _exec(f"ALTER DATABASE \"{name}\" SET {key} = '{value}'")
        _exec(f"SET {key} = '{value}'")


def _bench_users(plan: Plan) -> None:
    """The measured users, granted through the real service: the secretary of the first cell of
    the first province, an organisation-board officer of that province, a national superuser."""
    from permissions.services import role_grant  # noqa: PLC0415

    province = dm.Organization.objects.filter(level=OrgLevel.PROVINCE).order_by("pk").first()
    cell = dm.Organization.objects.filter(level=OrgLevel.CELL, path__startswith=province.path).order_by("pk").first()
    secretary = (User.objects.filter(username=BENCH_SECRETARY).first()
                 or User.objects.get(username=f"sec_{cell.pk}"))
    if secretary.username != BENCH_SECRETARY:
        User.objects.filter(username=BENCH_SECRETARY).exclude(pk=secretary.pk).delete()
        secretary.username = BENCH_SECRETARY
        secretary.set_password(DEFAULT_PASSWORD)
        secretary.save()
    board, _ = User.objects.get_or_create(username=BENCH_PROVINCE, defaults={"first_name": "Ban", "last_name": "Tổ chức"})
    board.set_password(DEFAULT_PASSWORD)
    board.save()
    if not RoleAssignment.objects.filter(user=board, role=Role.ORG_BOARD, organization=province,
                                         revoked_at__isnull=True).exists():
        role_grant(user=board, role=Role.ORG_BOARD, organization=province, actor=None)
    national, _ = User.objects.get_or_create(username=BENCH_NATIONAL,
                                             defaults={"is_superuser": True, "is_staff": True})
    national.set_password(DEFAULT_PASSWORD)
    national.save()
    fix_sequences([User._meta.db_table, RoleAssignment._meta.db_table,
                    OrganizationUserObjectPermission._meta.db_table])


def _build_province(plan: Plan, index: int, shape: Shape, templates: dict[str, Template], perms: dict[str, int],
                    today: dt.date, ids: dict[str, int], sink) -> tuple[int, dict[str, int]]:
    rng = random.Random(plan.seed * 1000 + index)
    w = Writer(sink)
    Org = dm.Organization
    org_cols, org_table = columns_of(Org), Org._meta.db_table
    now = timezone.now()

    def org(name, level, parent_id, parent_path, sort_order, **extra):
        pk = ids[org_table]
        ids[org_table] += 1
        path = parent_path + f"{pk:06d}."
        w.add_row(org_table, org_cols, row_of(Org, dict(
            id=pk, name=name, short_name=extra.pop("short_name", ""), level=level, parent_id=parent_id, path=path,
            sort_order=sort_order, place_name=f"Tỉnh {index + 1}", **extra)))
        return pk, path

    per_year = max(1, shape.dossiers // 5)
    province_pk, province_path = org(f"Tỉnh ủy {index + 1:02d}", OrgLevel.PROVINCE, None, "", index,
                                     short_name="TU", official_members=0)
    cells: list[tuple[int, str]] = []
    quota_orgs = [(province_pk, per_year)]
    categories = [c for c, _label in dm.OrgCategory.choices]
    for di in range(shape.districts):
        d_pk, d_path = org(f"Huyện ủy {index + 1:02d}.{di + 1:02d}", OrgLevel.DISTRICT, province_pk, province_path, di,
                           short_name="HU")
        quota_orgs.append((d_pk, max(1, per_year // shape.districts)))
        for gi in range(shape.grassroots):
            g_pk, g_path = org(f"Đảng bộ {index + 1:02d}.{di + 1:02d}.{gi + 1:03d}", OrgLevel.GRASSROOTS, d_pk,
                               d_path, gi, short_name="ĐU", committee_members=9,
                               category=categories[gi % len(categories)], official_members=0,
                               has_youth_union=True)
            quota_orgs.append((g_pk, max(1, per_year // (shape.districts * shape.grassroots))))
            for ci in range(shape.cells):
                c_pk, c_path = org(f"Chi bộ {ci + 1}", OrgLevel.CELL, g_pk, g_path, ci, short_name="CB",
                                   official_members=9 + (ci * 7 + gi) % 20, probationary_members=(ci + gi) % 3)
                cells.append((c_pk, c_path))
    # One secretary (user, role, guardian permissions) and two official members per cell.
    user_cols, user_table = columns_of(User), User._meta.db_table
    ra_cols, ra_table = columns_of(RoleAssignment), RoleAssignment._meta.db_table
    op_cols, op_table = columns_of(OrganizationUserObjectPermission), OrganizationUserObjectPermission._meta.db_table
    pm_cols, pm_table = columns_of(dm.PartyMember), dm.PartyMember._meta.db_table
    cell_people: list[tuple[int, str, int, int, str]] = []  # (cell pk, path, user, member 0, member 1)
    for n, (c_pk, c_path) in enumerate(cells):
        u = ids[user_table]
        ids[user_table] += 1
        surname, given = SURNAMES[n % len(SURNAMES)], GIVEN[(n * 7) % len(GIVEN)]
        w.add_row(user_table, user_cols, row_of(User, dict(
            id=u, password="!", username=f"sec_{c_pk}", first_name=given, last_name=surname, email="",
            is_superuser=False, is_staff=False, is_active=True, date_joined=now, last_login=None)))
        ra = ids[ra_table]
        ids[ra_table] += 1
        w.add_row(ra_table, ra_cols, row_of(RoleAssignment, dict(
            id=ra, user_id=u, role=Role.CELL_SECRETARY.value, organization_id=c_pk, granted_at=now)))
        for codename in roles.permissions_of(Role.CELL_SECRETARY):
            op = ids[op_table]
            ids[op_table] += 1
            w.add_row(op_table, op_cols, row_of(OrganizationUserObjectPermission, dict(
                id=op, content_object_id=c_pk, permission_id=perms[codename], user_id=u)))
        m = []
        for k in range(2):
            pk = ids[pm_table]
            ids[pm_table] += 1
            name = NAMES[(n * 2 + k) * 37 % len(NAMES)][0]
            w.add_row(pm_table, pm_cols, row_of(dm.PartyMember, dict(
                id=pk, full_name=name, sex="male" if k else "female", birth_date=dt.date(1975 + k, 3, 1),
                cell_id=c_pk, status=dm.MemberStatus.OFFICIAL.value, joined_on=dt.date(2000, 5, 19),
                official_since=dt.date(2001, 5, 19), position="Bí thư chi bộ" if k == 0 else "")))
            m.append(pk)
        cell_people.append((c_pk, c_path, u, m[0], m[1]))
    q_cols, q_table = columns_of(AdmissionQuota), AdmissionQuota._meta.db_table
    for year in (today.year - 1, today.year):
        for o, count in quota_orgs:
            pk = ids[q_table]
            ids[q_table] += 1
            w.add_row(q_table, q_cols, row_of(AdmissionQuota, dict(
                id=pk, organization_id=o, year=year, kind=QuotaKind.COUNT.value, count=count, updated_at=now)))
    w.flush()
    # The dossiers.
    counts: dict[str, int] = {}
    day_cache: dict[int, str] = {}
    pg = is_postgres()
    time_of_day = [(f" {8 + j // 3600:02d}:{(j // 60) % 60:02d}:{j % 60:02d}+07" if pg
                    else f" {1 + j // 3600:02d}:{(j // 60) % 60:02d}:{j % 60:02d}") for j in range(4000)]

    def day(ordinal: int) -> str:
        text = day_cache.get(ordinal)
        if text is None:
            text = day_cache[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return text

    states = [s for s, _share, _ages in STATE_MIX]
    weights = [share for _s, share, _ages in STATE_MIX]
    ages = {s: a for s, _share, a in STATE_MIX}
    table_names = [m._meta.db_table for m in _captured_models()]
    today_ord = today.toordinal()
    written = w.rows
    for i in range(shape.dossiers):
        state = rng.choices(states, weights)[0]
        tpl = templates[state]
        lo, hi = ages[state]
        age = rng.randint(max(lo, tpl.span), max(hi, tpl.span))
        spot_ord = today_ord - age
        # The first twenty cases of the measured province are in its first cell (the bench secretary's).
        c_pk, _c_path, u, m0, m1 = cell_people[0] if (index == 0 and i < 20) else rng.choice(cell_people)
        name, sname = NAMES[rng.randrange(len(NAMES))]
        slots = {
            "cell": c_pk, "user": u, "m0": m0, "m1": m1, "name": name, "sname": sname,
            "sex": "female" if rng.random() < 0.45 else "male",
            "birth": day(spot_ord - rng.randint(18 * 365, 45 * 365)),
            "year": dt.date.fromordinal(spot_ord).year,
        }
        for slot_name, t, k in tpl.id_slots:
            slots[slot_name] = ids[table_names[t]] + k
        for o in tpl.date_offsets:
            slots["dn" + str(-o) if o < 0 else "d" + str(o)] = day(spot_ord + o)
        for j, o in enumerate(tpl.ts_offsets):
            slots["t" + str(j)] = day(spot_ord + o) + time_of_day[j]
        taken = tpl.task_variant is not None and rng.random() < TAKEN_SHARE
        for t, (table, cols, text, n) in enumerate(tpl.tables):
            if not n:
                continue
            if taken and tpl.task_variant[0] == t:
                text = tpl.task_variant[1]
            w.add(table, cols, text.format_map(slots), n)
            ids[table] += n
        counts[state] = counts.get(state, 0) + 1
        if w.rows - written > 400_000:
            written = w.rows
            w.flush()
    w.flush()
    return w.rows, counts
