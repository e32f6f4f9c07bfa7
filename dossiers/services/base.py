"""The machinery every service shares: the lock, the step check, full_clean-then-save, the history row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from .. import evidence, gates, locked, prepared, roster, rules, steps
from ..models import (
    Dossier,
    DossierHistory,
    Meeting,
    PartyAct,
    Vote,
    VotePurpose,
)
from ..models.records import write_with, written_together
from ..refusals import APP_RULE, Refusal, app_reason, clean_and_save
from ..signals import dossier_changed

# --- The machinery every service shares -------------------------------------------------------


@contextmanager
def _atomic() -> Iterator[None]:
    """The service's transaction, the simple-history copies of the rows it writes written with its
    history row (`dossiers.models.records.written_together`)."""
    with transaction.atomic(), written_together():
        yield



def _lock(dossier: Dossier) -> Dossier:
    """The dossier row, locked for this transaction; refused if its state moved under the caller."""
    # of=self: PostgreSQL cannot lock the nullable side of the outer join to the parent organisation.
    # The member (from the ceremony on) with it: recognition and removal change him.
    # Its SQL written once per process, and planned once per connection (`dossiers.prepared`): the
    # same query at every step.
    # On SQLite its evidence comes with it (`evidence.with_the_lock`).
    also = evidence.with_the_lock(connections[Dossier.objects.db].vendor)

    def build():
        locking = (Dossier.objects.select_for_update(of=("self",))
                   .select_related("candidate", "cell", "cell__parent", "cell__parent__parent", "member"))
        if also is not None:
            locking = locking.annotate(_evidence_read=RawSQL(also[0], [dossier.pk] * also[1]))
        return locking.filter(pk=dossier.pk).order_by()

    found = prepared.rows("dossiers.services.lock" if also is None else "dossiers.services.lock.evidence", Dossier,
                          build, [*([dossier.pk] * (also[1] if also else 0)), dossier.pk], server_prepared=True)
    if not found:
        raise Dossier.DoesNotExist("Dossier matching query does not exist.")
    row = found[0]
    if row.member is not None and row.member.cell_id == row.cell_id:
        row.member.cell = row.cell
    # Its evidence is read once for the call, by the gates and then the workflow (`dossiers.evidence`).
    evidence.read_on_demand(row, row.__dict__.pop("_evidence_read", None))
    if row.state != dossier.state:
        raise Refusal(app_reason(_(
            "The dossier has just been updated by someone else (now in state “%(state)s”). Please reload the page."
        ) % {"state": row.get_state_display()}), rule=APP_RULE)
    # Saved with only what the service changes on it (`dossiers.locked`).
    locked.remember(row)
    return row


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




def _not_future(day: dt.date, what: str) -> str | None:
    if day > timezone.localdate():
        return app_reason(_("%(what)s cannot be in the future.") % {"what": what})
    return None


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def _record(taking: Taking, actor, note: str = "", *, on: dt.date | None = None, **evidence: Any) -> DossierHistory:
    """The history row of a step taken (see `_history`); a vote's row shows the base entered and
    the roster's, and the reason they differ."""
    vote = evidence.get("vote")
    if isinstance(vote, Vote) and vote.eligible_from_roster is not None:
        evidence.update(eligible=vote.eligible, eligible_from_roster=vote.eligible_from_roster,
                        eligible_reason=vote.eligible_reason)
    return _history(taking.dossier, actor, taking.step, taking.from_state, note, on=on, **evidence)


def _history(
    dossier: Dossier, actor, action: str, from_state: str, note: str = "", *, on: dt.date | None = None,
    **evidence: Any,
) -> DossierHistory:
    """One history row; `on` is the date the act took effect (a meeting, a decision), which the
    timeline shows beside the moment it was recorded."""
    event = DossierHistory(
        dossier=dossier, actor=actor, action=action, from_state=from_state, to_state=dossier.state,
        effective_on=on or timezone.localdate(), note=note,
        evidence={k: _jsonable(v) for k, v in evidence.items() if v not in (None, "")},
    )
    # A new row, appended, and with it the simple-history copies of what the service wrote: one
    # statement on PostgreSQL, prepared (`dossiers.models.records`, `dossiers.prepared`).
    write_with(event)
    dossier_changed.send(sender=Dossier, dossier=dossier, event=event, actor=actor)
    return event


