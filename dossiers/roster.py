"""The cell's roster (danh sách đảng viên) and a committee's seats on a given date: who is on it,
who is official, who is exempted; the bases of votes and quorums. Read-only: the roster is
changed by `dossiers.services.roster`."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from . import rules
from .models import PRESENT, CommitteeSeat, Meeting, Organization, PartyMember


def on_roster(day: dt.date) -> Q:
    """On the roster on `day`: admitted (or transferred in) by then, not yet gone."""
    return (Q(joined_on__lte=day) & (Q(in_cell_since__isnull=True) | Q(in_cell_since__lte=day))
            & (Q(left_on__isnull=True) | Q(left_on__gt=day)))


def official_on(day: dt.date) -> Q:
    return on_roster(day) & Q(official_since__isnull=False, official_since__lte=day)


def exempt_on(day: dt.date) -> Q:
    return Q(exempt_since__isnull=False, exempt_since__lte=day) & (
        Q(exempt_until__isnull=True) | Q(exempt_until__gt=day))


def roster_on(cell: Organization, day: dt.date) -> QuerySet[PartyMember]:
    return PartyMember.objects.filter(on_roster(day), cell=cell).order_by("full_name", "pk")


def vote_base_on(cell: Organization, day: dt.date) -> int:
    """Charter Art. 4 §3: the 2/3 is counted on the official members of the cell on the meeting
    date; exempted members count only if `PARTY_RULES["EXEMPT_IN_VOTE_BASE"]` says so [R]."""
    qs = PartyMember.objects.filter(official_on(day), cell=cell)
    if not rules.exempt_in_vote_base():
        qs = qs.exclude(exempt_on(day))
    return qs.count()


def committee_base_on(organization: Organization, day: dt.date) -> int:
    """The committee's members on the meeting date (the base of its 2/3)."""
    return CommitteeSeat.objects.filter(
        Q(until__isnull=True) | Q(until__gt=day), organization=organization, since__lte=day).count()


def is_official(member: PartyMember, day: dt.date) -> bool:
    """For a member on the roster on `day` (the Python side of `official_on`)."""
    return member.official_since is not None and member.official_since <= day


def is_exempt(member: PartyMember, day: dt.date) -> bool:
    """The Python side of `exempt_on`."""
    return bool(member.exempt_since and member.exempt_since <= day
                and (member.exempt_until is None or member.exempt_until > day))


def counts_on(cell: Organization, day: dt.date) -> dict[str, int]:
    """{official, probationary, exempt} on `day`: the roster page's figures; one query."""
    members = list(roster_on(cell, day).only("official_since", "exempt_since", "exempt_until"))
    official = sum(1 for m in members if is_official(m, day))
    exempt = sum(1 for m in members if is_exempt(m, day))
    return {"official": official, "probationary": len(members) - official, "exempt": exempt}


def meeting_present(meeting: Meeting) -> int:
    """Official members present (in person or online) at the meeting: those who may vote."""
    return meeting.attendance.filter(official=True, presence__in=PRESENT).count()
