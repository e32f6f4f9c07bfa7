"""Higher approval, the admission decision and the ceremony (steps 9a–11)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils.translation import gettext as _

from .. import gates, rules
from ..models import (
    ActKind,
    Ceremony,
    DecisionExtension,
    Dossier,
    MemberStatus,
    Organization,
    PartyMember,
    VotePurpose,
)
from ..refusals import APP_RULE, Reason, Refusal, app_reason
from .base import (
    _act,
    _atomic,
    _committee_vote,
    _grassroots_name,
    _lock,
    _not_future,
    _record,
    _require,
    _transition,
    _vote,
    clean_and_save,
)

# --- Higher approval (steps 9a–11) -------------------------------------------------------------


def _sub_committee_report(step: str, kind: str):
    def service(*, dossier: Dossier, actor, number: str, date: dt.date, signer: str, note: str = "") -> Dossier:
        with _atomic():
            d = _lock(dossier)
            reasons = [_not_future(date, _("Report date"))]
            if not gates.under_sub_committee(d):
                reasons.append(app_reason(_("The cell is not under a sub-committee.")))
            t = _require(d, step, date, *reasons)
            act = _act(d, kind, issuer=d.cell.parent.name, number=number, date=date, signer=signer)
            _record(t, actor, note, on=date, act=act, number=number)
        return d
    service.__name__ = f"dossier_{step}"
    return service


dossier_record_sub_committee_admission = _sub_committee_report(
    "record_sub_committee_admission", ActKind.SUB_COMMITTEE_ADMISSION)
dossier_record_sub_committee_recognition = _sub_committee_report(
    "record_sub_committee_recognition", ActKind.SUB_COMMITTEE_RECOGNITION)


def dossier_record_grassroots_admission(*, dossier: Dossier, actor, meeting_date: dt.date, present: int,
                                        votes_for: int, votes_against: int, abstain: int = 0,
                                        eligible: int | None = None, number: str = "", signer: str = "", eligible_reason: str = "",
                                        note: str = "") -> Dossier:
    """Step 10: the grassroots committee's resolution (8-KNĐ), ≥ 2/3 of its members; failing ends
    the attempt as rejected."""
    with _atomic():
        d = _lock(dossier)
        branch = gates.last_act(d, ActKind.BRANCH_ADMISSION)
        reasons = [_not_future(meeting_date, _("Committee meeting date"))]
        if branch and meeting_date < branch.date:
            reasons.append(app_reason(_("The committee cannot meet before the date of the cell resolution (%(d)s).") % {
                "d": rules.vn_date(branch.date)}))
        t = _require(d, "record_grassroots_admission", meeting_date, *reasons)
        base = _committee_vote(d, meeting_date, eligible)
        vote = _vote(d, actor, VotePurpose.GRASSROOTS_ADMISSION, meeting_date=meeting_date, meeting_mode="in_person",
                     eligible=base, present=present, votes_for=votes_for, votes_against=votes_against,
                     abstain=abstain, eligible_reason=eligible_reason)
        if vote.passed:
            if not signer.strip():
                raise Refusal(_("Enter who signed the resolution."), rule=APP_RULE)
            act = _act(d, ActKind.GRASSROOTS_ADMISSION, issuer=_grassroots_name(d), number=number,
                       date=meeting_date, signer=signer, vote=vote)
            _record(t, actor, note, on=meeting_date, vote=vote, act=act, passed=True)
        else:
            reason = rules.vote_refusal(votes_for=votes_for, eligible=base, body=_("Grassroots committee vote"))
            d.closing_reason = reason
            _transition(d, "reject")
            _record(t, actor, note or reason, on=meeting_date, vote=vote, passed=False)
    return d


def dossier_decide_admission(*, dossier: Dossier, actor, approved: bool, number: str, date: dt.date,
                             signer: str, issuer: str, reason: str = "", note: str = "") -> Dossier:
    """Step 11: the competent committee's decision (9-KNĐ) or refusal, which the branch is told
    (QĐ 232 4.3.1). A refusal ends this attempt."""
    with _atomic():
        d = _lock(dossier)
        reasons = [_not_future(date, _("Decision date"))]
        grassroots = gates.last_act(d, ActKind.GRASSROOTS_ADMISSION)
        if grassroots and date < grassroots.date:
            reasons.append(app_reason(_("The decision date cannot be before the grassroots committee resolution.")))
        if not approved and not reason.strip():
            reasons.append(Reason(_("If admission is refused, state the reason so the cell can be informed."),
                                  rule=rules.cite("{reg}, điểm 4.3.1")))
        if approved and not number.strip():
            reasons.append(app_reason(_("Enter the admission decision number.")))
        t = _require(d, "decide_admission", date, *reasons)
        act = _act(d, ActKind.ADMISSION_DECISION, issuer=issuer, number=number, date=date, signer=signer,
                   approved=approved, reason=reason)
        if approved:
            _record(t, actor, note, on=date, act=act, approved=True,
                    warnings=t.verdict.warnings or None)
        else:
            d.closing_reason = reason
            _transition(d, "reject")
            _record(t, actor, note or reason, on=date, act=act, approved=False)
    return d


def dossier_hold_ceremony(*, dossier: Dossier, actor, date: dt.date, place: str, chaired_by: str,
                          note: str = "") -> Dossier:
    """Step 12: the ceremony starts probation (Charter Art. 5) and makes the candidate a
    probationary member of the cell; the three dates of domain.md §4 are fixed here."""
    with _atomic():
        d = _lock(dossier)
        t = _require(d, "hold_ceremony", date, _not_future(date, _("Admission ceremony date")))
        decision = next(a for a in gates.acts(d, ActKind.ADMISSION_DECISION) if a.approved)
        # One ceremony per dossier: the step is taken once, from the state it leaves (checked above).
        clean_and_save(Ceremony(dossier=d, date=date, place=place, chaired_by=chaired_by), checked=["dossier"])
        c = d.candidate
        member = clean_and_save(PartyMember(full_name=c.full_name, sex=c.sex, birth_date=c.birth_date, cell=d.cell,
                                   status=MemberStatus.PROBATIONARY, joined_on=date, in_cell_since=date))
        Organization.objects.filter(pk=d.cell_id).update(probationary_members=F("probationary_members") + 1)
        d.member = member
        d.decision_date = decision.date
        d.ceremony_date = date
        d.official_date = rules.official_date(date)
        _transition(d, "admit")
        _record(t, actor, note, on=date, ceremony_date=date, decision_date=decision.date,
                official_date=d.official_date, member=member)
    return d


def dossier_extend_decision(*, dossier: Dossier, actor, granted_by: str, granted_on: dt.date, reason: str,
                            note: str = "") -> Dossier:
    """QĐ 232 4.3.1: the competent committee takes up to 30 more working days to decide, once per
    dossier; the due date and the overdue marks follow it."""
    with _atomic():
        d = _lock(dossier)
        reasons = [_not_future(granted_on, _("Date granted"))]
        if not reason.strip():
            reasons.append(Reason(_("State the reason for the extension (a special case)."),
                                  rule=rules.cite("{reg}, điểm 4.3.1")))
        if not granted_by.strip():
            reasons.append(app_reason(_("Enter who granted the extension.")))
        t = _require(d, "extend_decision", granted_on, *reasons)
        extension = clean_and_save(DecisionExtension(dossier=d, granted_by=granted_by.strip(), granted_on=granted_on,
                                                     reason=reason.strip(), recorded_by=actor))
        d.decision_extended = True
        clean_and_save(d, fields=["decision_extended"])
        _record(t, actor, note or reason, on=granted_on, granted_by=extension.granted_by, reason=extension.reason)
    return d
