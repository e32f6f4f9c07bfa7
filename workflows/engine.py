"""A set-based step of viewflow's engine for the dossier's flows: the tasks a change finished, and
everything viewflow would create after them, worked out in memory and written in a few statements.

Why. Finishing a task through viewflow (`activation.execute()` → `activate_next`) creates each next
node's task through its own activation, one row at a time: an INSERT and its `previous` link, status
UPDATEs, a Join's SELECTs (its instance, its incoming tokens, the tasks still running), an End's
COUNT, `can_proceed` checks and a savepoint per gateway — about twelve statements a step, half of
what a whole case of ours costs the database (issue 21). `workflows.sync` already holds, under its
lock, every open task of the dossier's processes and the dossier read once; with them the walk is a
computation, and its outcome a handful of writes.

What it reproduces, exactly as viewflow 2.x does it (`viewflow.workflow.activation._activate_next`
and the nodes' activations), for the node types of the dossier's flows:

- the human task finished as `workflows.sync._finish` finished it (given to the actor when nobody
  or someone else held it, started if only assigned, then done: `started`, `finished`, owner);
- the walk in viewflow's rounds: every non-join activation of a round is activated and completed,
  then the next round is what they create; a Join is taken (one at a time) only once no other
  activation is left;
- `flow.View` (`StepTask`, `EvaluationTask`): a new task NEW, or ASSIGNED to `calc_owner` (the
  evaluation's mentor) — the node's `.Assign()` is called with a light activation (`_Activation`:
  `task`, `process`, `flow_task`, `flow_class`), as the gateways' conditions are;
- `flow.Split`: done at once, its branches created with viewflow's tokens
  (`Token.split_token_source`: `<token>/<split pk>_<n>`, non-Join branches first);
- `flow.If`, `flow.Switch`: the condition(s) called with the light activation (`process.dossier` is
  the snapshot `advance` loaded), done at once, the chosen node created with the same token;
- `flow.Join`: the open instance of the process reused (else created, STARTED, with the base split
  token), the arriving task linked; done when no task sharing the join's split-token prefix is still
  running — viewflow's rule (`JoinActivation.is_done`), read from the process's open tasks held in
  memory, which are all of them: the lock read every open task of the dossier's unfinished processes;
- `flow.End`: done (started and finished); the process DONE and finished when no other task of the
  process is unfinished at that moment, as viewflow counts them.

The start (`start`, for `StartHandle.run`): the process and its start task (started, then done),
the flow's start function called with them (it saves the process: its INSERT is the one statement
left outside), then the same walk from the start task (`flow_started` sent between).

Written, on PostgreSQL, in ONE statement of data-modifying WITH queries: the new tasks' ids drawn
from the table's sequence inside it (so a Split's branches carry its id in their tokens and the links
can name new tasks), the new tasks, their `previous` links, the existing tasks changed (those
finished, a Join moved) and the processes finished; and with them the step's deadlines — attached to
the new human tasks and closed for the finished ones (`deadlines.attach` / `close`, called here before
the write as `workflows.sync.on_task_created` calls them on each save, into a `deadlines.batched()`
block whose rows the statement takes over). Each list is one array per column (`unnest`), so the SQL
is written once per shape of step. Elsewhere (SQLite) through the ORM: the tasks in one bulk INSERT
(ids returned; a step that passes a Split writes its branches in a second, once the split has its
id), the links in one, the existing tasks in one UPDATE, the processes in one, the deadlines in one
as the batch writes them.

Then the signals: each task's `post_save`, once, with its final state and `created` as viewflow's
first save of it sends it (`workflows.sync.on_task_created` — which finds the deadlines done and
tells the owner of a task assigned on creation —, `workflows.badge` — the owners' badge versions —,
and anyone else listening), and viewflow's own `task_started`, `task_finished`, `flow_started`,
`flow_finished`, in viewflow's order.

Left to viewflow (`step` answers None, `start` DECLINED, and `workflows.sync` takes today's path):
any other node type or a node with options beyond these (a Split's conditions or data, a Join's
`continue_on_condition`, a View's permission, `onCreate`, task data or seed, boundary events), a flow
whose graph is not acyclic with each Join fed by the branches of one Split (then a Join's incoming
tokens share one prefix, and no task of the process carries a token the walk cannot see), a task
class other than viewflow's, receivers of `pre_save` on tasks or `m2m_changed` on their links, an
activation context that records errors instead of raising them (`propagate_exception=False`: a
task could be in ERROR), a walk that would meet a Join in the same step as its Split, and whatever
viewflow itself would refuse (two open instances of a Join, a Split with no branch, a Switch with no
way out: viewflow raises there; here the step goes to viewflow, which raises). `_cancel` (withdrawn,
rejected) stays viewflow's activations: it writes a few rows once a case. Switched off by
`settings.WORKFLOW_SET_ENGINE = False` or `with viewflow_walk():` (the tests compare both paths).

Where it differs from viewflow, knowingly: a step's timestamps are one `now`; a task is written once
with its final state (viewflow inserts a gateway, then updates it; saves a process twice at its
start) and hears one `post_save`; the signals are sent once the rows are written, not between the
writes; the order of the activations within one round (a set in viewflow, ordered by hash) is the
order they were created; the ids of one step's new tasks are drawn together.
"""

