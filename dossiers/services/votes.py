"""The branch vote (step 9) and the provincial approval an exception needs."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import rules
from ..models import (
    ActKind,
    Dossier,
    Meeting,
    VotePurpose,
)
from ..refusals import APP_RULE, Refusal, app_reason
from .base import (
    _act,
    _atomic,
    _lock,
    _not_future,
    _record,
    _require,
    _transition,
    _vote,
    clean_and_save,
)

# --- The branch vote (step 9) ------------------------------------------------------------------


def dossier_submit_for_vote(*, dossier: Dossier, actor, on: dt.date | None = None, note: str = "") -> Dossier:
    """The completeness gate of domain.md §5.4, checked on the date of submission (default today)."""
    on = on or timezone.localdate()
    with _atomic():
        d = _lock(dossier)
        t = _require(d, "submit_for_vote", on, _not_future(on, _("Submission date")))
        _transition(d, "submit_for_vote")
        _record(t, actor, note, on=on, warnings=t.verdict.warnings or None)
    return d


def dossier_record_branch_vote(*, dossier: Dossier, actor, meeting_date: dt.date, eligible: int, present: int,
                               votes_for: int, votes_against: int, abstain: int = 0,
                               meeting_mode: str = "in_person", number: str = "", signer: str = "",
                               eligible_reason: str = "", meeting: Meeting | None = None,
                               note: str = "") -> Dossier:
    """Step 9: the conditions are measured on the meeting date; ≥ 2/3 of all official members
    passes (6-KNĐ) and goes up; anything less ends this attempt as rejected."""
    with _atomic():
        d = _lock(dossier)
        t = _require(d, "record_branch_vote", meeting_date, _not_future(meeting_date, _("Cell meeting date")))
        vote = _vote(d, actor, VotePurpose.BRANCH_ADMISSION, meeting_date=meeting_date, meeting_mode=meeting_mode,
                     eligible=eligible, present=present, votes_for=votes_for, votes_against=votes_against,
                     abstain=abstain, eligible_reason=eligible_reason, meeting=meeting)
        if vote.passed:
            if not signer.strip():
                raise Refusal(_("Enter who signed the resolution (cell secretary)."), rule=APP_RULE)
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
    with _atomic():
        d = _lock(dossier)
        reasons = [_not_future(date, _("Document date"))]
        if not reference.strip():
            reasons.append(app_reason(_("Enter the number and reference of the written consent.")))
        t = _require(d, "attach_provincial_approval", date, *reasons)
        d.provincial_approval_ref, d.provincial_approval_on = reference, date
        clean_and_save(d, fields=["provincial_approval_ref", "provincial_approval_on"])
        _record(t, actor, note, on=date, reference=reference, date=date)
    return d
