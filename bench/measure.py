"""The measurements: the pages in-process through the real URLconf (Django's test Client: the
whole middleware stack, views, templates, server time), the hand-written lower bound of each list
page, the end-to-end case rate against SpiffWorkflow, and the PDFs."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, reset_queries, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from dossiers.models import Dossier, Organization, OrgLevel, State

from . import dataset
from .second_factor import verify_session
from .turns import Turns

User = get_user_model()


# The pages timed with the full count of requests: issue 7's, and the province's report, whose p95
# is a target of issue 21 (with 20 requests its p95 was the second slowest request, one hiccup of the
# host's away from the figure).
MAIN_PAGES = {"inbox", "queue", "dossier_list", "dossier_page", "dashboard", "report", "api_dossier_list",
              "province_report"}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class PageResult:
    page: str
    who: str
    url: str
    p50_ms: float
    p95_ms: float
    queries: int
    rows: int | None = None
    raw_sql_ms: float | None = None
    raw_rows: int | None = None
    same_rows: bool | None = None
    sql_ms: float | None = None  # time of the page's own queries, for comparison with the raw one

    @property
    def ratio_to_raw(self) -> float | None:
        return round(self.p50_ms / self.raw_sql_ms, 1) if self.raw_sql_ms else None


@dataclass
class Results:
    scale: str
    dossiers: int
    tasks: int
    pages: list[PageResult] = field(default_factory=list)
    cases_per_s: float | None = None
    task_completion_ms: float | None = None
    spiff_cases_per_s: float | None = None
    # Issue 21: SpiffWorkflow doing our domain work (bench.spiff.fair_cases_per_second): equal work.
    spiff_fair_cases_per_s: float | None = None
    form_pdf_s: float | None = None
    bundle_pdf_s: float | None = None
    floor_pdf_s: float | None = None
    build_s: float | None = None
    # bench.floors: {"bare"|"shell": {who: (p50, p95)}}, and the engine alone in cases/s.
    page_floors: dict = field(default_factory=dict)
    engine_cases_per_s: float | None = None
    # The same on the admission's own graph (bench.floors.AdmissionFloorFlow: its splits, joins, gateways).
    engine_graph_cases_per_s: float | None = None
    # bench.floors.MachineLoad: the load during the run (issue 21.6: how noisy the figures are).
    machine: dict = field(default_factory=dict)
    # bench.turns: the engines' cases timed in turns, round by round (the ratios' medians and spread).
    turns: Turns | None = None

    def as_json(self) -> dict:
        """The shape of issue 7: per page the slower of the two users (the one the targets bind)."""
        pages = {}
        for name in ("inbox", "queue", "dossier_list", "dossier_page", "dashboard", "report"):
            candidates = [p for p in self.pages if p.page == name]
            if not candidates:
                continue
            worst = max(candidates, key=lambda p: p.p95_ms)
            pages[name] = {"p50_ms": round(worst.p50_ms, 1), "p95_ms": round(worst.p95_ms, 1),
                           "queries": worst.queries,
                           "raw_sql_ms": round(worst.raw_sql_ms, 2) if worst.raw_sql_ms else None,
                           "ratio_to_raw": worst.ratio_to_raw}
        return {"scale": self.scale, "dossiers": self.dossiers, "tasks": self.tasks, "pages": pages,
                "cases_per_s": self.cases_per_s, "spiff_cases_per_s": self.spiff_cases_per_s,
                "spiff_fair_cases_per_s": self.spiff_fair_cases_per_s,
                "form_pdf_s": self.form_pdf_s, "bundle_pdf_s": self.bundle_pdf_s, "floor_pdf_s": self.floor_pdf_s}

    def detail(self) -> dict:
        floors = {name: {who: {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1)} for who, (p50, p95) in by_who.items()}
                  for name, by_who in self.page_floors.items()}
        return {**self.as_json(), "task_completion_ms": self.task_completion_ms, "build_s": self.build_s,
                "machine": self.machine,
                "floors": {"pages": floors, "engine_cases_per_s": self.engine_cases_per_s,
                           "engine_graph_cases_per_s": self.engine_graph_cases_per_s},
                "turns": None if self.turns is None else {
                    **self.turns.as_json(),
                    "median_ratios": {f"ours/{other}": round(self.turns.median("ours", other), 3)
                                      for other in self.turns.seconds if other != "ours"}},
                "by_user": [dict(asdict(p), ratio_to_raw=p.ratio_to_raw) for p in self.pages]}


# --- Who and what ---------------------------------------------------------------------------


@dataclass
class Subjects:
    secretary: User
    board: User
    national: User
    province: Organization
    cell: Organization
    secretary_dossiers: list[int]
    province_dossiers: list[int]


def subjects() -> Subjects:
    secretary = User.objects.get(username=dataset.BENCH_SECRETARY)
    board = User.objects.get(username=dataset.BENCH_PROVINCE)
    national = User.objects.get(username=dataset.BENCH_NATIONAL)
    cell = secretary.role_assignments.select_related("organization").get(revoked_at__isnull=True).organization
    province = board.role_assignments.select_related("organization").get(revoked_at__isnull=True).organization
    mine = list(Dossier.objects.filter(cell=cell).order_by("pk").values_list("pk", flat=True)[:40])
    # A spread of the province's dossiers, every state, for the officer's dossier page.
    spread = []
    for state in (State.MENTORING, State.PROBATION, State.RECOGNIZED, State.HIGHER_APPROVAL, State.TRAINING):
        spread += list(Dossier.objects.filter(cell__path__startswith=province.path, state=state)
                       .order_by("-pk").values_list("pk", flat=True)[:10])
    return Subjects(secretary, board, national, province, cell, mine, spread)


def page_urls(s: Subjects) -> list[tuple[str, str, User, Callable[[int], str]]]:
    """(page, who, user, url of the i-th request) for every page measured per user."""
    inbox, queue, listing = reverse("tasks:inbox"), reverse("tasks:queue"), reverse("dossiers:index")
    api_list = reverse("api:dossier-list")
    return [
        ("inbox", "secretary", s.secretary, lambda i: inbox),
        ("queue", "secretary", s.secretary, lambda i: queue),
        ("dossier_list", "secretary", s.secretary, lambda i: f"{listing}?state={State.PROBATION}"),
        ("dossier_page", "secretary", s.secretary,
         lambda i: reverse("dossiers:detail", args=[s.secretary_dossiers[i % len(s.secretary_dossiers)]])),
        ("inbox", "province", s.board, lambda i: inbox),
        ("queue", "province", s.board, lambda i: queue),
        ("dossier_list", "province", s.board, lambda i: f"{listing}?state={State.MENTORING}"),
        ("dossier_page", "province", s.board,
         lambda i: reverse("dossiers:detail", args=[s.province_dossiers[i % len(s.province_dossiers)]])),
        # Issue 20: the API's dossier list, the same filter and the same page size as the page (JSON, a cursor).
        ("api_dossier_list", "secretary", s.secretary, lambda i: f"{api_list}?state={State.PROBATION}&page_size=25"),
        ("api_dossier_list", "province", s.board, lambda i: f"{api_list}?state={State.MENTORING}&page_size=25"),
        ("overdue", "province", s.board, lambda i: reverse("tasks:overdue")),
        ("home", "secretary", s.secretary, lambda i: "/"),
        ("home", "province", s.board, lambda i: "/"),
        ("dashboard", "province", s.board, lambda i: f"{reverse('reports:index')}?org={s.province.pk}"),
        ("province_report", "province", s.board, lambda i: f"{reverse('reports:report')}?org={s.province.pk}"),
    ]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    verify_session(session, user)
    session.save()
    return client


def time_page(client: Client, url: Callable[[int], str], n: int, warmup: int = 5) -> tuple[list[float], int]:
    """Server times (ms) of `n` GETs, and the number of SQL queries of one (the most of three)."""
    for i in range(warmup):
        response = client.get(url(i))
        assert response.status_code == 200, (url(i), response.status_code)
    queries = 0
    for i in range(3):
        with CaptureQueriesContext(connection) as ctx:
            client.get(url(i))
        queries = max(queries, len(ctx))
    times = []
    with override_settings(DEBUG=False):
        for i in range(n):
            start = time.perf_counter()
            response = client.get(url(i))
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    reset_queries()
    return times, queries


def page_sql_ms(client: Client, url: str, repeat: int = 20) -> float:
    """The median summed time of the page's own queries, each timed around the driver's call (the
    debug cursor's log rounds every query to a whole millisecond)."""
    spent = [0.0]

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - start

    totals = []
    for _ in range(repeat):
        spent[0] = 0.0
        with connection.execute_wrapper(timed):
            client.get(url)
        totals.append(spent[0] * 1000)
    return statistics.median(totals)


# --- The lower bound: one hand-written query per list page ------------------------------------


def _raw_conn():
    import psycopg  # noqa: PLC0415

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


TASK_ROWS = """
SELECT t.id, t.flow_task, t.status, t.created, t.owner_id, dl.due_on, d.id, d.state, c.full_name, o.name
FROM viewflow_task t
JOIN viewflow_process p ON p.id = t.process_id
LEFT JOIN workflows_taskdeadline dl ON dl.task_id = t.id
JOIN dossiers_dossier d ON d.id = p.artifact_object_id
JOIN dossiers_candidate c ON c.id = d.candidate_id
JOIN dossiers_organization o ON o.id = d.cell_id
WHERE t.flow_task_type = 'HUMAN' AND p.artifact_content_type_id = %(ct)s AND {where}
ORDER BY (dl.due_on < %(today)s) DESC, dl.due_on ASC NULLS LAST, t.created, t.id
LIMIT 25"""

RAW_INBOX = TASK_ROWS.format(where="t.owner_id = %(user)s AND t.status IN ('ASSIGNED', 'STARTED')")
RAW_QUEUE = TASK_ROWS.format(
    where="t.status = 'NEW' AND ({paths}) AND t.flow_task = ANY(%(refs)s)")
RAW_LIST = """
SELECT d.id, d.state, d.spotted_on, c.full_name, o.name,
       (SELECT h.effective_on FROM dossiers_dossierhistory h WHERE h.dossier_id = d.id
        ORDER BY h.effective_on DESC, h.id DESC LIMIT 1)
FROM dossiers_dossier d
JOIN dossiers_organization o ON o.id = d.cell_id
JOIN dossiers_candidate c ON c.id = d.candidate_id
WHERE ({paths}) AND d.state = %(state)s
ORDER BY d.spotted_on DESC, d.id DESC
LIMIT 25"""


def _paths_condition(paths: list[str]) -> tuple[str, dict]:
    if not paths:
        return "false", {}
    parts, params = [], {}
    for i, path in enumerate(paths):
        parts.append(f"o.path LIKE %(path{i})s")
        params[f"path{i}"] = path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return " OR ".join(parts), params


def raw_queries(user, page: str) -> tuple[str, dict] | None:
    """The single SQL query returning the rows of the list page for `user` (first page)."""
    from permissions import roles  # noqa: PLC0415
    from permissions.scoping import SUBTREE_ROLES, active_roles, scope_of  # noqa: PLC0415
    from workflows.selectors import refs_for_role  # noqa: PLC0415

    ct = ContentType.objects.get_for_model(Dossier).pk
    today = timezone.localdate()
    if page == "inbox":
        return RAW_INBOX, {"ct": ct, "today": today, "user": user.pk}
    if page == "queue":
        refs, paths = set(), []
        for a in active_roles(user):
            if a.role in SUBTREE_ROLES and refs_for_role(a.role):
                refs |= set(refs_for_role(a.role))
                paths.append(a.organization.path)
        where, params = _paths_condition(paths)
        return RAW_QUEUE.replace("{paths}", where), {"ct": ct, "today": today, "refs": sorted(refs), **params}
    if page == "dossier_list":
        where, params = _paths_condition(scope_of(user).get(roles.VIEW, []))
        return RAW_LIST.replace("{paths}", where), params
    return None


def time_raw(sql: str, params: dict, n: int) -> tuple[float, list]:
    with _raw_conn() as conn, conn.cursor() as cur:
        for _ in range(5):
            cur.execute(sql, params)
            rows = cur.fetchall()
        times = []
        for _ in range(n):
            start = time.perf_counter()
            cur.execute(sql, params)
            cur.fetchall()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), rows


