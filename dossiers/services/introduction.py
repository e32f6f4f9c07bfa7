"""People who help and introduce: mentors, introducers, the union's resolution."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from .. import gates, rules
from ..models import (
    ActKind,
    Dossier,
    Introducer,
    Mentor,
    PartyMember,
)
from ..refusals import APP_RULE, Reason, Refusal, app_reason
from .base import (
    _act,
    _atomic,
    _lock,
    _not_future,
    _record,
    _require,
    clean_and_save,
)

# --- People who help and introduce -------------------------------------------------------------


def _official_member_refusal(member: PartyMember, on: dt.date, rule: str) -> str | None:
    if not member.is_official_on(on):
        return Reason(_("Comrade %(name)s is not an official member.") % {"name": member.full_name}, rule=rule)
    return None


def dossier_assign_mentor(*, dossier: Dossier, actor, member: PartyMember, assigned_on: dt.date,
                          note: str = "") -> Dossier:
    """The branch assigns an official member to help (Charter Art. 5 §1; step 2 of domain.md §2).
    A new assignment ends the previous one."""
    with _atomic():
        d = _lock(dossier)
        t = _require(d, "assign_mentor", assigned_on,
                     _official_member_refusal(member, assigned_on, "Điều lệ Đảng, Điều 5 khoản 1"),
                 _not_future(assigned_on, _("Assignment date")))
        for current in gates.active_mentors(d):
            if current.member_id == member.pk:
                raise Refusal(_("Comrade %(name)s is already assigned as mentor.") % {
                    "name": member.full_name}, rule=APP_RULE)
            current.ended_on = assigned_on
            clean_and_save(current)
        mentor = clean_and_save(Mentor(dossier=d, member=member, assigned_on=assigned_on))
        _record(t, actor, note, on=assigned_on, mentor=mentor, member=member.full_name)
    return d


def dossier_assign_introducer(*, dossier: Dossier, actor, member: PartyMember, worked_together_since: dt.date,
                              assigned_on: dt.date, override_reason: str = "", note: str = "") -> Dossier:
    """Charter Art. 4 §2: an official member introduces; the year worked together is measured on
    the branch vote date, so a shorter period is a warning now and a refusal at the vote."""
    with _atomic():
        d = _lock(dossier)
        reasons = [_official_member_refusal(member, assigned_on, "Điều lệ Đảng, Điều 4 khoản 2"),
                   _not_future(assigned_on, _("Assignment date"))]
        if worked_together_since > assigned_on:
            reasons.append(app_reason(_("The date of starting to work together cannot be after the assignment date.")))
        active = gates.active_introducers(d)
        if any(i.member_id == member.pk for i in active):
            reasons.append(app_reason(_("Comrade %(name)s is already an introducer.") % {"name": member.full_name}))
        needed = rules.introducers_needed(has_union_resolution=gates.has_union_resolution(d))
        if len(active) >= needed:
            reasons.append(Reason(_(
                "There are already %(n)d introducers; to replace one, first withdraw an introducer.") % {
                "n": needed}, rule="Điều lệ Đảng, Điều 4 khoản 1"))
        t = _require(d, "assign_introducer", assigned_on, *reasons)
        introducer = clean_and_save(Introducer(dossier=d, member=member, worked_together_since=worked_together_since,
                                      assigned_on=assigned_on, override_reason=override_reason))
        _record(t, actor, note, on=assigned_on, introducer=introducer, member=member.full_name,
                worked_together_since=worked_together_since, override_reason=override_reason)
    return d


def dossier_end_introducer(*, dossier: Dossier, actor, introducer: Introducer, ended_on: dt.date,
                           reason: str, note: str = "") -> Dossier:
    """An introducer who transfers or is disciplined is replaced by the branch (domain.md §2.1)."""
    with _atomic():
        d = _lock(dossier)
        reasons = []
        if introducer.dossier_id != d.pk or introducer.ended_on:
            reasons.append(app_reason(_("This introducer is no longer on the dossier.")))
        if not reason.strip():
            reasons.append(app_reason(_("Give the reason for withdrawing the introduction.")))
        t = _require(d, "end_introducer", ended_on, *reasons)
        introducer.ended_on, introducer.end_reason = ended_on, reason
        clean_and_save(introducer)
        _record(t, actor, note, on=ended_on, introducer=introducer, reason=reason)
    return d


def dossier_record_union_resolution(*, dossier: Dossier, actor, kind: str, issuer: str, number: str,
                                    date: dt.date, signer: str, note: str = "") -> Dossier:
    """Charter Art. 4 §1: the Youth Union (4-KNĐ) or Trade Union (4A-KNĐ) executive committee's
    resolution replaces one introducer."""
    with _atomic():
        d = _lock(dossier)
        reasons = [_not_future(date, _("Resolution date"))]
        if kind not in (ActKind.YOUTH_UNION, ActKind.TRADE_UNION):
            reasons.append(app_reason(_("Invalid resolution type.")))
        if gates.has_union_resolution(d):
            reasons.append(app_reason(_("The dossier already has a Youth Union / Trade Union introduction resolution.")))
        t = _require(d, "record_union_resolution", date, *reasons)
        act = _act(d, kind, issuer=issuer, number=number, date=date, signer=signer)
        _record(t, actor, note, on=date, act=act, kind=kind, number=number)
    return d
