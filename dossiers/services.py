"""Every change to a dossier goes through one of these functions.

Each one, in a single transaction: locks the dossier row, refuses if another user changed its
state since the caller read it, asks `dossiers.gates` whether the step is allowed on that date,
writes the evidence (`full_clean()` first), moves the state machine if the step does, and appends
one `DossierHistory` row (who, when, from → to, note, evidence). A refusal raises `Refusal`
with the reasons in Vietnamese and leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from . import gates, rules, steps
from .models import (
    OPEN_STATES,
    ActKind,
    Candidate,
    Ceremony,
    CertificateKind,
    Dossier,
    DossierHistory,
    Introducer,
    MemberStatus,
    Mentor,
    OpinionStage,
    OpinionSummary,
    Organization,
    OrgLevel,
    PartyAct,
    PartyMember,
    ProgressReport,
    ProgressStage,
    Relative,
    SelfReview,
    State,
    TrainingCertificate,
    Verification,
    VerificationStatus,
    Vote,
    VotePurpose,
)
from .refusals import Refusal, refusal_from
from .signals import dossier_changed

# --- The machinery every service shares -------------------------------------------------------


def _lock(dossier: Dossier) -> Dossier:
    """The dossier row, locked for this transaction; refused if its state moved under the caller."""
    # of=self: PostgreSQL cannot lock the nullable side of the outer join to the parent organisation.
    locked = Dossier.objects.select_for_update(of=("self",)).select_related(
        "candidate", "cell", "cell__parent", "cell__parent__parent").get(
        pk=dossier.pk
    )
    if locked.state != dossier.state:
        raise Refusal(_(
            "The dossier has just been updated by someone else (now in state “%(state)s”). Please reload the page."
        ) % {"state": locked.get_state_display()})
    return locked


@dataclass(frozen=True)
class Taking:
    """A step being taken: which, on which locked dossier, from which state, and what its gate said."""

    step: str
    dossier: Dossier
    from_state: str
    verdict: gates.Verdict


def _require(dossier: Dossier, step: str, on: dt.date, *extra: str | None) -> Taking:
    """The step's gate (`dossiers.steps`) on date `on`, plus the service's own checks: refused
    with every reason at once, or the step may go on."""
    verdict = steps.check(step, dossier, on)
    reasons = verdict.reasons + [r for r in extra if r]
    if reasons:
        raise Refusal(reasons)
    return Taking(step=step, dossier=dossier, from_state=dossier.state, verdict=verdict)


def _save(obj: models.Model) -> models.Model:
    """full_clean() then save; validation errors become refusals with their messages."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise refusal_from(exc) from exc
    obj.save()
    return obj


def _not_future(day: dt.date, what: str) -> str | None:
    if day > timezone.localdate():
        return _("%(what)s cannot be in the future.") % {"what": what}
    return None


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def _record(taking: Taking, actor, note: str = "", *, on: dt.date | None = None, **evidence: Any) -> DossierHistory:
    """The history row of a step taken (see `_history`)."""
    return _history(taking.dossier, actor, taking.step, taking.from_state, note, on=on, **evidence)


def _history(
    dossier: Dossier, actor, action: str, from_state: str, note: str = "", *, on: dt.date | None = None,
    **evidence: Any,
) -> DossierHistory:
    """One history row; `on` is the date the act took effect (a meeting, a decision), which the
    timeline shows beside the moment it was recorded."""
    event = DossierHistory.objects.create(
        dossier=dossier, actor=actor, action=action, from_state=from_state, to_state=dossier.state,
        effective_on=on or timezone.localdate(), note=note,
        evidence={k: _jsonable(v) for k, v in evidence.items() if v not in (None, "")},
    )
    dossier_changed.send(sender=Dossier, dossier=dossier, event=event, actor=actor)
    return event


def _transition(dossier: Dossier, name: str) -> None:
    try:
        getattr(dossier, name)()
        dossier.save()
    except (TransitionNotAllowed, ConcurrentTransition) as exc:
        raise Refusal(_("The dossier has just been updated by someone else. Please reload the page.")) from exc


