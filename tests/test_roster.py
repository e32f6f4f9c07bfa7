"""The cell's roster (danh sách đảng viên) and its meetings: who is on it on a date, the vote base
counted from it, the override only with a reason, the quorum and the online rule of HD 03-HD/TW."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from builders.templates import dossier_copy
from dossiers import roster, services
from dossiers.models import DossierHistory, MemberExit, Organization, PartyMember, Presence, State
from dossiers.refusals import Refusal

from .factories import PartyMemberFactory

TODAY = timezone.localdate()
LONG_AGO = dt.date(2010, 1, 1)


def kept_roster(cell, *, official=9, probationary=0):
    """A cell whose roster holds `official` official members since 2010 and is declared kept."""
    for _i in range(official):
        PartyMemberFactory(cell=cell, joined_on=LONG_AGO, official_since=LONG_AGO)
    for _i in range(probationary):
        PartyMemberFactory(cell=cell, joined_on=TODAY - dt.timedelta(days=100), official_since=None,
                           status="probationary")
    return cell


def test_the_roster_on_a_date_counts_who_was_admitted_transferred_in_left_or_exempted_by_then(cell_a, secretary_a):
    early = PartyMemberFactory(cell=cell_a, joined_on=LONG_AGO, official_since=LONG_AGO)
    moved_in = services.member_add(cell=cell_a, full_name="Lê Văn Chuyển", sex="male", birth_date=None,
                                   joined_on=LONG_AGO, official_since=LONG_AGO, in_cell_since=TODAY - dt.timedelta(days=10),
                                   transferred_from="Chi bộ thôn 9", actor=secretary_a)
    services.member_exempt(member=early, since=TODAY - dt.timedelta(days=5), reason="Tuổi cao", actor=secretary_a)
    before = TODAY - dt.timedelta(days=20)
    assert set(roster.roster_on(cell_a, before)) == {early}
    assert set(roster.roster_on(cell_a, TODAY)) == {early, moved_in}
    assert roster.vote_base_on(cell_a, TODAY) == 1  # the exempted member is left out [R]
    services.member_leave(member=moved_in, on=TODAY, reason=MemberExit.TRANSFERRED_OUT, actor=secretary_a)
    assert set(roster.roster_on(cell_a, TODAY)) == {early}
    assert set(roster.roster_on(cell_a, TODAY - dt.timedelta(days=1))) == {early, moved_in}


def test_exempted_members_count_in_the_base_when_the_rule_says_so(cell_a, secretary_a, settings):
    member = PartyMemberFactory(cell=cell_a, joined_on=LONG_AGO, official_since=LONG_AGO)
    services.member_exempt(member=member, since=LONG_AGO, reason="Sức khỏe", actor=secretary_a)
    assert roster.vote_base_on(cell_a, TODAY) == 0
    settings.PARTY_RULES = {**settings.PARTY_RULES, "EXEMPT_IN_VOTE_BASE": 1}
    assert roster.vote_base_on(cell_a, TODAY) == 1


def test_declaring_the_roster_kept_sets_the_cells_figures_from_it(cell_a, secretary_a):
    with pytest.raises(Refusal):
        services.roster_declare_kept(cell=cell_a, actor=secretary_a)  # no official member yet
    kept_roster(cell_a, official=7, probationary=2)
    services.roster_declare_kept(cell=cell_a, actor=secretary_a)
    cell = Organization.objects.get(pk=cell_a.pk)
    assert cell.roster_kept and (cell.official_members, cell.probationary_members) == (7, 2)


def test_the_cell_vote_base_is_the_rosters_and_a_different_figure_needs_a_reason(cell_a, secretary_a):
    d = dossier_copy(State.BRANCH_VOTE, cell=cell_a, actor=secretary_a)
    counted = PartyMember.objects.filter(cell=cell_a).count()  # the copy's two introducers are official too
    kept_roster(cell_a, official=9)
    services.roster_declare_kept(cell=cell_a, actor=secretary_a)
    base = roster.vote_base_on(cell_a, TODAY)
    assert base == 9 + counted
    vote = {"meeting_date": TODAY, "present": 9, "votes_for": 9, "votes_against": 0, "signer": "Bí thư",
            "number": "1-NQ/CB"}
    with pytest.raises(Refusal) as exc:
        services.dossier_record_branch_vote(dossier=d, actor=secretary_a, eligible=9, **vote)
    assert f"({base})" in exc.value.reasons[0] and exc.value.reasons[0].rule
    d.refresh_from_db()
    assert d.state == State.BRANCH_VOTE and not d.votes.exists()
    # 9 of 9 would pass; on the roster's base it is short of two thirds unless a reason is recorded.
    d = services.dossier_record_branch_vote(dossier=d, actor=secretary_a, eligible=9,
                                            eligible_reason="Hai đồng chí chuyển sinh hoạt chưa cập nhật", **vote)
    event = DossierHistory.objects.filter(dossier=d).last()
    assert (event.evidence["eligible"], event.evidence["eligible_from_roster"]) == (9, base)
    assert event.evidence["eligible_reason"].startswith("Hai đồng chí")


def test_a_committee_vote_counts_the_committees_seats_on_the_meeting_date(tree, secretary_a, cell_a):
    grassroots = tree["grassroots"]
    for k in range(5):
        services.committee_seat_add(organization=grassroots, full_name=f"Ủy viên {k}", since=LONG_AGO,
                                    actor=secretary_a)
    seat = services.committee_seat_add(organization=grassroots, full_name="Ủy viên mới", since=TODAY,
                                       actor=secretary_a)
    grassroots.refresh_from_db()
    assert grassroots.committee_roster_kept and grassroots.committee_members == 6
    assert roster.committee_base_on(grassroots, TODAY - dt.timedelta(days=1)) == 5
    services.committee_seat_end(seat=seat, on=TODAY, actor=secretary_a)
    assert roster.committee_base_on(grassroots, TODAY) == 5


def attendance_all(cell, presence=Presence.IN_PERSON):
    return {m.pk: presence for m in roster.roster_on(cell, TODAY)}


def test_a_meeting_needs_more_than_half_of_the_official_members(cell_a, secretary_a):
    kept_roster(cell_a, official=6)
    services.roster_declare_kept(cell=cell_a, actor=secretary_a)
    attendance = attendance_all(cell_a, Presence.ABSENT)
    for pk in list(attendance)[:3]:
        attendance[pk] = Presence.IN_PERSON
    with pytest.raises(Refusal) as exc:
        services.meeting_record(cell=cell_a, date=TODAY, format="in_person", chaired_by="Bí thư",
                                minutes_by="Phó bí thư", attendance=attendance, actor=secretary_a)
    assert "3" in exc.value.reasons[0] and "6" in exc.value.reasons[0]
    attendance[list(attendance)[3]] = Presence.IN_PERSON
    meeting = services.meeting_record(cell=cell_a, date=TODAY, format="in_person", chaired_by="Bí thư",
                                      minutes_by="Phó bí thư", attendance=attendance, actor=secretary_a)
    assert meeting.attendance.count() == 6 and meeting.official_members == 6


def test_only_a_cell_allowed_by_a_decision_meets_online(cell_a, secretary_a):
    kept_roster(cell_a, official=3)
    services.roster_declare_kept(cell=cell_a, actor=secretary_a)
    args = {"cell": cell_a, "date": TODAY, "format": "online", "chaired_by": "Bí thư", "minutes_by": "Phó bí thư",
            "attendance": attendance_all(cell_a, Presence.ONLINE), "actor": secretary_a}
    with pytest.raises(Refusal) as exc:
        services.meeting_record(**args)
    assert "03-HD/TW" in exc.value.reasons[0].rule
    Organization.objects.filter(pk=cell_a.pk).update(online_meetings_allowed=True,
                                                     online_meetings_decision="Quyết định 12-QĐ/HU ngày 02/01/2026")
    cell_a.refresh_from_db()
    meeting = services.meeting_record(**{**args, "cell": cell_a})
    assert meeting.online_decision.startswith("Quyết định 12-QĐ/HU")


def test_the_attendance_must_cover_the_roster_and_nothing_else(cell_a, cell_b, secretary_a):
    kept_roster(cell_a, official=3)
    services.roster_declare_kept(cell=cell_a, actor=secretary_a)
    attendance = attendance_all(cell_a)
    attendance.pop(next(iter(attendance)))
    stranger = PartyMemberFactory(cell=cell_b)
    attendance[stranger.pk] = Presence.IN_PERSON
    with pytest.raises(Refusal) as exc:
        services.meeting_record(cell=cell_a, date=TODAY, format="in_person", chaired_by="Bí thư",
                                minutes_by="Phó bí thư", attendance=attendance, actor=secretary_a)
    assert len(exc.value.reasons) == 2


def test_a_vote_in_a_recorded_meeting_counts_present_from_its_attendance(cell_a, secretary_a):
    d = dossier_copy(State.BRANCH_VOTE, cell=cell_a, actor=secretary_a)
    kept_roster(cell_a, official=7)
    services.roster_declare_kept(cell=cell_a, actor=secretary_a)
    meeting = services.meeting_record(cell=cell_a, date=TODAY, format="in_person", chaired_by="Bí thư",
                                      minutes_by="Phó bí thư", attendance=attendance_all(cell_a), actor=secretary_a)
    base = roster.vote_base_on(cell_a, TODAY)
    args = {"dossier": d, "actor": secretary_a, "meeting_date": TODAY, "eligible": base, "votes_for": base,
            "votes_against": 0, "signer": "Bí thư", "number": "1-NQ/CB", "meeting": meeting}
    with pytest.raises(Refusal):
        services.dossier_record_branch_vote(present=base - 1, **args)
    d = services.dossier_record_branch_vote(present=base, **args)
    assert d.state == State.HIGHER_APPROVAL and d.votes.get().meeting == meeting


def test_the_ceremony_enters_the_new_member_and_the_recognition_makes_him_official(cell_a, secretary_a):
    d = dossier_copy(State.RECOGNIZED, cell=cell_a, actor=secretary_a)
    member = d.member
    assert member.in_cell_since == d.ceremony_date and member.official_since == d.official_date
    assert member in roster.roster_on(cell_a, d.ceremony_date)
    assert member not in roster.roster_on(cell_a, d.ceremony_date - dt.timedelta(days=1))


def test_the_quota_base_counts_the_kept_rosters_at_the_end_of_last_year_and_the_typed_figures_elsewhere(
        tree, cell_a, cell_b, secretary_a):
    from reports import stats  # noqa: PLC0415

    end = dt.date(TODAY.year - 1, 12, 31)
    kept_roster(cell_a, official=5)
    PartyMemberFactory(cell=cell_a, joined_on=TODAY.replace(month=1, day=2), official_since=None,
                       status="probationary")  # admitted this year: not on last year's roster
    services.roster_declare_kept(cell=cell_a, actor=secretary_a)
    Organization.objects.filter(pk=cell_b.pk).update(official_members=12, probationary_members=1)
    others = Organization.objects.filter(path__startswith=tree["grassroots"].path).exclude(
        pk__in=[cell_a.pk, cell_b.pk]).values_list("official_members", "probationary_members")
    typed_elsewhere = sum(o + p for o, p in others)
    assert stats.members_at(tree["grassroots"], end) == 5 + 13 + typed_elsewhere
    assert stats.members_of(tree["grassroots"]) == 6 + 13 + typed_elsewhere
