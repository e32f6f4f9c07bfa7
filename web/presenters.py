"""What the pages show, worked out from the data: labels of actions, steps and states, the list's
sorts and organisation chooser, the dossier page's next-step panel, field rows, timeline and
process panel. Nothing here answers a request: the views in `web.views` call these and hand the
results to their templates."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from urllib.parse import quote

from django.db.models import Q, Subquery
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst, normalize_newlines
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from dossiers import steps
from dossiers.models import Dossier, Organization, State
from permissions.actions import roles_over
from permissions.scoping import scope_roots, visible_organizations
from ui.links import step_url_maker, url_maker
from ui.templatetags.vn import vn_date, vn_datetime, vn_name, vn_number, vn_percent, vn_short_date
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
    """{state: its label in the active language}, worked out once per process and language."""
    language = get_language()
    labels = _state_labels.get(language)
    if labels is None:
        labels = _state_labels[language] = {value: str(label) for value, label in State.choices}
    return labels


_state_labels: dict[str | None, dict[str, str]] = {}


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


# --- The task tables ---------------------------------------------------------------------------

# What a task table shows, by kind (the inbox, the queue and its home-page excerpt, the archive,
# the overdue tasks): a choice box (queue), the date finished (archive) or due, and who holds the
# task (overdue, read-only) or what the viewer may do with it.
TASK_LABELS = {
    "choose": gettext_lazy("Choose"), "task": gettext_lazy("Task"), "candidate": gettext_lazy("Candidate"),
    "cell": gettext_lazy("Party cell"), "created": gettext_lazy("Created"), "done": gettext_lazy("Done on"),
    "due": gettext_lazy("Due"), "overdue": gettext_lazy("Overdue"), "held": gettext_lazy("Held by"),
    "action": gettext_lazy("Action"), "not_taken": gettext_lazy("Not taken yet"), "do": gettext_lazy("Do it"),
    "give_back": gettext_lazy("Give back"), "take": gettext_lazy("Take it"), "give_to": gettext_lazy("Give to…"),
}


def task_rows_html(tasks, *, kind: str, form_id: str, next_url: str) -> SafeString:
    """The rows (`<tr>`…) of a task table (`web/tasks/_table.html`), from the rows `task_rows` made
    (links, what the viewer may do, the dossier, the due date): as `list_rows_html`, one f-string a
    row instead of the template's loop, whose ~40 tags and lookups a row cost ~3 ms for 25 rows
    (inbox and queue, issue 21). Each cell's data-label is its column's heading; `next_url` is the
    page's own address, quoted as `|urlencode` does."""
    esc = _escape
    words = {key: esc(label) for key, label in TASK_LABELS.items()}
    l_choose, l_task, l_candidate, l_cell = (words[k] for k in ("choose", "task", "candidate", "cell"))
    l_created, l_done, l_due, l_held, l_action = (words[k] for k in ("created", "done", "due", "held", "action"))
    next_q = esc(quote(next_url, safe="/"))
    form = esc(form_id)
    out = []
    for task in tasks:
        dossier, title, pk = task.dossier, esc("" if task.title is None else task.title), int(task.pk)
        overdue = getattr(task, "overdue", False)
        cells = [f'<tr class="web-task{" web-task--overdue" if overdue else ""}" data-task="{pk}">']
        if kind == "queue":
            cells.append(f'<td data-label="{l_choose}"><input type="checkbox" name="task" value="{pk}" form="{form}" '
                         f'aria-label="{l_choose} {title}"></td>')
        cells.append(f'<td data-label="{l_task}">{title}</td>')
        candidate = (f'<a href="{esc(task.dossier_url)}">{esc(dossier.candidate.full_name)}</a>' if dossier else "")
        cells.append(f'<td data-label="{l_candidate}">{candidate}</td>')
        cells.append(f'<td data-label="{l_cell}">{esc(dossier.cell.name) if dossier else ""}</td>')
        cells.append(f'<td class="web-nowrap" data-label="{l_created}">{esc(vn_short_date(task.created))}</td>')
        if kind == "archive":
            cells.append(f'<td class="web-nowrap" data-label="{l_done}">{esc(vn_short_date(task.finished))}</td>')
        else:
            due = esc(vn_short_date(task.due_on)) if task.due_on else '<span class="web-muted">—</span>'
            late = f' <span class="web-state web-state--rejected web-overdue">{words["overdue"]}</span>' if overdue else ""
            cells.append(f'<td data-label="{l_due}">{due}{late}</td>')
            if kind == "overdue":
                held = esc(vn_name(task.owner)) if task.owner_id else f'<span class="web-muted">{words["not_taken"]}</span>'
                cells.append(f'<td data-label="{l_held}">{held}</td>')
            else:
                actions = []
                if task.mine and task.step_url:
                    actions.append(f'<a class="mdc-button mdc-button--raised" href="{esc(task.step_url)}">{words["do"]}</a>')
                    actions.append(f'<button class="mdc-button" type="submit" form="{form}" '
                                   f'formaction="{esc(task.unassign_url)}">{words["give_back"]}</button>')
                elif task.claimable:
                    actions.append(f'<button class="mdc-button mdc-button--outlined" type="submit" form="{form}" '
                                   f'formaction="{esc(task.claim_url)}">{words["take"]}</button>')
                elif task.owner_id:
                    actions.append(f'<span class="web-muted">{esc(vn_name(task.owner))}</span>')
                if task.may_reassign:
                    actions.append(f'<a class="mdc-button" href="{esc(task.reassign_url)}?next={next_q}">{words["give_to"]}</a>')
                cells.append(f'<td data-label="{l_action}"><div class="web-card__actions">{" ".join(actions)}</div></td>')
        cells.append("</tr>")
        out.append("\n".join(cells))
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
    # The viewer's roles over the dossier and the steps' link, worked out once for every step
    # (`access.may_take_step` asks the roles of each).
    held = step_url = None
    for name, label, verdict in pairs:
        item = PanelStep(name=name, label=str(label), reasons=[str(r) for r in verdict.reasons],
                         warnings=[str(w) for w in verdict.warnings])
        if item.allowed:
            if held is None:
                held = roles_over(user, dossier)
            item.may_take = bool(access.step_roles(name) & held)
            if item.may_take:
                step_url = step_url or step_url_maker()
                item.url = step_url(dossier.pk, name)
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


