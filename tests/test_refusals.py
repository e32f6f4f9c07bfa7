"""One refusal type (dossiers.refusals): domain, role and task refusals are all `Refusal`, a list of
Vietnamese reasons; a reason from a rule of the Charter carries the rule it applies."""

from __future__ import annotations

import inspect

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.text import capfirst

from dossiers import rules, services
from dossiers.models import Candidate, State
from dossiers.refusals import APP_RULE, Reason, Refusal, clean_and_save, refusal_from
from permissions.models import Role
from permissions.services import role_grant

from .factories import UserFactory, dossier_in_state

# Checks of input, not rules of the Charter: they cite the rule of the software.
APP_CITED = {"vote_counts_refusal"}


def refusal_functions():
    return {name: fn for name, fn in inspect.getmembers(rules, inspect.isfunction)
            if name.endswith(("_refusal", "_refusals")) and fn.__module__ == rules.__name__}


def test_every_refusal_function_of_the_rules_cites_the_rule_it_applies():
    functions = refusal_functions()
    assert len(functions) >= 10
    for name, fn in functions.items():
        assert getattr(fn, "citation", ""), f"rules.{name} has no @cites"
        assert (fn.citation is APP_RULE) == (name in APP_CITED), name


def test_a_refusal_of_a_step_keeps_the_rule_of_each_reason(secretary_a, cell_a):
    # A candidate who is 17 on the meeting date: 232-QĐ/TW 1.1.1, measured at the branch vote.
    d = dossier_in_state(State.BRANCH_VOTE, cell=cell_a, actor=secretary_a)
    today = timezone.localdate()
    Candidate.objects.filter(pk=d.candidate_id).update(birth_date=today.replace(year=today.year - 17))
    d.candidate.refresh_from_db()
    with pytest.raises(Refusal) as exc:
        services.dossier_record_branch_vote(dossier=d, actor=secretary_a, meeting_date=today, eligible=9, present=9,
                                            votes_for=9, votes_against=0, signer="Bí thư")
    age = [r for r in exc.value.reasons if "18" in r]
    assert age and age[0].rule == f"{rules.regulation()}, điểm 1.1.1"
    assert age[0].endswith(f"({rules.regulation()}, điểm 1.1.1).")
    d.refresh_from_db()
    assert d.state == State.BRANCH_VOTE


def test_role_and_task_refusals_are_the_same_type(secretary_a, cell_a, tree):
    from workflows.services import task_claim  # noqa: PLC0415

    # A cell secretary cannot make anyone an administrator: a role refusal.
    with pytest.raises(Refusal):
        role_grant(actor=secretary_a, user=UserFactory(), role=Role.ADMIN, organization=tree["province"])
    from workflows.sync import process_of  # noqa: PLC0415

    d = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    task = process_of(d).task_set.filter(flow_task_type="HUMAN").first()
    # A user with no role in the cell cannot take its task: a task refusal.
    with pytest.raises(Refusal):
        task_claim(task=task, user=UserFactory())


def test_validation_errors_become_reasons_with_the_field_named_as_the_user_knows_it():
    exc = ValidationError({"birth_date": ["Không hợp lệ."], "__all__": ["Thiếu dữ liệu."]})
    label = capfirst(str(Candidate._meta.get_field("birth_date").verbose_name))
    app = str(APP_RULE)
    assert refusal_from(exc, Candidate).reasons == [f"{label}: Không hợp lệ ({app}).", f"Thiếu dữ liệu ({app})."]
    assert refusal_from(exc).reasons == [f"birth_date: Không hợp lệ ({app}).", f"Thiếu dữ liệu ({app})."]
    assert all(isinstance(r, Reason) for r in refusal_from(exc).reasons)


def test_a_service_refusing_bad_data_names_the_field_in_vietnamese_and_saves_nothing(secretary_a, cell_a):
    candidate = Candidate(full_name="", sex="female", birth_date=timezone.localdate())
    with translation.override("vi"), pytest.raises(Refusal) as exc:
        clean_and_save(candidate)
    assert "Họ và tên đang dùng: Trường này không được để trắng (quy định của ứng dụng)." in exc.value.reasons
    assert not Candidate.objects.exists()


def test_a_reason_is_a_string_that_keeps_its_rule():
    reason = Reason("Chưa đủ tuổi.", rule="Điều lệ Đảng, Điều 1")
    assert reason == "Chưa đủ tuổi (Điều lệ Đảng, Điều 1)." and reason.text == "Chưa đủ tuổi."
    assert Refusal([reason]).reasons[0].rule == "Điều lệ Đảng, Điều 1"
    assert Refusal([reason]).reasons == [reason]
    assert Refusal("Một lý do.", rule="Điều lệ Đảng, Điều 5").reasons == ["Một lý do (Điều lệ Đảng, Điều 5)."]


def test_a_reason_that_already_ends_with_its_citation_prints_it_once():
    reason = Reason("Chưa đủ tuổi (Điều lệ Đảng, Điều 1).", rule="Điều lệ Đảng, Điều 1")
    assert reason == "Chưa đủ tuổi (Điều lệ Đảng, Điều 1)."
    assert Reason(reason) == reason and Reason(reason).rule == "Điều lệ Đảng, Điều 1"
