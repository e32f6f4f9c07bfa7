"""232-QĐ/TW 1.2 (education) and 3.5.1 (re-admission)."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone, translation

from dossiers import rules, services
from dossiers.formatting import vn_date
from dossiers.models import Dossier, State
from dossiers.refusals import Refusal

from .factories import CandidateFactory


def test_it_accepts_lower_secondary_and_above():
    assert rules.education_refusal(general_education="lower_secondary", exception="") is None
    assert rules.education_refusal(general_education="upper_secondary", exception="") is None


def test_it_refuses_primary_school_outside_the_exceptions():
    assert "trung học cơ sở" in rules.education_refusal(general_education="primary", exception="")


def test_it_accepts_primary_school_in_a_disadvantaged_area_and_literacy_for_village_elders():
    assert rules.education_refusal(general_education="primary", exception="disadvantaged_area") is None
    assert rules.education_refusal(general_education="literate", exception="village_elder") is None
    assert rules.education_refusal(general_education="literate", exception="disadvantaged_area") is not None


def readmit(on, **kw):
    facts = {"former_member": True, "left_party_on": dt.date(2020, 5, 10), "leave_reason": "other",
             "record_expunged_on": None, "on_date": on}
    return rules.readmission_refusal(**{**facts, **kw})


def test_it_readmits_after_exactly_36_months_out_of_the_party():
    assert readmit(dt.date(2023, 5, 10)) is None
    reason = readmit(dt.date(2023, 5, 9))
    assert "36 tháng" in reason and "ngày 10 tháng 5 năm 2023" in reason


def test_it_waits_60_months_after_a_less_serious_conviction_was_expunged():
    kw = {"leave_reason": "less_serious_crime", "record_expunged_on": dt.date(2021, 1, 1)}
    assert readmit(dt.date(2026, 1, 1), **kw) is None
    assert "60 tháng" in readmit(dt.date(2025, 12, 31), **kw)


def test_it_never_readmits_those_the_regulation_excludes():
    for reason in ["quit_activities", "asked_to_leave", "disunity", "corruption", "serious_crime"]:
        assert "Không xem xét kết nạp lại" in readmit(dt.date(2035, 1, 1), leave_reason=reason)
    assert readmit(dt.date(2035, 1, 1), leave_reason="asked_to_leave_hardship") is None


def test_it_does_not_apply_to_someone_who_was_never_a_member():
    assert rules.readmission_refusal(former_member=False, left_party_on=None, leave_reason="",
                                     record_expunged_on=None, on_date=dt.date(2025, 1, 1)) is None


def _create(candidate, cell, actor, on):
    return services.dossier_create(candidate=candidate, cell=cell, source="cell", spotted_on=on, actor=actor)


def test_a_former_member_still_within_the_36_months_is_refused_at_creation_with_the_date_it_becomes_possible(
        cell_a, secretary_a):
    today = timezone.localdate()
    left = today - relativedelta(months=36) + dt.timedelta(days=1)  # possible tomorrow, not today
    candidate = CandidateFactory(former_member=True, left_party_on=left, leave_reason="other")
    with translation.override("vi"), pytest.raises(Refusal) as exc:
        _create(candidate, cell_a, secretary_a, today)
    (reason,) = exc.value.reasons
    assert "36 tháng" in reason and vn_date(left + relativedelta(months=36)) in reason
    assert reason.rule == f"{rules.regulation()}, điểm 3.5.1"
    assert not Dossier.objects.filter(candidate=candidate).exists()
    # Out for exactly 36 months: put on the source list.
    candidate.left_party_on = today - relativedelta(months=36)
    candidate.save()
    assert _create(candidate, cell_a, secretary_a, today).state == State.SPOTTED


def test_a_former_member_whose_conviction_was_expunged_less_than_60_months_ago_is_refused_at_creation(
        cell_a, secretary_a):
    today = timezone.localdate()
    expunged = today - relativedelta(months=59)
    candidate = CandidateFactory(former_member=True, left_party_on=today - relativedelta(years=10),
                                 leave_reason="less_serious_crime", record_expunged_on=expunged)
    with translation.override("vi"), pytest.raises(Refusal) as exc:
        _create(candidate, cell_a, secretary_a, today)
    assert any("60 tháng" in r and vn_date(expunged + relativedelta(months=60)) in r for r in exc.value.reasons)
    assert not Dossier.objects.filter(candidate=candidate).exists()
