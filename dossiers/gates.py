"""What each step of the admission process requires, read from the dossier's stored evidence.

Each gate answers "may this step be taken on this date, and if not, why not" as a `Verdict`, for
the services (which refuse) and for the dossier page (which explains), through the step registry
(`dossiers.steps`). Each gate combines the conditions of `dossiers.rules`; the completeness lists
follow shared/domain.md §5.4. The evidence readers below work on prefetched relations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import rules
from .formatting import vn_date
from .models import (
    ActKind,
    CertificateKind,
    Dossier,
    MemberStatus,
    OpinionStage,
    OrgLevel,
    PartyAct,
    ProgressStage,
    State,
    VerificationStatus,
    VotePurpose,
)
from .refusals import APP_RULE, Reason


def _app(text: str) -> Reason:
    """A rule of the software: the order of its records, nothing twice."""
    return Reason(text, rule=APP_RULE)


def _paper(text: str) -> Reason:
    """A paper missing from the dossier lists (domain.md §5.4) of the Organisation Commission's guidance."""
    return Reason(text, rule=rules.DOSSIER_RULE)


def _regulation(text: str, point: str) -> Reason:
    return Reason(text, rule=rules.cite("{reg}, điểm " + point))


@dataclass
class Verdict:
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.reasons


# --- Reading the evidence (works on prefetched relations without further queries) -----------


def certificate(d: Dossier, kind: str):
    items = [c for c in d.certificates.all() if c.kind == kind]
    return items[-1] if items else None


def active_introducers(d: Dossier):
    return [i for i in d.introducers.all() if i.ended_on is None]


def active_mentors(d: Dossier):
    return [m for m in d.mentors.all() if m.ended_on is None]


def acts(d: Dossier, kind: str) -> list[PartyAct]:
    return [a for a in d.acts.all() if a.kind == kind]


def last_act(d: Dossier, kind: str) -> PartyAct | None:
    found = acts(d, kind)
    return found[-1] if found else None


def votes(d: Dossier, purpose: str):
    return [v for v in d.votes.all() if v.purpose == purpose]


def opinion(d: Dossier, stage: str):
    found = [o for o in d.opinions.all() if o.stage == stage]
    return found[-1] if found else None


def has_grassroots_committee(d: Dossier) -> bool:
    """A đảng bộ cơ sở has a committee that resolves (8-KNĐ, 15-KNĐ); a chi bộ cơ sở has none and its
    branch resolution goes straight to the higher committee (QĐ 232 4.3.2)."""
    grassroots = d.cell.grassroots()
    return grassroots is None or grassroots.has_party_committee


def under_sub_committee(d: Dossier) -> bool:
    return d.cell.parent is not None and d.cell.parent.level == OrgLevel.SUB_COMMITTEE


def verification_subjects(d: Dossier) -> list[tuple[int | None, str]]:
    """(relative id or None for the candidate, how to name them) for everyone to be verified."""
    subjects: list[tuple[int | None, str]] = [(None, _("the candidate themself"))]
    for relative in d.candidate.relatives.all():
        if relative.requires_verification:
            subjects.append((relative.pk, f"{relative.get_kind_display()} {relative.full_name}"))
    return subjects


def verification_reasons(d: Dossier) -> list[str]:
    concluded = {v.relative_id for v in d.verifications.all() if v.status == VerificationStatus.CONCLUDED}
    subjects = verification_subjects(d)
    return rules.verification_refusals(
        required=[name for _pk, name in subjects],
        concluded=[name for pk, name in subjects if pk in concluded],
    )


def introducer_facts(d: Dossier) -> list[rules.IntroducerFacts]:
    return [
        rules.IntroducerFacts(
            name=i.member.full_name,
            official_since=i.member.official_since if i.member.status == MemberStatus.OFFICIAL else None,
            is_active_member=i.member.status != MemberStatus.LEFT,
            worked_together_since=i.worked_together_since,
            override_reason=i.override_reason,
        )
        for i in active_introducers(d)
    ]


def has_union_resolution(d: Dossier) -> bool:
    return bool(acts(d, ActKind.YOUTH_UNION) or acts(d, ActKind.TRADE_UNION))


def candidate_readmission(d: Dossier, on: dt.date) -> str | None:
    c = d.candidate
    return rules.readmission_refusal(
        former_member=c.former_member, left_party_on=c.left_party_on, leave_reason=c.leave_reason,
        record_expunged_on=c.record_expunged_on, on_date=on,
    )


def recognition_votes_failed(d: Dossier) -> int:
    """Branch recognition votes where neither recognition nor removal reached 2/3."""
    return sum(
        1 for v in votes(d, VotePurpose.BRANCH_RECOGNITION)
        if not v.passed and not rules.two_thirds(votes_for=v.votes_against, eligible=v.eligible)
    )


