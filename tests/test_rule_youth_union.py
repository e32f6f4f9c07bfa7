"""[R] Charter Art. 4 §1 (domain.md §2.1): where the grassroots organisation has a Youth Union, a
candidate of youth age is a Youth Union member introduced by its executive committee (4-KNĐ) plus
one official member; a setting turns the rule off."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from builders.templates import dossier_copy
from dossiers import gates, rules, services
from dossiers.models import Candidate, Organization, State
from dossiers.refusals import Refusal

TODAY = timezone.localdate()


def young_candidate_in_a_youth_union_commune(cell, actor, *, joined=True, state=State.BRANCH_VOTE):
    d = dossier_copy(state, cell=cell, actor=actor)
    Organization.objects.filter(pk=cell.parent_id).update(has_youth_union=True)
    Candidate.objects.filter(pk=d.candidate_id).update(
        birth_date=TODAY - relativedelta(years=24),
        youth_union_joined_on=TODAY - relativedelta(years=8) if joined else None)
    d.refresh_from_db()
    d.cell.parent.refresh_from_db()
    return d


def test_a_young_candidate_without_the_youth_unions_resolution_cannot_be_voted(cell_a, secretary_a):
    d = young_candidate_in_a_youth_union_commune(cell_a, secretary_a)
    reasons = gates.branch_vote(d, TODAY).reasons
    assert any("4-KNĐ" in r for r in reasons)
    assert all(r.rule.startswith("Điều lệ Đảng, Điều 4 khoản 1") for r in reasons if "4-KNĐ" in r)
    with pytest.raises(Refusal):
        services.dossier_record_branch_vote(dossier=d, actor=secretary_a, meeting_date=TODAY, eligible=9, present=9,
                                            votes_for=9, votes_against=0, signer="Bí thư", number="1-NQ/CB")


def test_a_young_candidate_who_is_not_a_youth_union_member_is_told_to_record_it(cell_a, secretary_a):
    d = young_candidate_in_a_youth_union_commune(cell_a, secretary_a, joined=False)
    assert any("24" in r and "30" in r for r in gates.branch_vote(d, TODAY).reasons)


def test_the_rule_does_not_apply_over_youth_age_or_without_a_youth_union(cell_a, secretary_a):
    assert rules.youth_union_refusals(birth_date=TODAY - relativedelta(years=31, days=1), on_date=TODAY,
                                      grassroots_has_youth_union=True, youth_union_joined_on=None,
                                      has_youth_resolution=False) == []
    assert rules.youth_union_refusals(birth_date=TODAY - relativedelta(years=30, months=11), on_date=TODAY,
                                      grassroots_has_youth_union=True, youth_union_joined_on=None,
                                      has_youth_resolution=False)
    assert rules.youth_union_refusals(birth_date=TODAY - relativedelta(years=20), on_date=TODAY,
                                      grassroots_has_youth_union=False, youth_union_joined_on=None,
                                      has_youth_resolution=False) == []


def test_a_setting_turns_the_rule_off(cell_a, secretary_a, settings):
    d = young_candidate_in_a_youth_union_commune(cell_a, secretary_a)
    settings.PARTY_RULES = {**settings.PARTY_RULES, "YOUTH_UNION_REQUIRED": 0}
    assert not any("4-KNĐ" in r for r in gates.branch_vote(d, TODAY).reasons)


def test_with_the_resolution_the_young_candidate_satisfies_the_rule(cell_a, secretary_a):
    d = young_candidate_in_a_youth_union_commune(cell_a, secretary_a, state=State.MENTORING)
    assert gates.youth_union_reasons(d, TODAY)
    d = services.dossier_record_union_resolution(dossier=d, actor=secretary_a, kind="4-KNĐ",
                                                 issuer="BCH Đoàn xã Thành Lợi", number="3-NQ/ĐTN",
                                                 date=TODAY - dt.timedelta(days=2), signer="Bí thư Đoàn")
    assert gates.youth_union_reasons(d, TODAY) == []


def test_the_shared_builder_walks_a_young_candidate_through_a_youth_union_commune(cell_a, secretary_a):
    from .factories import dossier_in_state  # noqa: PLC0415

    Organization.objects.filter(pk=cell_a.parent_id).update(has_youth_union=True)
    cell_a.parent.refresh_from_db()
    d = dossier_in_state(State.HIGHER_APPROVAL, cell=cell_a, actor=secretary_a)
    assert gates.has_union_resolution(d) and d.candidate.youth_union_joined_on