def _vote(dossier: Dossier, actor, purpose: str, *, meeting_date: dt.date, meeting_mode: str, eligible: int,
          present: int, votes_for: int, votes_against: int, abstain: int) -> Vote:
    refusal = rules.vote_counts_refusal(
        eligible=eligible, present=present, votes_for=votes_for, votes_against=votes_against, abstain=abstain
    )
    if refusal:
        raise Refusal(refusal)
    vote = Vote(
        dossier=dossier, purpose=purpose, meeting_date=meeting_date, meeting_mode=meeting_mode,
        eligible=eligible, present=present, votes_for=votes_for, votes_against=votes_against,
        abstain=abstain, passed=rules.two_thirds(votes_for=votes_for, eligible=eligible), recorded_by=actor,
    )
    return _save(vote)


def _act(dossier: Dossier, kind: str, *, issuer: str, number: str, date: dt.date, signer: str,
         vote: Vote | None = None, approved: bool = True, reason: str = "") -> PartyAct:
    return _save(PartyAct(dossier=dossier, kind=kind, issuer=issuer, number=number, date=date, signer=signer,
                          vote=vote, approved=approved, reason=reason))


def _grassroots_name(dossier: Dossier) -> str:
    org = dossier.cell.grassroots()
    return org.name if org else dossier.cell.name


# --- Creating a case --------------------------------------------------------------------------


def dossier_create(*, candidate: Candidate, cell: Organization, source: str, spotted_on: dt.date, actor,
                   note: str = "") -> Dossier:
    """Put an outstanding person on the cell's source list (nguồn): step 1 of domain.md §2."""
    with transaction.atomic():
        reasons = []
        if cell.level != OrgLevel.CELL:
            reasons.append(_("The dossier must belong to a cell."))
        if Dossier.objects.filter(candidate=candidate, state__in=OPEN_STATES).exists():
            reasons.append(_("This candidate already has an open dossier."))
        if Dossier.objects.filter(candidate=candidate, state=State.RECOGNIZED).exists():
            reasons.append(_("This candidate is already an official member."))
        if refusal := _not_future(spotted_on, _("Date added to the source list")):
            reasons.append(refusal)
        if candidate.former_member and candidate.leave_reason:
            if refusal := rules.readmission_refusal(
                former_member=True, left_party_on=candidate.left_party_on, leave_reason=candidate.leave_reason,
                record_expunged_on=candidate.record_expunged_on, on_date=spotted_on,
            ):
                # A never-readmit reason ends the matter now; a waiting period is checked at each step.
                if candidate.leave_reason in rules.NEVER_READMIT:
                    reasons.append(refusal)
        if reasons:
            raise Refusal(reasons)
        dossier = _save(Dossier(candidate=candidate, cell=cell, source=source, spotted_on=spotted_on,
                                created_by=actor, notes=note))
        _history(dossier, actor, "create", State.SPOTTED, note, on=spotted_on, source=source, spotted_on=spotted_on)
    return dossier


def candidate_create(*, candidate: Candidate, relatives: Sequence[Relative] = (), cell: Organization, source: str,
                     spotted_on: dt.date, actor, note: str = "") -> Dossier:
    """"Thêm quần chúng vào danh sách nguồn": the candidate, their relatives and the dossier, all or
    nothing (a refusal of any of them writes none)."""
    with transaction.atomic():
        _save(candidate)
        for relative in relatives:
            relative.candidate = candidate
            _save(relative)
        return dossier_create(candidate=candidate, cell=cell, source=source, spotted_on=spotted_on, actor=actor,
                              note=note)


def candidate_update(*, dossier: Dossier, candidate: Candidate, relatives: Sequence[Relative] = (),
                     deleted_relatives: Sequence[Relative] = (), actor, note: str = "") -> Dossier:
    """Correct the candidate's personal data and relatives while the dossier is open.

    simple-history keeps each row's before/after; the dossier's history says who changed which
    fields (their names only: the values are personal data and stay in the rows)."""
    with transaction.atomic():
        d = _lock(dossier)
        if not d.is_open:
            raise Refusal(_("The dossier is closed and cannot be edited."))
        if candidate.pk != d.candidate_id or any(
            r.candidate_id not in (None, candidate.pk) for r in [*relatives, *deleted_relatives]
        ):
            raise Refusal(_("These data do not belong to the candidate of this dossier."))
        before = Candidate.objects.get(pk=candidate.pk)
        fields = [str(f.verbose_name) for f in Candidate._meta.concrete_fields
                  if getattr(before, f.attname) != getattr(candidate, f.attname)]
        if fields:
            _save(candidate)
        changed = []
        for relative in relatives:
            relative.candidate = candidate
            _save(relative)
            changed.append(relative.full_name)
        removed = [r.full_name for r in deleted_relatives if r.pk]
        Relative.objects.filter(pk__in=[r.pk for r in deleted_relatives if r.pk]).delete()
        if fields or changed or removed:
            d.candidate = candidate
            _history(d, actor, "update_candidate", d.state, note, fields=fields or None,
                     relatives=changed or None, relatives_removed=removed or None)
    return d


