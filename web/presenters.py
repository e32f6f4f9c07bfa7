"""What the pages show, worked out from the data: labels of actions, steps and states, the list's
sorts and organisation chooser, the dossier page's next-step panel, field rows, timeline and
process panel. Nothing here answers a request: the views in `web.views` call these and hand the
results to their templates."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from django.db.models import Q, Subquery
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers import steps
from dossiers.models import Dossier, Organization, State
from permissions.scoping import scope_roots, visible_organizations
from ui.links import url_maker
from ui.templatetags.vn import vn_date, vn_datetime, vn_name, vn_short_date
from workflows.page import status_label, task_title

from . import access


def step_label(name: str) -> str:
    return steps.label(name)


ACTION_LABELS = {
    "create": gettext_lazy("Added to the source list"),
    "update_details": gettext_lazy("Dossier details edited"),
    "update_candidate": gettext_lazy("Candidate's personal data edited"),
}


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    return step_label(action)


# --- The list ---------------------------------------------------------------------------------

# The list's orders live with its filters (ui.filters), shared with the API.


# The organisation chooser lists the top of the user's scope and one level below it, then the
# children and ancestors of the organisation chosen (drill-down). Listing a province's whole tree
# (6,000 organisations) cost seconds of rendering; the field still accepts any organisation in scope.
def organization_choices(user, selected) -> list[tuple[str, str]]:
    """(id, name) of the organisations the list's chooser offers, in tree order; one query.

    The top is found from the scope's paths (read once per request) and its children through
    their parent, each an indexed lookup, joined by UNION: one condition ORing them made
    PostgreSQL walk a province's whole subtree (7 ms measuring every path, 70 ms with a subplan)."""
    roots = scope_roots(user)
    columns = ("pk", "name", "path")
    if roots is None:
        parts = [Organization.objects.filter(Q(parent__isnull=True) | Q(parent__parent__isnull=True))]
    elif not roots:
        return []
    else:
        # Paths are 7 characters a level: the shallowest roots, their children, and the roots one
        # level deeper (which a shallower root's children may not include).
        shallowest = min(len(p) for p in roots)
        parts = [
            Organization.objects.filter(path__in=[p for p in roots if len(p) <= shallowest + 7]),
            Organization.objects.filter(parent_id__in=Organization.objects.filter(
                path__in=[p for p in roots if len(p) == shallowest]).values("pk")),
        ]
    if selected not in (None, "") and str(selected).isdigit():
        pk = int(selected)
        parts.append(visible_organizations(user).filter(
            Q(pk=pk) | Q(parent_id=pk) | Q(pk=Subquery(Organization.objects.filter(pk=pk).values("parent_id")))))
    first, *rest = [part.order_by().values_list(*columns) for part in parts]
    rows = first.union(*rest).order_by("path") if rest else first.order_by("path")
    return [(str(pk), name) for pk, name, _path in rows]


def state_labels() -> dict[str, str]:
    """{state: its label in the active language}."""
    return {value: str(label) for value, label in State.choices}


# The list's column headings, in order (the table's head and each cell's data-label).
LIST_HEADINGS = (
    gettext_lazy("Candidate"), gettext_lazy("Date of birth"), gettext_lazy("Party cell"), gettext_lazy("State"),
    gettext_lazy("On the source list since"), gettext_lazy("Last change"),
)


def _escape(value) -> str:
    """Django's `escape` of a plain value (not already safe): `html.escape(str(value))`."""
    return html.escape(str(value))


