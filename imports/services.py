"""The import service: the one way an imported file writes anything.

- `import_upload` records the file (who, when, name, SHA-256, kind) and refuses at once one that
  is too large or not a spreadsheet;
- `import_check` reads and plans every row (`imports.plans`) and keeps the preview on the run;
- `import_apply` plans again and, if no row is refused, writes every row in one transaction (or
  nothing), in bulk, then gives each imported dossier its viewflow process, its open tasks and
  their deadlines as if it had walked there (`workflows.flows`, `workflows.sync`), and marks its
  history as imported (the file's name and SHA-256).

Large files run on the task worker (`imports.tasks`); the run's `done` counts the rows for the
progress bar.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history
from viewflow.workflow.models import Process, Task

from dossiers import gates, roster
from dossiers.models import (
    Candidate,
    Ceremony,
    Dossier,
    DossierHistory,
    Introducer,
    MemberStatus,
    Mentor,
    OpinionSummary,
    Organization,
    PartyAct,
    PartyMember,
    State,
    TrainingCertificate,
    Verification,
    Vote,
)
from dossiers.refusals import Refusal
from dossiers.services import candidate_update
from dossiers.steps import STEPS
from permissions.services import dossier_access_sync
from reports.profiles import profiles_rebuild
from workflows import badge as task_badge
from workflows import deadlines, snapshot, sync
from workflows.flows import AdmissionFlow
from workflows.models import TaskDeadline

from . import plans, reading
from .models import ImportKind, ImportRun, ImportStatus
from .plans import CREATE, REFUSED, UNCHANGED, UPDATE, RowPlan

logger = logging.getLogger("imports")
TaskPrevious = Task.previous.through


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def import_upload(*, user, kind: str, file_name: str, content: bytes, size: int | None = None,
                  digest: str = "") -> ImportRun:
    """Record the upload. A file too large or not a spreadsheet is recorded as refused, with the
    reason, and nothing more happens. For a file too large to read, the caller gives its `size`
    and `digest` and no content."""
    from .scope import import_roots  # noqa: PLC0415

    if kind not in ImportKind.values:
        raise Refusal(_("Choose what the file holds."))
    roots = import_roots(user)
    size = len(content) if size is None else size
    run = ImportRun(kind=kind, file_name=file_name[:255], sha256=digest or sha256(content), size=size, user=user,
                    organization=roots[0] if roots else None)
    try:
        reading.check_size(size)
        if not reading.is_xlsx(content) and (not file_name.lower().endswith(".csv") or reading._looks_binary(content)):
            raise reading.FileRefused(_("This is not an Excel file (.xlsx) or a CSV file. Save it as .xlsx "
                                        "(Excel 2007 or later) or as CSV (UTF-8) and upload it again."))
    except reading.FileRefused as exc:
        run.status, run.error = ImportStatus.REFUSED, str(exc)
        run.save()
        return run
    run.content = content
    run.save()
    return run


def _rows_of(run: ImportRun, progress=None, *, record_total: bool = True) -> list[RowPlan]:
    sheet = reading.read(bytes(run.content), run.file_name)
    if record_total:  # not inside the import's transaction: the progress connection updates the row
        ImportRun.objects.filter(pk=run.pk).update(total=len(sheet.rows))
        run.total = len(sheet.rows)
    return plans.plan(run.kind, sheet, user=run.user, progress=progress)


def _count(rows: list[RowPlan]) -> Counter:
    return Counter(REFUSED if r.reasons else r.action for r in rows)


def import_check(*, run: ImportRun) -> ImportRun:
    """Read and plan every row; keep the preview. Writes nothing but the run."""
    def progress(done: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(done=done)

    try:
        rows = _rows_of(run, progress)
    except reading.FileRefused as exc:
        run.status, run.error, run.content = ImportStatus.REFUSED, str(exc), None
        run.save()
        return run
    counts = _count(rows)
    run.report = [r.as_report() for r in rows]
    run.done = len(rows)
    run.created, run.updated, run.unchanged, run.refused = (
        counts[CREATE], counts[UPDATE], counts[UNCHANGED], counts[REFUSED])
    run.status = ImportStatus.REFUSED if run.refused else ImportStatus.PREVIEWED
    if run.refused:
        run.content = None
    run.save()
    return run


class _Progress:
    """The rows written so far, told through a connection of its own (PostgreSQL), so the page
    sees them while the import's transaction is still open; elsewhere the page waits for the end."""

    def __init__(self, run: ImportRun):
        self.run_id = run.pk
        self.side = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done: int) -> None:
        if self.side is None:
            return
        try:
            with self.side.cursor() as cursor:
                # Never wait on a lock: a progress figure is not worth blocking the import.
                cursor.execute("SET lock_timeout = '500ms'")
                cursor.execute(f'UPDATE "{ImportRun._meta.db_table}" SET done = %s WHERE id = %s', [done, self.run_id])
        except DatabaseError:
            logger.warning("import %s: progress not recorded", self.run_id)
            self.close()

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def import_apply(*, run: ImportRun, actor) -> ImportRun:
    """Write the previewed file: every row or none. Rows are planned again (the data may have
    changed since the preview); a refused row refuses the whole file."""
    if run.status not in (ImportStatus.PREVIEWED, ImportStatus.RUNNING) or not run.content:
        raise Refusal(_("This file has already been imported or was refused; upload it again."))
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING, done=0)
    progress = _Progress(run)
    try:
        with transaction.atomic():
            # The run's row is written in this transaction only at the very end, after the
            # progress connection is closed (it would wait for this transaction's lock).
            rows = _rows_of(run, record_total=False)
            counts = _count(rows)
            if counts[REFUSED]:
                transaction.set_rollback(True)
                refused = True
            else:
                refused = False
                WRITERS[run.kind](rows, run=run, actor=actor, progress=progress)
                progress.close()
                _finish(run, rows, counts, ImportStatus.DONE)
    except Exception as exc:
        logger.exception("import %s failed", run.pk)
        ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.FAILED, error=str(exc)[:2000],
                                                   finished_at=timezone.now())
        raise
    finally:
        progress.close()
    if refused:
        _finish(run, rows, counts, ImportStatus.REFUSED)
    run.refresh_from_db()
    return run


