"""What importing a file would do, row by row, checked by the rules the pages apply.

`plan(kind, sheet, scope, ...)` reads every row into typed values, matches it by its stable key
(organisation: name under its parent; member: party card number; candidate: citizen ID number),
and says what it would do: create, update, leave unchanged, or refuse with its reasons in
Vietnamese and its row number in the file. A candidate's dossier is walked, in memory, through
every step up to the state the file says it reached, each step's gate (`dossiers.steps.check`)
asked on the date the file gives for it: the file cannot carry a case the application would refuse.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import gates, rules, steps
from dossiers.formatting import fold, vn_date
from dossiers.models import (
    ALLOWED_PARENT_LEVELS,
    OPEN_STATES,
    ActKind,
    Candidate,
    Ceremony,
    CertificateKind,
    Dossier,
    Introducer,
    MemberStatus,
    Mentor,
    OpinionStage,
    OpinionSummary,
    Organization,
    OrgLevel,
    PartyAct,
    PartyMember,
    Source,
    State,
    TrainingCertificate,
    Verification,
    VerificationMethod,
    VerificationStatus,
    Vote,
    VotePurpose,
)

from .columns import BOOL, CHOICE, CHOICE_MAPS, COLUMNS, DATE, INT, STATE_ORDER, Column
from .models import ImportKind
from .reading import BadValue, FileRefused, Sheet, header_key, nfc, parse_date, parse_int
from .scope import OrgScope, key

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"


@dataclass
class RowPlan:
    row: int
    key: str = ""
    label: str = ""
    action: str = CREATE
    reasons: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    target: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def refuse(self, *reasons: str) -> None:
        self.reasons.extend(r for r in reasons if r)

    def as_report(self) -> dict:
        return {"row": self.row, "key": self.key, "label": self.label,
                "action": REFUSED if self.reasons else self.action, "reasons": [str(r) for r in self.reasons],
                "changes": self.changes}


# --- Columns and values ------------------------------------------------------------------------


def column_index(kind: str, headers: list[str]) -> dict[str, int]:
    """Column key → position in the file; refuses a sheet whose required headers are missing."""
    columns = COLUMNS[kind]
    by_header = {header_key(c.header): c for c in columns}
    index: dict[str, int] = {}
    for position, header in enumerate(headers):
        column = by_header.get(header_key(header))
        if column is not None and column.key not in index:
            index[column.key] = position
    missing = [c.header for c in columns if c.required and c.key not in index]
    if missing:
        raise FileRefused(_("The file's columns do not match the template “%(kind)s”: missing %(columns)s. "
                            "Download the template and copy the data into it.") % {
            "kind": ImportKind(kind).label, "columns": ", ".join(f"“{m}”" for m in missing)})
    return index


def typed(kind: str, column: Column, raw) -> Any:
    if column.type == DATE:
        return parse_date(raw)
    if column.type == INT:
        return parse_int(raw)
    text = nfc(raw)
    if column.type in (CHOICE, BOOL):
        if not text:
            return None
        value = CHOICE_MAPS[kind][column.key].get(header_key(text))
        if value is None:
            raise BadValue(_("“%(value)s” is not one of the allowed values (%(allowed)s).") % {
                "value": text, "allowed": ", ".join(column.choices)})
        return value == "1" if column.type == BOOL else value
    if len(text) > column.max_length:
        raise BadValue(_("At most %(n)d characters.") % {"n": column.max_length})
    return text


def read_row(kind: str, number: int, values: list, index: dict[str, int]) -> RowPlan:
    plan = RowPlan(row=number)
    for column in COLUMNS[kind]:
        raw = values[index[column.key]] if column.key in index and index[column.key] < len(values) else None
        try:
            value = typed(kind, column, raw)
        except BadValue as exc:
            plan.refuse(f"{column.header}: {exc}")
            value = None
        if value in (None, "") and column.required:
            plan.refuse(_("%(column)s: required.") % {"column": column.header})
        plan.data[column.key] = value
    today = timezone.localdate()
    for column in COLUMNS[kind]:
        value = plan.data.get(column.key)
        if column.type == DATE and value is not None and value > today:
            plan.refuse(_("%(column)s: %(date)s is in the future.") % {"column": column.header, "date": vn_date(value)})
    return plan


def plan(kind: str, sheet: Sheet, *, user, progress=None) -> list[RowPlan]:
    index = column_index(kind, sheet.headers)
    if not sheet.rows:
        raise FileRefused(_("The file has no data rows under its headers."))
    example = [header_key(nfc(v)) for v in _example(kind)]
    rows = [read_row(kind, number, values, index) for number, values in sheet.rows
            if not _is_example(values, index, kind, example)]
    if not rows:
        raise FileRefused(_("The file has no data rows under its headers."))
    scope = OrgScope(user)
    planner = {ImportKind.ORGANIZATIONS: plan_organizations, ImportKind.MEMBERS: plan_members,
               ImportKind.CANDIDATES: plan_candidates}[kind]
    planner(rows, scope, progress=progress)
    return rows


def _example(kind: str) -> list[str]:
    return [c.example for c in COLUMNS[kind]]


def _is_example(values: list, index: dict[str, int], kind: str, example: list[str]) -> bool:
    """The template's example row, left in the file: ignored."""
    for column, expected in zip(COLUMNS[kind], example, strict=True):
        position = index.get(column.key)
        raw = values[position] if position is not None and position < len(values) else None
        if header_key(nfc(raw)) != expected:
            return False
    return True


