"""Every URL that names an object × every role × in and out of scope.

In scope, a role that may use the page gets 200 or a redirect, one that may not gets 403 (or 404 when
the object is not its kind of thing to see at all); out of scope, everyone gets 404, so an outsider
learns nothing. The list of URLs is read from the URLconf: a new URL taking an id without a rule
here fails `test_every_url_that_takes_an_id_has_a_rule`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from api.services import token_create
from documents.models import BundleJob, IssuedDocument, JobStatus, SignedScan
from dossiers.models import Meeting, Mentor, OrgLevel, State
from exports.models import ExportRecord
from imports.models import ImportKind, ImportRun, ImportStatus
from permissions.models import Role, RoleAssignment
from workflows.sync import process_of

from .factories import OrganizationFactory, PartyMemberFactory, UserFactory, dossier_in_state, grant, org_tree

PERSONAS = ["secretary", "deputy", "committee", "approver", "board", "union", "auditor", "mentor", "admin"]
ALL = set(PERSONAS)
CELL = {"secretary", "deputy", "admin"}
OWNER_ONLY = {"secretary"}


@dataclass
class Rule:
    kwargs: callable  # world → URL kwargs
    ok: set[str]  # in scope: 200 or a redirect
    forbidden: set[str] = field(default_factory=set)  # in scope: 403; every other persona in scope: 404
    method: str = "get"
    data: dict = field(default_factory=dict)


RULES: dict[str, Rule] = {
    "dossiers:detail": Rule(lambda w: {"pk": w.dossier.pk}, ALL),
    "dossier_chart": Rule(lambda w: {"pk": w.dossier.pk}, ALL),
    # The dossier page's folded parts, loaded when unfolded: whoever sees the page.
    "dossiers:timeline": Rule(lambda w: {"pk": w.dossier.pk}, ALL),
    "dossiers:background": Rule(lambda w: {"pk": w.dossier.pk}, ALL),
    # The candidate's data: the cell's secretaries, and the union officer who proposed him.
    "dossiers:edit": Rule(lambda w: {"pk": w.dossier.pk}, CELL | {"union"}, ALL - CELL - {"union"}),
    "dossiers:candidate": Rule(lambda w: {"pk": w.dossier.pk}, CELL | {"union"}, ALL - CELL - {"union"}),
    "dossiers:step": Rule(lambda w: {"pk": w.dossier.pk, "step": "enroll_training"}, CELL, ALL - CELL),
    # Task buttons answer GET with a redirect to the inbox once the task is found in scope.
    "tasks:claim": Rule(lambda w: {"pk": w.task.pk}, ALL),
    "tasks:unassign": Rule(lambda w: {"pk": w.task.pk}, ALL),
    "tasks:reassign": Rule(lambda w: {"pk": w.task.pk}, ALL),
    # Roles are managed by the organisation board of the subtree; others do not see the assignment.
    "roles:revoke": Rule(lambda w: {"pk": w.assignment.pk}, {"board", "admin"}),
    # Login security: the board of the subtree unlocks a login; only an administrator resets a second
    # factor (the board finds the account, 403); nobody else sees the account (404).
    "roles:unlock": Rule(lambda w: {"pk": w.users["in"]["secretary"].pk}, {"board", "admin"}),
    "roles:otp_reset": Rule(lambda w: {"pk": w.users["in"]["secretary"].pk}, {"admin"}, {"board"}),
    "documents:dossier": Rule(lambda w: {"pk": w.dossier.pk}, ALL),
    "documents:issue": Rule(lambda w: {"pk": w.dossier.pk, "slug": "5-knd"}, CELL, ALL - CELL, method="post"),
    "documents:draft": Rule(lambda w: {"pk": w.dossier.pk, "slug": "1-knd"}, CELL, ALL - CELL),
    # Signed scans: whoever takes one of the steps they prove; the board and inspection only read.
    "documents:upload": Rule(lambda w: {"pk": w.dossier.pk}, ALL - {"board", "auditor"}, {"board", "auditor"},
                             method="post"),
    "documents:bundle": Rule(lambda w: {"pk": w.dossier.pk}, ALL),
    "documents:issued": Rule(lambda w: {"doc_id": w.document.pk}, ALL),
    "documents:scan": Rule(lambda w: {"scan_id": w.scan.pk}, ALL),
    # A batch belongs to whoever asked for it.
    "documents:batch": Rule(lambda w: {"job_id": w.job.pk}, OWNER_ONLY),
    "documents:batch_download": Rule(lambda w: {"job_id": w.job.pk}, OWNER_ONLY),
    # Quotas: the board sets them; the other statistics roles see the numbers but not the form;
    # a union officer or a mentor has no statistics at all (404, like any organisation out of scope).
    # The roster and meetings: read by every role that reads the cell's dossiers, kept by the cell.
    "roster:cell": Rule(lambda w: {"pk": w.cell.pk}, ALL - {"union", "mentor"}),
    "roster:act": Rule(lambda w: {"pk": w.cell.pk}, CELL, ALL - CELL - {"union", "mentor"}, method="post"),
    "roster:meeting_new": Rule(lambda w: {"pk": w.cell.pk}, CELL, ALL - CELL - {"union", "mentor"}),
    # A grassroots committee's members: read by the roles over the grassroots organisation (not a
    # cell's secretaries, whose scope is their cell), kept by the committee.
    "roster:committee": Rule(lambda w: {"pk": w.grassroots.pk}, {"committee", "approver", "board", "auditor", "admin"}),
    "documents:minutes": Rule(lambda w: {"meeting_id": w.meeting.pk}, ALL - {"union", "mentor"}),
    # An export's record: read by the inspection committee and the organisation board of the subtree.
    "exports:record": Rule(lambda w: {"pk": w.export.pk}, {"board", "auditor", "admin"}),
    # Personal API keys: each user revokes his own; another user's key does not exist for him.
    "tokens:revoke": Rule(lambda w: {"pk": w.page_token.pk}, OWNER_ONLY, method="post"),
    # An import is seen by its importer and, in their subtree, by inspection and the organisation
    # board; only the importer confirms it.
    "imports:run": Rule(lambda w: {"pk": w.run.pk}, {"secretary", "board", "auditor", "admin"}),
    # The export in the templates' format: the importers of the subtree (the cell's secretary, the board).
    "imports:export": Rule(lambda w: {"pk": w.cell.pk}, {"secretary", "board", "admin"}),
    "imports:confirm": Rule(lambda w: {"pk": w.run.pk}, OWNER_ONLY, method="post"),
    "reports:quota_edit": Rule(lambda w: {"pk": w.cell.pk, "year": timezone.localdate().year}, {"board", "admin"},
                               {"secretary", "deputy", "committee", "approver", "auditor"}),
}


def id_urls() -> set[str]:
    """Every named URL (outside the Django admin) whose pattern takes a parameter."""
    found = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue  # staff only, Django's own permissions; not scoped by organisation
                if p.namespace == "api":
                    continue  # every API endpoint has its rule in API_RULES (tests/test_scope_matrix.py)
                ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name and getattr(p.pattern, "converters", None):
                found.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, "")
    return found


class World:
    pass


def blank_pdf() -> bytes:
    from io import BytesIO  # noqa: PLC0415

    from pypdf import PdfWriter  # noqa: PLC0415

    writer, out = PdfWriter(), BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        w = World()
        t = org_tree(cells=2)
        w.cell = t["cells"][0]
        w.grassroots = t["grassroots"]
        district2 = OrganizationFactory(name="Huyện ủy Ý Yên", level=OrgLevel.DISTRICT, parent=t["province"])
        grassroots2 = OrganizationFactory(name="Đảng bộ xã Yên Thọ", level=OrgLevel.GRASSROOTS, parent=district2)
        cell_c = OrganizationFactory(name="Chi bộ thôn Yên", level=OrgLevel.CELL, parent=grassroots2)
        where = {"in": {"cell": w.cell, "grassroots": t["grassroots"], "district": t["district"]},
                 "out": {"cell": cell_c, "grassroots": grassroots2, "district": district2}}
        roles = {"secretary": (Role.CELL_SECRETARY, "cell"), "deputy": (Role.CELL_DEPUTY, "cell"),
                 "committee": (Role.GRASSROOTS_COMMITTEE, "grassroots"), "approver": (Role.APPROVER, "district"),
                 "board": (Role.ORG_BOARD, "district"), "auditor": (Role.AUDITOR, "district"),
                 "union": (Role.UNION_OFFICER, "grassroots")}
        w.users = {"in": {}, "out": {}}
        for side in ("in", "out"):
            for name, (role, level) in roles.items():
                user = UserFactory(username=f"{name}_{side}")
                # The union officer out of scope works in the same commune but did not propose this
                # candidate: he must not see him either.
                grant(user, role, where["in" if name == "union" else side][level])
                w.users[side][name] = user
            w.users[side]["mentor"] = UserFactory(username=f"mentor_{side}")
        w.users["in"]["admin"] = get_user_model().objects.create_superuser("root", "root@example.org", "x")
        # The case: proposed by the union officer in scope, mentored by the mentor in scope.
        w.dossier = dossier_in_state(State.MENTORING, cell=w.cell, actor=w.users["in"]["union"])
        Mentor.objects.create(dossier=w.dossier, assigned_on=timezone.localdate(),
                              member=PartyMemberFactory(cell=w.cell, user=w.users["in"]["mentor"]))
        # The mentor out of scope mentors a case elsewhere.
        other = dossier_in_state(State.MENTORING, cell=cell_c)
        Mentor.objects.create(dossier=other, assigned_on=timezone.localdate(),
                              member=PartyMemberFactory(cell=cell_c, user=w.users["out"]["mentor"]))
        w.task = Task.objects.filter(process=process_of(w.dossier), flow_task_type="HUMAN",
                                     status=STATUS.NEW).order_by("pk").first()
        w.assignment = RoleAssignment.objects.get(user=w.users["in"]["secretary"])
        pdf = blank_pdf()
        soon = timezone.localdate() + dt.timedelta(days=7)
        w.document = IssuedDocument.objects.create(
            dossier=w.dossier, form_code="5-KNĐ", version=1, document_date=dt.date(2026, 1, 5), title="Tổng hợp",
            data={}, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf), issued_at=timezone.now())
        w.scan = SignedScan.objects.create(
            dossier=w.dossier, step="record_application", section="1-KNĐ", filename="don.pdf",
            content_type="application/pdf", content=pdf, size=len(pdf), sha256=hashlib.sha256(pdf).hexdigest())
        w.meeting = Meeting.objects.create(cell=w.cell, date=timezone.localdate(), chaired_by="Bí thư",
                                           minutes_by="Phó bí thư", official_members=9)
        w.page_token, _raw = token_create(user=w.users["in"]["secretary"], name="page", expires_on=soon)
        w.keys = {side: {name: token_create(user=user, name="matrix", expires_on=soon)[1]
                         for name, user in users.items()} for side, users in w.users.items()}
        w.job = BundleJob.objects.create(created_by=w.users["in"]["secretary"], dossier_ids=[w.dossier.pk],
                                         status=JobStatus.DONE, total=1, done=1, result=b"PK\x05\x06" + b"\0" * 18)
        w.export = ExportRecord.objects.create(
            user=w.users["in"]["board"], organization=t["district"], kind="admitted", file_format="xlsx",
            filename="admitted.xlsx", sha256="0" * 64, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
        w.run = ImportRun.objects.create(kind=ImportKind.CANDIDATES, file_name="ds.xlsx", sha256="0" * 64,
                                         user=w.users["in"]["secretary"], organization=w.cell,
                                         status=ImportStatus.DONE)
        yield w
        transaction.set_rollback(True)


def test_every_url_that_takes_an_id_has_a_rule():
    assert id_urls() == set(RULES), "add the new URL to RULES with who may use it"


CASES = [(name, persona, "in") for name in RULES for persona in PERSONAS] + [
    (name, persona, "out") for name in RULES for persona in PERSONAS if persona != "admin"]


@pytest.mark.parametrize(("name", "persona", "side"), CASES, ids=[f"{n}-{p}-{s}" for n, p, s in CASES])
def test_each_role_in_and_out_of_scope(world, db, name, persona, side):
    rule = RULES[name]
    client = Client()
    client.force_login(world.users[side][persona])
    url = reverse(name, kwargs=rule.kwargs(world))
    response = getattr(client, rule.method)(url, rule.data)
    if side == "out":
        expected = {404}
    elif persona in rule.ok:
        expected = {200, 302}
    elif persona in rule.forbidden:
        expected = {403}
    else:
        expected = {404}
    assert response.status_code in expected, (name, persona, side, response.status_code)


# --- The REST API (issue 20): every endpoint, with the pages' scope -------------------------------

STATS = ALL - {"union", "mentor"}
CREATE = {"secretary", "deputy", "union", "admin"}


@dataclass
class ApiRule:
    kwargs: callable = lambda w: {}  # world → URL kwargs
    ok: set[str] = field(default_factory=lambda: set(ALL))  # in scope: one of `ok_status`
    forbidden: set[str] = field(default_factory=set)  # in scope: 403; any other persona in scope: 404
    method: str = "get"
    data: dict = field(default_factory=dict)
    query: callable = lambda w: {}
    ok_status: frozenset = frozenset({200})
    # Out of scope: 404 (the default), or the status a list answers, whose rows must not hold the world's object.
    out_status: frozenset = frozenset({404})
    # A list: the id that in-scope `ok` personas find in its rows and out-of-scope personas do not.
    listed: callable = None
    listed_for: set[str] | None = None  # who finds it in scope (default: `ok`; None with `check_in` off: not checked)
    listed_out: set[str] = field(default_factory=set)  # who finds it out of scope too (not a dossier's scope)
    check_in: bool = True


ACTED = frozenset({200, 400, 409})  # reached the service or the form: allowed to try
API_RULES: dict[str, ApiRule] = {
    "api:me": ApiRule(out_status=frozenset({200})),
    # The union officer "out of scope" works in the same commune: he sees its organisations, not this case.
    "api:organization-list": ApiRule(out_status=frozenset({200}), listed=lambda w: w.cell.pk,
                                     listed_for=ALL - {"mentor"}, listed_out={"union"}),
    "api:dossier-list": ApiRule(out_status=frozenset({200}), listed=lambda w: w.dossier.pk),
    "api:dossier-detail": ApiRule(lambda w: {"pk": w.dossier.pk}),
    "api:dossier-documents": ApiRule(lambda w: {"pk": w.dossier.pk}),
    "api:document-pdf": ApiRule(lambda w: {"pk": w.document.pk}),
    "api:dossier-step": ApiRule(lambda w: {"pk": w.dossier.pk, "step": "enroll_training"}, CELL, ALL - CELL,
                                method="post", ok_status=ACTED),
    # Anyone may ask to add a candidate; only the creating roles reach the form, in their own cells.
    "api:candidate-create": ApiRule(ok=CREATE, forbidden=ALL - CREATE, method="post", ok_status=ACTED,
                                    out_status=None),
    # Whose queue holds the task is tests/test_task_pages.py's; here: nobody out of scope sees it.
    "api:task-inbox": ApiRule(out_status=frozenset({200}), listed=lambda w: w.task.pk, check_in=False),
    "api:task-queue": ApiRule(out_status=frozenset({200}), listed=lambda w: w.task.pk, check_in=False),
    "api:task-claim": ApiRule(lambda w: {"pk": w.task.pk}, method="post", ok_status=ACTED),
    "api:task-unassign": ApiRule(lambda w: {"pk": w.task.pk}, method="post", ok_status=ACTED),
    "api:task-reassign": ApiRule(lambda w: {"pk": w.task.pk}, method="post", ok_status=ACTED),
    "api:quotas": ApiRule(ok=STATS, query=lambda w: {"org": w.cell.pk}),
    "api:statistics": ApiRule(ok=STATS, query=lambda w: {"org": w.cell.pk}),
}


def api_urls() -> set[str]:
    """Every named URL of the API, with or without a parameter."""
    [resolver] = [p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "api"]
    return {f"api:{p.name}" for p in resolver.url_patterns}


def test_every_api_endpoint_has_a_rule():
    assert api_urls() == set(API_RULES), "add the new API endpoint to API_RULES with who may use it"


API_CASES = [(name, persona, "in") for name in API_RULES for persona in PERSONAS] + [
    (name, persona, "out") for name in API_RULES for persona in PERSONAS if persona != "admin"]


@pytest.mark.parametrize(("name", "persona", "side"), API_CASES, ids=[f"{n}-{p}-{s}" for n, p, s in API_CASES])
def test_each_role_in_and_out_of_scope_through_the_api(world, db, name, persona, side):
    rule = API_RULES[name]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.keys[side][persona]}")
    url = reverse(name, kwargs=rule.kwargs(world))
    if rule.method == "get":
        response = client.get(url, rule.query(world))
    else:
        response = client.post(url, rule.data, content_type="application/json")
    in_scope_status = (rule.ok_status if persona in rule.ok else {403} if persona in rule.forbidden else {404})
    if side == "out":
        expected = rule.out_status if rule.out_status is not None else in_scope_status
    else:
        expected = in_scope_status
    assert response.status_code in expected, (name, persona, side, response.status_code)
    if rule.listed is not None and response.status_code == 200:
        ids = {row["id"] for row in response.json()["results"]}
        if side == "in" and not rule.check_in:
            return
        finds = persona in rule.listed_out if side == "out" else persona in (
            rule.ok if rule.listed_for is None else rule.listed_for)
        assert (rule.listed(world) in ids) == finds, (name, persona, side)
