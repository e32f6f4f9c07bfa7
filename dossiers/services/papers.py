"""The dossier papers (steps 4–8): application, history, verification, opinions, progress."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from ..models import (
    Dossier,
    OpinionStage,
    OpinionSummary,
    PartyMember,
    ProgressReport,
    ProgressStage,
    Relative,
    State,
    Verification,
    VerificationStatus,
)
from ..refusals import app_reason
from .base import (
    _atomic,
    _lock,
    _not_future,
    _record,
    _require,
    clean_and_save,
)

# --- The dossier papers (steps 4–8) ------------------------------------------------------------


def _set_date(step: str, field_name: str, what: str):
    def service(*, dossier: Dossier, actor, on: dt.date, note: str = "") -> Dossier:
        with _atomic():
            d = _lock(dossier)
            t = _require(d, step, on, _not_future(on, what))
            setattr(d, field_name, on)
            clean_and_save(d, fields=[field_name])
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
    with _atomic():
        d = _lock(dossier)
        reasons = [_not_future(sent_on, _("Verification date"))]
        if relative is not None and relative.candidate_id != d.candidate_id:
            reasons.append(app_reason(_("This relative does not belong to the candidate of this dossier.")))
        if any(v.relative_id == (relative.pk if relative else None) for v in d.verifications.all()):
            reasons.append(app_reason(_("A verification already exists for this person.")))
        t = _require(d, "start_verification", sent_on, *reasons)
        v = clean_and_save(Verification(dossier=d, relative=relative, method=method, verifying_unit=verifying_unit,
                               sent_on=sent_on), checked=["dossier"])  # one per person, checked above
        _record(t, actor, note, on=sent_on, verification=v,
                subject=relative.full_name if relative else d.candidate.full_name)
    return d


def dossier_conclude_verification(*, dossier: Dossier, actor, verification: Verification,
                                  concluded_on: dt.date, conclusion: str, has_issue: bool = False,
                                  note: str = "") -> Dossier:
    with _atomic():
        d = _lock(dossier)
        reasons = [_not_future(concluded_on, _("Conclusion date"))]
        if verification.dossier_id != d.pk:
            reasons.append(app_reason(_("The verification does not belong to this dossier.")))
        elif verification.status == VerificationStatus.CONCLUDED:
            reasons.append(app_reason(_("This verification is already concluded.")))
        elif concluded_on < verification.sent_on:
            reasons.append(app_reason(_("The conclusion date cannot be before the verification date.")))
        if not conclusion.strip():
            reasons.append(app_reason(_("Enter the conclusion.")))
        t = _require(d, "conclude_verification", concluded_on, *reasons)
        verification.status = VerificationStatus.CONCLUDED
        verification.concluded_on, verification.conclusion, verification.has_issue = concluded_on, conclusion, has_issue
        clean_and_save(verification, fields=["status", "concluded_on", "conclusion", "has_issue"])
        _record(t, actor, note, on=concluded_on, verification=verification, has_issue=has_issue)
    return d


def dossier_record_opinions(*, dossier: Dossier, actor, date: dt.date, workplace_opinion: str,
                            residence_opinion: str, favourable: bool = True, note: str = "") -> Dossier:
    """5-KNĐ before admission, 12-KNĐ during probation: the stage follows the dossier's state."""
    with _atomic():
        d = _lock(dossier)
        t = _require(d, "record_opinions", date, _not_future(date, _("Summary date")))
        stage = OpinionStage.PROBATION if d.state == State.PROBATION else OpinionStage.ADMISSION
        o = clean_and_save(OpinionSummary(dossier=d, stage=stage, date=date, workplace_opinion=workplace_opinion,
                                 residence_opinion=residence_opinion, favourable=favourable))
        _record(t, actor, note, on=date, opinions=o, stage=stage, favourable=favourable)
    return d


def dossier_record_progress_report(*, dossier: Dossier, actor, mentor: PartyMember, period_start: dt.date,
                                   period_end: dt.date, content: str, final: bool = False,
                                   note: str = "") -> Dossier:
    """The assigned member's monthly/quarterly evaluation (reference 001); `final` is the 11-KNĐ."""
    with _atomic():
        d = _lock(dossier)
        reasons = [_not_future(period_end, _("Review date"))]
        if period_end < period_start:
            reasons.append(app_reason(_("Review period: the end date cannot be before the start date.")))
        if not any(m.member_id == mentor.pk for m in d.mentors.all()):
            reasons.append(app_reason(_("Comrade %(name)s is not assigned to mentor this dossier.") % {"name": mentor.full_name}))
        if final and d.state != State.PROBATION:
            reasons.append(app_reason(_("The probationary member review (11-KNĐ) exists only during probation.")))
        t = _require(d, "record_progress_report", period_end, *reasons)
        stage = (ProgressStage.FINAL if final else ProgressStage.PROBATION) if d.state == State.PROBATION \
            else ProgressStage.CANDIDATE
        r = clean_and_save(ProgressReport(dossier=d, mentor=mentor, stage=stage, period_start=period_start,
                                 period_end=period_end, content=content))
        _record(t, actor, note, on=period_end, report=r, stage=stage)
    return d