def dossier_update_details(*, dossier: Dossier, actor, note: str = "", **fields: Any) -> Dossier:
    """Edit the dossier's own data (not its state); simple-history keeps before/after."""
    allowed = {"source", "spotted_on", "notes", "over_sixty_case", "decision_extended",
               "late_ceremony_approval_ref"}
    with transaction.atomic():
        d = _lock(dossier)
        if not d.is_open:
            raise Refusal(_("The dossier is closed and cannot be edited."))
        changed = {}
        for name, value in fields.items():
            if name not in allowed:
                raise Refusal(_("Field “%(name)s” cannot be edited here.") % {"name": name})
            if getattr(d, name) != value:
                changed[name] = value
                setattr(d, name, value)
        if changed:
            _save(d)
            _history(d, actor, "update_details", d.state, note, **changed)
    return d


# --- Training (steps 3, domain.md §2) ---------------------------------------------------------


def dossier_enroll_training(*, dossier: Dossier, actor, class_name: str, organiser: str,
                            start_date: dt.date, note: str = "") -> Dossier:
    with transaction.atomic():
        d = _lock(dossier)
        t = _require(d, "enroll_training", start_date)
        cert = _save(TrainingCertificate(dossier=d, kind=CertificateKind.AWARENESS, class_name=class_name,
                                         organiser=organiser, start_date=start_date))
        _transition(d, "enroll_training")
        _record(t, actor, note, on=start_date, certificate=cert, class_name=class_name,
                start_date=start_date)
    return d


def dossier_complete_training(*, dossier: Dossier, actor, number: str, issued_on: dt.date,
                              end_date: dt.date | None = None, score: str = "", note: str = "") -> Dossier:
    """The class is passed and the CN-NTVĐ certificate held: the dossier work begins."""
    with transaction.atomic():
        d = _lock(dossier)
        t = _require(d, "complete_training", issued_on, _not_future(issued_on, _("Certificate issue date")))
        cert = gates.certificate(d, CertificateKind.AWARENESS)
        if issued_on < cert.start_date:
            raise Refusal(_("The certificate issue date cannot be before the class start date."))
        if not number.strip():
            raise Refusal(_("Enter the certificate number."))
        cert.number, cert.issued_on, cert.end_date, cert.score = number, issued_on, end_date, score
        _save(cert)
        _transition(d, "complete_training")
        _record(t, actor, note, on=issued_on, certificate=cert, number=number,
                issued_on=issued_on)
    return d


# --- People who help and introduce -------------------------------------------------------------


def _official_member_refusal(member: PartyMember, on: dt.date) -> str | None:
    if not member.is_official_on(on):
        return _("Comrade %(name)s is not an official member.") % {"name": member.full_name}
    return None


def dossier_assign_mentor(*, dossier: Dossier, actor, member: PartyMember, assigned_on: dt.date,
                          note: str = "") -> Dossier:
    """The branch assigns an official member to help (Charter Art. 5 §1; step 2 of domain.md §2).
    A new assignment ends the previous one."""
    with transaction.atomic():
        d = _lock(dossier)
        t = _require(d, "assign_mentor", assigned_on, _official_member_refusal(member, assigned_on),
                 _not_future(assigned_on, _("Assignment date")))
        for current in gates.active_mentors(d):
            if current.member_id == member.pk:
                raise Refusal(_("Comrade %(name)s is already assigned as mentor.") % {
                    "name": member.full_name})
            current.ended_on = assigned_on
            _save(current)
        mentor = _save(Mentor(dossier=d, member=member, assigned_on=assigned_on))
        _record(t, actor, note, on=assigned_on, mentor=mentor, member=member.full_name)
    return d


