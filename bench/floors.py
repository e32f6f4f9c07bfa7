"""The floors under two of issue 7's ratios: what the stack costs before the application does
any work of its own, measured in the same run as the pages and the cases.

- **Pages.** The lower bound of a list page is its one raw query (`measure.raw_queries`). Under
  every page of the application there are two floors it cannot go below:
  - `bare`: a request through the project's middleware (session, user, language, messages) to a
    view that answers "ok";
  - `shell`: the same, rendering viewflow's shell (`web/base.html`: the menu, the user's badge
    counts, the assets) around an empty page, under the inbox's site and menu.
  When `shell` alone exceeds 3× a page's raw query, no page in this shell can meet "≤ 3× raw".
- **Cases.** `FloorFlow` is the admission's 19 human tasks in a row, with no rules, evidence,
  history or deadlines: each task finished as `workflows.sync` finishes one (viewflow's process
  lock, the task re-read, saved, the next one created), persisted in the same database. Its cases
  per second bound ours from above whatever the domain costs, and set against SpiffWorkflow's
  they say what the chosen engine costs by itself.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from django.db import transaction
from django.db.models.signals import post_save
from django.http import HttpResponse
from django.test.utils import override_settings
from django.urls import path, resolve, reverse
from django.views.generic import TemplateView
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from ui.pages import PageMixin

STEPS = 19  # the user tasks of one case in `admission.bpmn`, as SpiffWorkflow completes them


# --- Pages ------------------------------------------------------------------------------------


def bare(request):
    return HttpResponse("ok" if request.user.is_authenticated else "anonymous")


class ShellView(PageMixin, TemplateView):
    template_name = "bench/shell.html"


def urlpatterns_with_floors() -> list:
    """The project's URLs and the two floor pages; the shell's under the inbox's own URL name,
    which carries viewflow's site, application and viewset (the menu reads them from it)."""
    from config.urls import urlpatterns  # noqa: PLC0415

    inbox_name = resolve(reverse("tasks:inbox")).url_name
    return [
        path("bench/floor/bare/", bare, name="bench_floor_bare"),
        path("bench/floor/shell/", ShellView.as_view(), name=inbox_name),
        *urlpatterns,
    ]


class FloorURLs:
    """A URLconf module stand-in: `override_settings(ROOT_URLCONF=FloorURLs())`."""

    def __init__(self):
        self.urlpatterns = urlpatterns_with_floors()


def page_floors(client, n: int) -> dict[str, tuple[float, float]]:
    """{"bare"|"shell": (p50 ms, p95 ms)} for this logged-in client, `n` requests each."""
    from .measure import percentile  # noqa: PLC0415

    urls = {"bare": "/bench/floor/bare/", "shell": "/bench/floor/shell/"}
    times: dict[str, list[float]] = {name: [] for name in urls}
    with override_settings(ROOT_URLCONF=FloorURLs(), DEBUG=False):
        for url in urls.values():
            for _ in range(5):
                assert client.get(url).status_code == 200, url
        # The two in turns, request by request: the host's speed drifts within a minute, and the
        # ratio of two blocks timed one after the other carried that drift (issue 21.6).
        for _ in range(n):
            for name, url in urls.items():
                start = time.perf_counter()
                response = client.get(url)
                times[name].append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
    return {name: (percentile(found, 0.5), percentile(found, 0.95)) for name, found in times.items()}


# --- The engine alone -------------------------------------------------------------------------


def _chain() -> dict:
    attrs = {
        "__module__": __name__,
        "__doc__": "The admission's human tasks in a row, and nothing else.",
        "lock_impl": lock.select_for_update_lock,
        "start": flow.StartHandle(this.start_case).Next(this.step_01),
        "end": flow.End(),
    }
    for i in range(1, STEPS + 1):
        following = this.end if i == STEPS else getattr(this, f"step_{i + 1:02d}")
        attrs[f"step_{i:02d}"] = flow.View(bare).Next(following)

    def start_case(self, activation):
        activation.process.save()
        return activation.process

    attrs["start_case"] = start_case
    return attrs


FloorFlow = type("FloorFlow", (flow.Flow,), _chain())


def _yes(self, activation) -> bool:
    return True


def _no(self, activation) -> bool:
    return False


