"""QĐ 232 4.3.1: extending the decision period is its own act (who granted it, when, why), at most
once per dossier; the due date and the overdue marks follow it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from builders.templates import dossier_copy
from dossiers import gates, services
from dossiers.models import DecisionExtension, DossierHistory, State
from dossiers.refusals import Refusal
from web.forms import DossierDetailsForm

TODAY = timezone.localdate()


def extend(d, actor, **changes):
    args = {"granted_by": "Ban Thường vụ Huyện ủy Vụ Bản", "granted_on": TODAY,
            "reason": "Chờ kết quả thẩm tra bổ sung lý lịch"}
    return services.dossier_extend_decision(dossier=d, actor=actor, **{**args, **changes})


def test_the_extension_records_who_granted_it_when_and_why(approver, cell_a, secretary_a):
    d = dossier_copy(State.HIGHER_APPROVAL, cell=cell_a, actor=secretary_a)
    d = extend(d, approver)
    extension = DecisionExtension.objects.get(dossier=d)
    assert (extension.granted_by, extension.granted_on, extension.recorded_by) == (
        "Ban Thường vụ Huyện ủy Vụ Bản", TODAY, approver)
    assert d.decision_extended
    event = DossierHistory.objects.filter(dossier=d).last()
    assert event.action == "extend_decision" and event.evidence["reason"].startswith("Chờ kết quả")


def test_a_second_extension_is_refused_with_the_rule(approver, cell_a, secretary_a):
    d = extend(dossier_copy(State.HIGHER_APPROVAL, cell=cell_a, actor=secretary_a), approver)
    with pytest.raises(Refusal) as exc:
        extend(d, approver)
    assert any("4.3.1" in r for r in exc.value.reasons)
    assert DecisionExtension.objects.filter(dossier=d).count() == 1


def test_an_extension_without_a_reason_is_refused_and_changes_nothing(approver, cell_a, secretary_a):
    d = dossier_copy(State.HIGHER_APPROVAL, cell=cell_a, actor=secretary_a)
    with pytest.raises(Refusal):
        extend(d, approver, reason="  ")
    d.refresh_from_db()
    assert not d.decision_extended and not DecisionExtension.objects.exists()


def test_the_overdue_warning_of_the_decision_follows_the_extension(approver, cell_a, secretary_a):
    d = dossier_copy(State.HIGHER_APPROVAL, cell=cell_a, actor=secretary_a)
    branch = gates.last_act(d, "6-KNĐ")
    late = branch.date + dt.timedelta(days=100)  # past 60 working days, within 90
    assert gates.decide_admission(d, late).warnings
    d = extend(d, approver)
    assert not gates.decide_admission(d, late).warnings


def test_the_dossier_details_no_longer_tick_an_extension_and_the_approver_has_the_step(
        client, approver, cell_a, secretary_a):
    assert "decision_extended" not in DossierDetailsForm.base_fields
    d = dossier_copy(State.HIGHER_APPROVAL, cell=cell_a, actor=secretary_a)
    client.force_login(approver)
    url = reverse("dossiers:step", args=[d.pk, "extend_decision"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"granted_by": "Ban Thường vụ", "granted_on": TODAY.isoformat(),
                                 "reason": "Trường hợp đặc biệt"})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.decision_extended