def dossier_assign_introducer(*, dossier: Dossier, actor, member: PartyMember, worked_together_since: dt.date,
                              assigned_on: dt.date, override_reason: str = "", note: str = "") -> Dossier:
    """Charter Art. 4 §2: an official member introduces; the year worked together is measured on
    the branch vote date, so a shorter period is a warning now and a refusal at the vote."""
    with transaction.atomic():
        d = _lock(dossier)
        reasons = [_official_member_refusal(member, assigned_on), _not_future(assigned_on, _("Assignment date"))]
        if worked_together_since > assigned_on:
            reasons.append(_("The date of starting to work together cannot be after the assignment date."))
        active = gates.active_introducers(d)
        if any(i.member_id == member.pk for i in active):
            reasons.append(_("Comrade %(name)s is already an introducer.") % {"name": member.full_name})
        needed = rules.introducers_needed(has_union_resolution=gates.has_union_resolution(d))
        if len(active) >= needed:
            reasons.append(_("There are already %(n)d introducers; to replace one, first withdraw an introducer.") % {
                "n": needed})
        t = _require(d, "assign_introducer", assigned_on, *reasons)
        introducer = _save(Introducer(dossier=d, member=member, worked_together_since=worked_together_since,
                                      assigned_on=assigned_on, override_reason=override_reason))
        _record(t, actor, note, on=assigned_on, introducer=introducer, member=member.full_name,
                worked_together_since=worked_together_since, override_reason=override_reason)
    return d


def dossier_end_introducer(*, dossier: Dossier, actor, introducer: Introducer, ended_on: dt.date,
                           reason: str, note: str = "") -> Dossier:
    """An introducer who transfers or is disciplined is replaced by the branch (domain.md §2.1)."""
    with transaction.atomic():
        d = _lock(dossier)
        reasons = []
        if introducer.dossier_id != d.pk or introducer.ended_on:
            reasons.append(_("This introducer is no longer on the dossier."))
        if not reason.strip():
            reasons.append(_("Give the reason for withdrawing the introduction."))
        t = _require(d, "end_introducer", ended_on, *reasons)
        introducer.ended_on, introducer.end_reason = ended_on, reason
        _save(introducer)
        _record(t, actor, note, on=ended_on, introducer=introducer, reason=reason)
    return d


def dossier_record_union_resolution(*, dossier: Dossier, actor, kind: str, issuer: str, number: str,
                                    date: dt.date, signer: str, note: str = "") -> Dossier:
    """Charter Art. 4 §1: the Youth Union (4-KNĐ) or Trade Union (4A-KNĐ) executive committee's
    resolution replaces one introducer."""
    with transaction.atomic():
        d = _lock(dossier)
        reasons = [_not_future(date, _("Resolution date"))]
        if kind not in (ActKind.YOUTH_UNION, ActKind.TRADE_UNION):
            reasons.append(_("Invalid resolution type."))
        if gates.has_union_resolution(d):
            reasons.append(_("The dossier already has a Youth Union / Trade Union introduction resolution."))
        t = _require(d, "record_union_resolution", date, *reasons)
        act = _act(d, kind, issuer=issuer, number=number, date=date, signer=signer)
        _record(t, actor, note, on=date, act=act, kind=kind, number=number)
    return d


# --- The dossier papers (steps 4–8) ------------------------------------------------------------


def _set_date(step: str, field_name: str, what: str):
    def service(*, dossier: Dossier, actor, on: dt.date, note: str = "") -> Dossier:
        with transaction.atomic():
            d = _lock(dossier)
            t = _require(d, step, on, _not_future(on, what))
            setattr(d, field_name, on)
            _save(d)
            _record(t, actor, note, on=on, **{field_name: on})
        return d
    service.__name__ = f"dossier_{step}"
    return service


dossier_record_application = _set_date(
    "record_application", "application_received_on", _("Application receipt date"))
dossier_record_personal_history = _set_date(
    "record_personal_history", "history_received_on", _("Personal history receipt date"))
dossier_certify_personal_history = _set_date(
    "certify_personal_history", "history_certified_on", _("Personal history certification date"))


def dossier_start_verification(*, dossier: Dossier, actor, relative: Relative | None, method: str,
                               verifying_unit: str, sent_on: dt.date, note: str = "") -> Dossier:
    """HD 01-HD/TW 3.3: the grassroots committee verifies the candidate and each relative."""
    with transaction.atomic():
        d = _lock(dossier)
        reasons = [_not_future(sent_on, _("Verification date"))]
        if relative is not None and relative.candidate_id != d.candidate_id:
            reasons.append(_("This relative does not belong to the candidate of this dossier."))
        if any(v.relative_id == (relative.pk if relative else None) for v in d.verifications.all()):
            reasons.append(_("A verification already exists for this person."))
        t = _require(d, "start_verification", sent_on, *reasons)
        v = _save(Verification(dossier=d, relative=relative, method=method, verifying_unit=verifying_unit,
                               sent_on=sent_on))
        _record(t, actor, note, on=sent_on, verification=v,
                subject=relative.full_name if relative else d.candidate.full_name)
    return d