def _finish(run: ImportRun, rows: list[RowPlan], counts: Counter, status: str) -> None:
    run.report = [r.as_report() for r in rows]
    run.created, run.updated, run.unchanged, run.refused = (
        counts[CREATE], counts[UPDATE], counts[UNCHANGED], counts[REFUSED])
    run.status, run.done, run.finished_at, run.content = status, len(rows), timezone.now(), None
    run.save()


# --- Writers ------------------------------------------------------------------------------------------


def write_organizations(rows: list[RowPlan], *, run: ImportRun, actor, progress) -> None:
    for n, row in enumerate(rows, start=1):
        if row.action == UNCHANGED:
            continue
        org = row.target
        if row.action == CREATE:
            parent = row.extra["parent"]
            org.parent = getattr(parent, "org", parent)
        for name, value in row.extra["values"].items():
            setattr(org, name, value)
        org._history_user = actor
        org.full_clean(exclude=["path"], validate_unique=False)
        org.save()
        if n % 200 == 0:
            progress(n)


def write_members(rows: list[RowPlan], *, run: ImportRun, actor, progress) -> None:
    new = [r.target for r in rows if r.action == CREATE]
    bulk_create_with_history(new, PartyMember, batch_size=1000, default_user=actor)
    progress(len(new))
    for row in rows:
        if row.action == UPDATE:
            row.target._history_user = actor
            row.target.save()
    # Where the secretary declared the roster complete, the cell's figures are today's roster (as
    # `member_add` keeps them); elsewhere the typed figures stay until the roster is declared.
    cells = {r.target.cell_id for r in rows if r.action in (CREATE, UPDATE)}
    today = timezone.localdate()
    for cell in Organization.objects.filter(pk__in=cells, roster_kept=True):
        counts = roster.counts_on(cell, today)
        Organization.objects.filter(pk=cell.pk).update(official_members=counts["official"],
                                                       probationary_members=counts["probationary"])


def _imported(run: ImportRun) -> dict:
    return {"imported": True, "file": run.file_name, "sha256": run.sha256, "import": run.pk}