def list_rows_html(dossiers) -> SafeString:
    """The dossier list's table rows (`<tr>`…), written here rather than by a `{% for %}` in the
    template: 25 rows of six cells cost the template ~3 ms a page (a variable lookup, a filter and
    an escape per cell, through the template engine's nodes), more than the page's SQL; here one
    f-string a row, every value escaped as the template would, one `reverse` per page for the
    links and the states' labels worked out once. The values are plain strings and dates from the
    database, escaped by `html.escape` as Django's `escape` does, without its lazy-string wrapper
    (~450 escapes a page through `conditional_escape` cost more than the rows' f-strings)."""
    esc = _escape
    labels = state_labels()
    link = url_maker("dossiers:detail")
    l_candidate, l_birth, l_cell, l_state, l_spotted, l_changed = (
        conditional_escape(label) for label in LIST_HEADINGS)
    out = []
    for d in dossiers:
        candidate, state = d.candidate, d.state
        out.append(
            f'<tr>\n<td data-label="{l_candidate}"><a href="{esc(link(d.pk))}">{esc(candidate.full_name)}</a></td>\n'
            f'<td class="web-nowrap" data-label="{l_birth}">{esc(vn_short_date(candidate.birth_date))}</td>\n'
            f'<td data-label="{l_cell}">{esc(d.cell.name)}</td>\n'
            f'<td data-label="{l_state}"><span class="web-state web-state--{esc(state)}">'
            f'{esc(labels.get(state, state))}</span></td>\n'
            f'<td data-label="{l_spotted}">{esc(vn_short_date(d.spotted_on))}</td>\n'
            f'<td data-label="{l_changed}">{esc(vn_short_date(d.last_change))}</td>\n</tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


# --- The dossier page -------------------------------------------------------------------------


@dataclass
class PanelStep:
    name: str
    label: str
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    may_take: bool = False
    roles: list[str] = field(default_factory=list)
    url: str = ""

    @property
    def allowed(self) -> bool:
        return not self.reasons


def next_step_panel(user, dossier: Dossier, today) -> list[PanelStep]:
    """Each step of the current state: can it be taken today, by this user, and if not, why."""
    pairs = [(s.name, s.label, v) for s, v in steps.next_steps(dossier, today)]
    panel = []
    for name, label, verdict in pairs:
        item = PanelStep(name=name, label=str(label), reasons=[str(r) for r in verdict.reasons],
                         warnings=[str(w) for w in verdict.warnings])
        if item.allowed:
            item.may_take = access.may_take_step(user, dossier, name)
            if item.may_take:
                item.url = reverse("dossiers:step", args=[dossier.pk, name])
            else:
                item.roles = access.role_labels(name)
        panel.append(item)
    return panel


def field_rows(obj, names) -> list[tuple[str, object]]:
    """(label, value) for the named model fields; choices as their labels, empty values left out."""
    rows = []
    for name in names:
        model_field = obj._meta.get_field(name)
        value = getattr(obj, name)
        if model_field.choices:
            value = getattr(obj, f"get_{name}_display")()
        if value in (None, ""):
            continue
        rows.append((str(model_field.verbose_name), value))
    return rows


# The dossier page prints the latest items of the timeline; the rest comes with the timeline's own
# page (`DossierTimelineView`), which the page loads when its reader unfolds the earlier history.
TIMELINE_RECENT = 10


def timeline(events, ended_tasks) -> list[dict]:
    """The dossier's history (`events`) and its process's ended tasks in one list, newest first, in the order
    they were recorded (the history is append-only; a task ends when the action that did its work
    is recorded). Each item says whether it is an action on the dossier or a task of the process,
    with the texts the page prints worked out here (a few dozen items: the template's filters and
    tags per item cost more than the rest of the page's sections together)."""
    states = state_labels()
    items = []
    for e in events:
        recorded = vn_datetime(e.at)
        items.append({
            "kind": "action", "at": e.at, "event": e, "label": action_label(e.action), "actor": vn_name(e.actor),
            "when": capfirst(vn_date(e.effective_on or e.at)),
            "recorded": _("Recorded at %(when)s") % {"when": recorded},
            "from_label": states.get(e.from_state, e.from_state), "to_label": states.get(e.to_state, e.to_state),
        })
    items += [
        {"kind": "task", "at": t.finished, "task": t, "label": task_title(t), "actor": vn_name(t.owner),
         "status": t.status, "status_label": status_label(t.status), "when": capfirst(vn_datetime(t.finished))}
        for t in ended_tasks if t.finished is not None
    ]
    items.sort(key=lambda item: item["at"], reverse=True)
    return items


def process_steps(process) -> list[tuple[object, list[str]]]:
    """(step, the lines of its status) for the process panel, in flow order."""
    rows = []
    not_on_path, not_reached = _("Not on this case's path"), _("Not reached yet")
    for step in process.steps:
        if step.current:
            lines = []
            for t in step.open_tasks:
                line = status_label(t.status)
                if t.owner is not None:
                    line += f": {vn_name(t.owner)}"
                deadline = getattr(t, "deadline", None)
                if deadline is not None:
                    line += " · " + _("due %(day)s") % {"day": vn_date(deadline.due_on)}
                lines.append(line)
        elif step.state in ("done", "canceled"):
            last = step.last
            line = status_label(last.status)
            if step.state == "done" and last.owner is not None:
                line += f": {vn_name(last.owner)}"
            lines = [f"{line}, {vn_date(last.finished)}"]
        elif step.state == "skipped" or process.finished:
            lines = [not_on_path]
        else:
            lines = [not_reached]
        rows.append((step, lines))
    return rows