from __future__ import annotations

import contextvars
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from django.conf import settings
from django.db import connections, router
from django.db.models import Case, F, Value, When
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.utils import timezone
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.context import context
from viewflow.workflow.models import Process, Task
from viewflow.workflow.nodes.end import EndActivation
from viewflow.workflow.nodes.if_gate import IfActivation
from viewflow.workflow.nodes.join import JoinActivation
from viewflow.workflow.nodes.split import SplitActivation
from viewflow.workflow.nodes.switch import SwitchActivation
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.signals import flow_finished, flow_started, task_finished, task_started
from viewflow.workflow.status import STATUS
from viewflow.workflow.token import Token

from dossiers import prepared

from . import deadlines

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
# A Join's tasks still running: all but these (viewflow's `_active_join_tasks`).
_NOT_RUNNING = (STATUS.DONE, STATUS.CANCELED, STATUS.REVIVED)

_OFF: contextvars.ContextVar[bool] = contextvars.ContextVar("workflow_set_engine_off", default=False)


def take_for(task: Task, actor) -> bool:
    """The human task given to the user whose action did its work, as `workflows.sync` finishes it:
    assigned to him if nobody held it (False, and left alone, when there is no actor), his in the
    archive if someone else in the cell held it."""
    if task.status == STATUS.NEW:
        if actor is None:
            return False
        # Assigned and finished in one write (viewflow's assign() would save the task once more).
        task.owner, task.status = actor, STATUS.ASSIGNED
    elif actor is not None and task.owner_id != actor.pk:
        task.owner = actor
    return True


@contextmanager
def viewflow_walk() -> Iterator[None]:
    """Inside, every step goes through viewflow's activations (today's path, the reference)."""
    token = _OFF.set(True)
    try:
        yield
    finally:
        _OFF.reset(token)


def enabled() -> bool:
    return not _OFF.get() and getattr(settings, "WORKFLOW_SET_ENGINE", True)


class Unsupported(Exception):
    """The step leaves the subset this engine reproduces: viewflow takes it."""


# --- Which flows ------------------------------------------------------------------------------------

_GATEWAYS = {flow.Split: SplitActivation, flow.Join: JoinActivation, flow.If: IfActivation,
             flow.Switch: SwitchActivation, flow.End: EndActivation}
_STARTS = (flow.Start, flow.StartHandle)


def _kind(node) -> type | None:
    """The supported type the node is (`flow.View` or one of `_GATEWAYS`), or None."""
    if getattr(node, "_boundary_events", None) or getattr(node, "_boundary_specs", None):
        return None
    if isinstance(node, flow.View):
        ok = (node.activation_class is ViewActivation and node._on_create is None and node._owner_permission is None
              and node._task_data is None and node._task_seed is None)
        return flow.View if ok else None
    kind = type(node)
    if _GATEWAYS.get(kind) is not node.activation_class:
        return None
    if kind is flow.Split:
        ok = bool(node._branches) and all(cond is None and data is None for _node, cond, data in node._branches)
    elif kind is flow.Join:
        ok = node._continue_on_condition is None and node._task_data is None and node._task_seed is None
    elif kind is flow.If:
        ok = not any((node._on_true_data, node._on_true_seed, node._on_false_data, node._on_false_seed))
    else:
        ok = True
    return kind if ok else None


def _targets(node) -> list:
    return [edge.dst for edge in node._outgoing() if edge.dst is not None]