def write_candidates(rows: list[RowPlan], *, run: ImportRun, actor, progress) -> None:
    for row in rows:
        if row.action == UPDATE:
            d = row.target.dossiers.filter(state__in=[row.data["state"]]).select_related("cell").first()
            candidate = row.target
            for name in plans.CANDIDATE_FIELDS:
                if row.data[name] not in (None, ""):
                    setattr(candidate, name, row.data[name])
            candidate_update(dossier=d, candidate=candidate, actor=actor,
                             note=_("Imported from %(file)s") % {"file": run.file_name})
    new = [r for r in rows if r.action == CREATE]
    if not new:
        return
    walks = [r.extra["walked"] for r in new]
    Candidate.objects.bulk_create([r.target for r in new], batch_size=1000)
    # Members: a probationer enters the cell's roster from the ceremony (as dossier_hold_ceremony does).
    members = []
    for r, w in zip(new, walks, strict=True):
        if w.dossier.state == State.PROBATION:
            c = r.target
            w.member = PartyMember(full_name=c.full_name, sex=c.sex, birth_date=c.birth_date, cell=w.dossier.cell,
                                   status=MemberStatus.PROBATIONARY, joined_on=w.dossier.ceremony_date,
                                   in_cell_since=w.dossier.ceremony_date, card_number=r.data.get("card") or "")
            members.append(w.member)
    if members:
        bulk_create_with_history(members, PartyMember, batch_size=1000, default_user=actor)
        for cell_id, n in Counter(m.cell_id for m in members).items():
            Organization.objects.filter(pk=cell_id).update(probationary_members=F("probationary_members") + n)
    dossiers = []
    for r, w in zip(new, walks, strict=True):
        d = w.dossier._d
        d.candidate = r.target
        d.__dict__["state"] = w.dossier.state  # the state the walk reached (the field is protected)
        d.year = d.spotted_on.year
        d.created_by = actor
        d.member = getattr(w, "member", None)
        d.notes = _("Imported from %(file)s") % {"file": run.file_name}
        dossiers.append(d)
    Dossier.objects.bulk_create(dossiers, batch_size=1000)
    progress(len(new) // 4)
    evidence: dict[type, list] = {m: [] for m in (TrainingCertificate, Mentor, Introducer, Verification,
                                                  OpinionSummary, Vote, Ceremony)}
    acts: list[PartyAct] = []
    for d, w in zip(dossiers, walks, strict=True):
        draft = w.dossier
        for name, model in (("certificates", TrainingCertificate), ("mentors", Mentor), ("introducers", Introducer),
                            ("verifications", Verification), ("opinions", OpinionSummary), ("votes", Vote)):
            for obj in getattr(draft, name):
                obj.dossier = d
                evidence[model].append(obj)
        if draft.ceremony is not None:
            draft.ceremony.dossier = d
            evidence[Ceremony].append(draft.ceremony)
        for act in draft.acts:
            act.dossier = d
            acts.append(act)
    for model, objs in evidence.items():
        model.objects.bulk_create(objs, batch_size=1000)
    for act in acts:
        if act.vote is not None:
            act.vote = act.vote  # the vote's id, now that it is written
    PartyAct.objects.bulk_create(acts, batch_size=1000)
    imported = _imported(run)
    note = _("Imported from %(file)s (SHA-256 %(hash)s)") % {"file": run.file_name, "hash": run.sha256[:12] + "…"}
    history = []
    for d, w in zip(dossiers, walks, strict=True):
        for action, before, after, on, extra in w.history:
            history.append(DossierHistory(dossier=d, actor=actor, action=action, from_state=before, to_state=after,
                                          effective_on=on, note=note,
                                          evidence={**{k: v for k, v in extra.items() if v not in (None, "")},
                                                    **imported}))
    DossierHistory.objects.bulk_create(history, batch_size=2000)
    progress(len(new) // 2)
    # The helpers with a login see the dossiers they help (as the receivers of a single save do).
    for obj in [*evidence[Mentor], *evidence[Introducer]]:
        if obj.member.user_id:
            dossier_access_sync(dossier=obj.dossier, user=obj.member.user)
    profiles_rebuild(dossiers=Dossier.objects.filter(pk__in=[d.pk for d in dossiers if d.decision_date]))
    start_processes(dossiers, walks, actor=actor, progress=progress, offset=len(new) // 2, total=len(new))


def _reached(w) -> list[tuple[str, object]]:
    """The states in the order the dossier reached them, each with the date it reached it."""
    reached: list[tuple[str, object]] = []
    for _action, _before, after, on, _extra in w.history:
        if not reached or reached[-1][0] != after:
            reached.append((after, on))
    return reached


def _shape(w) -> tuple:
    """What decides the dossier's process: the states it went through and, in each, which steps
    the flow would find done (the registry's `done`), and the flow's own branches. Dossiers of one
    shape have the same process, task for task."""
    draft = w.dossier
    final = draft.state
    shape: list = [gates.under_sub_committee(draft), gates.has_grassroots_committee(draft)]
    try:
        for state, _on in _reached(w):
            draft.state = state
            shape.append((state, tuple(bool(s.done(draft)) for s in STEPS.values() if s.done)))
    finally:
        draft.state = final
    return tuple(shape)


def _walk_process(d: Dossier, w, actor) -> list[set[int]]:
    """Start and advance the dossier's process through the states it reached, each read as it
    was then (the 5-KNĐ task is done in "mentoring", not in probation): the tasks whose work the
    dossier shows done are finished by the importer, the others stay open with their deadlines,
    counted from the date the dossier reached the state. Returns the tasks created in each state."""
    stages: list[set[int]] = []
    seen: set[int] = set()
    fresh = snapshot.load(d.pk)
    final = fresh.state
    with snapshot.reading(fresh):
        for k, (state, on) in enumerate(_reached(w)):
            token = deadlines.EFFECTIVE_ON.set(on)
            try:
                fresh.__dict__["state"] = state
                if k == 0:
                    AdmissionFlow.start.run(dossier=d)
                sync.advance(d, actor)
            finally:
                deadlines.EFFECTIVE_ON.reset(token)
            now = set(Task.objects.filter(process__artifact_object_id=d.pk,
                                          process__artifact_content_type=_dossier_type()).values_list("pk", flat=True))
            stages.append(now - seen)
            seen = now
        fresh.__dict__["state"] = final
    return stages


def _dossier_type():
    return ContentType.objects.get_for_model(Dossier)


def _fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if not f.primary_key]


def _copy_processes(prototype: Dossier, stages: list[set[int]], others: list, batch: int = 200) -> None:
    """The prototype's Process, Task, previous-task and TaskDeadline rows, copied for each other
    dossier of its shape, in bulk; each deadline computed again from that dossier's own facts
    (`workflows.deadlines.due_for`), as the flow would have on the date its task arose."""
    ct = _dossier_type()
    processes = list(Process.objects.filter(artifact_content_type=ct, artifact_object_id=prototype.pk).order_by("pk"))
    tasks = list(Task.objects.filter(process__in=processes).order_by("pk"))
    links = list(TaskPrevious.objects.filter(to_task__in=tasks).values_list("from_task_id", "to_task_id"))
    due_rows = {t.task_id: t for t in TaskDeadline.objects.filter(task__in=tasks)}
    stage_of = {pk: k for k, created in enumerate(stages) for pk in created}
    pfields, tfields = _fields(Process), _fields(Task)
    for start in range(0, len(others), batch):
        chunk = others[start:start + batch]
        new_processes = []
        for d, _w in chunk:
            for p in processes:
                copy = Process(**{f: getattr(p, f) for f in pfields})
                copy.artifact_object_id = d.pk
                new_processes.append(copy)
        Process.objects.bulk_create(new_processes)
        process_map = {}
        for i, (d, _w) in enumerate(chunk):
            for j, p in enumerate(processes):
                process_map[(d.pk, p.pk)] = new_processes[i * len(processes) + j].pk
        new_tasks = []
        for d, _w in chunk:
            for t in tasks:
                copy = Task(**{f: getattr(t, f) for f in tfields})
                copy.process_id = process_map[(d.pk, t.process_id)]
                if t.artifact_object_id is not None and t.artifact_content_type_id == ct.pk:
                    copy.artifact_object_id = d.pk
                new_tasks.append(copy)
        Task.objects.bulk_create(new_tasks)
        for owner_id in {t.owner_id for t in new_tasks} - {None}:  # bulk_create sends no post_save
            task_badge.bump(owner_id)
        task_map = {}
        for i, (d, _w) in enumerate(chunk):
            for j, t in enumerate(tasks):
                task_map[(d.pk, t.pk)] = new_tasks[i * len(tasks) + j]
        TaskPrevious.objects.bulk_create([
            TaskPrevious(from_task_id=task_map[(d.pk, a)].pk, to_task_id=task_map[(d.pk, b)].pk)
            for d, _w in chunk for a, b in links])
        new_deadlines = []
        for d, w in chunk:
            dates = [on for _state, on in _reached(w)]
            for t in tasks:
                row = due_rows.get(t.pk)
                if row is None:
                    continue
                created = dates[min(stage_of.get(t.pk, 0), len(dates) - 1)]
                due = deadlines.due_for(t.flow_task.name, w.dossier, created)
                new_deadlines.append(TaskDeadline(task=task_map[(d.pk, t.pk)], dossier_id=d.pk, due_on=due.on,
                                                  rule=due.rule[:255], is_open=row.is_open))
        TaskDeadline.objects.bulk_create(new_deadlines)


def start_processes(dossiers: list[Dossier], walks, *, actor, progress, offset: int = 0, total: int = 0) -> None:
    """Each imported dossier's admission process as if it had walked there: viewflow runs once per
    shape of process (`_shape`), and the others of that shape get copies of its rows."""
    groups: dict[tuple, list] = {}
    for d, w in zip(dossiers, walks, strict=True):
        groups.setdefault(_shape(w), []).append((d, w))
    done = 0
    for members in groups.values():
        prototype, walked = members[0]
        stages = _walk_process(prototype, walked, actor)
        if len(members) > 1:
            _copy_processes(prototype, stages, members[1:])
        done += len(members)
        progress(offset + done * (total - offset) // max(len(dossiers), 1))


WRITERS = {
    ImportKind.ORGANIZATIONS: write_organizations,
    ImportKind.MEMBERS: write_members,
    ImportKind.CANDIDATES: write_candidates,
}


def background(content: bytes) -> bool:
    """Whether a file is large enough to run on the task worker."""
    return len(content) > int(settings.IMPORT_BACKGROUND_BYTES)