class AdmissionFloorFlow(flow.Flow):
    """The admission's own graph (`workflows.flows.AdmissionFlow`: the same nodes, the same edges,
    two parallel splits and their joins, its If and Switch gateways) with every human task a bare
    view and every condition a constant taking the usual path (no sub-committee, a grassroots
    committee, admitted, recognition proposed by the cell): what viewflow itself costs to run *our*
    process, with no domain work. `tests/test_bench_floors.py` checks that its graph is the
    admission's, so that the two cannot drift apart. SpiffWorkflow's figure runs the same graph
    (`admission.bpmn`); the chain above (`FloorFlow`) is the lower bound without the gateways."""

    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_case).Next(this.enroll_training)
    enroll_training = flow.View(bare).Next(this.complete_training)
    complete_training = flow.View(bare).Next(this.prepare_dossier)
    prepare_dossier = (
        flow.Split()
        .Next(this.assign_mentor)
        .Next(this.assign_introducers)
        .Next(this.collect_papers)
        .Next(this.verify_history)
        .Next(this.gather_opinions)
    )
    assign_mentor = flow.View(bare).Next(this.dossier_ready)
    assign_introducers = flow.View(bare).Next(this.dossier_ready)
    collect_papers = flow.View(bare).Next(this.dossier_ready)
    verify_history = flow.View(bare).Next(this.dossier_ready)
    gather_opinions = flow.View(bare).Next(this.dossier_ready)
    dossier_ready = flow.Join().Next(this.submit_for_vote)
    submit_for_vote = flow.View(bare).Next(this.branch_vote)
    branch_vote = flow.View(bare).Next(this.branch_passed)
    branch_passed = flow.If(this.yes).Then(this.needs_appraisal).Else(this.not_admitted)
    needs_appraisal = flow.If(this.no).Then(this.sub_committee_appraisal).Else(this.needs_grassroots_resolution)
    sub_committee_appraisal = flow.View(bare).Next(this.needs_grassroots_resolution)
    needs_grassroots_resolution = flow.If(this.yes).Then(this.grassroots_resolution).Else(this.admission_decision)
    grassroots_resolution = flow.View(bare).Next(this.grassroots_passed)
    grassroots_passed = flow.If(this.yes).Then(this.admission_decision).Else(this.not_admitted)
    admission_decision = flow.View(bare).Next(this.admitted)
    admitted = flow.If(this.yes).Then(this.ceremony).Else(this.not_admitted)
    ceremony = flow.View(bare).Next(this.probation)
    probation = (
        flow.Split()
        .Next(this.new_member_class)
        .Next(this.mentor_report)
        .Next(this.self_review)
        .Next(this.probation_opinions)
    )
    new_member_class = flow.View(bare).Next(this.probation_over)
    mentor_report = flow.View(bare).Next(this.probation_over)
    self_review = flow.View(bare).Next(this.probation_over)
    probation_opinions = flow.View(bare).Next(this.probation_over)
    probation_over = flow.Join().Next(this.recognition_vote)
    recognition_vote = flow.View(bare).Next(this.recognition_outcome)
    recognition_outcome = (
        flow.Switch()
        .Case(this.recognition_decision, this.no)
        .Case(this.removal_decision, this.no)
        .Case(this.needs_grassroots_recognition, this.yes)
        .Default(this.recognition_decision)
    )
    needs_grassroots_recognition = flow.If(this.yes).Then(this.grassroots_recognition).Else(
        this.recognition_decision)
    grassroots_recognition = flow.View(bare).Next(this.recognition_decision)
    recognition_decision = flow.View(bare).Next(this.finished)
    removal_decision = flow.View(bare).Next(this.finished)
    not_admitted = flow.End()
    finished = flow.End()

    yes = _yes
    no = _no

    def start_case(self, activation):
        activation.process.save()
        return activation.process


def _finish_next(process, actor) -> bool:
    """Finish the process's open task as `workflows.sync._finish` does; False when none is left."""
    task = Task.objects.filter(process=process, status=STATUS.NEW, flow_task_type="HUMAN").order_by("pk").first()
    if task is None:
        return False
    with task.activation() as activation:
        task.owner, task.status = actor, STATUS.ASSIGNED
        activation.start(None)
        activation.execute()
    return True


def engine_case(actor, flow_class=None) -> int:
    """One case of `flow_class` (default `FloorFlow`) from start to end (inside `engine_only()`);
    the number of human tasks finished."""
    process = (flow_class or FloorFlow).start.run()
    done = 0
    while _finish_next(process, actor):
        done += 1
    return done


@contextmanager
def engine_only():
    """Without the project's receiver on tasks (their deadlines and notices: domain work)."""
    from workflows import sync  # noqa: PLC0415

    post_save.disconnect(sync.on_task_created, sender=Task, dispatch_uid="workflows.sync.task_created")
    try:
        yield
    finally:
        post_save.connect(sync.on_task_created, sender=Task, dispatch_uid="workflows.sync.task_created")


def engine_cases_per_second(actor, n: int, flow_class=None, *, warmup: bool = True) -> float:
    """Cases per second of `flow_class` (default `FloorFlow`; `AdmissionFloorFlow` for the
    admission's graph), timed as ours and SpiffWorkflow's are (`n` cases over their whole time), in
    a transaction rolled back."""
    with engine_only(), transaction.atomic():
        if warmup:
            assert engine_case(actor, flow_class) == STEPS  # every human task of the case was done
        start = time.perf_counter()
        for _ in range(n):
            engine_case(actor, flow_class)
        rate = n / (time.perf_counter() - start)
        transaction.set_rollback(True)  # measured, not kept
    return rate


# --- The machine while measuring ---------------------------------------------------------------


class MachineLoad:
    """How busy the machine was during a run, to say how far its figures can be trusted: the load
    average at both ends, and the share of all cores' time that was busy, of which how much was this
    process and the database server (`postgres` processes) — the rest is someone else's work."""

    def __init__(self):
        self.start = self._read()

    @staticmethod
    def _read() -> tuple[float, int, int, float, float]:
        import os  # noqa: PLC0415
        from pathlib import Path  # noqa: PLC0415

        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle, iowait
        tick = os.sysconf("SC_CLK_TCK")
        own = sum(os.times()[:2])
        postgres = 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            if "(postgres)" in text:
                parts = text.rsplit(")", 1)[1].split()
                postgres += (int(parts[11]) + int(parts[12])) / tick
        return os.getloadavg()[0], sum(fields), idle, own, postgres

    def summary(self) -> dict:
        import os  # noqa: PLC0415

        load0, total0, idle0, own0, pg0 = self.start
        load1, total1, idle1, own1, pg1 = self._read()
        tick = os.sysconf("SC_CLK_TCK")
        wall_core_s = max((total1 - total0) / tick, 1e-9)  # all cores' time over the run
        busy = 1 - (idle1 - idle0) / max(total1 - total0, 1)
        ours = min(((own1 - own0) + (pg1 - pg0)) / wall_core_s, busy)
        return {"load_before": round(load0, 2), "load_after": round(load1, 2), "cores": os.cpu_count(),
                "busy_share": round(busy, 3), "bench_and_postgres_share": round(ours, 3),
                "other_share": round(max(busy - ours, 0.0), 3)}