@cache
def supported(flow_class) -> bool:
    """Whether the walk of `flow_class` is this engine's: every node a supported kind (its start
    nodes aside: never walked into), the graph acyclic, and every Join fed by the branches of one
    Split, reached from it through human tasks and If/Switch gateways only, as that Split's
    branches reach nothing else before a Join (no Split or End inside them)."""
    if flow_class.task_class is not Task or not issubclass(flow_class.process_class, Process):
        return False
    nodes = list(flow_class.instance.nodes())
    kinds = {}
    for node in nodes:
        if isinstance(node, _STARTS):
            continue
        if (kind := _kind(node)) is None:
            return False
        kinds[node] = kind
    incoming: dict = {node: [] for node in nodes}
    for node in nodes:
        for dst in _targets(node):
            if dst not in incoming or isinstance(dst, _STARTS):
                return False
            incoming[dst].append(node)
    # Acyclic (depth-first, three colours).
    state: dict = {}

    def cyclic(node) -> bool:
        state[node] = 1
        for dst in _targets(node):
            if state.get(dst) == 1 or (dst not in state and cyclic(dst)):
                return True
        state[node] = 2
        return False

    if any(node not in state and cyclic(node) for node in nodes):
        return False
    passing = (flow.View, flow.If, flow.Switch)
    # Forward from each Split: only human tasks and If/Switch until a Join.
    for split in (n for n, k in kinds.items() if k is flow.Split):
        seen, todo = set(), _targets(split)
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            kind = kinds.get(node)
            if kind is flow.Join:
                continue
            if kind not in passing:
                return False
            todo.extend(_targets(node))
    # Backward from each Join: exactly one Split.
    for join in (n for n, k in kinds.items() if k is flow.Join):
        splits, seen, todo = set(), set(), list(incoming[join])
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            kind = kinds.get(node)
            if kind is flow.Split:
                splits.add(node)
            elif kind in passing:
                todo.extend(incoming[node])
            else:
                return False
        if len(splits) != 1:
            return False
    return True


def _listeners_allow() -> bool:
    """No one listens to what the step does not send (a task's `pre_save`, its links' `m2m_changed`),
    and the database answers a bulk INSERT's ids."""
    return (not pre_save.has_listeners(Task) and not m2m_changed.has_listeners(Task.previous.through)
            and connections[router.db_for_write(Task)].features.can_return_rows_from_bulk_insert)


def _possible(done: list[Task], by_pk: dict[int, Process]) -> bool:
    """What can be told before walking: the switch, the activation context, the listeners, the
    database, the flows and the tasks."""
    if not enabled() or not context.propagate_exception:
        return False
    if not _listeners_allow():
        return False
    for task in done:
        process = by_pk.get(task.process_id)
        if process is None or not supported(process.flow_class) or _kind(task.flow_task) is not flow.View:
            return False
    return True


# --- The walk -----------------------------------------------------------------------------------------


class _Activation:
    """What the flow's callables read of an activation: the task, the process (the locked one,
    coerced to the flow's process class, so `process.dossier` is the snapshot), the node, the flow."""

    __slots__ = ("task", "process", "flow_task", "flow_class")

    def __init__(self, task: Task, process):
        self.task, self.process = task, process
        self.flow_task = task.flow_task
        self.flow_class = self.flow_task.flow_class


class _LazyToken:
    """A Split branch's token before the split's row has its id: `<split token>/<split pk>_<n>`."""

    __slots__ = ("split", "n")

    def __init__(self, split: Task, n: int):
        self.split, self.n = split, n

    def resolve(self) -> Token | None:
        if self.split.pk is None:
            return None
        return Token(f"{self.split.token.token}/{self.split.pk}_{self.n}")


_TRACKED = ("status", "owner_id", "started", "finished")


