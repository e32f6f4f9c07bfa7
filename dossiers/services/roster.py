"""The cell's roster and meetings: members in and out, exemptions, the committee's seats, a
meeting with its attendance. Each in one transaction, refused with the reasons, audited by
simple-history (who, when) on the rows it writes."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import roster, rules
from ..models import (
    PRESENT,
    Attendance,
    CommitteeSeat,
    Meeting,
    MeetingFormat,
    MemberExit,
    MemberStatus,
    Organization,
    OrgLevel,
    PartyMember,
    Presence,
)
from ..refusals import Refusal, app_reason, clean_and_save
from .base import _not_future


def _cell(cell: Organization) -> Organization:
    if cell.level != OrgLevel.CELL:
        raise Refusal(app_reason(_("The roster is kept by a party cell.")))
    return Organization.objects.select_for_update().get(pk=cell.pk)


def _sync_counts(cell: Organization) -> None:
    """Where the roster is kept, the cell's figures (which the statistics read) are today's roster."""
    if cell.roster_kept:
        counts = roster.counts_on(cell, timezone.localdate())
        Organization.objects.filter(pk=cell.pk).update(official_members=counts["official"],
                                                       probationary_members=counts["probationary"])


def _actor(obj, actor):
    obj._history_user = actor
    return obj


def member_add(*, cell: Organization, full_name: str, sex: str, birth_date: dt.date | None, joined_on: dt.date,
               official_since: dt.date | None, in_cell_since: dt.date | None = None, transferred_from: str = "",
               position: str = "", actor) -> PartyMember:
    """A member entered on the roster: one admitted before the application kept it, or one
    transferred in (`in_cell_since`, `transferred_from`). New members enter from their ceremony."""
    with transaction.atomic():
        cell = _cell(cell)
        reasons = [r for r in (_not_future(joined_on, _("Date of admission")),
                               official_since and _not_future(official_since, _("Date of becoming official")),
                               in_cell_since and _not_future(in_cell_since, _("Date of joining the cell"))) if r]
        if reasons:
            raise Refusal(reasons)
        member = _actor(PartyMember(
            cell=cell, full_name=full_name.strip(), sex=sex, birth_date=birth_date, joined_on=joined_on,
            official_since=official_since, status=MemberStatus.OFFICIAL if official_since else MemberStatus.PROBATIONARY,
            in_cell_since=in_cell_since, transferred_from=transferred_from.strip(), position=position.strip(),
        ), actor)
        clean_and_save(member)
        _sync_counts(cell)
    return member


def member_leave(*, member: PartyMember, on: dt.date, reason: str, actor) -> PartyMember:
    """The member leaves the cell's roster: transferred out, left the Party, died."""
    with transaction.atomic():
        member = PartyMember.objects.select_for_update().get(pk=member.pk)
        reasons = []
        if member.left_on:
            reasons.append(app_reason(_("%(name)s already left the roster on %(date)s.") % {
                "name": member.full_name, "date": rules.vn_date(member.left_on)}))
        if reason not in MemberExit.values or reason == MemberExit.REMOVED:
            reasons.append(app_reason(_("Choose why the member leaves (removal from the probationary list is a decision "
                             "on the dossier).")))
        if r := _not_future(on, _("Date of leaving")):
            reasons.append(r)
        if reasons:
            raise Refusal(reasons)
        member.left_on, member.left_reason = on, reason
        if reason != MemberExit.TRANSFERRED_OUT:
            member.status = MemberStatus.LEFT
        clean_and_save(_actor(member, actor))
        _sync_counts(member.cell)
    return member


def member_exempt(*, member: PartyMember, since: dt.date, reason: str, actor) -> PartyMember:
    """Exempted from party work and activities (miễn công tác và sinh hoạt đảng) from `since`."""
    with transaction.atomic():
        member = PartyMember.objects.select_for_update().get(pk=member.pk)
        reasons = [r for r in (_not_future(since, _("Exemption date")),) if r]
        if not reason.strip():
            reasons.append(app_reason(_("State the reason for the exemption (age, health…).")))
        if member.exempt_since and not member.exempt_until:
            reasons.append(app_reason(_("%(name)s is already exempted since %(date)s.") % {
                "name": member.full_name, "date": rules.vn_date(member.exempt_since)}))
        if reasons:
            raise Refusal(reasons)
        member.exempt_since, member.exempt_until, member.exempt_reason = since, None, reason.strip()
        clean_and_save(_actor(member, actor))
    return member


def member_end_exemption(*, member: PartyMember, on: dt.date, actor) -> PartyMember:
    with transaction.atomic():
        member = PartyMember.objects.select_for_update().get(pk=member.pk)
        if not member.exempt_since or member.exempt_until:
            raise Refusal(app_reason(_("%(name)s is not exempted.") % {"name": member.full_name}))
        if r := _not_future(on, _("Date")):
            raise Refusal(r)
        member.exempt_until = on
        clean_and_save(_actor(member, actor))
    return member