def timeline(events, ended_tasks, limit: int | None = None) -> list[dict]:
    """The dossier's history (`events`) and its process's ended tasks in one list, newest first, in the order
    they were recorded (the history is append-only; a task ends when the action that did its work
    is recorded). Each item says whether it is an action on the dossier or a task of the process,
    with the texts the page prints worked out here (a few dozen items: the template's filters and
    tags per item cost more than the rest of the page's sections together). `limit`: only the
    newest items, the others neither dated nor labelled (the dossier page prints the latest ten)."""
    entries = [(e.at, e, True) for e in events] + [(t.finished, t, False) for t in ended_tasks if t.finished is not None]
    entries.sort(key=lambda entry: entry[0], reverse=True)
    if limit is not None:
        entries = entries[:limit]
    states = state_labels() if any(is_action for _at, _obj, is_action in entries) else {}
    items = []
    for _at, obj, is_action in entries:
        if is_action:
            e = obj
            recorded = vn_datetime(e.at)
            items.append({
                "kind": "action", "at": e.at, "event": e, "label": action_label(e.action), "actor": vn_name(e.actor),
                "when": capfirst(vn_date(e.effective_on or e.at)),
                "recorded": _("Recorded at %(when)s") % {"when": recorded},
                "from_label": states.get(e.from_state, e.from_state), "to_label": states.get(e.to_state, e.to_state),
            })
        else:
            t = obj
            items.append({"kind": "task", "at": t.finished, "task": t, "label": task_title(t), "actor": vn_name(t.owner),
                          "status": t.status, "status_label": status_label(t.status),
                          "when": capfirst(vn_datetime(t.finished))})
    return items


def _linebreaksbr(text) -> str:
    """Django's `linebreaksbr` filter, escaping: newlines as <br>."""
    return html.escape(normalize_newlines(str(text))).replace("\n", "<br>")