class _Step:
    def __init__(self, tasks: list[Task], by_pk: dict[int, Process]):
        self.now = timezone.now()
        self.by_pk = by_pk
        self.coerced = {pk: p.coerced for pk, p in by_pk.items()}  # the same objects (viewflow's coercion)
        # Every task of the processes not finished, in the order they were created: the open ones.
        self.unfinished: dict[int, list[Task]] = {pk: [] for pk in by_pk}
        for task in tasks:
            self.unfinished[task.process_id].append(task)
        self.before: dict[int, tuple[Task, dict, dict]] = {}  # existing task pk: it, its state before the step
        self.process_before: dict[int, dict] = {}
        self.new: list[Task] = []
        self.lazy: dict[int, _LazyToken] = {}  # id(new task): its token waiting for a split's id
        self.links: list[tuple[Task, Task]] = []  # (task, previous)
        self.saved: dict[int, tuple[Task, bool]] = {}  # id(task): (task, created), in the order first saved
        self.signals: list[tuple] = []  # (signal, sender, process, task), in viewflow's order
        self.finished_processes: list[Process] = []

    # Bookkeeping ---------------------------------------------------------------------------------

    def touch(self, task: Task) -> None:
        """Remember an existing task's state before the walk changes it (to undo it if viewflow takes over)."""
        if task.pk is not None and task.pk not in self.before:
            # (The instance is the caller's: `undo` puts it back as it was.)
            self.before[task.pk] = (task, dict(task.__dict__), dict(task._state.fields_cache))

    def save(self, task: Task, created: bool = False) -> None:
        self.saved.setdefault(id(task), (task, created))

    def undo(self) -> None:
        for task, values, fields_cache in self.before.values():
            task.__dict__.update(values)
            task._state.fields_cache = fields_cache
        for pk, values in self.process_before.items():
            self.by_pk[pk].__dict__.update(values)

    def token_of(self, task: Task):
        return self.lazy.get(id(task)) or task.token

    # viewflow's activations, in memory ---------------------------------------------------------

    def finish(self, task: Task, actor) -> None:
        """`workflows.sync._finish`: the human task started if need be, done, and the walk after it."""
        if task.status not in OPEN:
            return
        self.touch(task)
        if not take_for(task, actor):
            return
        process = self.coerced[task.process_id]
        if task.status == STATUS.ASSIGNED:  # ViewActivation.start
            self.signals.append((task_started, task.flow_task.flow_class, process, task))
            task.started = self.now
            task.status = STATUS.STARTED
        self.complete(task, process)
        self.walk(self.create_next(task))

    def complete(self, task: Task, process) -> None:
        task.finished = self.now
        task.status = STATUS.DONE
        self.save(task)
        self.signals.append((task_finished, task.flow_task.flow_class, process, task))

    def create(self, node, prev: Task, token) -> tuple[Task, type]:
        """`node._create(prev_activation, token)`: the new task (or the Join's open one), linked."""
        kind = _kind(node)
        if kind is None:
            raise Unsupported(node)
        process = self.coerced[prev.process_id]
        if kind is flow.Join:
            if isinstance(token, _LazyToken):
                raise Unsupported("a Join in the step of its Split")
            found = [t for t in self.unfinished[process.pk]
                     if t.flow_task is node and t.status in (STATUS.NEW, STATUS.STARTED)]
            if len(found) > 1:
                raise Unsupported("more than one join instance")  # viewflow raises FlowRuntimeError
            if found:
                task = found[0]
                self.touch(task)
                self.links.append((task, prev))
                return task, kind
            if token.is_split_token():
                token = token.get_base_split_token()
        task = Task(process=process, flow_task=node, flow_task_type=node.task_type, data={})
        if isinstance(token, _LazyToken):
            self.lazy[id(task)] = token
        else:
            task.token = token
        if kind is flow.View:
            owner = node.calc_owner(_Activation(task, process))
            if owner:
                task.owner = owner
                task.status = STATUS.ASSIGNED
        self.new.append(task)
        self.unfinished[process.pk].append(task)
        self.save(task, created=True)
        self.links.append((task, prev))
        return task, kind

    def create_next(self, task: Task, chosen=None) -> list[tuple[Task, type]]:
        node = task.flow_task
        kind = _kind(node)
        token = self.token_of(task)
        if kind is flow.Split:
            branches = [n for n, _cond, _data in node._branches]
            branches = [n for n in branches if not isinstance(n, flow.Join)] + [
                n for n in branches if isinstance(n, flow.Join)]
            if isinstance(token, _LazyToken):
                raise Unsupported("a Split in the step of another")
            return [self.create(n, task, _LazyToken(task, i)) for i, n in enumerate(branches, 1)]
        if kind in (flow.If, flow.Switch):
            return [self.create(chosen, task, token)] if chosen is not None else []
        if kind is flow.End:
            return []
        if node._next is None:
            return []
        return [self.create(node._next, task, token)]

    def run(self, task: Task, kind: type):
        """Activate and complete a non-join activation; what it chose (If/Switch)."""
        process = self.coerced[task.process_id]
        if kind is flow.View:
            return None  # NEW: `activate` does nothing; ASSIGNED: nothing to do
        if kind is flow.Split:
            self.complete(task, process)
            return None
        if kind is flow.If:
            node = task.flow_task
            result = node._condition(_Activation(task, process))
            self.complete(task, process)
            return node._on_true if result else node._on_false
        if kind is flow.Switch:
            chosen = None
            for node, cond in task.flow_task._branches:
                if cond:
                    if cond(_Activation(task, process)):
                        chosen = node
                        break
                else:
                    chosen = node
            if chosen is None:
                raise Unsupported("no next task for the switch")  # viewflow raises FlowRuntimeError
            self.complete(task, process)
            return chosen
        if kind is flow.End:
            task.started = self.now
            self.signals.append((task_started, task.flow_task.flow_class, process, task))
            others = any(t.finished is None for t in self.unfinished[process.pk] if t is not task)
            if not others:
                self.process_before.setdefault(process.pk, dict(process.__dict__))
                process.status, process.finished = STATUS.DONE, self.now
                self.finished_processes.append(process)
            self.signals.append((task_finished, task.flow_task.flow_class, process, task))
            if not others:
                self.signals.append((flow_finished, task.flow_task.flow_class, process, task))
            self.complete(task, process)
            return None
        raise Unsupported(kind)

    def run_join(self, task: Task) -> None:
        process = self.coerced[task.process_id]
        if task.status == STATUS.NEW:
            task.status = STATUS.STARTED
            task.started = self.now
            self.save(task, created=task.pk is None)
        elif task.started is None:
            task.started = self.now
            self.save(task, created=task.pk is None)
        # The join's prefix, from the tasks arriving now (the Split's branches: see `supported`).
        prefixes = set()
        for joined, prev in self.links:
            if joined is task and prev.status not in (STATUS.CANCELED, STATUS.REVIVED):
                token = self.token_of(prev)
                if isinstance(token, _LazyToken) or (prev.pk is None and token == task.token):
                    raise Unsupported("a Join in the step of its Split")
                prefixes.add(token.get_common_split_prefix(task.token, prev.pk))
        if len(prefixes) != 1:
            raise Unsupported("tokens of several splits at a join")  # viewflow raises FlowRuntimeError
        prefix = prefixes.pop()
        for other in self.unfinished[process.pk]:
            if other.status in _NOT_RUNNING:
                continue
            token = self.token_of(other)
            if isinstance(token, _LazyToken):
                raise Unsupported("a Join in the step of a Split")
            if token.token.startswith(prefix):
                return  # a branch still running
        self.complete(task, process)

    def walk(self, activations: list[tuple[Task, type]]) -> None:
        """viewflow's `_activate_next`, in memory."""
        while activations:
            activations = list({id(t): (t, k) for t, k in activations}.values())  # a set, by task
            joins = [(t, k) for t, k in activations if k is flow.Join]
            others = [(t, k) for t, k in activations if k is not flow.Join]
            if others:
                chosen = {id(t): self.run(t, k) for t, k in others}
                following = []
                for t, _k in others:
                    if t.status == STATUS.DONE:
                        following.extend(self.create_next(t, chosen[id(t)]))
                activations = following + joins
            else:
                (task, _kind_), *joins = joins
                self.run_join(task)
                activations = (self.create_next(task) if task.status == STATUS.DONE else []) + joins

    # The writes ----------------------------------------------------------------------------------------

    def write(self) -> None:
        connection = connections[router.db_for_write(Task)]
        if connection.vendor == "postgresql":
            self._write_in_one(connection)
        else:
            self._write_with_the_orm()
        for task in self.new:
            task._state.adding, task._state.db = False, connection.alias

    def _write_with_the_orm(self) -> None:
        """The tasks in one INSERT (ids returned; those whose tokens carry a split's id next), their
        links in one, the existing tasks changed in one UPDATE, the processes finished in one."""
        pending = list(self.new)
        while pending:
            ready = []
            for task in pending:
                lazy = self.lazy.get(id(task))
                if lazy is not None:
                    if (token := lazy.resolve()) is None:
                        continue
                    task.token = token
                    del self.lazy[id(task)]
                ready.append(task)
            if not ready:
                raise AssertionError("a token waits for a split that is never written")
            Task.objects.bulk_create(ready)
            pending = [t for t in pending if t.pk is None]
        if self.links:
            through = Task.previous.through
            through.objects.bulk_create([through(from_task_id=t.pk, to_task_id=p.pk) for t, p in self.links])
        rows = self._changed_rows()
        if rows:
            Task.objects.filter(pk__in=[t.pk for t in rows]).update(**self._update_columns(rows))
        if self.finished_processes:
            Process.objects.filter(pk__in=[p.pk for p in self.finished_processes]).update(
                status=STATUS.DONE, finished=self.now)

    def _changed_rows(self) -> list[Task]:
        return [task for task, values, _cache in self.before.values()
                if any(getattr(task, f) != values.get(f) for f in _TRACKED)]

    @staticmethod
    def _update_columns(rows: list[Task]) -> dict:
        """{column: its new value, or a CASE on the id where the rows differ}: one UPDATE for all."""
        columns = {}
        for column in _TRACKED:
            by_value: dict = {}
            for task in rows:
                by_value.setdefault(getattr(task, column), []).append(task.pk)
            if len(by_value) == 1:
                columns[column] = next(iter(by_value))
                continue
            field = Task._meta.get_field(column)
            output = field.target_field if field.is_relation else field
            columns[column] = Case(*[When(pk__in=pks, then=Value(value, output_field=output))
                                     for value, pks in by_value.items()], default=F(column))
        return columns

    def _write_in_one(self, connection) -> None:
        """PostgreSQL: the whole step in one statement, of data-modifying WITH queries: the new
        tasks' ids drawn from the table's sequence (a split's branches' tokens and the links are
        written with them), the tasks inserted, their links, the existing tasks changed, the
        processes finished, and the deadlines of the batch (`deadlines.batched`) opened and closed;
        it answers the new tasks' and deadlines' ids. Each list goes as one array per column
        (`unnest`), so the SQL is the same for every step of a shape, written once."""
        from .models import TaskDeadline

        batch = deadlines.current_batch()
        opened, closed = (batch.new, list(dict.fromkeys(batch.closed))) if batch is not None else ([], [])
        changed = self._changed_rows()
        shape = (bool(self.new), bool(self.links), bool(changed), bool(self.finished_processes), bool(opened),
                 bool(closed))
        if not any(shape):
            return
        index = {id(t): n for n, t in enumerate(self.new, 1)}
        params = []
        if self.new:
            columns = _columns(Task, connection)
            # The ordinals of the new tasks as an array, not a count: PostgreSQL can then keep one
            # plan of the statement for every call (its row count from a count it re-plans each time).
            params.append(list(range(1, len(self.new) + 1)))
            params.append([index.get(id(self.lazy[id(t)].split)) if id(t) in self.lazy else None for t in self.new])
            for f in columns.fields:
                if f.attname == "token":
                    params.append([f"{self.lazy[id(t)].split.token.token}/" if id(t) in self.lazy else t.token.token
                                   for t in self.new])
                    params.append([f"_{self.lazy[id(t)].n}" if id(t) in self.lazy else "" for t in self.new])
                else:
                    params.append(_prepared(f, self.new, connection))
        if self.links:
            params += [[index.get(id(t)) for t, _p in self.links], [t.pk for t, _p in self.links],
                       [index.get(id(p)) for _t, p in self.links], [p.pk for _t, p in self.links]]
        if changed:
            params += [[t.pk for t in changed], *([getattr(t, c) for t in changed] for c in _TRACKED)]
        if self.finished_processes:
            params += [STATUS.DONE, self.now, [p.pk for p in self.finished_processes]]
        if opened:
            params.append([index.get(id(d.task)) for d in opened])
            for f in _columns(TaskDeadline, connection).fields:
                params.append([d.task.pk for d in opened] if f.attname == "task_id" else _prepared(f, opened, connection))
        if closed:
            params.append(closed)
        with prepared.cursor(connection) as cursor:
            cursor.execute(_statement(shape, connection.alias), params)
            answered = cursor.fetchall()
        ids = {(kind, key): pk for kind, key, pk in answered}
        for n, task in enumerate(self.new, 1):
            task.pk = ids[(0, n)]
        for task in self.new:
            if (lazy := self.lazy.pop(id(task), None)) is not None:
                task.token = lazy.resolve()
        for deadline in opened:
            deadline.task = deadline.task  # its id, now that the task has one (as Django's save sets it)
            deadline.pk = ids[(1, deadline.task_id)]
            deadline._state.adding, deadline._state.db = False, connection.alias
        if batch is not None:
            batch.new, batch.closed, batch.rows = [], [], {}

    def deadlines(self) -> None:
        """What `workflows.sync.on_task_created` does of deadlines on each save, done before the
        write so that the deadlines go in the same statement (its call on the task's `post_save`,
        later, then finds them done): a new human task's deadline attached, a finished one's closed."""
        for task, created in self.saved.values():
            if task.flow_task_type != "HUMAN":
                continue
            if created:
                deadlines.attach(task)
            elif task.status not in OPEN:
                deadlines.close(task)

    def announce(self) -> None:
        """The `post_save` of each task written, once, with its final state, as viewflow's saves
        send it (`workflows.sync`, `workflows.badge` and anyone else listening)."""
        for task, created in self.saved.values():
            post_save.send(sender=Task, instance=task, created=created, update_fields=None, raw=False,
                           using=task._state.db)

    def signal(self) -> None:
        """viewflow's own signals of the step's activations, in their order."""
        for signal, sender, process, task in self.signals:
            signal.send(sender=sender, process=process, task=task)

    def still_open(self) -> list[Task]:
        open_tasks = []
        for pk, tasks in self.unfinished.items():
            for task in tasks:
                if task.status not in OPEN:
                    continue
                task.process = self.by_pk[pk]
                if not Task.deadline.related.is_cached(task):
                    Task.deadline.related.set_cached_value(task, None)
                open_tasks.append(task)
        return sorted(open_tasks, key=lambda t: (t.created, t.pk))


