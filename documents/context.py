"""What each form prints, read from the dossier: one builder per form of domain.md §3.1.

A builder returns the data to print (plain strings, JSON-safe: it is stored with the issued
document) and the list of what the dossier lacks, in the user's language. A form with anything
missing is never generated: the user sees the list instead of a PDF with blanks.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dossiers import gates, rules
from dossiers.formatting import vn_date, vn_percent, vn_short_date
from dossiers.models import (
    ActKind,
    AdmissionAuthority,
    CertificateKind,
    Dossier,
    OpinionStage,
    Organization,
    OrgLevel,
    ProgressStage,
)

# The committee of an organisation and the organisation itself, by the first words of its name:
# "Huyện ủy Vụ Bản" is the committee of "Đảng bộ huyện Vụ Bản".
COMMITTEE_TO_BODY = [
    ("Tỉnh ủy ", "Đảng bộ tỉnh "), ("Thành ủy ", "Đảng bộ thành phố "), ("Huyện ủy ", "Đảng bộ huyện "),
    ("Thị ủy ", "Đảng bộ thị xã "), ("Quận ủy ", "Đảng bộ quận "), ("Đảng ủy ", "Đảng bộ "),
]


def body_name(org: Organization) -> str:
    """The party organisation: "Đảng bộ huyện Vụ Bản" for "Huyện ủy Vụ Bản"."""
    for committee, body in COMMITTEE_TO_BODY:
        if org.name.startswith(committee):
            return body + org.name[len(committee):]
    return org.name


def committee_name(org: Organization) -> str:
    """The organisation's committee, which issues its documents: "Đảng ủy xã Thành Lợi" for
    "Đảng bộ xã Thành Lợi"; a cell issues as itself ("Chi bộ thôn 1")."""
    if org.level == OrgLevel.CELL:
        return org.name
    if any(org.name.startswith(committee) for committee, _body in COMMITTEE_TO_BODY):
        return org.name
    for committee, body in reversed(COMMITTEE_TO_BODY):
        if org.name.startswith(body):
            return committee + org.name[len(body):]
    return org.name


def upper(text: str) -> str:
    return text.upper()


@dataclass
class Built:
    """A builder's answer: what to print, what is missing, who issues it and when."""

    data: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    issuer: Organization | None = None
    date: dt.date | None = None
    # The number already given to the act in the dossier (e.g. "12-NQ/CB"); empty: take one.
    number: str = ""

    def need(self, value, owner: str, label) -> Any:
        """`value`, or an error naming what is missing and whose it is."""
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            self.errors.append(_("%(owner)s: %(field)s is missing.") % {"owner": owner, "field": label})
        return value


def _label(model, name: str) -> str:
    """A field's name on screen, in the active language; worked out once per process and language
    (the panels ask a dozen of them for every form of every dossier page)."""
    key = (model, name, get_language())
    label = _labels.get(key)
    if label is None:
        label = _labels[key] = str(model._meta.get_field(name).verbose_name)
    return label


_labels: dict[tuple, str] = {}


# --- Pieces every form shares -----------------------------------------------------------------


# While a panel checks every form of one dossier, the pieces all forms share are worked out once
# (the candidate's block was a third of the dossier page's documents panel).
_SHARED: contextvars.ContextVar[dict | None] = contextvars.ContextVar("documents_shared", default=None)