def timeline_html(items: list[dict]) -> SafeString:
    """The timeline's `<ol>` (web/includes/timeline.html wrote it with a tag or filter per field
    of each item): the same markup, every value escaped as the template did."""
    esc = _escape
    l_task, l_action = _("Task"), _("Action")
    out = ['<ol class="web-timeline">']
    for item in items:
        actor = f" · {esc(item['actor'])}" if item["actor"] else ""
        if item["kind"] == "task":
            out.append(
                f'<li class="web-timeline__item web-timeline__item--task web-timeline__item--{esc(str(item["status"]).lower())}">\n'
                f'<div class="web-timeline__when">{esc(item["when"])}</div>\n'
                f'<div class="web-timeline__what"><span class="web-timeline__kind">{l_task}</span> {esc(item["label"])}</div>\n'
                f'<div class="web-timeline__recorded">{esc(item["status_label"])}{actor}</div>\n</li>')
        else:
            e = item["event"]
            transition = e.is_transition
            states = (f'{esc(item["from_label"])} → {esc(item["to_label"])}' if transition
                      else f'<span class="web-muted">{esc(item["to_label"])}</span>')
            note = f'\n<div class="web-timeline__note">{_linebreaksbr(e.note)}</div>' if e.note else ""
            out.append(
                f'<li class="web-timeline__item web-timeline__item--action{" web-timeline__item--transition" if transition else ""}">\n'
                f'<div class="web-timeline__when">{esc(item["when"])}</div>\n'
                f'<div class="web-timeline__what"><span class="web-timeline__kind">{l_action}</span> {esc(item["label"])}</div>\n'
                f'<div class="web-timeline__recorded">{esc(item["recorded"])}{actor}</div>\n'
                f'<div class="web-timeline__states">{states}</div>{note}\n</li>')
    out.append("</ol>")
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


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


def process_steps_html(rows: list[tuple[object, list[str]]]) -> SafeString:
    """The process panel's `<ol>` of `process_steps(…)` rows, as the page's template wrote it."""
    esc = _escape
    out = ['<ol class="web-process">']
    for step, lines in rows:
        current = ' aria-current="step"' if step.current else ""
        status = "<br>".join(esc(line) for line in lines)
        out.append(f'<li class="web-process__step web-process__step--{esc(step.state)}"{current}>\n'
                   f'<span class="web-process__title">{esc(step.title)}</span>\n'
                   f'<span class="web-process__status">{status}</span>\n</li>')
    out.append("</ol>")
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


def next_steps_html(panel: list[PanelStep]) -> SafeString:
    """The next-step panel's `<li>`s (`next_step_panel`), as the page's template wrote them."""
    esc = _escape
    can, do_it, not_yet = _("Can be done"), _("Do it"), _("Not yet")
    out = []
    for item in panel:
        if item.allowed:
            if item.may_take:
                status = (f'<span class="web-step__status">{can}</span>\n'
                          f'<a class="mdc-button mdc-button--raised web-step__button" href="{esc(item.url)}">{do_it}</a>')
            else:
                by = _("by: %(roles)s") % {"roles": ", ".join(esc(role) for role in item.roles)}
                status = f'<span class="web-step__status">{can}</span>\n<span class="web-step__roles">{by}</span>'
        else:
            status = f'<span class="web-step__status web-step__status--blocked">{not_yet}</span>'
        parts = [f'<li class="web-step {"web-step--ready" if item.allowed else "web-step--blocked"}">\n'
                 f'<div class="web-step__head">\n<span class="web-step__label">{esc(item.label)}</span>\n{status}\n</div>']
        if item.reasons:
            parts.append('<ul class="web-step__reasons">' + "".join(f"<li>{esc(r)}</li>" for r in item.reasons) + "</ul>")
        if item.warnings:
            parts.append('<ul class="web-step__warnings">' + "".join(f"<li>{esc(w)}</li>" for w in item.warnings)
                         + "</ul>")
        parts.append("</li>")
        out.append("\n".join(parts))
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


_choice_labels: dict[tuple, dict] = {}


def display(obj, name: str):
    """`obj.get_<name>_display()` with the field's labels worked out once per process and language
    (Django's method hashes every choice and translates its label on each call)."""
    key = (obj._meta.label_lower, name, get_language())
    labels = _choice_labels.get(key)
    if labels is None:
        labels = _choice_labels[key] = {value: str(label) for value, label in obj._meta.get_field(name).flatchoices}
    value = getattr(obj, name)
    return labels.get(value, value)