def _duplicates(rows: list[RowPlan]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        if not row.key:
            continue
        if row.key in seen:
            row.refuse(_("The same key as row %(row)d: each person or organisation once per file.") % {
                "row": seen[row.key]})
        else:
            seen[row.key] = row.row


def _tick(progress, done: int) -> None:
    if progress is not None and done % 500 == 0:
        progress(done)


# --- Organisations -------------------------------------------------------------------------------

ORG_FIELDS = ["short_name", "level", "category", "admission_authority", "has_party_committee",
              "committee_members", "has_youth_union", "has_trade_union", "place_name"]


def plan_organizations(rows: list[RowPlan], scope: OrgScope, *, progress=None) -> None:
    for n, row in enumerate(rows, start=1):
        _tick(progress, n)
        d = row.data
        row.label = d["name"] or ""
        parent = None
        if d["parent"]:
            parent, why = scope.find(d["parent"])
            row.refuse(why)
            if parent is not None and parent.pk and not scope.covers(parent):
                row.refuse(_("“%(name)s” is outside your scope.") % {"name": parent.name})
        elif not scope.admin:
            row.refuse(_("Only an administrator creates a top-level organisation."))
        row.key = f"{parent.pk if parent and parent.pk else id(parent)}/{key(d['name'] or '')}"
        if row.reasons:
            continue
        level = d["level"]
        parent_level = parent.level if parent is not None else None
        if parent_level not in ALLOWED_PARENT_LEVELS[OrgLevel(level)]:
            row.refuse(_("Level “%(level)s” cannot be directly under level “%(parent)s”.") % {
                "level": OrgLevel(level).label, "parent": OrgLevel(parent_level).label if parent_level else "—"})
            continue
        existing = None
        if parent is not None and parent.pk:
            existing = next((o for o in scope.by_name.get(key(d["name"]), []) if o.parent_id == parent.pk and o.pk),
                            None)
        values = {f: d[f] for f in ORG_FIELDS if d.get(f) is not None}
        if existing is not None:
            if existing.level != level:
                row.refuse(_("“%(name)s” already exists at level “%(level)s”; its level cannot be changed by an "
                             "import.") % {"name": existing.name, "level": existing.get_level_display()})
                continue
            row.target = existing
            row.changes = [str(Organization._meta.get_field(f).verbose_name) for f, v in values.items()
                           if getattr(existing, f) != v]
            row.action = UPDATE if row.changes else UNCHANGED
        else:
            org = Organization(name=d["name"], **values)
            row.target = org
            scope.add(_PendingOrg(org, parent))
        row.extra["values"] = values
        row.extra["parent"] = parent
    _duplicates(rows)


class _PendingOrg:
    """An organisation created by an earlier row of the same file, found by name by later rows."""

    def __init__(self, org: Organization, parent):
        self.org, self.name, self.level, self.parent, self.pk, self.path = org, org.name, org.level, parent, None, ""
        self.parent_id = getattr(parent, "pk", None)


# --- Members ---------------------------------------------------------------------------------------

MEMBER_FIELDS = ["full_name", "sex", "birth_date", "joined_on", "official_since", "position", "in_cell_since",
                 "transferred_from"]


def plan_members(rows: list[RowPlan], scope: OrgScope, *, progress=None) -> None:
    cards = [r.data["card_number"] for r in rows if r.data.get("card_number")]
    existing = {}
    for start in range(0, len(cards), 900):
        for m in PartyMember.objects.filter(card_number__in=cards[start:start + 900]).select_related("cell"):
            existing[m.card_number] = m
    for n, row in enumerate(rows, start=1):
        _tick(progress, n)
        d = row.data
        row.key, row.label = d["card_number"] or "", d["full_name"] or ""
        cell = None
        if d["cell"]:
            cell, why = scope.find(d["cell"])
            row.refuse(why)
            if cell is not None and cell.level != OrgLevel.CELL:
                row.refuse(_("“%(name)s” is not a cell: the roster is kept by a party cell.") % {"name": cell.name})
        if row.reasons:
            continue
        values = {f: d[f] if d[f] is not None else "" for f in MEMBER_FIELDS}
        for f in ("birth_date", "official_since", "in_cell_since"):
            values[f] = d[f]
        member = existing.get(row.key)
        if member is not None:
            if not scope.covers(member.cell):
                row.refuse(_("The member with card number %(card)s is on the roster of an organisation outside your "
                             "scope.") % {"card": row.key})
                continue
            if member.cell_id != cell.pk:
                row.refuse(_("The member with card number %(card)s is on the roster of “%(cell)s”: a transfer is "
                             "recorded on the roster page.") % {"card": row.key, "cell": member.cell.name})
                continue
            probe = PartyMember(**{f.attname: getattr(member, f.attname) for f in PartyMember._meta.concrete_fields})
        else:
            probe = PartyMember(cell=cell, card_number=row.key)
        for f, v in values.items():
            setattr(probe, f, v)
        probe.status = MemberStatus.OFFICIAL if probe.official_since else MemberStatus.PROBATIONARY
        if member is not None and member.status == MemberStatus.LEFT:
            probe.status = MemberStatus.LEFT
        probe.cell = cell
        row.refuse(*_validation(probe))
        if row.reasons:
            continue
        if member is not None:
            row.changes = [str(PartyMember._meta.get_field(f).verbose_name) for f in [*MEMBER_FIELDS, "status"]
                           if getattr(member, f) != getattr(probe, f)]
            row.action = UPDATE if row.changes else UNCHANGED
        row.target = probe
    _duplicates(rows)


def _validation(obj) -> list[str]:
    from django.core.exceptions import ValidationError  # noqa: PLC0415

    try:
        obj.clean()
    except ValidationError as exc:
        return [str(m) for messages in exc.message_dict.values() for m in messages]
    return []


# --- Candidates and their dossiers -------------------------------------------------------------------

CANDIDATE_FIELDS = ["full_name", "sex", "birth_date", "place_of_birth", "home_town", "permanent_residence",
                    "ethnicity", "religion", "occupation", "workplace", "general_education",
                    "professional_education", "youth_union_joined_on"]


class _Many(list):
    """A relation as the gates read it (`.all()`), in memory."""

    def all(self):
        return self


class DraftCandidate:
    def __init__(self, candidate: Candidate):
        self._c = candidate
        self.relatives = _Many(candidate.relatives.all()) if candidate.pk else _Many()

    def __getattr__(self, name):
        return getattr(self._c, name)


class DraftDossier:
    """A dossier in memory, as the gates read it: its fields, its candidate and its evidence."""

    def __init__(self, dossier: Dossier, candidate: DraftCandidate):
        self._d = dossier
        self.candidate = candidate
        self.state = State.SPOTTED
        for name in ("certificates", "introducers", "mentors", "verifications", "opinions", "votes", "acts",
                     "self_reviews", "progress_reports"):
            setattr(self, name, _Many())
        self.ceremony = None

    def __getattr__(self, name):
        return getattr(self._d, name)

    def get_state_display(self) -> str:
        return str(State(self.state).label)


@dataclass
class Walked:
    """What the walk leaves for the writer: the rows of each step, and its history."""

    dossier: DraftDossier
    history: list[tuple[str, str, str, dt.date, dict]] = field(default_factory=list)


def _member_by_card(cards: set[str]) -> dict[str, PartyMember]:
    found = {}
    cards = [c for c in cards if c]
    for start in range(0, len(cards), 900):
        for m in PartyMember.objects.filter(card_number__in=cards[start:start + 900]).select_related("cell"):
            found[m.card_number] = m
    return found


def plan_candidates(rows: list[RowPlan], scope: OrgScope, *, progress=None) -> None:
    ids = [r.data["id_number"] for r in rows if r.data.get("id_number")]
    candidates: dict[str, Candidate] = {}
    open_dossiers: dict[int, Dossier] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        for c in Candidate.objects.filter(id_number__in=chunk).prefetch_related("relatives"):
            candidates[c.id_number] = c
        for d in Dossier.objects.filter(candidate__id_number__in=chunk).select_related("cell"):
            if d.state in OPEN_STATES or d.state == State.RECOGNIZED:
                open_dossiers[d.candidate_id] = d
    members = _member_by_card({r.data.get(k) or "" for r in rows for k in ("mentor", "introducer_1", "introducer_2")})
    cards_taken = set(PartyMember.objects.filter(
        card_number__in=[r.data["card"] for r in rows if r.data.get("card")]).values_list("card_number", flat=True))
    for n, row in enumerate(rows, start=1):
        _tick(progress, n)
        d = row.data
        row.key, row.label = d["id_number"] or "", d["full_name"] or ""
        if row.key and not (row.key.isdigit() and len(row.key) in (9, 12)):
            row.refuse(_("Số CCCD: a citizen ID number has 12 digits (or 9 for an old identity card)."))
        cell = None
        if d["cell"]:
            cell, why = scope.find(d["cell"])
            row.refuse(why)
            if cell is not None and cell.level != OrgLevel.CELL:
                row.refuse(_("The dossier must belong to a cell."))
        if row.reasons:
            continue
        existing = candidates.get(row.key)
        dossier = open_dossiers.get(existing.pk) if existing else None
        if existing is not None and dossier is None:
            row.refuse(_("A candidate with this citizen ID number exists and has no open dossier: open a new attempt "
                         "in the application."))
            continue
        if dossier is not None:
            if not scope.covers(dossier.cell):
                row.refuse(_("A dossier of this candidate is kept by an organisation outside your scope."))
                continue
            if dossier.state != d["state"] or dossier.cell_id != cell.pk:
                row.refuse(_("This candidate already has a dossier in “%(cell)s”, in state “%(state)s”: its next "
                             "steps are taken in the application.") % {
                    "cell": dossier.cell.name, "state": dossier.get_state_display()})
                continue
            row.changes = [str(Candidate._meta.get_field(f).verbose_name) for f in CANDIDATE_FIELDS
                           if d[f] is not None and d[f] != "" and getattr(existing, f) != d[f]]
            row.action = UPDATE if row.changes else UNCHANGED
            row.target = existing
            continue
        candidate = Candidate(id_number=row.key, **{f: d[f] for f in CANDIDATE_FIELDS if d[f] not in (None, "")})
        candidate.search_name = fold(candidate.full_name)
        if d.get("card") and d["card"] in cards_taken:
            row.refuse(_("Party card number %(card)s already belongs to a member.") % {"card": d["card"]})
            continue
        row.refuse(*_validation(candidate))
        walked = walk(row, candidate, cell, members)
        row.target = candidate
        row.extra["walked"] = walked
    _duplicates(rows)


def _step_reasons(step: str, draft: DraftDossier, on: dt.date) -> list[str]:
    verdict = steps.check(step, draft, on)
    label = steps.label(step)
    return [f"{label}: {reason}" for reason in verdict.reasons]


def _need(row: RowPlan, *names: str) -> bool:
    """The columns the row's state needs; a reason for each one missing."""
    headers = {c.key: c.header for c in COLUMNS[ImportKind.CANDIDATES]}
    missing = [n for n in names if row.data.get(n) in (None, "")]
    for name in missing:
        row.refuse(_("%(column)s: required for a dossier in state “%(state)s”.") % {
            "column": headers[name], "state": State(row.data["state"]).label})
    return not missing


def walk(row: RowPlan, candidate: Candidate, cell: Organization, members: dict[str, PartyMember]) -> Walked:
    """The dossier walked in memory from the source list to the row's state, every step's gate asked
    on its date; the reasons go to the row."""
    d = row.data
    target = STATE_ORDER.index(d["state"])
    dossier = Dossier(candidate=candidate, cell=cell, source=d["source"], spotted_on=d["spotted_on"])
    draft = DraftDossier(dossier, DraftCandidate(candidate))
    out = Walked(draft)

    def move(step: str, to: str, on: dt.date, **evidence) -> None:
        before = draft.state
        row.refuse(*_step_reasons(step, draft, on))
        draft.state = to
        out.history.append((step, before, to, on, evidence))

    spotted = d["spotted_on"]
    row.refuse(gates.candidate_readmission(draft, spotted))
    out.history.append(("create", State.SPOTTED, State.SPOTTED, spotted, {"source": d["source"]}))

    def member(column: str) -> PartyMember | None:
        card = d.get(column)
        if not card:
            return None
        found = members.get(card)
        if found is None:
            header = next(c.header for c in COLUMNS[ImportKind.CANDIDATES] if c.key == column)
            row.refuse(_("%(column)s: no member with card number %(card)s on any roster.") % {
                "column": header, "card": card})
        return found

    mentor = member("mentor")
    if mentor is not None:
        draft.mentors.append(Mentor(member=mentor, assigned_on=spotted))
        out.history.append(("assign_mentor", State.SPOTTED, State.SPOTTED, spotted, {"member": mentor.full_name}))
    if target == 0:
        return out
    # Training: the class (enrol), then its certificate (complete).
    start = d["class_start"] or spotted
    if start < spotted:
        row.refuse(_("The class cannot start before the candidate was added to the source list."))
    cert = TrainingCertificate(kind=CertificateKind.AWARENESS, class_name=_("Party awareness class"),
                               organiser=cell.name, start_date=start)
    move("enroll_training", State.TRAINING, start, class_name=cert.class_name, start_date=start)
    draft.certificates.append(cert)
    grassroots = cell.grassroots()
    if d["union_resolution_on"]:
        kinds = {Source.YOUTH_UNION: ActKind.YOUTH_UNION, Source.TRADE_UNION: ActKind.TRADE_UNION}
        if d["source"] not in kinds:
            row.refuse(_("A Youth Union or Trade Union resolution needs the source “Đoàn Thanh niên” or “Công đoàn”."))
        else:
            draft.acts.append(PartyAct(kind=kinds[d["source"]], issuer=grassroots.name if grassroots else cell.name,
                                       date=d["union_resolution_on"], signer="—"))
            out.history.append(("record_union_resolution", State.TRAINING, State.TRAINING, d["union_resolution_on"],
                                {}))
    for n in (1, 2):
        introducer = member(f"introducer_{n}")
        if introducer is not None:
            since = d[f"introducer_{n}_since"]
            if since is None:
                _need(row, f"introducer_{n}_since")
                continue
            draft.introducers.append(Introducer(member=introducer, worked_together_since=since, assigned_on=start))
            out.history.append(("assign_introducer", State.TRAINING, State.TRAINING, start,
                                {"member": introducer.full_name, "worked_together_since": since}))
    if target == 1:
        return out
    if not _need(row, "certificate_issued_on", "certificate_number"):
        return out
    issued = d["certificate_issued_on"]
    if issued < start:
        row.refuse(_("The certificate issue date cannot be before the class start date."))
    draft.state = State.TRAINING
    move("complete_training", State.MENTORING, issued, number=d["certificate_number"], issued_on=issued)
    cert.number, cert.issued_on = d["certificate_number"], issued
    if target == 2:
        return out
    # Mentoring → the cell's vote: the papers of domain.md §5.4.
    if not _need(row, "application_on", "history_on", "verified_on", "certified_on", "opinions_on"):
        return out
    dossier.application_received_on = d["application_on"]
    dossier.history_received_on = d["history_on"]
    draft.verifications.append(Verification(
        relative=None, status=VerificationStatus.CONCLUDED, method=VerificationMethod.choices[0][0],
        verifying_unit=grassroots.name if grassroots else cell.name, sent_on=min(d["history_on"], d["verified_on"]),
        concluded_on=d["verified_on"], conclusion=_("Concluded (imported)")))
    row.refuse(*_step_reasons("certify_personal_history", draft, d["certified_on"]))
    if d["certified_on"] < d["verified_on"]:
        row.refuse(_("The personal history is certified only after the verification is concluded (HD 01-HD/TW 3.4)."))
    dossier.history_certified_on = d["certified_on"]
    draft.opinions.append(OpinionSummary(stage=OpinionStage.ADMISSION, date=d["opinions_on"],
                                         workplace_opinion=_("Imported"), residence_opinion=_("Imported")))
    papers = max(d["application_on"], d["history_on"], d["certified_on"], d["opinions_on"], issued)
    for step, on in (("record_application", d["application_on"]), ("record_personal_history", d["history_on"]),
                     ("conclude_verification", d["verified_on"]), ("certify_personal_history", d["certified_on"]),
                     ("record_opinions", d["opinions_on"])):
        out.history.append((step, State.MENTORING, State.MENTORING, on, {}))
    move("submit_for_vote", State.BRANCH_VOTE, papers)
    if target == 3:
        return out
    # The cell's vote (6-KNĐ): the age, the certificate and the introducers on its date.
    if not _need(row, "vote_on", "vote_eligible", "vote_present", "vote_for"):
        return out
    on = d["vote_on"]
    if on < papers:
        row.refuse(_("The cell cannot vote (%(vote)s) before the dossier is complete (%(papers)s).") % {
            "vote": vn_date(on), "papers": vn_date(papers)})
    eligible, present, votes_for = d["vote_eligible"], d["vote_present"], d["vote_for"]
    against = max(present - votes_for, 0)
    row.refuse(rules.vote_counts_refusal(eligible=eligible, present=present, votes_for=votes_for,
                                         votes_against=against, abstain=0))
    row.refuse(rules.vote_refusal(votes_for=votes_for, eligible=eligible, body=_("Cell vote")))
    vote = Vote(purpose=VotePurpose.BRANCH_ADMISSION, meeting_date=on, meeting_mode="in_person", eligible=eligible,
                present=present, votes_for=votes_for, votes_against=against, abstain=0,
                passed=rules.two_thirds(votes_for=votes_for, eligible=eligible))
    move("record_branch_vote", State.HIGHER_APPROVAL, on, passed=True)
    draft.votes.append(vote)
    draft.acts.append(PartyAct(kind=ActKind.BRANCH_ADMISSION, issuer=cell.name, number=d["branch_number"] or "",
                               date=on, signer="—", vote=vote))
    if d["sub_committee_on"]:
        out.history.append(("record_sub_committee_admission", State.HIGHER_APPROVAL, State.HIGHER_APPROVAL,
                            d["sub_committee_on"], {}))
        row.refuse(*_step_reasons("record_sub_committee_admission", draft, d["sub_committee_on"]))
        draft.acts.append(PartyAct(kind=ActKind.SUB_COMMITTEE_ADMISSION, issuer=cell.parent.name if cell.parent else "",
                                   date=d["sub_committee_on"], signer="—"))
    if d["grassroots_on"]:
        if d["grassroots_on"] < on:
            row.refuse(_("The committee cannot meet before the date of the cell resolution (%(d)s).") % {
                "d": vn_date(on)})
        row.refuse(*_step_reasons("record_grassroots_admission", draft, d["grassroots_on"]))
        out.history.append(("record_grassroots_admission", State.HIGHER_APPROVAL, State.HIGHER_APPROVAL,
                            d["grassroots_on"], {"passed": True}))
        draft.acts.append(PartyAct(kind=ActKind.GRASSROOTS_ADMISSION, issuer=grassroots.name if grassroots else "",
                                   number=d["grassroots_number"] or "", date=d["grassroots_on"], signer="—"))
    if target == 4:
        return out
    # The decision (9-KNĐ) and the ceremony: probation starts.
    if not _need(row, "decision_on", "decision_number", "ceremony_on"):
        return out
    decided = d["decision_on"]
    if d["grassroots_on"] and decided < d["grassroots_on"]:
        row.refuse(_("The decision date cannot be before the grassroots committee resolution."))
    row.refuse(*_step_reasons("decide_admission", draft, decided))
    out.history.append(("decide_admission", State.HIGHER_APPROVAL, State.HIGHER_APPROVAL, decided, {"approved": True}))
    draft.acts.append(PartyAct(kind=ActKind.ADMISSION_DECISION, issuer=_higher_name(cell), number=d["decision_number"],
                               date=decided, signer="—", approved=True))
    ceremony = d["ceremony_on"]
    move("hold_ceremony", State.PROBATION, ceremony, ceremony_date=ceremony, decision_date=decided,
         official_date=rules.official_date(ceremony))
    draft.ceremony = Ceremony(date=ceremony, place=cell.name, chaired_by="—")
    dossier.decision_date, dossier.ceremony_date = decided, ceremony
    dossier.official_date = rules.official_date(ceremony)
    return out


def _higher_name(cell: Organization) -> str:
    grassroots = cell.grassroots()
    if grassroots is not None and grassroots.parent is not None:
        return grassroots.parent.name
    return grassroots.name if grassroots else cell.name
