"""POST /api/v1/dossiers/{id}/steps/{step}/: the page's form, the same service, the same history;
409 with the reasons for a rule refusal, 400 for bad input, 403 for a role that may not take the
step, 404 outside the scope; an Idempotency-Key makes a retry harmless."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers.models import DossierHistory, State

from .factories import dossier_in_state

pytestmark = pytest.mark.django_db

ENROL = {"class_name": "Lớp bồi dưỡng nhận thức về Đảng khóa 3", "organiser": "Trung tâm Chính trị huyện",
         "note": "Đăng ký theo kế hoạch"}


def enrol(**extra):
    return {**ENROL, "start_date": timezone.localdate().isoformat(), **extra}


def url(d, step="enroll_training"):
    return reverse("api:dossier-step", args=[d.pk, step])


def post(client, d, data, step="enroll_training", **headers):
    return client.post(url(d, step), data, content_type="application/json", headers=headers)


def test_a_step_taken_moves_the_state_and_adds_the_pages_history_row(api, secretary_a, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    response = post(api(secretary_a), d, enrol())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == State.TRAINING and body["step"] == "enroll_training"
    event = DossierHistory.objects.filter(dossier=d).last()
    assert (event.action, event.actor, event.from_state, event.to_state, event.note) == (
        "enroll_training", secretary_a, State.SPOTTED, State.TRAINING, "Đăng ký theo kế hoạch")
    assert body["history"]["id"] == event.pk


def test_bad_input_answers_400_with_the_errors_per_field_and_changes_nothing(api, secretary_a, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    response = post(api(secretary_a), d, {"class_name": "Lớp", "organiser": "", "start_date": "hôm qua"})
    assert response.status_code == 400
    assert {"organiser", "start_date"} <= set(response.json())
    d.refresh_from_db()
    assert d.state == State.SPOTTED


def test_nested_values_are_bad_input_not_a_crash(api, secretary_a, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    assert post(api(secretary_a), d, {"start_date": {"a": 1}}).status_code == 400
    assert post(api(secretary_a), d, [1, 2]).status_code == 400


def test_a_rule_refusal_answers_409_with_the_vietnamese_reasons_and_their_citations(api, secretary_a, cell_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    response = post(api(secretary_a), d, {"on": timezone.localdate().isoformat(), "note": "Trình chi bộ"},
                    step="submit_for_vote")
    assert response.status_code == 409, response.content
    reasons = response.json()["reasons"]
    assert reasons and all(r["rule"] and r["message"].endswith(f"({r['rule']}).") for r in reasons)
    d.refresh_from_db()
    assert d.state == State.MENTORING


def test_a_role_that_does_not_take_the_step_gets_403(api, committee_member, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    response = post(api(committee_member), d, enrol())
    assert response.status_code == 403
    assert "Bí thư chi bộ" in response.json()["detail"]


def test_outside_the_scope_is_404_and_an_unknown_step_too(api, secretary_a, secretary_b, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    assert post(api(secretary_b), d, enrol()).status_code == 404
    assert post(api(secretary_a), d, enrol(), step="fly_to_the_moon").status_code == 404


def test_a_retry_with_the_same_idempotency_key_returns_the_first_answer_and_acts_once(api, secretary_a, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    client = api(secretary_a)
    first = post(client, d, enrol(), **{"Idempotency-Key": "k-1"})
    again = post(client, d, enrol(), **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert DossierHistory.objects.filter(dossier=d, action="enroll_training").count() == 1
    # Without the key, the same request is a second attempt: the rules refuse it.
    assert post(client, d, enrol()).status_code == 409


def test_the_same_idempotency_key_with_another_body_answers_422(api, secretary_a, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    client = api(secretary_a)
    assert post(client, d, enrol(), **{"Idempotency-Key": "k-2"}).status_code == 200
    assert post(client, d, enrol(note="khác"), **{"Idempotency-Key": "k-2"}).status_code == 422


def test_a_refusal_is_kept_for_its_key_too(api, secretary_a, cell_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    client = api(secretary_a)
    data = {"on": timezone.localdate().isoformat()}
    first = post(client, d, data, step="submit_for_vote", **{"Idempotency-Key": "k-3"})
    again = post(client, d, data, step="submit_for_vote", **{"Idempotency-Key": "k-3"})
    assert first.status_code == again.status_code == 409 and first.json() == again.json()


def test_a_body_over_the_limit_answers_413(api, secretary_a, cell_a, settings):
    settings.API_MAX_BODY_BYTES = 100
    d = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    assert post(api(secretary_a), d, enrol(note="x" * 200)).status_code == 413


def test_the_session_needs_its_csrf_token(secretary_a, cell_a):
    from django.test import Client  # noqa: PLC0415

    d = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary_a)
    assert post(client, d, enrol()).status_code == 403
    d.refresh_from_db()
    assert d.state == State.SPOTTED


# --- A candidate, and who holds a task ---------------------------------------------------------------


def candidate_body(cell, **changes):
    body = {
        "candidate": {"full_name": "Nguyễn Thị Hoa", "sex": "female", "birth_date": "1998-03-08",
                      "place_of_birth": "Xã Thành Lợi, huyện Vụ Bản, tỉnh Nam Định",
                      "home_town": "Xã Thành Lợi, huyện Vụ Bản, tỉnh Nam Định",
                      "permanent_residence": "Thôn Đồng Đội, xã Thành Lợi", "ethnicity": "Kinh", "religion": "Không",
                      "occupation": "Giáo viên", "general_education": "upper_secondary",
                      "professional_education": "university"},
        "relatives": [{"kind": "father", "full_name": "Nguyễn Văn Cha", "birth_year": 1968,
                       "full_civil_capacity": True}],
        "cell": cell.pk, "source": "youth_union", "spotted_on": timezone.localdate().isoformat(),
    }
    body.update(changes)
    return body


def test_a_candidate_added_through_the_api_opens_a_dossier_with_the_pages_create_event(api, secretary_a, cell_a):
    from dossiers.models import Dossier  # noqa: PLC0415

    response = api(secretary_a).post(reverse("api:candidate-create"), candidate_body(cell_a),
                                     content_type="application/json")
    assert response.status_code == 201, response.content
    d = Dossier.objects.get(pk=response.json()["id"])
    assert d.state == State.SPOTTED and d.cell == cell_a and d.created_by == secretary_a
    assert list(d.candidate.relatives.values_list("full_name", flat=True)) == ["Nguyễn Văn Cha"]
    event = DossierHistory.objects.get(dossier=d)
    assert (event.action, event.actor, event.to_state) == ("create", secretary_a, State.SPOTTED)


def test_a_candidate_in_another_cell_or_with_a_missing_field_is_400_and_writes_nothing(
        api, secretary_a, cell_a, cell_b):
    from dossiers.models import Candidate  # noqa: PLC0415

    client = api(secretary_a)
    body = candidate_body(cell_a)
    del body["candidate"]["birth_date"]
    response = client.post(reverse("api:candidate-create"), body, content_type="application/json")
    assert response.status_code == 400 and "birth_date" in response.json()["candidate"]
    response = client.post(reverse("api:candidate-create"), candidate_body(cell_b), content_type="application/json")
    assert response.status_code == 400 and "cell" in response.json()
    assert not Candidate.objects.exists()


def test_a_refused_candidate_answers_409(api, secretary_a, cell_a):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = api(secretary_a).post(reverse("api:candidate-create"), candidate_body(cell_a, spotted_on=tomorrow),
                                     content_type="application/json")
    assert response.status_code == 409 and response.json()["reasons"]


def test_the_secretary_gives_a_task_to_her_deputy(api, secretary_a, cell_a):
    from permissions.models import Role  # noqa: PLC0415

    from .factories import UserFactory, grant  # noqa: PLC0415

    deputy = UserFactory(username="phobithu_a")
    grant(deputy, Role.CELL_DEPUTY, cell_a)
    dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    client = api(secretary_a)
    task = client.get(reverse("api:task-queue")).json()["results"][0]
    url = reverse("api:task-reassign", args=[task["id"]])
    assert client.post(url, {}, content_type="application/json").status_code == 400
    response = client.post(url, {"to": deputy.pk}, content_type="application/json")
    assert response.status_code == 200 and response.json()["owner"] == "phobithu_a"
    assert client.post(url, {"to": deputy.pk}, content_type="application/json").status_code == 409
