"""Issue 18 §5, the fuzz of every other POST form of the app: each POST endpoint of the URLconf
(tests/fuzzing.py post_views) is listed here with who posts it and the page that shows its form;
the fields and the values offered are read from that page's HTML, so a field added to a form is
fuzzed with no change here, and a POST view added to the URLconf fails
test_every_post_view_is_fuzzed until it is listed. No 5xx; a refused request writes no row."""

import datetime as dt
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import resolve, reverse
from hypothesis import strategies as st
from viewflow.workflow.models import Task

from api.services import token_create
from builders.templates import dossier_copy
from dossiers.models import PartyMember, State
from exports.models import ExportKind
from imports.models import ImportKind, ImportRun, ImportStatus
from permissions.models import Role, RoleAssignment
from web import views

from .factories import UserFactory, grant
from .fuzzing import (
    NOT_FUZZED,
    RUN,
    anything,
    dates,
    form_data,
    forms_on,
    fuzz_endpoint,
    memoize_page_loads,
    post_views,
    strategies_for,
)

EXAMPLES_PER_ENDPOINT = 130
# Fewer for the costly ones: issuing renders a PDF (~35 ms), the candidate's forms have ~40 fields.
EXAMPLES = {"documents:issue": 40, "dossiers:create": 100, "dossiers:candidate": 100, "documents:upload": 120,
            "account:enrol": 60}  # the set-up page draws a QR code on every answer
MIN_INPUTS = 3_150  # with tests/test_fuzz_steps.py's 6,850: 10,000 a run at least

# The step forms have their own file (one endpoint, every step of the registry); the API's acting
# endpoints are fuzzed against its schema by schemathesis.
FUZZED_ELSEWHERE = {"dossiers:step": "tests/test_fuzz_steps.py", "api:candidate-create": "tests/test_api_schema.py",
                    "api:dossier-step": "tests/test_api_schema.py", "api:task-claim": "tests/test_api_schema.py",
                    "api:task-reassign": "tests/test_api_schema.py", "api:task-unassign": "tests/test_api_schema.py"}


@pytest.fixture
def stage(tree, cell_a, cell_b, secretary_a, committee_member, approver, org_board):
    spotted = dossier_copy(State.SPOTTED, cell=cell_a, actor=secretary_a)
    probation = dossier_copy(State.PROBATION, cell=cell_a, actor=secretary_a)
    approval = dossier_copy(State.HIGHER_APPROVAL, cell=cell_a, actor=secretary_a)
    dossier_copy(State.BRANCH_VOTE, cell=cell_a, actor=secretary_a)
    other = UserFactory(username="nguoi_khac")
    grant(other, Role.CELL_DEPUTY, cell_a)
    task = Task.objects.filter(status="NEW").order_by("pk").first()
    assigned = Task.objects.filter(status="ASSIGNED").order_by("pk").first() or task
    member = PartyMember.objects.filter(cell=cell_a).order_by("pk").first()
    admin = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    token, _raw = token_create(user=secretary_a, name="fuzz", expires_on=dt.date.today() + dt.timedelta(days=30))
    run = ImportRun.objects.create(kind=ImportKind.CANDIDATES, file_name="ds.xlsx", sha256="0" * 64, user=secretary_a,
                                   organization=cell_a, status=ImportStatus.DONE)
    return {
        "users": {"secretary": secretary_a, "committee": committee_member, "approver": approver, "board": org_board,
                  "admin": admin, "anonymous": AnonymousUser()},
        "token": token, "run": run,
        "spotted": spotted, "approval": approval, "probation": probation, "task": task, "assigned": assigned, "member": member,
        "tree": tree, "cell": cell_a, "other": other,
        "assignment": RoleAssignment.objects.filter(user=other).get(),
    }


ids = st.one_of(anything, st.sampled_from(["1", "2", "3", "0", "-1", "99999999"]))