def _transition(dossier: Dossier, name: str) -> None:
    try:
        getattr(dossier, name)()
        locked.save(dossier)
    except (TransitionNotAllowed, ConcurrentTransition) as exc:
        raise Refusal(app_reason(_("The dossier has just been updated by someone else. Please reload the page.")),
                      rule=APP_RULE) from exc


CELL_VOTES = (VotePurpose.BRANCH_ADMISSION, VotePurpose.BRANCH_RECOGNITION)


def _vote(dossier: Dossier, actor, purpose: str, *, meeting_date: dt.date, meeting_mode: str, eligible: int,
          present: int, votes_for: int, votes_against: int, abstain: int, eligible_reason: str = "",
          meeting: Meeting | None = None) -> Vote:
    """The vote row. Where the cell's roster (or the committee's seats) is kept, its base on the
    meeting date is stored beside the one entered, which may differ only with a reason; a vote
    taken in a recorded meeting takes its date, format and present count from it."""
    reasons = []
    if meeting is not None:
        if meeting.cell_id != dossier.cell_id:
            reasons.append(app_reason(_("This meeting was held by another cell.")))
        elif meeting.date != meeting_date:
            reasons.append(app_reason(_("The vote's date must be the meeting's (%(d)s).") % {"d": rules.vn_date(meeting.date)}))
        attended = roster.meeting_present(meeting)
        if present != attended:
            reasons.append(app_reason(_("%(n)s official members attended the meeting: the number present is counted from "
                             "its attendance.") % {"n": attended}))
        meeting_mode = meeting.format
    if reasons:
        raise Refusal(reasons)
    refusal = rules.vote_counts_refusal(
        eligible=eligible, present=present, votes_for=votes_for, votes_against=votes_against, abstain=abstain
    )
    if refusal:
        raise Refusal(refusal)
    from_roster = None
    if purpose in CELL_VOTES and dossier.cell.roster_kept:
        from_roster = roster.vote_base_on(dossier.cell, meeting_date)
        body = _("Cell vote")
    elif purpose not in CELL_VOTES:
        grassroots = dossier.cell.grassroots()
        if grassroots is not None and grassroots.committee_roster_kept:
            from_roster = roster.committee_base_on(grassroots, meeting_date)
            body = _("Committee vote")
    if from_roster is not None and (refusal := rules.vote_base_refusal(
            entered=eligible, from_roster=from_roster, on_date=meeting_date, reason=eligible_reason, body=body)):
        raise Refusal(refusal)
    vote = Vote(
        dossier=dossier, purpose=purpose, meeting_date=meeting_date, meeting_mode=meeting_mode,
        eligible=eligible, present=present, votes_for=votes_for, votes_against=votes_against,
        abstain=abstain, passed=rules.two_thirds(votes_for=votes_for, eligible=eligible), recorded_by=actor,
        eligible_from_roster=from_roster, eligible_reason=eligible_reason.strip() if from_roster is not None else "",
        meeting=meeting,
    )
    return clean_and_save(vote)


def _act(dossier: Dossier, kind: str, *, issuer: str, number: str, date: dt.date, signer: str,
         vote: Vote | None = None, approved: bool = True, reason: str = "") -> PartyAct:
    """The act; its vote, if any, is the one the service has just recorded (`_vote`): no act names
    it yet, which its one-act-per-vote uniqueness would ask the database."""
    return clean_and_save(PartyAct(dossier=dossier, kind=kind, issuer=issuer, number=number, date=date, signer=signer,
                          vote=vote, approved=approved, reason=reason), checked=["vote"] if vote is not None else ())


def _grassroots_name(dossier: Dossier) -> str:
    org = dossier.cell.grassroots()
    return org.name if org else dossier.cell.name

def _committee_vote(dossier: Dossier, meeting_date: dt.date, eligible: int | None) -> int:
    """[R] Committee votes: ≥ 2/3 of the committee's members; the base defaults to the committee's
    seats on the meeting date where they are kept, else to the size recorded on the organisation."""
    if eligible:
        return eligible
    grassroots = dossier.cell.grassroots()
    if grassroots is not None and grassroots.committee_roster_kept:
        return roster.committee_base_on(grassroots, meeting_date)
    if grassroots is None or not grassroots.committee_members:
        raise Refusal(app_reason(_("The number of grassroots committee members, needed for the 2/3 count, is unknown.")),
                      rule=APP_RULE)
    return grassroots.committee_members