# --- PostgreSQL's one statement -------------------------------------------------------------------


class _Columns:
    """A model's columns but its id, and each one's array type (without a length: a value too long
    fails as Django's INSERT would, rather than being cut)."""

    def __init__(self, model, connection):
        self.fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
        self.types = [re.sub(r"\(\d+\)$", "", f.db_type(connection)) for f in self.fields]
        self.key = re.sub(r"\(\d+\)$", "", model._meta.pk.db_type(connection))


@cache
def _columns_of(model, alias: str) -> _Columns:
    return _Columns(model, connections[alias])


def _columns(model, connection) -> _Columns:
    return _columns_of(model, connection.alias)


def _prepared(field, objects, connection) -> list:
    """The column's values as Django's INSERT would send them (JSON as its text)."""
    if field.get_internal_type() == "JSONField":
        return [None if (v := getattr(o, field.attname)) is None else json.dumps(v, cls=field.encoder) for o in objects]
    return [field.get_db_prep_save(field.pre_save(o, True), connection) for o in objects]


@cache
def _statement(shape: tuple[bool, ...], alias: str | None = None) -> str:
    """The step's statement for its shape: (new tasks, links, tasks changed, processes finished,
    deadlines opened, deadlines closed), each present or not."""
    from .models import TaskDeadline

    new, links, changed, finished, opened, closed = shape
    connection = connections[alias or router.db_for_write(Task)]
    q = connection.ops.quote_name
    tasks, task_table = _columns(Task, connection), q(Task._meta.db_table)
    key = tasks.key
    parts, answers = [], []
    if new:
        parts.append(f"ids AS MATERIALIZED (SELECT o, nextval(pg_get_serial_sequence('{Task._meta.db_table}', "
                     f"'{Task._meta.pk.column}')) AS id FROM unnest(%s::integer[]) AS o)")
        arrays, names, select = ["%s::integer[]"], ["split"], []
        for f, kind in zip(tasks.fields, tasks.types, strict=True):
            if f.attname == "token":
                arrays += ["%s::text[]", "%s::text[]"]
                names += ["token", "token_suffix"]
                select.append("CONCAT(v.token, s.id, v.token_suffix)")
            else:
                arrays.append(f"%s::{'text' if kind == 'jsonb' else kind}[]")
                names.append(q(f.column))
                select.append(f"CAST(v.{q(f.column)} AS jsonb)" if kind == "jsonb" else f"v.{q(f.column)}")
        parts.append(
            f"new AS (INSERT INTO {task_table} ({q(Task._meta.pk.column)}, "
            + ", ".join(q(f.column) for f in tasks.fields) + ") SELECT ids.id, " + ", ".join(select)
            + " FROM unnest(" + ", ".join(arrays) + ") WITH ORDINALITY AS v(" + ", ".join(names) + ", o)"
            " JOIN ids ON ids.o = v.o LEFT JOIN ids s ON s.o = v.split)")
        answers.append("SELECT 0, o, id FROM ids")
    if links:
        through = Task.previous.through
        found = "LEFT JOIN ids f ON f.o = v.from_o LEFT JOIN ids t ON t.o = v.to_o" if new else ""
        ends = "COALESCE(f.id, v.from_id), COALESCE(t.id, v.to_id)" if new else "v.from_id, v.to_id"
        parts.append(
            f"links AS (INSERT INTO {q(through._meta.db_table)} (from_task_id, to_task_id) SELECT {ends} "
            f"FROM unnest(%s::integer[], %s::{key}[], %s::integer[], %s::{key}[]) AS v(from_o, from_id, to_o, to_id) "
            f"{found})")
    if changed:
        owner = _columns(Task, connection).types[[f.attname for f in tasks.fields].index("owner_id")]
        parts.append(
            f"done AS (UPDATE {task_table} AS u SET status = v.status, owner_id = v.owner_id, started = v.started, "
            f"finished = v.finished FROM unnest(%s::{key}[], %s::varchar[], %s::{owner}[], "
            "%s::timestamp with time zone[], %s::timestamp with time zone[]) AS v(id, status, owner_id, started, "
            "finished) WHERE u.id = v.id)")
    if finished:
        parts.append(f"finished AS (UPDATE {q(Process._meta.db_table)} SET status = %s, finished = %s "
                     f"WHERE id = ANY(%s::{_columns(Process, connection).key}[]))")
    if opened:
        rows = _columns(TaskDeadline, connection)
        arrays, names, select = ["%s::integer[]"], ["o"], []
        for f, kind in zip(rows.fields, rows.types, strict=True):
            arrays.append(f"%s::{kind}[]")
            names.append(q(f.column))
            select.append(f"COALESCE(ids.id, v.{q(f.column)})" if f.attname == "task_id" and new else f"v.{q(f.column)}")
        found = "LEFT JOIN ids ON ids.o = v.o" if new else ""
        parts.append(
            f"opened AS (INSERT INTO {q(TaskDeadline._meta.db_table)} (" + ", ".join(q(f.column) for f in rows.fields)
            + ") SELECT " + ", ".join(select) + " FROM unnest(" + ", ".join(arrays) + ") AS v(" + ", ".join(names)
            + f") {found} RETURNING task_id, id)")
        answers.append("SELECT 1, task_id, id FROM opened")
    if closed:
        parts.append(f"closed AS (UPDATE {q(TaskDeadline._meta.db_table)} SET is_open = false "
                     f"WHERE task_id = ANY(%s::{key}[]) AND is_open)")
    return "WITH " + ", ".join(parts) + " " + (" UNION ALL ".join(answers) or "SELECT 0, 0, 0 WHERE false")


