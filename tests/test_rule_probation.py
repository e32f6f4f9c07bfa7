"""Charter Art. 5 and 232-QĐ/TW 4.2: 12 months of probation from the ceremony."""

import datetime as dt

from dossiers import rules


def test_the_official_date_is_12_calendar_months_after_the_ceremony():
    assert rules.official_date(dt.date(2024, 5, 19)) == dt.date(2025, 5, 19)
    assert rules.official_date(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)


def test_recognition_is_allowed_at_12_months_exactly_and_not_a_day_before():
    ceremony = dt.date(2024, 5, 19)
    assert rules.probation_over_refusal(ceremony_date=ceremony, on_date=dt.date(2025, 5, 19), what="X") is None
    reason = rules.probation_over_refusal(ceremony_date=ceremony, on_date=dt.date(2025, 5, 18), what="X")
    assert reason and "12 tháng" in reason


def test_three_failed_recognition_votes_escalate():
    assert not rules.recognition_escalation_due(failed_votes=2)
    assert rules.recognition_escalation_due(failed_votes=3)


def test_the_ceremony_within_30_working_days_needs_no_approval_but_later_does():
    decision = dt.date(2025, 3, 3)
    deadline = rules.ceremony_deadline(decision_date=decision)
    assert rules.ceremony_refusal(decision_date=decision, ceremony_date=deadline, late_approval_ref="") is None
    late = deadline + dt.timedelta(days=1)
    assert "30 ngày làm việc" in rules.ceremony_refusal(decision_date=decision, ceremony_date=late,
                                                         late_approval_ref="")
    assert rules.ceremony_refusal(decision_date=decision, ceremony_date=late, late_approval_ref="15-CV/HU") is None
    assert rules.ceremony_refusal(decision_date=decision, ceremony_date=decision - dt.timedelta(days=1),
                                  late_approval_ref="") is not None