def dossier_conclude_verification(*, dossier: Dossier, actor, verification: Verification,
                                  concluded_on: dt.date, conclusion: str, has_issue: bool = False,
                                  note: str = "") -> Dossier:
    with transaction.atomic():
        d = _lock(dossier)
        reasons = [_not_future(concluded_on, _("Conclusion date"))]
        if verification.dossier_id != d.pk:
            reasons.append(_("The verification does not belong to this dossier."))
        elif verification.status == VerificationStatus.CONCLUDED:
            reasons.append(_("This verification is already concluded."))
        elif concluded_on < verification.sent_on:
            reasons.append(_("The conclusion date cannot be before the verification date."))
        if not conclusion.strip():
            reasons.append(_("Enter the conclusion."))
        t = _require(d, "conclude_verification", concluded_on, *reasons)
        verification.status = VerificationStatus.CONCLUDED
        verification.concluded_on, verification.conclusion, verification.has_issue = concluded_on, conclusion, has_issue
        _save(verification)
        _record(t, actor, note, on=concluded_on, verification=verification, has_issue=has_issue)
    return d


def dossier_record_opinions(*, dossier: Dossier, actor, date: dt.date, workplace_opinion: str,
                            residence_opinion: str, favourable: bool = True, note: str = "") -> Dossier:
    """5-KNĐ before admission, 12-KNĐ during probation: the stage follows the dossier's state."""
    with transaction.atomic():
        d = _lock(dossier)
        t = _require(d, "record_opinions", date, _not_future(date, _("Summary date")))
        stage = OpinionStage.PROBATION if d.state == State.PROBATION else OpinionStage.ADMISSION
        o = _save(OpinionSummary(dossier=d, stage=stage, date=date, workplace_opinion=workplace_opinion,
                                 residence_opinion=residence_opinion, favourable=favourable))
        _record(t, actor, note, on=date, opinions=o, stage=stage, favourable=favourable)
    return d


def dossier_record_progress_report(*, dossier: Dossier, actor, mentor: PartyMember, period_start: dt.date,
                                   period_end: dt.date, content: str, final: bool = False,
                                   note: str = "") -> Dossier:
    """The assigned member's monthly/quarterly evaluation (reference 001); `final` is the 11-KNĐ."""
    with transaction.atomic():
        d = _lock(dossier)
        reasons = [_not_future(period_end, _("Review date"))]
        if period_end < period_start:
            reasons.append(_("Review period: the end date cannot be before the start date."))
        if not any(m.member_id == mentor.pk for m in d.mentors.all()):
            reasons.append(_("Comrade %(name)s is not assigned to mentor this dossier.") % {"name": mentor.full_name})
        if final and d.state != State.PROBATION:
            reasons.append(_("The probationary member review (11-KNĐ) exists only during probation."))
        t = _require(d, "record_progress_report", period_end, *reasons)
        stage = (ProgressStage.FINAL if final else ProgressStage.PROBATION) if d.state == State.PROBATION \
            else ProgressStage.CANDIDATE
        r = _save(ProgressReport(dossier=d, mentor=mentor, stage=stage, period_start=period_start,
                                 period_end=period_end, content=content))
        _record(t, actor, note, on=period_end, report=r, stage=stage)
    return d


# --- The branch vote (step 9) ------------------------------------------------------------------


def dossier_submit_for_vote(*, dossier: Dossier, actor, on: dt.date | None = None, note: str = "") -> Dossier:
    """The completeness gate of domain.md §5.4, checked on the date of submission (default today)."""
    on = on or timezone.localdate()
    with transaction.atomic():
        d = _lock(dossier)
        t = _require(d, "submit_for_vote", on, _not_future(on, _("Submission date")))
        _transition(d, "submit_for_vote")
        _record(t, actor, note, on=on, warnings=t.verdict.warnings or None)
    return d


