"""Charter Art. 4: two official members who worked with the candidate ≥ 12 months, or a union
resolution plus one."""

import datetime as dt

from dossiers import rules

VOTE = dt.date(2025, 6, 10)


def official(name="Nguyễn Văn An", since=dt.date(2024, 6, 10), override=""):
    return rules.IntroducerFacts(name=name, official_since=dt.date(2010, 1, 1), is_active_member=True,
                                 worked_together_since=since, override_reason=override)


def test_it_accepts_two_official_members_who_worked_with_the_candidate_exactly_12_months():
    assert rules.introducers_refusals(introducers=[official(), official("Lê Thị Bình")],
                                      has_union_resolution=False, on_date=VOTE) == []


def test_it_refuses_an_introducer_one_day_short_of_12_months():
    reasons = rules.introducers_refusals(
        introducers=[official(since=dt.date(2024, 6, 11)), official("Lê Thị Bình")],
        has_union_resolution=False, on_date=VOTE)
    assert len(reasons) == 1 and "Nguyễn Văn An" in reasons[0] and "12 tháng" in reasons[0]


def test_it_accepts_a_justified_replacement_introducer():
    reasons = rules.introducers_refusals(
        introducers=[official(since=dt.date(2025, 1, 1), override="Thay người chuyển công tác, NQ chi bộ số 3"),
                     official("Lê Thị Bình")], has_union_resolution=False, on_date=VOTE)
    assert reasons == []


def test_it_refuses_a_probationary_member_as_introducer():
    probationary = rules.IntroducerFacts(name="Trần Văn Dự", official_since=None, is_active_member=True,
                                         worked_together_since=dt.date(2020, 1, 1))
    reasons = rules.introducers_refusals(introducers=[probationary, official()], has_union_resolution=False,
                                         on_date=VOTE)
    assert any("chưa là đảng viên chính thức" in r for r in reasons)


def test_it_refuses_a_member_who_became_official_after_the_vote():
    late = rules.IntroducerFacts(name="Trần Văn Muộn", official_since=dt.date(2025, 7, 1), is_active_member=True,
                                 worked_together_since=dt.date(2020, 1, 1))
    assert rules.introducer_refusal(introducer=late, on_date=VOTE) is not None


def test_a_union_resolution_replaces_one_introducer():
    assert rules.introducers_refusals(introducers=[official()], has_union_resolution=True, on_date=VOTE) == []
    reasons = rules.introducers_refusals(introducers=[official()], has_union_resolution=False, on_date=VOTE)
    assert any("Cần 2 đảng viên" in r for r in reasons)


def test_it_refuses_a_union_resolution_alone():
    reasons = rules.introducers_refusals(introducers=[], has_union_resolution=True, on_date=VOTE)
    assert any("Cần 1 đảng viên" in r for r in reasons)