def page_ids(user, page: str, state: str | None) -> list[int]:
    """The ids the page's own queryset puts on its first page (tasks, or dossiers)."""
    from permissions.selectors import dossier_list  # noqa: PLC0415
    from ui.filters import SORTS  # noqa: PLC0415
    from workflows.selectors import tasks_inbox, tasks_queue  # noqa: PLC0415

    if page == "inbox":
        return [t.pk for t in tasks_inbox(user=user)[:25]]
    if page == "queue":
        return [t.pk for t in tasks_queue(user=user)[:25]]
    return list(dossier_list(user=user).filter(state=state).order_by(*SORTS[""]).values_list("pk", flat=True)[:25])


def explain(sql: str, params: dict) -> str:
    with _raw_conn() as conn, conn.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(r[0] for r in cur.fetchall())


def measure_pages(s: Subjects, n: int, log, only: set[str] | None = None) -> list[PageResult]:
    # DEBUG off for every request, the warm-up and the counted ones too, as in production. With it on,
    # each request of the test client connects a receiver holding the request's templates and
    # contexts, and Django's check of that receiver (`func_accepts_kwargs`) keeps it in an LRU cache
    # of 512: up to 512 whole requests stayed alive, ~300,000 objects by the last page, and each full
    # garbage collection walked them all (150–250 ms pauses, the province report's p95).
    with override_settings(DEBUG=False):
        return _measure_pages(s, n, log, only)