def dossier_record_branch_vote(*, dossier: Dossier, actor, meeting_date: dt.date, eligible: int, present: int,
                               votes_for: int, votes_against: int, abstain: int = 0,
                               meeting_mode: str = "in_person", number: str = "", signer: str = "",
                               note: str = "") -> Dossier:
    """Step 9: the conditions are measured on the meeting date; ≥ 2/3 of all official members
    passes (6-KNĐ) and goes up; anything less ends this attempt as rejected."""
    with transaction.atomic():
        d = _lock(dossier)
        t = _require(d, "record_branch_vote", meeting_date, _not_future(meeting_date, _("Cell meeting date")))
        vote = _vote(d, actor, VotePurpose.BRANCH_ADMISSION, meeting_date=meeting_date, meeting_mode=meeting_mode,
                     eligible=eligible, present=present, votes_for=votes_for, votes_against=votes_against,
                     abstain=abstain)
        if vote.passed:
            if not signer.strip():
                raise Refusal(_("Enter who signed the resolution (cell secretary)."))
            act = _act(d, ActKind.BRANCH_ADMISSION, issuer=d.cell.name, number=number, date=meeting_date,
                       signer=signer, vote=vote)
            _transition(d, "pass_branch_vote")
            _record(t, actor, note, on=meeting_date, vote=vote, act=act, passed=True)
        else:
            reason = rules.vote_refusal(votes_for=votes_for, eligible=eligible, body=_("Cell vote"))
            d.closing_reason = reason
            _transition(d, "reject")
            _record(t, actor, note or reason, on=meeting_date, vote=vote, passed=False)
    return d


def dossier_attach_provincial_approval(*, dossier: Dossier, actor, reference: str, date: dt.date,
                                       note: str = "") -> Dossier:
    """QĐ 232 1.1.2: the provincial standing committee's written agreement for a candidate over 60."""
    with transaction.atomic():
        d = _lock(dossier)
        reasons = [_not_future(date, _("Document date"))]
        if not reference.strip():
            reasons.append(_("Enter the number and reference of the written consent."))
        t = _require(d, "attach_provincial_approval", date, *reasons)
        d.provincial_approval_ref, d.provincial_approval_on = reference, date
        _save(d)
        _record(t, actor, note, on=date, reference=reference, date=date)
    return d


# --- Higher approval (steps 9a–11) -------------------------------------------------------------


def _sub_committee_report(step: str, kind: str):
    def service(*, dossier: Dossier, actor, number: str, date: dt.date, signer: str, note: str = "") -> Dossier:
        with transaction.atomic():
            d = _lock(dossier)
            reasons = [_not_future(date, _("Report date"))]
            if not gates.under_sub_committee(d):
                reasons.append(_("The cell is not under a sub-committee."))
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


def _committee_vote(dossier: Dossier, meeting_date: dt.date, eligible: int | None) -> int:
    """[R] Committee votes: ≥ 2/3 of the committee's members; the base defaults to the
    grassroots committee size recorded on the organisation."""
    if eligible:
        return eligible
    grassroots = dossier.cell.grassroots()
    if grassroots is None or not grassroots.committee_members:
        raise Refusal(_("The number of grassroots committee members, needed for the 2/3 count, is unknown."))
    return grassroots.committee_members


