"""Probation and recognition (domain.md §4): the new-member class, self review, votes, decision."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils.translation import gettext as _

from .. import gates, rules
from ..models import (
    ActKind,
    CertificateKind,
    Dossier,
    Meeting,
    MemberExit,
    MemberStatus,
    Organization,
    SelfReview,
    TrainingCertificate,
    VotePurpose,
)
from ..refusals import APP_RULE, Refusal, app_reason
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

# --- Probation and recognition (domain.md §4) ----------------------------------------------------


def dossier_record_new_member_certificate(*, dossier: Dossier, actor, class_name: str, organiser: str,
                                          start_date: dt.date, number: str, issued_on: dt.date,
                                          note: str = "") -> Dossier:
    with _atomic():
        d = _lock(dossier)
        reasons = [_not_future(issued_on, _("Certificate issue date"))]
        if issued_on < start_date:
            reasons.append(app_reason(_("The certificate issue date cannot be before the start of the class.")))
        t = _require(d, "record_new_member_certificate", issued_on, *reasons)
        cert = clean_and_save(TrainingCertificate(dossier=d, kind=CertificateKind.NEW_MEMBER, class_name=class_name,
                                         organiser=organiser, start_date=start_date, number=number,
                                         issued_on=issued_on))
        _record(t, actor, note, on=issued_on, certificate=cert, number=number)
    return d


def dossier_record_self_review(*, dossier: Dossier, actor, date: dt.date, strengths: str, weaknesses: str,
                               note: str = "") -> Dossier:
    with _atomic():
        d = _lock(dossier)
        t = _require(d, "record_self_review", date, _not_future(date, _("Self-review date")))
        r = clean_and_save(SelfReview(dossier=d, date=date, strengths=strengths, weaknesses=weaknesses))
        _record(t, actor, note, on=date, self_review=r, date=date)
    return d


def dossier_record_recognition_vote(*, dossier: Dossier, actor, meeting_date: dt.date, eligible: int,
                                    present: int, votes_for: int, votes_against: int, abstain: int = 0,
                                    meeting_mode: str = "in_person", number: str = "", signer: str = "",
                                    eligible_reason: str = "", meeting: Meeting | None = None,
                                    note: str = "") -> Dossier:
    """Branch recognition vote (13-KNĐ), voted as for admission (Charter Art. 5). Two thirds for:
    proposal to recognise; two thirds against: proposal to remove; neither, three times:
    the case goes to the higher committee (QĐ 232 4.2c)."""
    with _atomic():
        d = _lock(dossier)
        t = _require(d, "record_recognition_vote", meeting_date, _not_future(meeting_date, _("Cell meeting date")))
        vote = _vote(d, actor, VotePurpose.BRANCH_RECOGNITION, meeting_date=meeting_date, meeting_mode=meeting_mode,
                     eligible=eligible, present=present, votes_for=votes_for, votes_against=votes_against,
                     abstain=abstain, eligible_reason=eligible_reason, meeting=meeting)
        outcome: str
        act = None
        if vote.passed:
            if not signer.strip():
                raise Refusal(_("Enter who signed the resolution (cell secretary)."), rule=APP_RULE)
            act = _act(d, ActKind.BRANCH_RECOGNITION, issuer=d.cell.name, number=number, date=meeting_date,
                       signer=signer, vote=vote)
            outcome = "recognise"
        elif rules.two_thirds(votes_for=votes_against, eligible=eligible):
            outcome = "remove"
        else:
            outcome = "inconclusive"
            if rules.recognition_escalation_due(failed_votes=gates.recognition_votes_failed(d)):
                d.escalated_on = meeting_date
                clean_and_save(d, fields=["escalated_on"])
                outcome = "escalated"
        _record(t, actor, note, on=meeting_date, vote=vote, act=act, outcome=outcome)
    return d


def dossier_record_grassroots_recognition(*, dossier: Dossier, actor, meeting_date: dt.date, present: int,
                                          votes_for: int, votes_against: int, abstain: int = 0,
                                          eligible: int | None = None, number: str = "", signer: str = "", eligible_reason: str = "",
                                          note: str = "") -> Dossier:
    """The grassroots committee's recognition resolution (15-KNĐ), ≥ 2/3 of its members."""
    with _atomic():
        d = _lock(dossier)
        t = _require(d, "record_grassroots_recognition", meeting_date,
                 _not_future(meeting_date, _("Committee meeting date")))
        base = _committee_vote(d, meeting_date, eligible)
        vote = _vote(d, actor, VotePurpose.GRASSROOTS_RECOGNITION, meeting_date=meeting_date,
                     meeting_mode="in_person", eligible=base, present=present, votes_for=votes_for,
                     votes_against=votes_against, abstain=abstain, eligible_reason=eligible_reason)
        act = None
        if vote.passed:
            if not signer.strip():
                raise Refusal(_("Enter who signed the resolution."), rule=APP_RULE)
            act = _act(d, ActKind.GRASSROOTS_RECOGNITION, issuer=_grassroots_name(d), number=number,
                       date=meeting_date, signer=signer, vote=vote)
        _record(t, actor, note, on=meeting_date, vote=vote, act=act, passed=vote.passed)
    return d


def dossier_recognize(*, dossier: Dossier, actor, number: str, date: dt.date, signer: str, issuer: str,
                      note: str = "") -> Dossier:
    """16-KNĐ: official as of ceremony + 12 months, whatever the date of the meeting or decision
    (QĐ 232 4.2b); the member's party age counts from the admission decision."""
    with _atomic():
        d = _lock(dossier)
        reasons = [_not_future(date, _("Decision date"))]
        if not number.strip():
            reasons.append(app_reason(_("Enter the recognition decision number.")))
        t = _require(d, "recognize", date, *reasons)
        act = _act(d, ActKind.RECOGNITION_DECISION, issuer=issuer, number=number, date=date, signer=signer)
        d.official_date = rules.official_date(d.ceremony_date)
        member = d.member
        member.status, member.official_since = MemberStatus.OFFICIAL, d.official_date
        clean_and_save(member)
        Organization.objects.filter(pk=d.cell_id).update(
            probationary_members=F("probationary_members") - 1, official_members=F("official_members") + 1)
        _transition(d, "recognize")
        _record(t, actor, note, on=date, act=act, official_date=d.official_date)
    return d


def dossier_remove(*, dossier: Dossier, actor, number: str, date: dt.date, signer: str, issuer: str,
                   reason: str, note: str = "") -> Dossier:
    """Removal from the list of probationary members (xóa tên), on the branch's 2/3 proposal or after
    escalation (Charter Art. 5; QĐ 232 4.2c)."""
    with _atomic():
        d = _lock(dossier)
        reasons = [_not_future(date, _("Decision date"))]
        if not reason.strip():
            reasons.append(app_reason(_("State the reason for removal.")))
        t = _require(d, "remove", date, *reasons)
        act = _act(d, ActKind.REMOVAL_DECISION, issuer=issuer, number=number, date=date, signer=signer,
                   reason=reason)
        member = d.member
        member.status, member.left_on, member.left_reason = MemberStatus.LEFT, date, MemberExit.REMOVED
        clean_and_save(member)
        Organization.objects.filter(pk=d.cell_id).update(probationary_members=F("probationary_members") - 1)
        d.closing_reason = reason
        _transition(d, "remove")
        _record(t, actor, note or reason, on=date, act=act)
    return d
