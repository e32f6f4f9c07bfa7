"""232-QĐ/TW 1.1.1–1.1.2: age from full 18 to full 60, in months, on the branch vote date."""

import datetime as dt

from dossiers import rules

BIRTH = dt.date(2007, 3, 15)


def test_it_accepts_a_candidate_of_exactly_18_years_0_months_on_the_vote_date():
    assert rules.age_refusal(birth_date=BIRTH, on_date=dt.date(2025, 3, 15)) is None


def test_it_refuses_a_candidate_of_17_years_11_months_and_says_how_old():
    reason = rules.age_refusal(birth_date=BIRTH, on_date=dt.date(2025, 3, 14))
    assert reason is not None
    assert "17 tuổi 11 tháng" in reason
    assert "ngày 14 tháng 3 năm 2025" in reason
    assert "1.1.1" in reason


def test_it_accepts_a_candidate_on_the_day_of_turning_60():
    assert rules.age_refusal(birth_date=dt.date(1965, 6, 1), on_date=dt.date(2025, 6, 1)) is None


def test_it_refuses_a_candidate_over_60_unless_the_case_is_flagged():
    reason = rules.age_refusal(birth_date=dt.date(1965, 6, 1), on_date=dt.date(2025, 6, 2))
    assert reason is not None and "60" in reason and "1.1.2" in reason
    assert rules.age_refusal(birth_date=dt.date(1965, 6, 1), on_date=dt.date(2025, 6, 2), over_sixty_case=True) is None


def test_it_demands_the_provincial_approval_before_deciding_on_a_candidate_over_60():
    over = {"birth_date": dt.date(1960, 1, 1), "vote_date": dt.date(2025, 1, 2)}
    assert rules.over_sixty_approval_refusal(**over, approval_ref="") is not None
    assert rules.over_sixty_approval_refusal(**over, approval_ref="123-CV/TU") is None
    assert rules.over_sixty_approval_refusal(birth_date=dt.date(1990, 1, 1), vote_date=dt.date(2025, 1, 2),
                                             approval_ref="") is None


def test_it_counts_age_in_whole_months_ending_a_short_month_on_its_last_day():
    # Civil Code 2015 Art. 148: a month with no corresponding day ends on its last day.
    assert rules.age_in_months(dt.date(2000, 1, 31), dt.date(2018, 2, 28)) == 217
    assert rules.age_in_months(dt.date(2000, 1, 31), dt.date(2018, 2, 27)) == 216
    assert rules.age_in_months(dt.date(2000, 1, 31), dt.date(2018, 1, 30)) == 215