def dossier_record_grassroots_admission(*, dossier: Dossier, actor, meeting_date: dt.date, present: int,
                                        votes_for: int, votes_against: int, abstain: int = 0,
                                        eligible: int | None = None, number: str = "", signer: str = "",
                                        note: str = "") -> Dossier:
    """Step 10: the grassroots committee's resolution (8-KNĐ), ≥ 2/3 of its members; failing ends
    the attempt as rejected."""
    with transaction.atomic():
        d = _lock(dossier)
        branch = gates.last_act(d, ActKind.BRANCH_ADMISSION)
        reasons = [_not_future(meeting_date, _("Committee meeting date"))]
        if branch and meeting_date < branch.date:
            reasons.append(_("The committee cannot meet before the date of the cell resolution (%(d)s).") % {
                "d": rules.vn_date(branch.date)})
        t = _require(d, "record_grassroots_admission", meeting_date, *reasons)
        base = _committee_vote(d, meeting_date, eligible)
        vote = _vote(d, actor, VotePurpose.GRASSROOTS_ADMISSION, meeting_date=meeting_date, meeting_mode="in_person",
                     eligible=base, present=present, votes_for=votes_for, votes_against=votes_against,
                     abstain=abstain)
        if vote.passed:
            if not signer.strip():
                raise Refusal(_("Enter who signed the resolution."))
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
    with transaction.atomic():
        d = _lock(dossier)
        reasons = [_not_future(date, _("Decision date"))]
        grassroots = gates.last_act(d, ActKind.GRASSROOTS_ADMISSION)
        if grassroots and date < grassroots.date:
            reasons.append(_("The decision date cannot be before the grassroots committee resolution."))
        if not approved and not reason.strip():
            reasons.append(_("If admission is refused, state the reason so the cell can be informed."))
        if approved and not number.strip():
            reasons.append(_("Enter the admission decision number."))
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
    with transaction.atomic():
        d = _lock(dossier)
        t = _require(d, "hold_ceremony", date, _not_future(date, _("Admission ceremony date")))
        decision = next(a for a in gates.acts(d, ActKind.ADMISSION_DECISION) if a.approved)
        _save(Ceremony(dossier=d, date=date, place=place, chaired_by=chaired_by))
        c = d.candidate
        member = _save(PartyMember(full_name=c.full_name, sex=c.sex, birth_date=c.birth_date, cell=d.cell,
                                   status=MemberStatus.PROBATIONARY, joined_on=date))
        Organization.objects.filter(pk=d.cell_id).update(probationary_members=F("probationary_members") + 1)
        d.member = member
        d.decision_date = decision.date
        d.ceremony_date = date
        d.official_date = rules.official_date(date)
        _transition(d, "admit")
        _record(t, actor, note, on=date, ceremony_date=date, decision_date=decision.date,
                official_date=d.official_date, member=member)
    return d


# --- Probation and recognition (domain.md §4) ----------------------------------------------------


def dossier_record_new_member_certificate(*, dossier: Dossier, actor, class_name: str, organiser: str,
                                          start_date: dt.date, number: str, issued_on: dt.date,
                                          note: str = "") -> Dossier:
    with transaction.atomic():
        d = _lock(dossier)
        reasons = [_not_future(issued_on, _("Certificate issue date"))]
        if issued_on < start_date:
            reasons.append(_("The certificate issue date cannot be before the start of the class."))
        t = _require(d, "record_new_member_certificate", issued_on, *reasons)
        cert = _save(TrainingCertificate(dossier=d, kind=CertificateKind.NEW_MEMBER, class_name=class_name,
                                         organiser=organiser, start_date=start_date, number=number,
                                         issued_on=issued_on))
        _record(t, actor, note, on=issued_on, certificate=cert, number=number)
    return d


def dossier_record_self_review(*, dossier: Dossier, actor, date: dt.date, strengths: str, weaknesses: str,
                               note: str = "") -> Dossier:
    with transaction.atomic():
        d = _lock(dossier)
        t = _require(d, "record_self_review", date, _not_future(date, _("Self-review date")))
        r = _save(SelfReview(dossier=d, date=date, strengths=strengths, weaknesses=weaknesses))
        _record(t, actor, note, on=date, self_review=r, date=date)
    return d


def dossier_record_recognition_vote(*, dossier: Dossier, actor, meeting_date: dt.date, eligible: int,
                                    present: int, votes_for: int, votes_against: int, abstain: int = 0,
                                    meeting_mode: str = "in_person", number: str = "", signer: str = "",
                                    note: str = "") -> Dossier:
    """Branch recognition vote (13-KNĐ), voted as for admission (Charter Art. 5). Two thirds for:
    proposal to recognise; two thirds against: proposal to remove; neither, three times:
    the case goes to the higher committee (QĐ 232 4.2c)."""
    with transaction.atomic():
        d = _lock(dossier)
        t = _require(d, "record_recognition_vote", meeting_date, _not_future(meeting_date, _("Cell meeting date")))
        vote = _vote(d, actor, VotePurpose.BRANCH_RECOGNITION, meeting_date=meeting_date, meeting_mode=meeting_mode,
                     eligible=eligible, present=present, votes_for=votes_for, votes_against=votes_against,
                     abstain=abstain)
        outcome: str
        act = None
        if vote.passed:
            if not signer.strip():
                raise Refusal(_("Enter who signed the resolution (cell secretary)."))
            act = _act(d, ActKind.BRANCH_RECOGNITION, issuer=d.cell.name, number=number, date=meeting_date,
                       signer=signer, vote=vote)
            outcome = "recognise"
        elif rules.two_thirds(votes_for=votes_against, eligible=eligible):
            outcome = "remove"
        else:
            outcome = "inconclusive"
            if rules.recognition_escalation_due(failed_votes=gates.recognition_votes_failed(d)):
                d.escalated_on = meeting_date
                _save(d)
                outcome = "escalated"
        _record(t, actor, note, on=meeting_date, vote=vote, act=act, outcome=outcome)
    return d