@contextmanager
def shared_pieces() -> Iterator[None]:
    """Within the block, `candidate_block` is computed once per dossier (the dossier must not
    change meanwhile: read-side only, as in `documents.panels.form_rows`)."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def candidate_block(b: Built, d: Dossier) -> dict:
    memo = _SHARED.get()
    if memo is None:
        return _candidate_block(b, d)
    key = ("candidate", d.pk)
    if key not in memo:
        alone = Built()
        memo[key] = (_candidate_block(alone, d), alone.errors)
    block, errors = memo[key]
    b.errors.extend(errors)
    return dict(block)


def _candidate_block(b: Built, d: Dossier) -> dict:
    c = d.candidate
    who = _("Candidate %(name)s") % {"name": c.full_name}
    for name in ("full_name", "birth_date", "place_of_birth", "home_town", "permanent_residence", "ethnicity",
                 "religion", "occupation", "general_education"):
        b.need(getattr(c, name), who, _label(type(c), name))
    return {
        "name": c.full_name,
        "name_upper": upper(c.full_name),
        "sex": "Nam" if c.sex == "male" else "Nữ",
        "honorific": "anh" if c.sex == "male" else "chị",
        "birth": vn_date(c.birth_date),
        "birth_short": vn_short_date(c.birth_date),
        "place_of_birth": c.place_of_birth,
        "home_town": c.home_town,
        "residence": c.permanent_residence,
        "temporary_residence": c.temporary_residence,
        "ethnicity": c.ethnicity,
        "religion": c.religion,
        "occupation": c.occupation,
        "workplace": c.workplace,
        "education": str(c.get_general_education_display()) if c.general_education else "",
        "professional": str(c.get_professional_education_display()) if c.professional_education else "",
    }


def organisations(d: Dossier) -> dict[str, Organization | None]:
    cell = d.cell
    parent = cell.parent if cell.parent_id else None
    sub = parent if parent is not None and parent.level == OrgLevel.SUB_COMMITTEE else None
    grassroots = cell.grassroots()
    district = grassroots.parent if grassroots is not None and grassroots.parent_id else None
    province = district.parent if district is not None and district.parent_id else None
    return {"cell": cell, "sub": sub, "grassroots": grassroots, "district": district, "province": province}


def authority(d: Dossier) -> tuple[Organization | None, str]:
    """Who decides admission and recognition (QĐ 232 4.3.2) and how it signs."""
    orgs = organisations(d)
    grassroots = orgs["grassroots"]
    kind = grassroots.admission_authority if grassroots is not None else AdmissionAuthority.HIGHER_STANDING
    if kind == AdmissionAuthority.GRASSROOTS_AUTHORIZED:
        return grassroots, "T/M ĐẢNG ỦY"
    if kind == AdmissionAuthority.PROVINCE:
        return orgs["province"], "T/M BAN THƯỜNG VỤ"
    return orgs["district"], "T/M BAN THƯỜNG VỤ"


def issuer_block(b: Built, org: Organization | None, *, what: str) -> dict | None:
    """The left column of the header: the higher body above, the issuer in bold (domain.md §7)."""
    if org is None:
        b.errors.append(_("The issuing organisation of %(what)s is not in the organisation tree.") % {"what": what})
        return None
    b.issuer = org
    higher = org.parent if org.parent_id else None
    if org.level == OrgLevel.CELL and higher is not None and higher.level == OrgLevel.SUB_COMMITTEE:
        # A cell under a sub-committee names its grassroots organisation above it.
        higher = higher.parent
    return {
        "higher": upper(body_name(higher)) if higher is not None else "",
        "name": upper(committee_name(org)),
        "org_name": committee_name(org),
    }


def place_date(b: Built, org: Organization | None, day: dt.date | None) -> str:
    if org is not None:
        b.need(org.place_name, org.name, _label(Organization, "place_name"))
    if org is None or not org.place_name or day is None:
        return ""
    return f"{org.place_name}, {vn_date(day)}"


def signature(b: Built, *, on_behalf: str, position: str, name: str, options: dict, who: str,
              note: str = "") -> dict:
    """The signature block; the name comes from the dossier (the act's signer) or, for papers the
    dossier records no signer for, from the person issuing (options["signer"])."""
    name = (name or options.get("signer") or "").strip()
    b.need(name, who, _("the name of the signer"))
    return {"on_behalf": on_behalf, "position": (options.get("signer_title") or position).upper(),
            "name": name, "note": note}


def vote_block(b: Built, vote, who: str) -> dict | None:
    if vote is None:
        b.errors.append(_("%(who)s: the vote counts are not recorded.") % {"who": who})
        return None
    return {
        "date": vn_date(vote.meeting_date),
        "mode": "trực tuyến" if vote.meeting_mode == "online" else "trực tiếp",
        "eligible": vote.eligible, "present": vote.present, "for": vote.votes_for,
        "against": vote.votes_against, "abstain": vote.abstain,
        "for_percent": vn_percent(vote.votes_for, vote.eligible),
        "absent": vote.eligible - vote.present,
    }


def act_or_error(b: Built, d: Dossier, kind: str, what: str, *, approved_only: bool = True):
    found = [a for a in gates.acts(d, kind) if a.approved or not approved_only]
    if not found:
        b.errors.append(_("%(what)s has not been recorded in the dossier.") % {"what": what})
        return None
    return found[-1]


def act_ref(act) -> str:
    """"số 12-NQ/CB, ngày 05 tháng 3 năm 2025", as the body cites another act."""
    if act is None:
        return ""
    number = f"số {act.number}, " if act.number else ""
    return f"{number}{vn_date(act.date)}"


def base(form, *, heading: str = "party") -> dict:
    return {"form": form.code, "doc_type": form.doc_type, "doc_summary": form.summary, "heading": heading,
            "draft": form.draft, "number": "", "recipients": [], "addressee": ""}


def regulation() -> str:
    return settings.PARTY_RULES["REGULATION"]


# --- The forms ----------------------------------------------------------------------------------


def introducer_letter(form, d: Dossier, subject: str, options: dict) -> Built:
    """3-KNĐ: one letter per introducer, written and signed by the member (Charter Art. 4 §2)."""
    b = Built()
    data = base(form)
    introducer = None
    if subject.startswith("introducer:"):
        introducer = next((i for i in d.introducers.all() if str(i.pk) == subject.split(":", 1)[1]), None)
    if introducer is None:
        b.errors.append(_("No introducer is assigned to this dossier."))
        b.data = data
        return b
    m = introducer.member
    who = _("Introducer %(name)s") % {"name": m.full_name}
    day = introducer.letter_on or introducer.assigned_on
    b.date = day
    orgs = organisations(d)
    data["candidate"] = candidate_block(b, d)
    b.need(m.birth_date, who, _label(type(m), "birth_date"))
    b.need(m.official_since, who, _label(type(m), "official_since"))
    data["place_date"] = place_date(b, orgs["cell"], day)
    data["addressee"] = f"Kính gửi: Chi bộ {d.cell.name.removeprefix('Chi bộ ')}"
    data["f"] = {
        "introducer": m.full_name, "introducer_birth": vn_date(m.birth_date), "joined": vn_date(m.joined_on),
        "official": vn_date(m.official_since),
        "introducer_cell": d.cell.name if m.cell_id == d.cell_id else m.cell.name, "position": m.position,
        "since": vn_short_date(introducer.worked_together_since), "cell": d.cell.name,
    }
    data["signature"] = signature(b, on_behalf="", position="Người giới thiệu", name=m.full_name, options={},
                                  who=who, note="(Ký, ghi rõ họ tên)")
    b.data = data
    return b


def union_resolution(form, d: Dossier, subject: str, options: dict) -> Built:
    """4-KNĐ / 4A-KNĐ: the Youth Union or Trade Union executive committee introduces its member
    (Charter Art. 4 §1); its number is the union's own, recorded with the act."""
    b = Built()
    youth = form.code == "4-KNĐ"
    data = base(form, heading="youth" if youth else "state")
    act = act_or_error(b, d, ActKind.YOUTH_UNION if youth else ActKind.TRADE_UNION, form.title)
    data["candidate"] = candidate_block(b, d)
    if act is not None:
        who = form.code
        b.date = act.date
        b.need(act.number, who, _("the resolution number"))
        b.need(act.issuer, who, _("the issuing body"))
        b.number = act.number
        data["issuer"] = {"higher": "", "name": upper(act.issuer), "org_name": act.issuer}
        data["number"] = f"Số {act.number}" if act.number else ""
        data["place_date"] = place_date(b, d.cell, act.date)
        data["f"] = {"issuer": act.issuer, "date": vn_date(act.date), "cell": d.cell.name}
        data["signature"] = signature(b, on_behalf="T/M BAN CHẤP HÀNH", position="Bí thư", name=act.signer,
                                      options=options, who=who)
        data["recipients"] = [f"{d.cell.name} (để xem xét)", "Lưu."]
        # The union is no party organisation of the tree: its number is never taken from the registry.
        b.issuer = None
    b.data = data
    return b


def opinion_summary(form, d: Dossier, subject: str, options: dict) -> Built:
    """5-KNĐ before admission, 12-KNĐ during probation: the cell's summary of the opinions of the
    mass organisations where the person works and of the cell committee where they live."""
    b = Built()
    data = base(form)
    stage = OpinionStage.ADMISSION if form.code == "5-KNĐ" else OpinionStage.PROBATION
    summary = gates.opinion(d, stage)
    data["candidate"] = candidate_block(b, d)
    orgs = organisations(d)
    data["issuer"] = issuer_block(b, orgs["cell"], what=form.code)
    if summary is None:
        b.errors.append(_("%(what)s has not been recorded in the dossier.") % {"what": form.title})
    else:
        b.date = summary.date
        data["place_date"] = place_date(b, orgs["cell"], summary.date)
        data["f"] = {"workplace": summary.workplace_opinion, "residence": summary.residence_opinion,
                     "favourable": summary.favourable, "date": vn_date(summary.date)}
    data["signature"] = signature(b, on_behalf="T/M CHI ỦY", position="Bí thư", name="", options=options,
                                  who=form.code)
    grassroots = orgs["grassroots"]
    data["recipients"] = [f"{committee_name(grassroots) if grassroots else ''} (để báo cáo)", "Lưu chi bộ."]
    b.data = data
    return b


def resolution(form, d: Dossier, subject: str, options: dict) -> Built:
    """6-, 8-, 13-, 15-KNĐ: a vote's resolution; ≥ 2/3 of the official (or committee) members
    (Charter Art. 4 §3, Art. 5; QĐ 232 4.2)."""
    b = Built()
    data = base(form)
    orgs = organisations(d)
    kind = {"6-KNĐ": ActKind.BRANCH_ADMISSION, "8-KNĐ": ActKind.GRASSROOTS_ADMISSION,
            "13-KNĐ": ActKind.BRANCH_RECOGNITION, "15-KNĐ": ActKind.GRASSROOTS_RECOGNITION}[form.code]
    by_cell = form.code in ("6-KNĐ", "13-KNĐ")
    org = orgs["cell"] if by_cell else orgs["grassroots"]
    data["issuer"] = issuer_block(b, org, what=form.code)
    data["candidate"] = candidate_block(b, d)
    act = act_or_error(b, d, kind, form.title)
    grassroots, district = orgs["grassroots"], orgs["district"]
    decider, _sign = authority(d)
    f: dict[str, Any] = {"cell": d.cell.name, "regulation": regulation(),
                         "grassroots": committee_name(grassroots) if grassroots else "",
                         "decider": committee_name(decider) if decider else ""}
    if act is not None:
        b.date, b.number = act.date, act.number
        data["place_date"] = place_date(b, org, act.date)
        # The vote from the dossier's prefetched votes: no query of its own.
        data["vote"] = vote_block(b, next((v for v in d.votes.all() if v.pk == act.vote_id), None), form.code)
        f["date"] = vn_date(act.date)
        data["signature"] = signature(b, on_behalf="T/M CHI BỘ" if by_cell else "T/M ĐẢNG ỦY", position="Bí thư",
                                      name=act.signer, options=options, who=form.code)
    else:
        data["signature"] = None
    if form.code == "8-KNĐ":
        f["branch_ref"] = act_ref(gates.last_act(d, ActKind.BRANCH_ADMISSION))
    if form.code == "15-KNĐ":
        f["branch_ref"] = act_ref(gates.last_act(d, ActKind.BRANCH_RECOGNITION))
    if form.code in ("13-KNĐ", "15-KNĐ"):
        b.need(d.ceremony_date, d.candidate.full_name, _("the admission ceremony date"))
        f["ceremony"] = vn_date(d.ceremony_date)
        f["official"] = vn_date(rules.official_date(d.ceremony_date) if d.ceremony_date else None)
        f["decision_ref"] = act_ref(next((a for a in gates.acts(d, ActKind.ADMISSION_DECISION) if a.approved), None))
    up = committee_name(grassroots) if by_cell and grassroots else (
        f"Ban Thường vụ {committee_name(district)}" if district else "")
    data["recipients"] = [f"{up} (để báo cáo)", "Lưu."] if up else ["Lưu."]
    data["f"] = f
    b.data = data
    return b


def sub_committee_report(form, d: Dossier, subject: str, options: dict) -> Built:
    """7-KNĐ: the sub-committee's report appraising the cell's resolution (step 9a)."""
    b = Built()
    data = base(form)
    orgs = organisations(d)
    data["issuer"] = issuer_block(b, orgs["sub"], what=form.code)
    data["candidate"] = candidate_block(b, d)
    act = act_or_error(b, d, ActKind.SUB_COMMITTEE_ADMISSION, form.title)
    if act is not None:
        b.date, b.number = act.date, act.number
        data["place_date"] = place_date(b, orgs["sub"], act.date)
        data["signature"] = signature(b, on_behalf="T/M ĐẢNG ỦY", position="Bí thư", name=act.signer,
                                      options=options, who=form.code)
    data["f"] = {"cell": d.cell.name, "branch_ref": act_ref(gates.last_act(d, ActKind.BRANCH_ADMISSION))}
    grassroots = orgs["grassroots"]
    data["recipients"] = [f"{committee_name(grassroots) if grassroots else ''} (để báo cáo)", "Lưu."]
    b.data = data
    return b


def _proposer(d: Dossier, proposal, grassroots) -> str:
    """Who proposed: the grassroots committee (8-, 15-KNĐ) or the cell (6-, 13-KNĐ)."""
    if proposal is not None and proposal.kind in (ActKind.GRASSROOTS_ADMISSION, ActKind.GRASSROOTS_RECOGNITION) \
            and grassroots is not None:
        return committee_name(grassroots)
    return d.cell.name


def decision(form, d: Dossier, subject: str, options: dict) -> Built:
    """9-KNĐ admission, 16-KNĐ recognition, and the removal from the probationers' list: the
    competent committee decides (QĐ 232 4.3.2); party age counts from the 9-KNĐ date (Charter Art. 5)."""
    b = Built()
    data = base(form)
    kind = {"9-KNĐ": ActKind.ADMISSION_DECISION, "16-KNĐ": ActKind.RECOGNITION_DECISION,
            "XT": ActKind.REMOVAL_DECISION}[form.code]
    org, on_behalf = authority(d)
    data["issuer"] = issuer_block(b, org, what=form.code)
    data["candidate"] = candidate_block(b, d)
    act = act_or_error(b, d, kind, form.title)
    orgs = organisations(d)
    grassroots = orgs["grassroots"]
    f: dict[str, Any] = {"cell": d.cell.name, "regulation": regulation(),
                         "grassroots": committee_name(grassroots) if grassroots else "",
                         "decider": committee_name(org) if org else "",
                         "decides": upper(("" if on_behalf == "T/M ĐẢNG ỦY" else "Ban Thường vụ ")
                                          + committee_name(org)) if org else ""}
    if act is not None:
        b.date, b.number = act.date, act.number
        data["place_date"] = place_date(b, org, act.date)
        data["signature"] = signature(b, on_behalf=on_behalf, position="Bí thư", name=act.signer, options=options,
                                      who=form.code)
        f["reason"] = act.reason
    if form.code == "9-KNĐ":
        proposal = gates.last_act(d, ActKind.GRASSROOTS_ADMISSION) or gates.last_act(d, ActKind.BRANCH_ADMISSION)
        f["proposal_ref"] = act_ref(proposal)
        f["proposal_by"] = _proposer(d, proposal, grassroots)
        b.need(proposal, form.code, _("the resolution proposing admission (8-KNĐ or 6-KNĐ)"))
    else:
        b.need(d.ceremony_date, d.candidate.full_name, _("the admission ceremony date"))
        f["ceremony"] = vn_date(d.ceremony_date)
        f["official"] = vn_date(rules.official_date(d.ceremony_date) if d.ceremony_date else None)
        f["decision_ref"] = act_ref(next((a for a in gates.acts(d, ActKind.ADMISSION_DECISION) if a.approved), None))
        proposal = (gates.last_act(d, ActKind.GRASSROOTS_RECOGNITION) or gates.last_act(d, ActKind.BRANCH_RECOGNITION))
        f["proposal_ref"] = act_ref(proposal)
        f["proposal_by"] = _proposer(d, proposal, grassroots)
    data["recipients"] = [f"{f['grassroots']}," if f["grassroots"] else "", f"{d.cell.name},",
                          "Như Điều 3,", "Lưu."]
    data["recipients"] = [r for r in data["recipients"] if r]
    data["f"] = f
    b.data = data
    return b


def ceremony_minutes(form, d: Dossier, subject: str, options: dict) -> Built:
    """Biên bản lễ kết nạp: held within 30 working days of receiving the decision (QĐ 232 4.1)."""
    b = Built()
    data = base(form)
    orgs = organisations(d)
    data["issuer"] = issuer_block(b, orgs["cell"], what=form.code)
    data["candidate"] = candidate_block(b, d)
    ceremony = getattr(d, "ceremony", None)
    admission = next((a for a in gates.acts(d, ActKind.ADMISSION_DECISION) if a.approved), None)
    if ceremony is None:
        b.errors.append(_("%(what)s has not been recorded in the dossier.") % {"what": form.title})
    else:
        b.date = ceremony.date
        data["place_date"] = place_date(b, orgs["cell"], ceremony.date)
        b.need(ceremony.chaired_by, form.code, _("who presided"))
        data["f"] = {"date": vn_date(ceremony.date), "place": ceremony.place, "chaired_by": ceremony.chaired_by,
                     "decision_ref": act_ref(admission), "decider": admission.issuer if admission else "",
                     "cell": d.cell.name, "official": vn_date(rules.official_date(d.ceremony_date) if d.ceremony_date else None)}
        data["signature"] = signature(b, on_behalf="", position="Chủ trì", name=ceremony.chaired_by,
                                      options={}, who=form.code)
    b.need(admission, form.code, _("the admission decision (9-KNĐ)"))
    b.data = data
    return b


def self_review(form, d: Dossier, subject: str, options: dict) -> Built:
    """10-KNĐ: the probationer's self-review after the 12 months (HD 01-HD/TW 4.2)."""
    b = Built()
    data = base(form)
    review = list(d.self_reviews.all())[-1:] or [None]
    review = review[0]
    data["candidate"] = candidate_block(b, d)
    if review is None:
        b.errors.append(_("%(what)s has not been recorded in the dossier.") % {"what": form.title})
    else:
        b.date = review.date
        data["place_date"] = place_date(b, d.cell, review.date)
        data["f"] = {"strengths": review.strengths, "weaknesses": review.weaknesses,
                     "ceremony": vn_date(d.ceremony_date), "cell": d.cell.name}
    b.need(d.ceremony_date, d.candidate.full_name, _("the admission ceremony date"))
    data["addressee"] = f"Kính gửi: {d.cell.name}"
    data["signature"] = signature(b, on_behalf="", position="Người tự kiểm điểm", name=d.candidate.full_name,
                                  options={}, who=form.code, note="(Ký, ghi rõ họ tên)")
    b.data = data
    return b


def mentor_report(form, d: Dossier, subject: str, options: dict) -> Built:
    """11-KNĐ: the assigned official member's report on the probationer (Charter Art. 5 §1)."""
    b = Built()
    data = base(form)
    report = next((r for r in reversed(list(d.progress_reports.all())) if r.stage == ProgressStage.FINAL), None)
    data["candidate"] = candidate_block(b, d)
    if report is None:
        b.errors.append(_("%(what)s has not been recorded in the dossier.") % {"what": form.title})
    else:
        b.date = report.period_end
        data["place_date"] = place_date(b, d.cell, report.period_end)
        data["f"] = {"mentor": report.mentor.full_name, "content": report.content,
                     "from": vn_short_date(report.period_start), "to": vn_short_date(report.period_end),
                     "cell": d.cell.name, "ceremony": vn_date(d.ceremony_date)}
        data["signature"] = signature(b, on_behalf="", position="Đảng viên giúp đỡ", name=report.mentor.full_name,
                                      options={}, who=form.code, note="(Ký, ghi rõ họ tên)")
    data["addressee"] = f"Kính gửi: {d.cell.name}"
    b.data = data
    return b


def application_draft(form, d: Dossier, subject: str, options: dict) -> Built:
    """1-KNĐ, a draft for the candidate to copy by hand (domain.md §3.2): the fields the dossier
    holds, the motivation and pledge left for the candidate's own words."""
    b = Built()
    data = base(form)
    orgs = organisations(d)
    grassroots = orgs["grassroots"]
    data["candidate"] = candidate_block(b, d)
    awareness = gates.certificate(d, CertificateKind.AWARENESS)
    data["addressee"] = (f"Kính gửi: Chi ủy {d.cell.name}"
                         + (f"; {committee_name(grassroots)}" if grassroots else ""))
    data["place_date"] = f"{d.cell.place_name}, ngày … tháng … năm …" if d.cell.place_name else ""
    b.need(d.cell.place_name, d.cell.name, _label(Organization, "place_name"))
    data["f"] = {
        "class": (f"{awareness.class_name}, {awareness.organiser}, từ {vn_short_date(awareness.start_date)}"
                  + (f" đến {vn_short_date(awareness.end_date)}" if awareness.end_date else "")) if awareness else "",
    }
    data["signature"] = {"on_behalf": "", "position": "NGƯỜI LÀM ĐƠN", "name": d.candidate.full_name,
                         "note": "(Ký, ghi rõ họ tên)"}
    b.data = data
    return b


def history_check(form, d: Dossier, subject: str, options: dict) -> Built:
    """What 2-KNĐ lacks, without building it: the draft prints "Không" for every empty list and
    item, so only the candidate's block can be missing (and its lists are not read)."""
    b = Built()
    candidate_block(b, d)
    return b


def history_draft(form, d: Dossier, subject: str, options: dict) -> Built:
    """2-KNĐ, a draft of the personal history (HD 12-HD/BTCTW 1.4.2 items 01–26): the candidate
    copies it into the printed booklet by hand, with no erasure."""
    b = Built()
    data = base(form)
    c = d.candidate
    data["candidate"] = candidate_block(b, d)

    awards = list(c.awards.all())

    def dash(value) -> str:
        return str(value) if value not in (None, "") else "Không"

    data["f"] = {
        "birth_name": dash(c.birth_name), "aliases": dash(c.aliases),
        "temporary_residence": dash(c.temporary_residence), "id_number": dash(c.id_number),
        "education_detail": dash(c.education_detail), "political_theory": dash(c.political_theory),
        "foreign_language": dash(c.foreign_language), "it_level": dash(c.it_level),
        "minority_language": dash(c.minority_language),
        "youth_union": (vn_date(c.youth_union_joined_on) + (f", tại {c.youth_union_place}" if c.youth_union_place else "")
                        if c.youth_union_joined_on else "Không"),
        "trade_union": vn_date(c.trade_union_joined_on) if c.trade_union_joined_on else "Không",
        "armed_forces": (f"từ {vn_short_date(c.armed_forces_from)} đến {vn_short_date(c.armed_forces_to)}"
                         if c.armed_forces_from else "Không"),
        "health": dash(c.health),
        "personal_history": dash(c.personal_history),
        "historical_particulars": dash(c.historical_particulars),
        "self_assessment": c.self_assessment,
        "work": [{"from": f"{w.start:%m/%Y}", "to": f"{w.end:%m/%Y}" if w.end else "nay", "place": w.place,
                  "position": w.position} for w in c.work_history.all()],
        "awards": [{"date": vn_short_date(a.date), "title": a.title, "issuer": a.issuer}
                   for a in awards if not a.is_discipline],
        "disciplines": [{"date": vn_short_date(a.date), "title": a.title, "issuer": a.issuer, "reason": a.reason}
                        for a in awards if a.is_discipline],
        "trips": [{"from": f"{t.start:%m/%Y}", "to": f"{t.end:%m/%Y}" if t.end else "", "country": t.country,
                   "purpose": t.purpose} for t in c.trips.all()],
        "relatives": [{"kind": str(r.get_kind_display()), "name": r.full_name,
                       "born": str(r.birth_year or "—") + (f" – {r.death_year}" if r.death_year else ""),
                       "home_town": r.home_town, "residence": r.residence, "occupation": r.occupation,
                       "political_history": r.political_history} for r in c.relatives.all()],
    }
    data["signature"] = {"on_behalf": "", "position": "NGƯỜI KHAI LÝ LỊCH", "name": c.full_name,
                         "note": "(Ký, ghi rõ họ tên)"}
    b.data = data
    return b