def endpoints(s) -> dict[str, tuple[str, str, str | None, dict]]:
    """name → (who posts, the action's path, the page that shows its form, fields not on that page)."""
    cell, grassroots = s["cell"].pk, s["tree"]["grassroots"].pk
    spotted, approval, year = s["spotted"].pk, s["approval"].pk, dt.date.today().year
    return {
        "login": ("anonymous", reverse("login"), reverse("login"), {}),
        "notices:list": ("secretary", reverse("notices:list"), None, {"mark": anything}),
        "dossiers:create": ("secretary", reverse("dossiers:create"), reverse("dossiers:create"), {}),
        "dossiers:edit": ("secretary", reverse("dossiers:edit", args=[spotted]), reverse("dossiers:edit", args=[spotted]), {}),
        "dossiers:candidate": ("secretary", reverse("dossiers:candidate", args=[spotted]),
                               reverse("dossiers:candidate", args=[spotted]), {}),
        "tasks:claim_bulk": ("secretary", reverse("tasks:claim_bulk"), reverse("tasks:queue"), {"task": ids}),
        "tasks:claim": ("secretary", reverse("tasks:claim", args=[s["task"].pk]), None, {"next": anything}),
        "tasks:unassign": ("secretary", reverse("tasks:unassign", args=[s["assigned"].pk]), None, {"next": anything}),
        "tasks:reassign": ("secretary", reverse("tasks:reassign", args=[s["assigned"].pk]), None,
                           {"to": st.one_of(ids, st.just(s["other"].username)), "next": anything}),
        "documents:index": ("approver", reverse("documents:index"), reverse("documents:index"), {"dossiers": ids}),
        # The first form the page offers to issue (None: the action is read from the page).
        "documents:issue": ("secretary", None, reverse("documents:dossier", args=[s["probation"].pk]), {"next": anything}),
        "documents:upload": ("secretary", reverse("documents:upload", args=[approval]),
                             reverse("documents:dossier", args=[approval]), {}),
        "reports:quota_edit": ("board", reverse("reports:quota_edit", args=[grassroots, year]),
                               reverse("reports:quota_edit", args=[grassroots, year]), {"remove": anything}),
        "roster:act": ("secretary", reverse("roster:act", args=[cell]), reverse("roster:cell", args=[cell]),
                       {"action": st.one_of(anything, st.sampled_from(["add", "leave", "exempt", "end_exemption", "keep"])),
                        "member": st.one_of(ids, st.just(str(s["member"].pk)))}),
        "roster:meeting_new": ("secretary", reverse("roster:meeting_new", args=[cell]),
                               reverse("roster:meeting_new", args=[cell]), {}),
        "roster:committee": ("committee", reverse("roster:committee", args=[grassroots]),
                             reverse("roster:committee", args=[grassroots]), {"action": anything, "seat": ids}),
        "roles:grant": ("board", reverse("roles:grant"), reverse("roles:grant"),
                        {"username": st.one_of(anything, st.just(s["other"].username))}),
        "roles:revoke": ("board", reverse("roles:revoke", args=[s["assignment"].pk]),
                         reverse("roles:revoke", args=[s["assignment"].pk]), {}),
        # Login security (issue 18 §1, §2): the code pages with no code set up yet or a stale one.
        "account:verify": ("committee", reverse("account:verify"), None, {"token": anything, "next": anything}),
        "account:enrol": ("secretary", reverse("account:enrol"), None, {"token": anything}),
        "account:backup_codes": ("secretary", reverse("account:backup_codes"), None, {"token": anything}),
        "roles:unlock": ("board", reverse("roles:unlock", args=[s["other"].pk]),
                         reverse("roles:unlock", args=[s["other"].pk]), {}),
        "roles:otp_reset": ("admin", reverse("roles:otp_reset", args=[s["other"].pk]),
                            reverse("roles:otp_reset", args=[s["other"].pk]), {}),
        "roles:unlock_address": ("admin", reverse("roles:unlock_address"), None, {"ip": anything, "note": anything}),
        # Exports (issue 19) and API keys (issue 20).
        # The export form shows only when the period holds members: its fields are given here.
        "exports:index": ("board", reverse("exports:index"), None, {
            "org": st.one_of(ids, st.just(str(s["tree"]["district"].pk))),
            "kind": st.one_of(anything, st.sampled_from([k.value for k in ExportKind])),
            "start": st.one_of(dates, anything), "end": st.one_of(dates, anything),
            "include_exported": st.sampled_from(["on", "", "1"]), "format": st.sampled_from(["xlsx", "csv", "pdf", ""])}),
        "tokens:index": ("secretary", reverse("tokens:index"), reverse("tokens:index"), {}),
        "tokens:revoke": ("secretary", reverse("tokens:revoke", args=[s["token"].pk]), None, {"next": anything}),
        # Import from Excel (issue 19): the upload form (files of any bytes), and confirming a run.
        "imports:index": ("secretary", reverse("imports:index"), reverse("imports:index"), {}),
        "imports:confirm": ("secretary", reverse("imports:confirm", args=[s["run"].pk]), None, {}),
    }


def test_every_post_view_is_fuzzed(stage):
    listed = set(endpoints(stage)) | set(FUZZED_ELSEWHERE) | set(NOT_FUZZED)
    assert set(post_views()) - listed == set(), "add the new POST view to endpoints() here"
    assert listed - set(NOT_FUZZED) <= set(post_views())


def test_every_post_form_refuses_bad_input_without_5xx_and_without_writing(stage, monkeypatch):
    memoize_page_loads(monkeypatch, views, fresh=True)
    before, started = RUN["inputs"], time.process_time()
    seen, cost = {}, {}
    for name, (who, action, page, extra) in endpoints(stage).items():
        user = stage["users"][who]
        fields = {}
        if page is not None:
            forms = forms_on(user, page)
            action = action or next((a for a in sorted(forms) if resolve(a).view_name == name), None)
            assert action in forms, (name, "no form posts to", action, "on", page, sorted(forms))
            fields = strategies_for(forms[action])
        fields.update(extra)
        t0 = time.process_time()
        seen[name] = fuzz_endpoint(user, action, form_data(fields), what=name,
                                   examples=EXAMPLES.get(name, EXAMPLES_PER_ENDPOINT))
        cost[name] = round(time.process_time() - t0, 2)
    ran = RUN["inputs"] - before
    print(f"\nfuzz: {ran} inputs over {len(seen)} POST endpoints in {time.process_time() - started:.1f} s CPU; "
          f"{RUN['inputs']} in this process so far")
    print({name: (sorted(statuses), cost[name]) for name, statuses in seen.items()})
    assert ran >= MIN_INPUTS