def votes_html(votes) -> SafeString:
    """The votes table's rows, (vote, its act or None) pairs, as the page's template wrote them."""
    esc = _escape
    l_meeting, l_entitled, l_present, l_for, l_against, l_abstain, l_result = (
        _("Meeting"), _("Entitled"), _("Present"), _("In favour"), _("Against"), _("Not voting"), _("Result"))
    passed, failed = _("Passed (two thirds)"), _("Not passed")
    out = []
    for v, act in votes:
        result = f'<strong class="web-pass">{passed}</strong>' if v.passed else f'<strong class="web-fail">{failed}</strong>'
        if act:
            number = " " + _("No. %(number)s") % {"number": esc(act.number)} if act.number else ""
            result += f"<br><small>{esc(act.kind)}{number}</small>"
        out.append(
            f'<tr>\n<td data-label="{l_meeting}">{esc(display(v, "purpose"))}<br><small>'
            f'{esc(vn_short_date(v.meeting_date))} · {esc(display(v, "meeting_mode"))}</small></td>\n'
            f'<td data-label="{l_entitled}">{esc(vn_number(v.eligible))}</td>\n'
            f'<td data-label="{l_present}">{esc(vn_number(v.present))}</td>\n'
            f'<td data-label="{l_for}">{esc(vn_number(v.votes_for))} ({esc(vn_percent(v.votes_for, v.eligible))})</td>\n'
            f'<td data-label="{l_against}">{esc(vn_number(v.votes_against))}</td>\n'
            f'<td data-label="{l_abstain}">{esc(vn_number(v.abstain))}</td>\n'
            f'<td data-label="{l_result}">{result}</td>\n</tr>')
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


def acts_html(acts) -> SafeString:
    """The resolutions and decisions table's rows, as the page's template wrote them."""
    esc = _escape
    l_act, l_number, l_date, l_issuer, l_signer = _("Act"), _("Number"), _("Date"), _("Issued by"), _("Signed by")
    refused = _("refused")
    out = []
    for a in acts:
        kind = esc(display(a, "kind"))
        if not a.approved:
            kind += f' — <strong class="web-fail">{refused}</strong>'
        if a.reason:
            kind += f"<br><small>{esc(a.reason)}</small>"
        out.append(
            f'<tr>\n<td data-label="{l_act}">{kind}</td>\n'
            f'<td data-label="{l_number}">{esc(a.number or "—")}</td>\n'
            f'<td data-label="{l_date}">{esc(vn_short_date(a.date))}</td>\n'
            f'<td data-label="{l_issuer}">{esc(a.issuer)}</td>\n'
            f'<td data-label="{l_signer}">{esc(a.signer)}</td>\n</tr>')
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


def documents_html(acts) -> SafeString:
    """The documents section's `<li>`s (every act of the dossier), as the page's template wrote them."""
    esc = _escape
    out = []
    for a in acts:
        number = ", " + _("No. %(number)s") % {"number": esc(a.number)} if a.number else ""
        signer = f" — {esc(a.signer)}" if a.signer else ""
        out.append(f"<li>{esc(display(a, 'kind'))}{number}, {esc(vn_short_date(a.date))}{signer}</li>")
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


def verifications_html(verifications) -> SafeString:
    """The personal-history verification table's rows, as the page's template wrote them."""
    esc = _escape
    self_label, issue = _("The candidate (self)"), _("has an issue")
    out = []
    for v in verifications:
        relative = v.relative
        who = f"{esc(display(relative, 'kind'))}: {esc(relative.full_name)}" if relative else self_label
        if v.concluded_on:
            flag = f' <strong class="web-flag">{issue}</strong>' if v.has_issue else ""
            outcome = f"{esc(vn_short_date(v.concluded_on))}: {esc(v.conclusion)}{flag}"
        else:
            outcome = esc(display(v, "status"))
        out.append(
            f"<tr>\n<td>{who}</td>\n"
            f"<td>{esc(display(v, 'method'))}<br><small>{esc(v.verifying_unit)}</small></td>\n"
            f"<td>{esc(vn_short_date(v.sent_on))}</td>\n<td>{outcome}</td>\n</tr>")
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


_ENDED = ' class="web-row--ended"'


def _vn_date_or_dash(day) -> str:
    """`{{ day|vn_date|default:"—" }}`."""
    return vn_date(day) or "—"