def removal_proposed(d: Dossier) -> bool:
    """The branch voted, with 2/3 against recognition, to propose removal from the list."""
    return any(
        rules.two_thirds(votes_for=v.votes_against, eligible=v.eligible)
        for v in votes(d, VotePurpose.BRANCH_RECOGNITION)
    )


def _not_before(on: dt.date, earlier: dt.date | None, what: str) -> str | None:
    """A meeting or decision cannot precede the paper it rests on."""
    if earlier is not None and on < earlier:
        return _app(_("The date %(date)s is before %(what)s (%(earlier)s).") % {
            "date": vn_date(on), "what": what, "earlier": vn_date(earlier)})
    return None


def _collect(*items: str | None | list[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if isinstance(item, list):
            out.extend(item)
        elif item:
            out.append(item)
    return out


# --- The gates --------------------------------------------------------------------------------


def always(d: Dossier, on: dt.date) -> Verdict:
    return Verdict()


def enroll_training(d: Dossier, on: dt.date) -> Verdict:
    return Verdict(_collect(candidate_readmission(d, on)))


def complete_training(d: Dossier, on: dt.date) -> Verdict:
    if certificate(d, CertificateKind.AWARENESS) is None:
        return Verdict([_app(_("The Party awareness class attended by the candidate has not been recorded."))])
    return Verdict()


def certify_history(d: Dossier, on: dt.date) -> Verdict:
    """HD 01-HD/TW 3.4: the grassroots committee certifies the 2-KNĐ only after concluding verification."""
    reasons = []
    if d.history_received_on is None:
        reasons.append(_paper(_("The candidate's personal history (2-KNĐ) has not been received.")))
    if d.history_certified_on is not None:
        reasons.append(_app(_("The personal history is already certified.")))
    reasons += verification_reasons(d)
    return Verdict(reasons)


def submit_for_vote(d: Dossier, on: dt.date) -> Verdict:
    """shared/domain.md §5.4: the dossier is complete before the branch considers it."""
    cert = certificate(d, CertificateKind.AWARENESS)
    c = d.candidate
    reasons = _collect(
        rules.certificate_refusal(issued_on=cert.issued_on if cert else None, on_date=on),
        None if d.application_received_on else _paper(_("No application to join the Party (1-KNĐ) yet.")),
        None if d.history_received_on else _paper(_("No personal history of the candidate (2-KNĐ) yet.")),
        None if d.history_certified_on else _paper(_(
            "The personal history (2-KNĐ) is not yet certified by the grassroots committee.")),
        verification_reasons(d),
        rules.introducers_refusals(
            introducers=introducer_facts(d), has_union_resolution=has_union_resolution(d), on_date=on
        ),
        None if opinion(d, OpinionStage.ADMISSION) else _paper(_(
            "No opinion summary from the mass organisations and the residence cell committee (5-KNĐ) yet.")),
        rules.education_refusal(general_education=c.general_education, exception=c.education_exception),
        candidate_readmission(d, on),
    )
    warnings = []
    if age := rules.age_refusal(birth_date=c.birth_date, on_date=on, over_sixty_case=d.over_sixty_case):
        warnings.append(_("If the cell met today: %(reason)s") % {"reason": age})
    return Verdict(reasons, warnings)


def branch_vote_reasons(d: Dossier, on: dt.date) -> list[str]:
    """The conditions measured on the day the branch votes (232-QĐ/TW 1.1.1, domain.md §5.1, §5.8)."""
    cert = certificate(d, CertificateKind.AWARENESS)
    c = d.candidate
    papers = opinion(d, OpinionStage.ADMISSION)
    return _collect(
        _not_before(on, d.history_certified_on, _("the certification of the personal history")),
        _not_before(on, papers.date if papers else None, _("the summary of opinions (5-KNĐ)")),
        rules.age_refusal(birth_date=c.birth_date, on_date=on, over_sixty_case=d.over_sixty_case),
        rules.certificate_refusal(issued_on=cert.issued_on if cert else None, on_date=on),
        rules.introducers_refusals(
            introducers=introducer_facts(d), has_union_resolution=has_union_resolution(d), on_date=on
        ),
        candidate_readmission(d, on),
        youth_union_reasons(d, on),
    )


def youth_union_reasons(d: Dossier, on: dt.date) -> list[str]:
    grassroots = d.cell.grassroots()
    c = d.candidate
    return rules.youth_union_refusals(
        birth_date=c.birth_date, on_date=on, grassroots_has_youth_union=bool(grassroots and grassroots.has_youth_union),
        youth_union_joined_on=c.youth_union_joined_on, has_youth_resolution=bool(acts(d, ActKind.YOUTH_UNION)),
    )


def branch_vote(d: Dossier, on: dt.date) -> Verdict:
    return Verdict(branch_vote_reasons(d, on))


def sub_committee_admission(d: Dossier, on: dt.date) -> Verdict:
    if acts(d, ActKind.SUB_COMMITTEE_ADMISSION):
        return Verdict([_app(_("The sub-committee has already submitted an appraisal report (7-KNĐ)."))])
    return Verdict()


def grassroots_admission(d: Dossier, on: dt.date) -> Verdict:
    reasons = []
    if not acts(d, ActKind.BRANCH_ADMISSION):
        reasons.append(_paper(_("No cell resolution proposing admission (6-KNĐ) yet.")))
    if under_sub_committee(d) and not acts(d, ActKind.SUB_COMMITTEE_ADMISSION):
        reasons.append(_paper(_("No sub-committee appraisal report (7-KNĐ) yet.")))
    if acts(d, ActKind.GRASSROOTS_ADMISSION):
        reasons.append(_app(_(
            "The grassroots committee has already passed a resolution proposing admission (8-KNĐ).")))
    return Verdict(reasons)


def decide_admission(d: Dossier, on: dt.date) -> Verdict:
    reasons = []
    if has_grassroots_committee(d) and not acts(d, ActKind.GRASSROOTS_ADMISSION):
        reasons.append(_paper(_("No grassroots committee resolution proposing admission (8-KNĐ) yet.")))
    if any(a.approved for a in acts(d, ActKind.ADMISSION_DECISION)):
        reasons.append(_app(_("An admission decision already exists.")))
    vote = next(iter(votes(d, VotePurpose.BRANCH_ADMISSION)[-1:]), None)
    if vote is not None:
        if r := rules.over_sixty_approval_refusal(
            birth_date=d.candidate.birth_date, vote_date=vote.meeting_date,
            approval_ref=d.provincial_approval_ref,
        ):
            reasons.append(r)
    warnings = []
    branch = last_act(d, ActKind.BRANCH_ADMISSION)
    if branch is not None:
        deadline = rules.decision_deadline(branch_resolution_date=branch.date, extended=d.decision_extended)
        if on > deadline:
            warnings.append(_regulation(_(
                "The admission decision is overdue (%(deadline)s, %(days)s working days from the cell resolution): "
                "the competent committee must review its responsibility."
            ) % {"deadline": vn_date(deadline), "days": rules.rule("DECISION_DEADLINE_WORKING_DAYS")}, "4.3.1"))
    return Verdict(reasons, warnings)


def hold_ceremony(d: Dossier, on: dt.date) -> Verdict:
    decision = next((a for a in acts(d, ActKind.ADMISSION_DECISION) if a.approved), None)
    if decision is None:
        return Verdict([_regulation(_("No admission decision (9-KNĐ) from the competent authority yet."), "4.1")])
    refusal = rules.ceremony_refusal(
        decision_date=decision.date, ceremony_date=on, late_approval_ref=d.late_ceremony_approval_ref
    )
    return Verdict(_collect(refusal))


def extension_pending(d: Dossier) -> bool:
    """A decision is awaited on a cell resolution: admission (6-KNĐ) or recognition (13-KNĐ)."""
    if d.state == State.HIGHER_APPROVAL:
        return last_act(d, ActKind.BRANCH_ADMISSION) is not None
    return d.state == State.PROBATION and last_act(d, ActKind.BRANCH_RECOGNITION) is not None


def extend_decision(d: Dossier, on: dt.date) -> Verdict:
    """QĐ 232 4.3.1: up to 30 more working days, once, after a cell resolution awaiting decision."""
    if d.decision_extended:
        return Verdict([_regulation(_("The decision period was already extended: it may be extended once."),
                                    "4.3.1")])
    if not extension_pending(d):
        return Verdict([_regulation(_("No cell resolution awaits a decision: there is no period to extend."),
                                    "4.3.1")])
    return Verdict()


def provincial_approval(d: Dossier, on: dt.date) -> Verdict:
    if not d.over_sixty_case:
        return Verdict([_regulation(_("The dossier is not an over-60 case."), "1.1.2")])
    return Verdict()


def _probation_over(what: str) -> Callable[[Dossier, dt.date], list[str]]:
    def reasons(d: Dossier, on: dt.date) -> list[str]:
        if d.ceremony_date is None:
            return [Reason(_("No admission ceremony date yet."), rule="Điều lệ Đảng, Điều 5")]
        return _collect(rules.probation_over_refusal(ceremony_date=d.ceremony_date, on_date=on, what=what))
    return reasons


def self_review(d: Dossier, on: dt.date) -> Verdict:
    """HD 01-HD/TW 4.2: the self-review (10-KNĐ) is written after the 12 months of probation."""
    return Verdict(_probation_over(_("Writing the self-review (10-KNĐ)"))(d, on))


def recognition_dossier_reasons(d: Dossier) -> list[str]:
    """shared/domain.md §5.4: before recognition, the new-member class certificate, 10-, 11-, 12-KNĐ."""
    return _collect(
        None if certificate(d, CertificateKind.NEW_MEMBER) else _paper(_(
            "No certificate of the political theory class for new members yet.")),
        None if list(d.self_reviews.all()) else _paper(_("No self-review of the probationary member (10-KNĐ) yet.")),
        None if any(r.stage == ProgressStage.FINAL for r in d.progress_reports.all()) else _paper(_(
            "No review by the assigned mentor (11-KNĐ) yet.")),
        None if opinion(d, OpinionStage.PROBATION) else _paper(_(
            "No opinion summary from the mass organisations and the residence cell committee (12-KNĐ) yet.")),
    )


def branch_recognition(d: Dossier, on: dt.date) -> Verdict:
    reasons = _probation_over(_("Branch vote on recognition as official member"))(d, on)
    reasons += recognition_dossier_reasons(d)
    if acts(d, ActKind.BRANCH_RECOGNITION):
        reasons.append(_app(_("The cell has already passed a resolution proposing official recognition (13-KNĐ).")))
    if d.escalated_on:
        reasons.append(_regulation(_(
            "Already reported to the higher committee after 3 failed votes; the competent committee decides."), "4.2c"))
    return Verdict(reasons)


def sub_committee_recognition(d: Dossier, on: dt.date) -> Verdict:
    reasons = []
    if not acts(d, ActKind.BRANCH_RECOGNITION) and not d.escalated_on:
        reasons.append(_paper(_("No cell resolution proposing official recognition (13-KNĐ) yet.")))
    if acts(d, ActKind.SUB_COMMITTEE_RECOGNITION):
        reasons.append(_app(_("The sub-committee has already submitted an appraisal report (14-KNĐ).")))
    return Verdict(reasons)


def grassroots_recognition(d: Dossier, on: dt.date) -> Verdict:
    branch = last_act(d, ActKind.BRANCH_RECOGNITION)
    reasons = _collect(_not_before(on, branch.date if branch else None,
                                   _("the cell resolution proposing recognition (13-KNĐ)")))
    if not acts(d, ActKind.BRANCH_RECOGNITION) and not d.escalated_on:
        reasons.append(_paper(_("No cell resolution proposing official recognition (13-KNĐ) yet.")))
    if under_sub_committee(d) and not acts(d, ActKind.SUB_COMMITTEE_RECOGNITION):
        reasons.append(_paper(_("No sub-committee appraisal report (14-KNĐ) yet.")))
    if acts(d, ActKind.GRASSROOTS_RECOGNITION):
        reasons.append(_app(_(
            "The grassroots committee has already passed a resolution proposing official recognition (15-KNĐ).")))
    return Verdict(reasons)


def recognize(d: Dossier, on: dt.date) -> Verdict:
    reasons = _probation_over(_("Decision recognising official membership"))(d, on)
    proposal = last_act(d, ActKind.GRASSROOTS_RECOGNITION) or last_act(d, ActKind.BRANCH_RECOGNITION)
    reasons += _collect(_not_before(on, proposal.date if proposal else None, _("the resolution proposing recognition")))
    if not d.escalated_on:
        if has_grassroots_committee(d) and not acts(d, ActKind.GRASSROOTS_RECOGNITION):
            reasons.append(_paper(_("No grassroots committee resolution proposing official recognition (15-KNĐ) yet.")))
        if not has_grassroots_committee(d) and not acts(d, ActKind.BRANCH_RECOGNITION):
            reasons.append(_paper(_("No cell resolution proposing official recognition (13-KNĐ) yet.")))
        reasons += recognition_dossier_reasons(d)
    return Verdict(reasons)


def remove(d: Dossier, on: dt.date) -> Verdict:
    if not removal_proposed(d) and not d.escalated_on:
        return Verdict([_regulation(_(
            "No removal proposal: the cell must vote with at least 2/3 of official members against recognition, or "
            "have reported to the higher committee after 3 failed votes."
        ), "4.2c")])
    return Verdict()


def introducers_complete(d: Dossier) -> bool:
    """Two introducers, or a union resolution plus one (Charter Art. 4 §1); the 12 months and the
    official status are checked again on the vote date."""
    needed = rules.introducers_needed(has_union_resolution=has_union_resolution(d))
    return len(active_introducers(d)) >= needed


def opinion_stage(d: Dossier) -> str:
    """5-KNĐ before admission, 12-KNĐ from the ceremony on."""
    return OpinionStage.PROBATION if d.state in (State.PROBATION, State.RECOGNIZED, State.REMOVED) \
        else OpinionStage.ADMISSION