def roster_declare_kept(*, cell: Organization, actor) -> Organization:
    """The secretary says the roster is complete: from now on vote bases and the cell's figures are
    counted from it. Refused while it holds no official member."""
    with transaction.atomic():
        cell = _cell(cell)
        counts = roster.counts_on(cell, timezone.localdate())
        if not counts["official"]:
            raise Refusal(app_reason(_("Enter the cell's official members before declaring the roster complete.")))
        cell.roster_kept = True
        clean_and_save(_actor(cell, actor))
        _sync_counts(cell)
    return cell


def committee_seat_add(*, organization: Organization, full_name: str, since: dt.date, position: str = "",
                       actor) -> CommitteeSeat:
    with transaction.atomic():
        if r := _not_future(since, _("Date of joining the committee")):
            raise Refusal(r)
        seat = clean_and_save(_actor(CommitteeSeat(organization=organization, full_name=full_name.strip(),
                                                   position=position.strip(), since=since), actor))
        if not organization.committee_roster_kept:
            Organization.objects.filter(pk=organization.pk).update(committee_roster_kept=True)
        Organization.objects.filter(pk=organization.pk).update(
            committee_members=roster.committee_base_on(organization, timezone.localdate()))
    return seat


def committee_seat_end(*, seat: CommitteeSeat, on: dt.date, actor) -> CommitteeSeat:
    with transaction.atomic():
        seat = CommitteeSeat.objects.select_for_update().get(pk=seat.pk)
        if seat.until:
            raise Refusal(app_reason(_("%(name)s already left the committee.") % {"name": seat.full_name}))
        seat.until = on
        clean_and_save(_actor(seat, actor))
        Organization.objects.filter(pk=seat.organization_id).update(
            committee_members=F("committee_members") - 1)
    return seat


def meeting_record(*, cell: Organization, date: dt.date, format: str, chaired_by: str, minutes_by: str,
                   attendance: dict[int, str], actor, note: str = "") -> Meeting:
    """A cell meeting: its attendance covers every member on the roster that day; more than half of
    the official members (exempted ones left out) must be present; online or mixed only where a
    decision allows it (HD 03-HD/TW)."""
    with transaction.atomic():
        cell = _cell(cell)
        reasons = [r for r in (_not_future(date, _("Meeting date")),) if r]
        if not cell.roster_kept:
            reasons.append(app_reason(_("Keep the cell's roster first: the attendance is drawn from it.")))
        if format not in MeetingFormat.values:
            reasons.append(app_reason(_("Choose the meeting format.")))
        if r := rules.online_meeting_refusal(online=format != MeetingFormat.IN_PERSON,
                                             allowed=cell.online_meetings_allowed,
                                             decision=cell.online_meetings_decision):
            reasons.append(r)
        if not chaired_by.strip() or not minutes_by.strip():
            reasons.append(app_reason(_("Enter who chaired the meeting and who took the minutes.")))
        members = list(roster.roster_on(cell, date))
        missing = [m.full_name for m in members if m.pk not in attendance]
        if missing:
            reasons.append(app_reason(_("Say whether each member attended: %(names)s.") % {"names": ", ".join(missing)}))
        strangers = set(attendance) - {m.pk for m in members}
        if strangers:
            reasons.append(app_reason(_("Only members on the cell's roster on the meeting date attend it.")))
        if any(p not in Presence.values for p in attendance.values()):
            reasons.append(app_reason(_("Choose how each member attended.")))
        if format == MeetingFormat.IN_PERSON and Presence.ONLINE in attendance.values():
            reasons.append(app_reason(_("An in-person meeting has no one present online.")))
        if reasons:
            raise Refusal(reasons)
        flags = {m.pk: (roster.is_official(m, date), roster.is_exempt(m, date)) for m in members}
        base = sum(1 for official, exempt in flags.values() if official and not exempt)
        present = sum(1 for pk, p in attendance.items() if p in PRESENT and flags[pk][0])
        if r := rules.quorum_refusal(present=present, base=base):
            raise Refusal(r)
        meeting = clean_and_save(_actor(Meeting(
            cell=cell, date=date, format=format, chaired_by=chaired_by.strip(), minutes_by=minutes_by.strip(),
            official_members=sum(1 for official, _e in flags.values() if official),
            exempt_members=sum(1 for official, exempt in flags.values() if official and exempt),
            online_decision=cell.online_meetings_decision if format != MeetingFormat.IN_PERSON else "",
            note=note.strip(), recorded_by=actor), actor))
        Attendance.objects.bulk_create([
            Attendance(meeting=meeting, member_id=pk, presence=attendance[pk], official=flags[pk][0],
                       exempt=flags[pk][1]) for pk in flags])
    return meeting
