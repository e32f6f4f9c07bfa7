"""Opening a case (the source list, the candidate's data) and ending it before admission."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import rules
from ..models import (
    OPEN_STATES,
    Candidate,
    Dossier,
    Organization,
    OrgLevel,
    Relative,
    State,
)
from ..refusals import APP_RULE, Refusal, app_reason
from .base import (
    _atomic,
    _history,
    _lock,
    _not_future,
    _record,
    _require,
    _transition,
    clean_and_save,
)

# --- Creating a case --------------------------------------------------------------------------


def dossier_create(*, candidate: Candidate, cell: Organization, source: str, spotted_on: dt.date, actor,
                   note: str = "") -> Dossier:
    """Put an outstanding person on the cell's source list (nguồn): step 1 of domain.md §2."""
    with _atomic():
        reasons = []
        if cell.level != OrgLevel.CELL:
            reasons.append(app_reason(_("The dossier must belong to a cell.")))
        # The candidate's open and recognised dossiers, in one query.
        held = set(Dossier.objects.filter(candidate=candidate, state__in=[*OPEN_STATES, State.RECOGNIZED])
                   .order_by().values_list("state", flat=True).distinct())
        if held.intersection(OPEN_STATES):
            reasons.append(app_reason(_("This candidate already has an open dossier.")))
        if State.RECOGNIZED in held:
            reasons.append(app_reason(_("This candidate is already an official member.")))
        if refusal := _not_future(spotted_on, _("Date added to the source list")):
            reasons.append(refusal)
        # QĐ 232 3.5.1: a never-readmit reason ends the matter now, and a dossier that could not take
        # its first step before the 36 (60) months are over waits off the list, told the date it may
        # be opened; each step checks the wait again on its own date.
        if refusal := rules.readmission_refusal(
            former_member=candidate.former_member, left_party_on=candidate.left_party_on,
            leave_reason=candidate.leave_reason, record_expunged_on=candidate.record_expunged_on,
            on_date=spotted_on,
        ):
            reasons.append(refusal)
        if reasons:
            raise Refusal(reasons)
        # One open dossier per candidate (its constraint): checked above, not asked again.
        dossier = clean_and_save(Dossier(candidate=candidate, cell=cell, source=source, spotted_on=spotted_on,
                                created_by=actor, notes=note), checked=["candidate"])
        _history(dossier, actor, "create", State.SPOTTED, note, on=spotted_on, source=source, spotted_on=spotted_on)
    return dossier


def candidate_create(*, candidate: Candidate, relatives: Sequence[Relative] = (), cell: Organization, source: str,
                     spotted_on: dt.date, actor, note: str = "") -> Dossier:
    """"Thêm quần chúng vào danh sách nguồn": the candidate, their relatives and the dossier, all or
    nothing (a refusal of any of them writes none)."""
    with _atomic():
        clean_and_save(candidate)
        for relative in relatives:
            relative.candidate = candidate
            clean_and_save(relative)
        return dossier_create(candidate=candidate, cell=cell, source=source, spotted_on=spotted_on, actor=actor,
                              note=note)


def candidate_update(*, dossier: Dossier, candidate: Candidate, relatives: Sequence[Relative] = (),
                     deleted_relatives: Sequence[Relative] = (), actor, note: str = "") -> Dossier:
    """Correct the candidate's personal data and relatives while the dossier is open.

    simple-history keeps each row's before/after; the dossier's history says who changed which
    fields (their names only: the values are personal data and stay in the rows)."""
    with _atomic():
        d = _lock(dossier)
        if not d.is_open:
            raise Refusal(_("The dossier is closed and cannot be edited."), rule=APP_RULE)
        if candidate.pk != d.candidate_id or any(
            r.candidate_id not in (None, candidate.pk) for r in [*relatives, *deleted_relatives]
        ):
            raise Refusal(_("These data do not belong to the candidate of this dossier."), rule=APP_RULE)
        before = Candidate.objects.get(pk=candidate.pk)
        fields = [str(f.verbose_name) for f in Candidate._meta.concrete_fields
                  if getattr(before, f.attname) != getattr(candidate, f.attname)]
        if fields:
            clean_and_save(candidate)
        changed = []
        for relative in relatives:
            relative.candidate = candidate
            clean_and_save(relative)
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
    # The decision period is extended by its own act (`dossier_extend_decision`), not here.
    allowed = {"source", "spotted_on", "notes", "over_sixty_case",
               "late_ceremony_approval_ref"}
    with _atomic():
        d = _lock(dossier)
        if not d.is_open:
            raise Refusal(_("The dossier is closed and cannot be edited."), rule=APP_RULE)
        changed = {}
        for name, value in fields.items():
            if name not in allowed:
                raise Refusal(_("Field “%(name)s” cannot be edited here.") % {"name": name}, rule=APP_RULE)
            if getattr(d, name) != value:
                changed[name] = value
                setattr(d, name, value)
        if changed:
            clean_and_save(d, fields=changed)
            _history(d, actor, "update_details", d.state, note, **changed)
    return d



# --- Ends before admission ---------------------------------------------------------------------


def _end(step: str, transition_name: str):
    def service(*, dossier: Dossier, actor, reason: str, on: dt.date | None = None, note: str = "") -> Dossier:
        on = on or timezone.localdate()
        with _atomic():
            d = _lock(dossier)
            t = _require(d, step, on, _not_future(on, _("Date")),
                     None if reason.strip() else app_reason(_("State the reason.")))
            d.closing_reason = reason
            _transition(d, transition_name)
            _record(t, actor, note or reason, on=on, reason=reason)
        return d
    service.__name__ = f"dossier_{step}"
    return service


dossier_reject = _end("reject", "reject")
dossier_withdraw = _end("withdraw", "withdraw")