DECLINED = object()  # what `start` answers when the start is viewflow's


def start(node, **kwargs):
    """`node.run(**kwargs)` (a `flow.StartHandle`) as viewflow's `StartHandleActivation` runs it:
    the process and its start task (done), the flow's start function called with them, then the
    walk from the start task, all written as `step` writes (the process by the start function's
    own save, the rest in one statement). DECLINED when it is viewflow's to run (nothing done)."""
    flow_class = node.flow_class
    if (type(node) is not flow.StartHandle or getattr(node, "_boundary_events", None) or not enabled()
            or not context.propagate_exception or set(kwargs) & _START_OPTIONS
            or not supported(flow_class) or not _listeners_allow()):
        return DECLINED
    process = flow_class.process_class(flow_class=flow_class)
    task = Task(flow_task=node, process=process, flow_task_type=node.task_type, started=timezone.now(), data={})
    function = this.resolve(flow_class.instance, node._func)
    result = function(_Activation(task, process), **kwargs) if function else process
    if process.pk is None:
        process.save()
    task.process = process  # its id, now that it has one
    work = _Step([], {process.pk: process})
    work.signals.append((task_started, flow_class, process, task))
    work.new.append(task)
    work.unfinished[process.pk].append(task)
    work.save(task, created=True)
    work.complete(task, process)
    work.signals.append((flow_started, flow_class, process, task))
    work.walk(work.create_next(task))
    with deadlines.batched():
        work.deadlines()
        work.write()
        work.announce()
    work.signal()
    return result


# StartHandle.run's keywords for viewflow itself (a parent task, process or task data and seed).
_START_OPTIONS = {"_parent_task", "_process_data", "_process_seed", "_task_data", "_task_seed"}


def step(tasks: list[Task], done: list[Task], actor, by_pk: dict[int, Process]) -> list[Task] | None:
    """Finish `done` (human tasks among `tasks`, the open tasks of the locked processes `by_pk`)
    and walk on as viewflow would; return the processes' open tasks after it (each with its process
    and deadline), or None when the step is not this engine's (nothing done: viewflow takes it)."""
    if not _possible(done, by_pk):
        return None
    work = _Step(tasks, by_pk)
    try:
        for task in done:
            work.finish(task, actor)
    except Unsupported:
        work.undo()
        return None
    with deadlines.batched():
        work.deadlines()
        work.write()
        work.announce()
    work.signal()
    return work.still_open()