def evidence_html(*, dossier, certificates, mentors, introducers, union_resolutions, verifications, opinions,
                  votes, acts, ceremony, new_member_certificates, progress_reports, self_reviews) -> SafeString:
    """The evidence section's content after its title, step by step, as the page's template wrote it
    (a `{% if %}` and a loop per kind of evidence, a tag or filter per field)."""
    esc, br = _escape, _linebreaksbr
    out = []
    if certificates:
        out.append(f"<h3>{_('Party awareness class and certificate')}</h3>")
        for c in certificates:
            if c.is_issued:
                certificate = _("No. %(number)s, %(day)s") % {"number": esc(c.number), "day": esc(vn_date(c.issued_on))}
                if c.score:
                    certificate += f" ({esc(c.score)})"
            else:
                certificate = _("not issued yet")
            rows = [f"<div><dt>{_('Class')}</dt><dd>{esc(c.class_name)}</dd></div>",
                    f"<div><dt>{_('Organised by')}</dt><dd>{esc(c.organiser)}</dd></div>",
                    f"<div><dt>{_('Class start date')}</dt><dd>{esc(vn_date(c.start_date))}</dd></div>"]
            if c.end_date:
                rows.append(f"<div><dt>{_('Class end date')}</dt><dd>{esc(vn_date(c.end_date))}</dd></div>")
            rows.append(f"<div><dt>{_('Certificate')}</dt><dd>{certificate}</dd></div>")
            out.append('<dl class="web-facts">\n' + "\n".join(rows) + "\n</dl>")
    if mentors:
        rows = "\n".join(
            f"<tr{_ENDED if m.ended_on else ''}><td>{esc(m.member.full_name)}</td>"
            f"<td>{esc(vn_short_date(m.assigned_on))}</td><td>{esc(vn_short_date(m.ended_on) or '—')}</td></tr>"
            for m in mentors)
        out.append(f"<h3>{_('Members assigned to help')}</h3>\n"
                   f'<table class="web-table">\n<thead><tr><th scope="col">{_("Member")}</th>'
                   f'<th scope="col">{_("Assigned on")}</th><th scope="col">{_("Until")}</th></tr></thead>\n'
                   f"<tbody>\n{rows}\n</tbody>\n</table>")
    if introducers or union_resolutions:
        out.append(f"<h3>{_('Introduction')}</h3>")
        if introducers:
            exception = _("Exception:")
            rows = []
            for i in introducers:
                override = f"<br><small>{exception} {esc(i.override_reason)}</small>" if i.override_reason else ""
                if i.ended_on:
                    ended = esc(vn_short_date(i.ended_on)) + (f": {esc(i.end_reason)}" if i.end_reason else "")
                else:
                    ended = "—"
                rows.append(f"<tr{_ENDED if i.ended_on else ''}>\n"
                            f"<td>{esc(i.member.full_name)}{override}</td>\n"
                            f"<td>{esc(vn_short_date(i.worked_together_since))}</td>\n"
                            f"<td>{esc(vn_short_date(i.assigned_on))}</td>\n<td>{ended}</td>\n</tr>")
            out.append(f'<table class="web-table">\n<thead><tr><th scope="col">{_("Introducing member")}</th>'
                       f'<th scope="col">{_("Worked together since")}</th><th scope="col">{_("Assigned on")}</th>'
                       f'<th scope="col">{_("Ended")}</th></tr></thead>\n<tbody>\n' + "\n".join(rows)
                       + "\n</tbody>\n</table>")
        for a in union_resolutions:
            number = _("No. %(number)s") % {"number": esc(a.number)} + ", " if a.number else ""
            out.append(f"<p>{esc(display(a, 'kind'))}: {number}{esc(vn_date(a.date))}, {esc(a.issuer)} — "
                       f"{esc(a.signer)}</p>")
    if dossier.application_received_on or dossier.history_received_on or dossier.history_certified_on:
        out.append(
            f"<h3>{_('Application and personal history')}</h3>\n<dl class=\"web-facts\">\n"
            f"<div><dt>{_('Application (1-KNĐ) received')}</dt><dd>{esc(_vn_date_or_dash(dossier.application_received_on))}</dd></div>\n"
            f"<div><dt>{_('Personal history (2-KNĐ) received')}</dt><dd>{esc(_vn_date_or_dash(dossier.history_received_on))}</dd></div>\n"
            f"<div><dt>{_('Personal history certified')}</dt><dd>{esc(_vn_date_or_dash(dossier.history_certified_on))}</dd></div>\n"
            "</dl>")
    if verifications:
        out.append(f"<h3>{_('Personal-history verification')}</h3>\n"
                   f'<table class="web-table">\n<thead><tr><th scope="col">{_("Person verified")}</th>'
                   f'<th scope="col">{_("Method")}</th><th scope="col">{_("Sent / visited")}</th>'
                   f'<th scope="col">{_("Conclusion")}</th></tr></thead>\n'
                   f"<tbody>\n{verifications_html(verifications)}\n</tbody>\n</table>")
    if opinions:
        out.append(f"<h3>{_('Summaries of opinions')}</h3>")
        not_favourable = _("not favourable")
        works, lives = _("Where the candidate works"), _("Where the candidate lives")
        for o in opinions:
            flag = "" if o.favourable else f' — <strong class="web-flag">{not_favourable}</strong>'
            out.append(f'<dl class="web-facts">\n<div><dt>{esc(display(o, "stage"))}</dt><dd>{esc(vn_date(o.date))}{flag}</dd></div>\n'
                       f'<div class="web-facts__wide"><dt>{works}</dt><dd>{br(o.workplace_opinion)}</dd></div>\n'
                       f'<div class="web-facts__wide"><dt>{lives}</dt><dd>{br(o.residence_opinion)}</dd></div>\n</dl>')
    if votes:
        out.append(f"<h3>{_('Votes')}</h3>\n"
                   f'<table class="web-table web-table--cards">\n<thead><tr>\n'
                   f'<th scope="col">{_("Meeting")}</th><th scope="col">{_("Entitled")}</th>'
                   f'<th scope="col">{_("Present")}</th>\n'
                   f'<th scope="col">{_("In favour")}</th><th scope="col">{_("Against")}</th>'
                   f'<th scope="col">{_("Not voting")}</th><th scope="col">{_("Result")}</th>\n'
                   f"</tr></thead>\n<tbody>\n{votes_html(votes)}\n</tbody>\n</table>")
    if acts:
        out.append(f"<h3>{_('Resolutions and decisions')}</h3>\n"
                   f'<table class="web-table web-table--cards">\n<thead><tr><th scope="col">{_("Act")}</th>'
                   f'<th scope="col">{_("Number")}</th><th scope="col">{_("Date")}</th>'
                   f'<th scope="col">{_("Issued by")}</th><th scope="col">{_("Signed by")}</th></tr></thead>\n'
                   f"<tbody>\n{acts_html(acts)}\n</tbody>\n</table>")
    if ceremony:
        out.append(f"<h3>{_('Admission ceremony')}</h3>\n<dl class=\"web-facts\">\n"
                   f"<div><dt>{_('Date')}</dt><dd>{esc(vn_date(ceremony.date))}</dd></div>\n"
                   f"<div><dt>{_('Place')}</dt><dd>{esc(ceremony.place)}</dd></div>\n"
                   f"<div><dt>{_('Chaired by')}</dt><dd>{esc(ceremony.chaired_by)}</dd></div>\n</dl>")
    if new_member_certificates:
        title = _("New members' class")
        out.append(f"<h3>{title}</h3>")
        for c in new_member_certificates:
            issued = _("No. %(number)s, %(day)s") % {"number": esc(c.number), "day": esc(vn_date(c.issued_on))}
            out.append(f"<p>{esc(c.class_name)} — {esc(c.organiser)}: {issued}</p>")
    if progress_reports:
        title = _("Mentor's reports")
        out.append(f"<h3>{title}</h3>")
        evaluation = _("Evaluation")
        for r in progress_reports:
            out.append(f'<dl class="web-facts">\n<div><dt>{esc(display(r, "stage"))}</dt><dd>{esc(r.mentor.full_name)}: '
                       f"{esc(vn_short_date(r.period_start))} – {esc(vn_short_date(r.period_end))}</dd></div>\n"
                       f'<div class="web-facts__wide"><dt>{evaluation}</dt><dd>{br(r.content)}</dd></div>\n</dl>')
    if self_reviews:
        out.append(f"<h3>{_('Self-review (10-KNĐ)')}</h3>")
        written, strengths, weaknesses = _("Date written"), _("Strengths"), _("Weaknesses")
        for r in self_reviews:
            out.append(f'<dl class="web-facts">\n<div><dt>{written}</dt><dd>{esc(vn_date(r.date))}</dd></div>\n'
                       f'<div class="web-facts__wide"><dt>{strengths}</dt><dd>{br(r.strengths)}</dd></div>\n'
                       f'<div class="web-facts__wide"><dt>{weaknesses}</dt><dd>{br(r.weaknesses)}</dd></div>\n</dl>')
    if not (certificates or mentors or introducers or union_resolutions or verifications or opinions or votes or acts):
        out.append(f'<p class="web-empty">{_("No evidence recorded yet.")}</p>')
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped
