"""An organisation's subtree written as the three import files (organisations, roster, candidates
with their dossiers), so a committee can move its data to another installation and import it there.

Reads only. The columns are the importer's own (`imports.columns`), each value written the way the
importer reads it back: dates as text dd/mm/yyyy, choices as the first allowed Vietnamese value,
yes/no as "Có"/"Không", every text cell a string cell (never a formula, `ui.spreadsheets`).

What the template cannot carry is left out and listed in `Bundle.left_out`:
- dossiers in the states the importer does not take (recognised, rejected, withdrawn, removed:
  closed cases, and a recognised member is a roster row);
- members who left the roster, and members with no party card number (the roster's key);
- candidates with no citizen ID number (the candidates file's key);
- the roster row of a probationer admitted through a dossier: the candidates file creates it again.
The organisation's own figures (typed member counts, committee roster, online meetings), relatives,
work history, meetings and documents are not in the templates.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from dossiers.models import (
    ActKind,
    CertificateKind,
    Dossier,
    MemberStatus,
    OpinionStage,
    Organization,
    PartyMember,
    State,
    VotePurpose,
)
from ui.spreadsheets import row as sheet_row

from .columns import BOOL, CHOICE, COLUMNS, DATE, STATE_ORDER
from .models import ImportKind
from .workbooks import file_name


@dataclass
class Bundle:
    """The rows of each kind (column key → value as written), and what was left out and why."""

    rows: dict[str, list[dict]] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)

    def workbook(self, kind: str) -> bytes:
        return rows_file(kind, self.rows[kind])

    def zip(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for n, kind in enumerate((ImportKind.ORGANIZATIONS, ImportKind.MEMBERS, ImportKind.CANDIDATES), 1):
                archive.writestr(f"{n}-{file_name(kind).removeprefix('mau-')}", self.workbook(kind))
            notes = [_("Import the files in this order: organisations, roster, candidates."), ""]
            notes += [_("Left out:")] + [f"- {line}" for line in self.left_out] if self.left_out else []
            archive.writestr("doc-truoc.txt", "\n".join(notes) + "\n")
        return buffer.getvalue()


def rows_file(kind: str, rows: list[dict]) -> bytes:
    """One XLSX in the template's columns; every value is text (ui.spreadsheets keeps it from being a formula)."""
    from openpyxl import Workbook  # noqa: PLC0415

    columns = COLUMNS[kind]
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(_("Data"))
    sheet.append(sheet_row(sheet, [c.title for c in columns]))
    for values in rows:
        sheet.append(sheet_row(sheet, [values.get(c.key, "") for c in columns]))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- Values as the importer reads them --------------------------------------------------------------

def _written(kind: str) -> dict[str, dict[str, str]]:
    """Column key → stored value → the first value the file may hold for it."""
    out: dict[str, dict[str, str]] = {}
    for column in COLUMNS[kind]:
        if column.type in (CHOICE, BOOL):
            reverse: dict[str, str] = {}
            for text, value in column.choices.items():
                reverse.setdefault(value, text)
            out[column.key] = reverse
    return out


def _text(kind: str, values: dict) -> dict[str, str]:
    written = _written(kind)
    out = {}
    for column in COLUMNS[kind]:
        value = values.get(column.key)
        if value is None or value == "":
            out[column.key] = ""
        elif column.type == DATE:
            out[column.key] = value.strftime("%d/%m/%Y")
        elif column.type == BOOL:
            out[column.key] = written[column.key]["1" if value else "0"]
        elif column.type == CHOICE:
            out[column.key] = written[column.key][str(value)]
        else:
            out[column.key] = str(value)
    return out


def _org_name(org: Organization, by_pk: dict[int, Organization]) -> str:
    """The name the importer finds it by: "Parent / Name" where it has a parent."""
    parent = by_pk.get(org.parent_id) if org.parent_id else None
    return f"{parent.name} / {org.name}" if parent is not None else org.name


# --- The subtree ---------------------------------------------------------------------------------------

def subtree_export(organization: Organization) -> Bundle:
    """The import files of `organization` and everything under it (the organisation itself
    included: its parent must exist where the files are imported)."""
    orgs = list(Organization.objects.filter(path__startswith=organization.path).order_by("path"))
    by_pk = {o.pk: o for o in orgs}
    parents = Organization.objects.filter(pk__in={o.parent_id for o in orgs if o.parent_id} - set(by_pk))
    names = {**{p.pk: p for p in parents}, **by_pk}
    for p in list(parents):  # the root's parent written with its own parent's name
        if p.parent_id and p.parent_id not in names:
            names[p.parent_id] = Organization.objects.get(pk=p.parent_id)
    bundle = Bundle()
    bundle.rows[ImportKind.ORGANIZATIONS] = [_text(ImportKind.ORGANIZATIONS, {
        "name": o.name, "short_name": o.short_name, "level": o.level,
        "parent": _org_name(names[o.parent_id], names) if o.parent_id else "", "category": o.category,
        "admission_authority": o.admission_authority, "has_party_committee": o.has_party_committee,
        "committee_members": o.committee_members, "has_youth_union": o.has_youth_union,
        "has_trade_union": o.has_trade_union, "place_name": o.place_name,
    }) for o in orgs]

    dossiers = list(Dossier.objects.filter(cell__in=orgs).select_related("candidate", "cell", "member")
                    .prefetch_related("certificates", "mentors__member", "introducers__member", "verifications",
                                      "opinions", "votes", "acts").order_by("cell__path", "candidate__full_name", "pk"))
    admitted = {d.member_id for d in dossiers if d.member_id and d.state in STATE_ORDER}
    members = []
    for m in PartyMember.objects.filter(cell__in=orgs).order_by("cell__path", "full_name", "pk"):
        if m.pk in admitted:
            continue
        if m.status == MemberStatus.LEFT or m.left_on:
            bundle.left_out.append(_("Member %(name)s: left the roster.") % {"name": m.full_name})
            continue
        if not m.card_number:
            bundle.left_out.append(_("Member %(name)s: no party card number.") % {"name": m.full_name})
            continue
        members.append(_text(ImportKind.MEMBERS, {
            "card_number": m.card_number, "full_name": m.full_name, "sex": m.sex, "birth_date": m.birth_date,
            "cell": _org_name(m.cell if m.cell_id not in by_pk else by_pk[m.cell_id], names),
            "joined_on": m.joined_on, "official_since": m.official_since, "position": m.position,
            "in_cell_since": m.in_cell_since, "transferred_from": m.transferred_from}))
    bundle.rows[ImportKind.MEMBERS] = members

    candidates = []
    for d in dossiers:
        if d.state not in STATE_ORDER:
            bundle.left_out.append(_("Dossier of %(name)s: state “%(state)s” cannot be imported.") % {
                "name": d.candidate.full_name, "state": d.get_state_display()})
            continue
        if not d.candidate.id_number:
            bundle.left_out.append(_("Dossier of %(name)s: no citizen ID number.") % {"name": d.candidate.full_name})
            continue
        candidates.append(_text(ImportKind.CANDIDATES, dossier_values(d, names)))
    bundle.rows[ImportKind.CANDIDATES] = candidates
    return bundle


def dossier_values(d: Dossier, names: dict[int, Organization]) -> dict:
    """One candidates row: the candidate, and the evidence of each step up to the dossier's state."""
    c = d.candidate
    values = {key: getattr(c, key) for key in (
        "id_number", "full_name", "sex", "birth_date", "place_of_birth", "home_town", "permanent_residence",
        "ethnicity", "religion", "occupation", "workplace", "general_education", "professional_education",
        "youth_union_joined_on")}
    values.update(cell=_org_name(d.cell, names), source=d.source, spotted_on=d.spotted_on, state=d.state,
                  application_on=d.application_received_on, history_on=d.history_received_on,
                  certified_on=d.history_certified_on, ceremony_on=d.ceremony_date)
    cert = next((x for x in d.certificates.all() if x.kind == CertificateKind.AWARENESS), None)
    if cert is not None:
        values.update(class_start=cert.start_date, certificate_number=cert.number,
                      certificate_issued_on=cert.issued_on)
    mentor = next((x for x in d.mentors.all() if x.ended_on is None), None)
    if mentor is not None:
        values["mentor"] = mentor.member.card_number
    introducers = [x for x in sorted(d.introducers.all(), key=lambda x: x.pk) if x.ended_on is None][:2]
    for n, introducer in enumerate(introducers, start=1):
        values[f"introducer_{n}"] = introducer.member.card_number
        values[f"introducer_{n}_since"] = introducer.worked_together_since
    concluded = [v.concluded_on for v in d.verifications.all() if v.concluded_on]
    values["verified_on"] = max(concluded) if concluded else None
    opinions = [o.date for o in d.opinions.all() if o.stage == OpinionStage.ADMISSION]
    values["opinions_on"] = max(opinions) if opinions else None
    vote = max((v for v in d.votes.all() if v.purpose == VotePurpose.BRANCH_ADMISSION and v.passed),
               key=lambda v: v.meeting_date, default=None)
    if vote is not None:
        values.update(vote_on=vote.meeting_date, vote_eligible=vote.eligible, vote_present=vote.present,
                      vote_for=vote.votes_for)
    acts: dict[str, object] = {}
    for act in sorted(d.acts.all(), key=lambda a: (a.date, a.pk)):
        acts[act.kind] = act  # the latest of each kind
    union = acts.get(ActKind.YOUTH_UNION) or acts.get(ActKind.TRADE_UNION)
    pairs = ((ActKind.BRANCH_ADMISSION, None, "branch_number"),
             (ActKind.SUB_COMMITTEE_ADMISSION, "sub_committee_on", None),
             (ActKind.GRASSROOTS_ADMISSION, "grassroots_on", "grassroots_number"),
             (ActKind.ADMISSION_DECISION, "decision_on", "decision_number"))
    for kind, date_key, number_key in pairs:
        act = acts.get(kind)
        if act is not None:
            if date_key:
                values[date_key] = act.date
            if number_key:
                values[number_key] = act.number
    if union is not None:
        values["union_resolution_on"] = union.date
    if d.state == State.PROBATION and d.member is not None:
        values["card"] = d.member.card_number
    return values


def export_scope(user, organization: Organization) -> bool:
    """Whether the user may take this export: an importer within whose subtree it is."""
    from .scope import import_roots  # noqa: PLC0415

    roots = import_roots(user)
    if roots is None:
        return user.is_superuser
    return any(organization.path.startswith(r.path) for r in roots)


def exportable(user):
    """The organisations the user may export (an importer's subtree)."""
    from .scope import import_roots  # noqa: PLC0415

    roots = import_roots(user)
    qs = Organization.objects.order_by("path")
    if roots is None:
        return qs
    condition = Q(pk__in=[])
    for r in roots:
        condition |= Q(path__startswith=r.path)
    return qs.filter(condition)