def _measure_pages(s: Subjects, n: int, log, only: set[str] | None) -> list[PageResult]:
    results = []
    clients: dict[int, Client] = {}
    pg = connection.vendor == "postgresql"
    for page, who, user, url in page_urls(s):
        if only and page not in only:
            continue
        client = clients.setdefault(user.pk, _client(user))
        # The pages of MAIN_PAGES get the full count; the others (home, overdue)
        # are shown for information with fewer requests.
        # The API's rate limit is not what is measured: off for its pages.
        with override_settings(API_THROTTLE_RATES={}):
            times, queries = time_page(client, url, n if page in MAIN_PAGES else max(20, n // 10))
        result = PageResult(page, who, url(0), percentile(times, 0.5), percentile(times, 0.95), queries)
        if pg:
            with override_settings(API_THROTTLE_RATES={}):
                result.sql_ms = page_sql_ms(client, url(0), repeat=10)
            state = {"secretary": State.PROBATION, "province": State.MENTORING}[who]
            raw = raw_queries(User.objects.get(pk=user.pk), page)
            if raw is not None:
                sql, params = raw
                if page == "dossier_list":
                    params = {**params, "state": state}
                result.raw_sql_ms, rows = time_raw(sql, params, max(n, 50))
                result.raw_rows = len(rows)
                mine = page_ids(User.objects.get(pk=user.pk), page, state)
                result.rows = len(mine)
                result.same_rows = [r[0] for r in rows] == mine
        log(f"  {page:<16} {who:<10} p50 {result.p50_ms:7.1f} ms  p95 {result.p95_ms:7.1f} ms  "
            f"{queries:3d} queries" + (f"  raw {result.raw_sql_ms:.2f} ms ×{result.ratio_to_raw}"
                                       f"{'' if result.same_rows else ' (ROWS DIFFER)'}"
                                       if result.raw_sql_ms else ""))
        results.append(result)
    return results


# --- The national report -------------------------------------------------------------------------


def national_report(s: Subjects, n: int) -> PageResult:
    """The yearly report of the whole country: the report page (`reports.views.ReportView`) for a
    root above the provinces (the tree has no national organisation: a path prefix of "" covers
    every province), for the superuser, rendered in full."""
    from reports.views import ReportView  # noqa: PLC0415

    root = Organization(pk=0, name="Toàn quốc", level=OrgLevel.PROVINCE, path="")

    class NationalReport(ReportView):
        def get_organization(self, request, *args, **kwargs):
            return root

    view = NationalReport.as_view()
    factory = RequestFactory()
    year = timezone.localdate().year

    def get():
        request = factory.get("/reports/report/", {"period": "year", "year": year})
        request.user = s.national
        request.session = {}
        request.LANGUAGE_CODE = "vi"
        response = view(request)
        response.render()
        assert response.status_code == 200
        return response

    get()
    with CaptureQueriesContext(connection) as ctx:
        get()
    times = []
    with override_settings(DEBUG=False):
        for _ in range(n):
            start = time.perf_counter()
            get()
            times.append((time.perf_counter() - start) * 1000)
    return PageResult("report", "national", f"/reports/report/?period=year&year={year} (national root)",
                      percentile(times, 0.5), percentile(times, 0.95), len(ctx))


# --- Cases end to end, and one task ---------------------------------------------------------------


def cases_per_second(s: Subjects, n: int, *, warmup: bool = True) -> float:
    """Cases per second spotted → recognised through the services, in the bench secretary's cell,
    in a transaction rolled back (after one case not timed, `warmup`)."""
    from builders.factories import dossier_in_state  # noqa: PLC0415

    with transaction.atomic():
        if warmup:
            dossier_in_state(State.RECOGNIZED, cell=s.cell, actor=s.secretary)
        start = time.perf_counter()
        for _ in range(n):
            dossier_in_state(State.RECOGNIZED, cell=s.cell, actor=s.secretary)
        rate = n / (time.perf_counter() - start)
        transaction.set_rollback(True)  # measured, not kept
    return rate


def task_completion_ms(s: Subjects, n: int) -> float:
    """The median ms of one task completion (enrolling a spotted dossier in the class), rolled back."""
    from builders.factories import dossier_in_state  # noqa: PLC0415
    from dossiers import services  # noqa: PLC0415

    with transaction.atomic():
        times = []
        for _ in range(max(5, n)):
            d = dossier_in_state(State.SPOTTED, cell=s.cell, actor=s.secretary)
            t0 = time.perf_counter()
            services.dossier_enroll_training(dossier=d, actor=s.secretary, class_name="Lớp cảm tình Đảng",
                                             organiser="Trung tâm Chính trị", start_date=timezone.localdate())
            times.append((time.perf_counter() - t0) * 1000)
        transaction.set_rollback(True)  # measured, not kept
    return statistics.median(times)


def case_rate(s: Subjects, n: int) -> tuple[float, float]:
    """(cases per second spotted → recognised through the services, ms of one task completion),
    in the bench secretary's cell, in transactions rolled back."""
    return cases_per_second(s, n), task_completion_ms(s, n)


# --- PDFs ---------------------------------------------------------------------------------------


def pdf_times(s: Subjects, repeat: int = 5) -> tuple[float, float, float]:
    """(one form, a 15-document bundle, WeasyPrint's floor) in seconds, reusing bench_documents's
    steps on a recognised dossier walked through the services; all rolled back."""
    from weasyprint import HTML  # noqa: PLC0415

    from bench.management.commands.bench_documents import _png_scan  # noqa: PLC0415
    from builders.factories import dossier_in_state  # noqa: PLC0415
    from documents import rendering  # noqa: PLC0415
    from documents import services as doc_services  # noqa: PLC0415
    from documents.bundle import bundle_pdf  # noqa: PLC0415
    from documents.catalogue import BY_CODE, ISSUABLE  # noqa: PLC0415

    rendering._stylesheet()
    floor_html = "<html><body><h1>Floor</h1><p>Một trang tối thiểu.</p></body></html>"
    HTML(string=floor_html).write_pdf()
    floors = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        HTML(string=floor_html).write_pdf()
        floors.append(time.perf_counter() - t0)
    with transaction.atomic():
        d = dossier_in_state(State.RECOGNIZED, cell=s.cell, actor=s.secretary)
        form = BY_CODE["6-KNĐ"]
        built = doc_services.document_check(dossier=d, form=form, options={"signer": "Bench"})
        forms = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            rendering.render_pdf(form.template, dict(built.data, number="Số 1-NQ/CB"), created=timezone.now())
            forms.append(time.perf_counter() - t0)
        form_s = statistics.median(forms)
        issued = 0
        for f in ISSUABLE:
            for subject, _name in f.subjects(d):
                if not doc_services.document_check(dossier=d, form=f, subject=subject,
                                                   options={"signer": "Bench"}).errors:
                    doc_services.document_issue(dossier=d, form=f, subject=subject, actor=None,
                                                options={"signer": "Bench"})
                    issued += 1
        scans = 0
        for step in ("complete_training", "record_application", "record_personal_history",
                     "conclude_verification", "record_new_member_certificate"):
            if issued + scans >= 15:
                break
            doc_services.scan_upload(dossier=d, step=step, upload=_png_scan(step), actor=None)
            scans += 1
        bundles = []
        for _ in range(3):
            t0 = time.perf_counter()
            bundle_pdf(dossier=d)
            bundles.append(time.perf_counter() - t0)
        bundle_s = statistics.median(bundles)
        transaction.set_rollback(True)  # measured, not kept
    return round(form_s, 3), round(bundle_s, 3), round(statistics.median(floors), 3)


def today() -> dt.date:
    return timezone.localdate()


# --- EXPLAIN of each page's main query -----------------------------------------------------------


def main_queries(s: Subjects) -> list[tuple[str, str, object]]:
    """(page, user, queryset) of the query each page is about (its first page of rows)."""
    from permissions.scoping import visible_dossiers  # noqa: PLC0415
    from permissions.selectors import dossier_list  # noqa: PLC0415
    from ui.filters import SORTS  # noqa: PLC0415
    from workflows.selectors import tasks_inbox, tasks_overdue_in_scope, tasks_queue  # noqa: PLC0415

    out = []
    for who, user, state, pk in (("secretary", s.secretary, State.PROBATION, s.secretary_dossiers[0]),
                                 ("province", s.board, State.MENTORING, s.province_dossiers[0])):
        user = User.objects.get(pk=user.pk)  # fresh per-request caches
        listing = dossier_list(user=user).filter(state=state).order_by(*SORTS[""])
        out += [
            ("inbox", who, tasks_inbox(user=user)[:25]),
            ("queue", who, tasks_queue(user=user)[:25]),
            ("dossier_list", who, listing[:25]),
            ("dossier_list (count)", who, listing.values("pk")),
            ("dossier_page", who, visible_dossiers(user).filter(pk=pk)),
        ]
        if who == "province":
            out.append(("overdue", who, tasks_overdue_in_scope(user=user)[:25]))
    return out


def explain_all(s: Subjects) -> str:
    parts = []
    from django.core.exceptions import EmptyResultSet  # noqa: PLC0415

    for page, who, qs in main_queries(s):
        try:
            sql, params = qs.query.sql_with_params()
        except EmptyResultSet:
            parts.append(f"### {page} — {who}\n(no query: the user's roles take no step, the condition is empty)\n")
            continue
        if page.endswith("(count)"):
            sql = f"SELECT count(*) FROM ({sql}) AS counted"
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        parts.append(f"### {page} — {who}\n{plan}\n")
    return "\n".join(parts)