def dossier_record_grassroots_recognition(*, dossier: Dossier, actor, meeting_date: dt.date, present: int,
                                          votes_for: int, votes_against: int, abstain: int = 0,
                                          eligible: int | None = None, number: str = "", signer: str = "",
                                          note: str = "") -> Dossier:
    """The grassroots committee's recognition resolution (15-KNĐ), ≥ 2/3 of its members."""
    with transaction.atomic():
        d = _lock(dossier)
        t = _require(d, "record_grassroots_recognition", meeting_date,
                 _not_future(meeting_date, _("Committee meeting date")))
        base = _committee_vote(d, meeting_date, eligible)
        vote = _vote(d, actor, VotePurpose.GRASSROOTS_RECOGNITION, meeting_date=meeting_date,
                     meeting_mode="in_person", eligible=base, present=present, votes_for=votes_for,
                     votes_against=votes_against, abstain=abstain)
        act = None
        if vote.passed:
            if not signer.strip():
                raise Refusal(_("Enter who signed the resolution."))
            act = _act(d, ActKind.GRASSROOTS_RECOGNITION, issuer=_grassroots_name(d), number=number,
                       date=meeting_date, signer=signer, vote=vote)
        _record(t, actor, note, on=meeting_date, vote=vote, act=act, passed=vote.passed)
    return d


def dossier_recognize(*, dossier: Dossier, actor, number: str, date: dt.date, signer: str, issuer: str,
                      note: str = "") -> Dossier:
    """16-KNĐ: official as of ceremony + 12 months, whatever the date of the meeting or decision
    (QĐ 232 4.2b); the member's party age counts from the admission decision."""
    with transaction.atomic():
        d = _lock(dossier)
        reasons = [_not_future(date, _("Decision date"))]
        if not number.strip():
            reasons.append(_("Enter the recognition decision number."))
        t = _require(d, "recognize", date, *reasons)
        act = _act(d, ActKind.RECOGNITION_DECISION, issuer=issuer, number=number, date=date, signer=signer)
        d.official_date = rules.official_date(d.ceremony_date)
        member = d.member
        member.status, member.official_since = MemberStatus.OFFICIAL, d.official_date
        _save(member)
        Organization.objects.filter(pk=d.cell_id).update(
            probationary_members=F("probationary_members") - 1, official_members=F("official_members") + 1)
        _transition(d, "recognize")
        _record(t, actor, note, on=date, act=act, official_date=d.official_date)
    return d


def dossier_remove(*, dossier: Dossier, actor, number: str, date: dt.date, signer: str, issuer: str,
                   reason: str, note: str = "") -> Dossier:
    """Removal from the list of probationary members (xóa tên), on the branch's 2/3 proposal or after
    escalation (Charter Art. 5; QĐ 232 4.2c)."""
    with transaction.atomic():
        d = _lock(dossier)
        reasons = [_not_future(date, _("Decision date"))]
        if not reason.strip():
            reasons.append(_("State the reason for removal."))
        t = _require(d, "remove", date, *reasons)
        act = _act(d, ActKind.REMOVAL_DECISION, issuer=issuer, number=number, date=date, signer=signer,
                   reason=reason)
        member = d.member
        member.status = MemberStatus.LEFT
        _save(member)
        Organization.objects.filter(pk=d.cell_id).update(probationary_members=F("probationary_members") - 1)
        d.closing_reason = reason
        _transition(d, "remove")
        _record(t, actor, note or reason, on=date, act=act)
    return d


# --- Ends before admission ---------------------------------------------------------------------


def _end(step: str, transition_name: str):
    def service(*, dossier: Dossier, actor, reason: str, on: dt.date | None = None, note: str = "") -> Dossier:
        on = on or timezone.localdate()
        with transaction.atomic():
            d = _lock(dossier)
            t = _require(d, step, on, _not_future(on, _("Date")),
                     None if reason.strip() else _("State the reason."))
            d.closing_reason = reason
            _transition(d, transition_name)
            _record(t, actor, note or reason, on=on, reason=reason)
        return d
    service.__name__ = f"dossier_{step}"
    return service


dossier_reject = _end("reject", "reject")
dossier_withdraw = _end("withdraw", "withdraw")
