"""Every step of the state machine: taken from its state, refused from the others, and a refusal
changes nothing."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from builders.templates import dossier_copy
from dossiers import services
from dossiers.models import ActKind, Dossier, DossierHistory, State, Vote

from .factories import CandidateFactory, PartyMemberFactory, UserFactory, dossier_in_state

TODAY = timezone.localdate


def snapshot(dossier):
    fresh = Dossier.objects.get(pk=dossier.pk)
    return fresh.state, DossierHistory.objects.filter(dossier=dossier).count(), Vote.objects.filter(
        dossier=dossier).count()


def refused(call, dossier, **kwargs):
    before = snapshot(dossier)
    with pytest.raises(services.Refusal) as exc:
        call(dossier=dossier, actor=UserFactory(), **kwargs)
    assert snapshot(dossier) == before, "a refusal must change nothing"
    assert exc.value.reasons and all(str(r).strip() for r in exc.value.reasons)
    return exc.value.reasons


# Each state-changing step with arguments valid for its own state.
def enroll(d):
    return {"class_name": "Lớp 1", "organiser": "TTCT", "start_date": TODAY()}


def complete(d):
    return {"number": "CN-9", "issued_on": TODAY()}


def branch_vote(d):
    return {"meeting_date": TODAY(), "eligible": 9, "present": 9, "votes_for": 9, "votes_against": 0,
            "signer": "Bí thư", "number": "1-NQ/CB"}


STATE_STEPS = [
    (services.dossier_enroll_training, State.SPOTTED, enroll),
    (services.dossier_complete_training, State.TRAINING, complete),
    (services.dossier_record_branch_vote, State.BRANCH_VOTE, branch_vote),
]


@pytest.mark.parametrize("service,source,args", STATE_STEPS)
def test_each_step_is_refused_from_every_other_state(service, source, args, cell_a, secretary_a):
    for state in [State.SPOTTED, State.TRAINING, State.BRANCH_VOTE, State.PROBATION, State.RECOGNIZED,
                  State.REJECTED, State.WITHDRAWN]:
        if state == source:
            continue
        d = dossier_copy(state, cell=cell_a, actor=secretary_a)
        reasons = refused(service, d, **args(d))
        assert any("trạng thái" in str(r) for r in reasons)


def test_the_whole_path_writes_one_history_row_per_change_with_from_and_to(cell_a):
    d = dossier_in_state(State.RECOGNIZED, cell=cell_a)
    events = list(d.events.order_by("at", "id"))
    assert events[0].action == "create" and events[0].to_state == State.SPOTTED
    for previous, event in zip(events, events[1:], strict=False):
        assert event.from_state == previous.to_state
    assert [e.to_state for e in events if e.is_transition] == [
        State.TRAINING, State.MENTORING, State.BRANCH_VOTE, State.HIGHER_APPROVAL, State.PROBATION,
        State.RECOGNIZED]
    assert all(e.actor_id for e in events)


def test_it_refuses_the_vote_without_a_valid_certificate(cell_a, settings):
    d = dossier_in_state(State.BRANCH_VOTE, cell=cell_a)
    settings.PARTY_RULES = {**settings.PARTY_RULES, "CERTIFICATE_VALID_YEARS": 0}
    reasons = refused(services.dossier_record_branch_vote, d, **branch_vote(d))
    assert any("hết hạn" in r for r in reasons)


def test_it_refuses_the_vote_for_a_candidate_under_18_on_the_meeting_date(cell_a):
    young = CandidateFactory(birth_date=TODAY() - relativedelta(years=18) + dt.timedelta(days=1))
    d = dossier_in_state(State.BRANCH_VOTE, cell=cell_a, candidate=young)
    reasons = refused(services.dossier_record_branch_vote, d, **branch_vote(d))
    assert any("Chưa đủ 18 tuổi" in r for r in reasons)


def test_a_vote_under_two_thirds_rejects_the_attempt_with_the_numbers(cell_a):
    d = dossier_in_state(State.BRANCH_VOTE, cell=cell_a)
    d = services.dossier_record_branch_vote(dossier=d, actor=UserFactory(), meeting_date=TODAY(), eligible=8,
                                            present=8, votes_for=5, votes_against=3)
    assert d.state == State.REJECTED
    assert "5/8" in d.closing_reason
    assert d.votes.get().passed is False
    assert not d.acts.filter(kind=ActKind.BRANCH_ADMISSION).exists()


def test_a_vote_of_exactly_two_thirds_passes_and_issues_the_6_knd(cell_a):
    d = dossier_in_state(State.BRANCH_VOTE, cell=cell_a)
    d = services.dossier_record_branch_vote(dossier=d, actor=UserFactory(), **{**branch_vote(d), "votes_for": 6,
                                                                               "votes_against": 3})
    assert d.state == State.HIGHER_APPROVAL
    assert d.acts.get(kind=ActKind.BRANCH_ADMISSION).vote.votes_for == 6


def test_impossible_vote_counts_are_refused_and_nothing_is_written(cell_a):
    d = dossier_in_state(State.BRANCH_VOTE, cell=cell_a)
    reasons = refused(services.dossier_record_branch_vote, d, **{**branch_vote(d), "present": 10})
    assert any("có mặt" in r for r in reasons)


def test_submission_lists_every_missing_paper(cell_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a)
    reasons = refused(services.dossier_submit_for_vote, d)
    joined = " ".join(reasons)
    for expected in ["1-KNĐ", "2-KNĐ", "thẩm tra", "5-KNĐ"]:
        assert expected in joined


def test_certification_waits_for_every_relative_to_be_verified(cell_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a)
    actor = UserFactory()
    d = services.dossier_record_personal_history(dossier=d, actor=actor, on=TODAY())
    reasons = refused(services.dossier_certify_personal_history, d, on=TODAY())
    assert any("Cha đẻ" in r for r in reasons) and any("bản thân" in r for r in reasons)


def test_the_decision_waits_for_the_provincial_approval_of_a_candidate_over_60(cell_a):
    old = CandidateFactory(birth_date=TODAY() - relativedelta(years=61))
    d = dossier_in_state(State.BRANCH_VOTE, cell=cell_a, candidate=old)
    actor = UserFactory()
    refused(services.dossier_record_branch_vote, d, **branch_vote(d))
    d = services.dossier_update_details(dossier=d, actor=actor, over_sixty_case=True)
    d = services.dossier_record_branch_vote(dossier=d, actor=actor, **branch_vote(d))
    d = services.dossier_record_grassroots_admission(dossier=d, actor=actor, meeting_date=TODAY(), present=9,
                                                     votes_for=9, votes_against=0, signer="Bí thư", number="8")
    decide = {"approved": True, "number": "9-QĐ/HU", "date": TODAY(), "signer": "A", "issuer": "BTV"}
    reasons = refused(services.dossier_decide_admission, d, **decide)
    assert any("Ban Thường vụ tỉnh ủy" in r for r in reasons)
    d = services.dossier_attach_provincial_approval(dossier=d, actor=actor, reference="45-CV/TU", date=TODAY())
    d = services.dossier_decide_admission(dossier=d, actor=actor, **decide)
    assert d.acts.filter(kind=ActKind.ADMISSION_DECISION, approved=True).exists()


def test_a_refused_decision_ends_the_attempt_and_needs_a_reason(cell_a):
    d = dossier_in_state(State.HIGHER_APPROVAL, cell=cell_a)
    actor = UserFactory()
    d = services.dossier_record_grassroots_admission(dossier=d, actor=actor, meeting_date=TODAY(), present=9,
                                                     votes_for=9, votes_against=0, signer="Bí thư", number="8")
    no = {"approved": False, "number": "", "date": TODAY(), "signer": "A", "issuer": "BTV"}
    assert any("lý do" in r for r in refused(services.dossier_decide_admission, d, **no))
    d = services.dossier_decide_admission(dossier=d, actor=actor, **no, reason="Lịch sử chính trị chưa rõ.")
    assert d.state == State.REJECTED and d.closing_reason == "Lịch sử chính trị chưa rõ."


def test_the_ceremony_fixes_the_three_dates_and_makes_a_probationary_member(cell_a):
    d = dossier_in_state(State.PROBATION, cell=cell_a)
    decision = d.acts.get(kind=ActKind.ADMISSION_DECISION)
    assert d.decision_date == decision.date
    assert d.official_date == d.ceremony_date + relativedelta(months=12)
    assert d.member.status == "probationary" and d.member.joined_on == d.ceremony_date


def test_recognition_dates_the_member_official_at_12_months_whatever_the_decision_date(cell_a):
    d = dossier_in_state(State.RECOGNIZED, cell=cell_a)
    assert d.member.status == "official"
    assert d.member.official_since == d.ceremony_date + relativedelta(months=12) == d.official_date


def test_recognition_is_refused_before_12_months(cell_a):
    today = TODAY()
    # Placed so that the ceremony was about 8 months ago.
    d = dossier_in_state(State.PROBATION, cell=cell_a, today=today + relativedelta(months=6))
    reasons = refused(services.dossier_record_recognition_vote, d, meeting_date=today, eligible=9, present=9,
                      votes_for=9, votes_against=0, signer="A")
    assert any("12 tháng" in r for r in reasons)


def probation_ready(cell):
    d = dossier_in_state(State.PROBATION, cell=cell)
    actor = UserFactory()
    end = d.official_date
    mentor = d.mentors.get().member
    d = services.dossier_record_new_member_certificate(dossier=d, actor=actor, class_name="ĐVM", organiser="TTCT",
                                                       start_date=d.ceremony_date, number="1", issued_on=end)
    d = services.dossier_record_self_review(dossier=d, actor=actor, date=end, strengths="a", weaknesses="b")
    d = services.dossier_record_progress_report(dossier=d, actor=actor, mentor=mentor, period_start=d.ceremony_date,
                                                period_end=end, content="c", final=True)
    d = services.dossier_record_opinions(dossier=d, actor=actor, date=end, workplace_opinion="t", residence_opinion="t")
    return d, actor


def test_three_inconclusive_recognition_votes_escalate_to_the_higher_committee(cell_a):
    d, actor = probation_ready(cell_a)
    for _ in range(3):
        d = services.dossier_record_recognition_vote(dossier=d, actor=actor, meeting_date=d.official_date, eligible=9,
                                                     present=9, votes_for=5, votes_against=4)
    assert d.escalated_on == d.official_date
    assert d.events.last().evidence["outcome"] == "escalated"
    # The competent committee now decides directly, either way.
    d = services.dossier_remove(dossier=d, actor=actor, number="3-QĐ/HU", date=TODAY(), signer="A", issuer="BTV",
                                reason="Không đủ tư cách.")
    assert d.state == State.REMOVED and d.member.status == "left"


def test_removal_needs_two_thirds_against_or_escalation(cell_a):
    d, actor = probation_ready(cell_a)
    remove = {"number": "3", "date": TODAY(), "signer": "A", "issuer": "BTV", "reason": "Vi phạm."}
    assert refused(services.dossier_remove, d, **remove)
    d = services.dossier_record_recognition_vote(dossier=d, actor=actor, meeting_date=d.official_date, eligible=9,
                                                 present=9, votes_for=2, votes_against=6)
    assert d.events.last().evidence["outcome"] == "remove"
    d = services.dossier_remove(dossier=d, actor=actor, **remove)
    assert d.state == State.REMOVED


def test_withdrawal_and_rejection_need_a_reason_and_are_final(cell_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a)
    assert refused(services.dossier_withdraw, d, reason=" ")
    d = services.dossier_withdraw(dossier=d, actor=UserFactory(), reason="Chuyển công tác.")
    assert d.state == State.WITHDRAWN
    refused(services.dossier_reject, d, reason="x")
    refused(services.dossier_enroll_training, d, class_name="a", organiser="b", start_date=TODAY())


def test_a_person_has_one_open_case_at_a_time_and_may_try_again_after_rejection(cell_a):
    candidate = CandidateFactory()
    actor = UserFactory()
    first = services.dossier_create(candidate=candidate, cell=cell_a, source="cell", spotted_on=TODAY(), actor=actor)
    with pytest.raises(services.Refusal):
        services.dossier_create(candidate=candidate, cell=cell_a, source="cell", spotted_on=TODAY(), actor=actor)
    services.dossier_reject(dossier=first, actor=actor, reason="Chưa đủ tiêu chuẩn.")
    second = services.dossier_create(candidate=candidate, cell=cell_a, source="cell", spotted_on=TODAY(), actor=actor)
    assert second.state == State.SPOTTED


def test_a_future_date_is_refused_where_the_fact_must_have_happened(cell_a):
    d = dossier_in_state(State.TRAINING, cell=cell_a)
    reasons = refused(services.dossier_complete_training, d, number="CN-1", issued_on=TODAY() + dt.timedelta(days=1))
    assert any("tương lai" in r for r in reasons)


def test_a_probationary_member_cannot_be_assigned_as_introducer(cell_a):
    d = dossier_in_state(State.TRAINING, cell=cell_a)
    probationer = PartyMemberFactory(cell=cell_a, status="probationary", official_since=None)
    reasons = refused(services.dossier_assign_introducer, d, member=probationer,
                      worked_together_since=dt.date(2020, 1, 1), assigned_on=TODAY())
    assert any("chính thức" in r for r in reasons)


def test_a_grassroots_cell_without_a_party_committee_goes_straight_to_the_higher_committee(tree):
    grassroots = tree["grassroots"]
    grassroots.has_party_committee = False
    grassroots.save()
    d = dossier_in_state(State.BRANCH_VOTE, cell=tree["cells"][0])
    actor = UserFactory()
    d = services.dossier_record_branch_vote(dossier=d, actor=actor, **branch_vote(d))
    reasons = refused(services.dossier_record_grassroots_admission, d, meeting_date=TODAY(), present=3,
                      votes_for=3, votes_against=0, eligible=3, signer="B")
    assert any("không áp dụng" in r for r in reasons)
    d = services.dossier_decide_admission(dossier=d, actor=actor, approved=True, number="9-QĐ/HU", date=TODAY(),
                                          signer="A", issuer="BTV Huyện ủy")
    assert d.acts.filter(kind=ActKind.ADMISSION_DECISION).exists()


def test_the_branch_cannot_vote_before_the_personal_history_was_certified(cell_a):
    d = dossier_in_state(State.BRANCH_VOTE, cell=cell_a)
    before = d.history_certified_on - dt.timedelta(days=1)
    reasons = refused(services.dossier_record_branch_vote, d, **{**branch_vote(d), "meeting_date": before})
    assert any("chứng nhận lý lịch" in r for r in reasons)


def test_each_history_row_carries_the_date_the_act_took_effect(cell_a):
    d = dossier_in_state(State.HIGHER_APPROVAL, cell=cell_a)
    vote_event = d.events.get(action="record_branch_vote")
    assert vote_event.effective_on == d.votes.get().meeting_date
    assert d.events.get(action="create").effective_on == d.spotted_on
