"""Charter Art. 4 §3: at least two thirds of ALL official members of the cell, not of those present."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from dossiers import rules


def test_6_of_9_passes():
    assert rules.two_thirds(votes_for=6, eligible=9)


def test_5_of_8_fails_and_the_reason_quotes_the_numbers():
    assert not rules.two_thirds(votes_for=5, eligible=8)
    reason = rules.vote_refusal(votes_for=5, eligible=8, body="Chi bộ biểu quyết")
    assert "5/8" in reason and "ít nhất 6" in reason


def test_the_base_is_everyone_eligible_not_those_present():
    # 10 official members, 6 came and all agreed: 6/10 < 2/3.
    assert not rules.two_thirds(votes_for=6, eligible=10)
    assert rules.two_thirds(votes_for=7, eligible=10)


def test_no_one_eligible_never_passes():
    assert not rules.two_thirds(votes_for=0, eligible=0)


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=1, max_value=500))
def test_two_thirds_is_exact_fraction_arithmetic(votes_for, eligible):
    assert rules.two_thirds(votes_for=votes_for, eligible=eligible) == (Fraction(votes_for, eligible) >= Fraction(2, 3))


def test_it_refuses_impossible_counts():
    assert rules.vote_counts_refusal(eligible=9, present=10, votes_for=6, votes_against=0, abstain=0)
    assert rules.vote_counts_refusal(eligible=9, present=8, votes_for=6, votes_against=3, abstain=0)
    assert rules.vote_counts_refusal(eligible=0, present=0, votes_for=0, votes_against=0, abstain=0)
    assert rules.vote_counts_refusal(eligible=9, present=8, votes_for=6, votes_against=2, abstain=0) is None
