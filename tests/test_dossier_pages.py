"""The server-rendered pages: login, the dossier list, the dossier page, the step forms and the
candidate form; who sees what, what a refusal leaves behind, and how many queries a page costs."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from dossiers import services, steps
from dossiers.formatting import vn_date
from dossiers.models import Candidate, Dossier, DossierHistory, Relative, State
from permissions.models import Role
from ui.templatetags.vn import vn_name
from web.forms import STEP_FORMS
from web.presenters import TIMELINE_RECENT

from .factories import CandidateFactory, PartyMemberFactory, UserFactory, dossier_in_state, grant

TODAY = timezone.localdate


def spotted(cell, *, name=None, actor=None):
    candidate = CandidateFactory(full_name=name) if name else CandidateFactory()
    return services.dossier_create(candidate=candidate, cell=cell, source="youth_union",
                                   spotted_on=TODAY() - dt.timedelta(days=30), actor=actor or UserFactory())


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def history_count(dossier) -> int:
    return DossierHistory.objects.filter(dossier=dossier).count()


# --- Login and the shell ---------------------------------------------------------------------


def test_the_login_page_is_the_sites_own_in_vietnamese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi"' in html
    assert 'name="username"' in html and 'name="password"' in html and "csrfmiddlewaretoken" in html
    assert "Đăng nhập" in html
    assert "Viewflow Demo" not in html and "Django Material" not in html
    assert "cdn" not in html.lower() and "//fonts.googleapis" not in html


def test_logging_in_leads_to_the_home_page_with_the_way_to_the_dossier_list(client, secretary_a):
    response = client.post(reverse("login"), {"username": "bithu_a", "password": "pw-test-12345"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("index")
    assert reverse("dossiers:index") in response.content.decode()


def test_logout_is_a_post_that_returns_to_the_login_page(client, secretary_a):
    client.force_login(secretary_a)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("dossiers:index")).status_code == 302


def test_anonymous_requests_are_sent_to_the_login_page(client, cell_a):
    d = spotted(cell_a)
    for url in ["/", reverse("dossiers:index"), reverse("dossiers:detail", args=[d.pk]),
                reverse("dossiers:step", args=[d.pk, "enroll_training"]), reverse("dossiers:create"),
                reverse("dossiers:edit", args=[d.pk]), reverse("dossiers:candidate", args=[d.pk])]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url


def test_the_home_page_shows_my_tasks_and_links_to_the_dossier_list(client, secretary_a):
    client.force_login(secretary_a)
    response = client.get("/")
    assert response.status_code == 200 and reverse("dossiers:index") in response.content.decode()


def test_pages_carry_the_site_menu_and_no_viewflow_demo_text(client, secretary_a, cell_a):
    client.force_login(secretary_a)
    html = client.get(reverse("dossiers:index")).content.decode()
    assert reverse("dossiers:create") in html  # the secretary may add candidates
    assert reverse("logout") in html
    assert "Viewflow Demo" not in html and "Django Material" not in html
    assert reverse("admin:index") not in html  # not staff


# --- The list ------------------------------------------------------------------------------


def test_the_secretary_of_cell_a_sees_a_dossiers_and_not_b(client, secretary_a, cell_a, cell_b):
    mine = spotted(cell_a, name="Nguyễn Thị Hoa")
    theirs = spotted(cell_b, name="Trần Văn Bảo")
    client.force_login(secretary_a)
    html = client.get(reverse("dossiers:index")).content.decode()
    assert "Nguyễn Thị Hoa" in html and reverse("dossiers:detail", args=[mine.pk]) in html
    assert "Trần Văn Bảo" not in html and reverse("dossiers:detail", args=[theirs.pk]) not in html


def test_searching_without_diacritics_finds_the_candidate(client, secretary_a, cell_a):
    spotted(cell_a, name="Nguyễn Thị Hoa")
    spotted(cell_a, name="Lê Văn Nam")
    client.force_login(secretary_a)
    html = client.get(reverse("dossiers:index"), {"q": "nguyen thi"}).content.decode()
    assert "Nguyễn Thị Hoa" in html and "Lê Văn Nam" not in html
    html = client.get(reverse("dossiers:index"), {"q": "NGUYEN hoa"}).content.decode()
    assert "Nguyễn Thị Hoa" in html


def test_filtering_by_a_grassroots_organisation_takes_its_whole_subtree(client, tree, cell_a, cell_b):
    spotted(cell_a, name="Nguyễn Thị Hoa")
    spotted(cell_b, name="Trần Văn Bảo")
    user = UserFactory()
    grant(user, Role.GRASSROOTS_COMMITTEE, tree["grassroots"])
    client.force_login(user)
    url = reverse("dossiers:index")
    html = client.get(url, {"organization": tree["grassroots"].pk}).content.decode()
    assert "Nguyễn Thị Hoa" in html and "Trần Văn Bảo" in html
    html = client.get(url, {"organization": cell_b.pk}).content.decode()
    assert "Trần Văn Bảo" in html and "Nguyễn Thị Hoa" not in html


def test_an_organisation_outside_the_scope_cannot_be_chosen(client, secretary_a, cell_a, cell_b):
    spotted(cell_b, name="Trần Văn Bảo")
    client.force_login(secretary_a)
    response = client.get(reverse("dossiers:index"), {"organization": cell_b.pk})
    assert response.status_code == 200
    assert "Trần Văn Bảo" not in response.content.decode()
    assert response.context["filter"].form.errors


def test_filtering_by_state_and_year(client, secretary_a, cell_a):
    spotted(cell_a, name="Nguyễn Thị Hoa")
    dossier_in_state(State.TRAINING, cell=cell_a, candidate=CandidateFactory(full_name="Lê Văn Nam"))
    client.force_login(secretary_a)
    url = reverse("dossiers:index")
    html = client.get(url, {"state": State.TRAINING}).content.decode()
    assert "Lê Văn Nam" in html and "Nguyễn Thị Hoa" not in html
    year = Dossier.objects.first().year
    assert "Nguyễn Thị Hoa" in client.get(url, {"year": year}).content.decode()
    assert "Nguyễn Thị Hoa" not in client.get(url, {"year": year - 5}).content.decode()


def test_the_list_is_paginated(client, secretary_a, cell_a):
    for _ in range(27):
        spotted(cell_a)
    client.force_login(secretary_a)
    first = client.get(reverse("dossiers:index"))
    assert len(first.context["object_list"]) == 25 and first.context["is_paginated"]
    second = client.get(reverse("dossiers:index"), {"page": 2})
    assert len(second.context["object_list"]) == 2


def test_the_list_costs_as_many_queries_for_30_dossiers_as_for_3(client, secretary_a, cell_a):
    client.force_login(secretary_a)
    url = reverse("dossiers:index")
    for _ in range(3):
        spotted(cell_a)
    client.get(url)  # the first page keeps the menu's entries and the badge (web.menu, workflows.badge)
    few = queries_for(client, url)
    for _ in range(27):
        spotted(cell_a)
    many = queries_for(client, url)
    # Fewer than a page need no COUNT (tests/test_first_page.py): one query less, never more.
    assert few == many - 1
    for _ in range(30):
        spotted(cell_a)
    assert queries_for(client, url) == many
    assert queries_for(client, url + "?q=nguyen&state=spotted&sort=-changed") <= many + 1


# --- The dossier page ------------------------------------------------------------------------


def test_the_dossier_of_another_cell_is_not_found(client, secretary_a, cell_b):
    theirs = spotted(cell_b)
    client.force_login(secretary_a)
    assert client.get(reverse("dossiers:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("dossiers:step", args=[theirs.pk, "enroll_training"])).status_code == 404
    assert client.post(reverse("dossiers:step", args=[theirs.pk, "withdraw"]), {"reason": "x"}).status_code == 404
    assert client.get(reverse("dossiers:detail", args=[999999])).status_code == 404


# The shell (2: the user, their scope from guardian) and the page's own 4: the dossier with its cell's
# ancestors, its evidence with the latest actions, the issued documents and the viewer's roles (one
# query, `dossiers.loading`), the personal-data read log (1 insert), the process's tasks; constant in
# the evidence, the history and the dossiers.
DOSSIER_PAGE_QUERIES = 6


def test_the_page_of_a_recognized_member_shows_the_whole_case_in_a_fixed_number_of_queries(
        client, secretary_a, cell_a, django_assert_max_num_queries):
    d = dossier_in_state(State.RECOGNIZED, cell=cell_a, actor=secretary_a)
    client.force_login(secretary_a)
    with django_assert_max_num_queries(DOSSIER_PAGE_QUERIES):
        response = client.get(reverse("dossiers:detail", args=[d.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    d.refresh_from_db()
    assert d.candidate.full_name in html
    for day in (d.decision_date, d.ceremony_date, d.official_date):
        assert escape(vn_date(day)) in html
    for number in ("90-QĐ/HU", "120-QĐ/HU", "1-NQ/CB", "5-NQ/CB", "CN-123", "ĐVM-7"):
        assert number in html
    assert "Trần Thị Mẹ" in html  # relatives table
    # The timeline names the actor of each event; the page prints the latest items, the timeline's
    # page the earlier ones (which the page loads when they are unfolded).
    assert vn_name(secretary_a) in html and vn_name(secretary_a).startswith(secretary_a.last_name)
    timeline_url = reverse("dossiers:timeline", args=[d.pk])
    assert html.count("web-timeline__item ") == TIMELINE_RECENT and f'src="{timeline_url}?skip=10"' in html
    earlier = client.get(timeline_url + "?skip=10").content.decode()
    whole = client.get(timeline_url).content.decode()
    assert whole.count("web-timeline__item ") == TIMELINE_RECENT + earlier.count("web-timeline__item ")
    assert whole.count("web-timeline__item--action") == DossierHistory.objects.filter(dossier=d).count()


def test_the_page_costs_the_same_queries_whatever_the_evidence_and_the_number_of_dossiers(
        client, cell_a, cell_b, mentor_user):
    user, member = mentor_user
    secretary = UserFactory(username="bithu_a2")
    grant(secretary, Role.CELL_SECRETARY, cell_a)
    d = dossier_in_state(State.PROBATION, cell=cell_a, actor=secretary,
                         introducers=[member, PartyMemberFactory(cell=cell_a)])
    client.force_login(secretary)
    url = reverse("dossiers:detail", args=[d.pk])
    before = queries_for(client, url)
    for month in range(3):
        start = d.ceremony_date + dt.timedelta(days=30 * month)
        services.dossier_record_progress_report(dossier=d, actor=secretary, mentor=member, period_start=start,
                                                period_end=start + dt.timedelta(days=29), content="Tốt.")
    services.dossier_record_opinions(dossier=d, actor=secretary, date=TODAY(), workplace_opinion="Tốt.",
                                     residence_opinion="Tốt.")
    Relative.objects.create(candidate=d.candidate, kind="sibling", full_name="Đỗ Văn Em")
    for _ in range(5):
        spotted(cell_a)
        spotted(cell_b)
    assert queries_for(client, url) == before <= DOSSIER_PAGE_QUERIES
    # The mentor (a party member with a login) costs no extra query either.
    client.force_login(user)
    assert queries_for(client, url) <= DOSSIER_PAGE_QUERIES


def test_the_next_step_panel_offers_the_steps_the_rules_and_the_role_allow(client, secretary_a, cell_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    client.force_login(secretary_a)
    response = client.get(reverse("dossiers:detail", args=[d.pk]))
    html = response.content.decode()
    panel = {item.name: item for item in response.context["panel"]}
    # The dossier is incomplete: submitting for the vote is refused, with the gate's reasons.
    assert not panel["submit_for_vote"].allowed
    for reason in steps.check("submit_for_vote", d, TODAY()).reasons:
        assert escape(reason) in html
    assert reverse("dossiers:step", args=[d.pk, "submit_for_vote"]) not in html
    # Allowed steps for the secretary carry a link to their form.
    assert panel["record_application"].may_take
    assert reverse("dossiers:step", args=[d.pk, "record_application"]) in html
    # Replacing an introducer sits next to assigning one.
    names = list(panel)
    assert names.index("end_introducer") == names.index("assign_introducer") + 1
    # Concluding a verification is the grassroots committee's: allowed by the rules, not by the role.
    assert panel["conclude_verification"].allowed and not panel["conclude_verification"].may_take
    assert str(Role.GRASSROOTS_COMMITTEE.label) in panel["conclude_verification"].roles
    assert reverse("dossiers:step", args=[d.pk, "conclude_verification"]) not in html


# --- The step forms ------------------------------------------------------------------------------


def test_every_step_has_a_form_and_a_service():
    assert set(steps.STEPS) <= set(STEP_FORMS)
    assert "end_introducer" in STEP_FORMS


def test_every_step_form_renders_for_a_dossier_in_its_state(client, cell_a, tree):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    by_state = {s: dossier_in_state(s, cell=cell_a) for s in
                [State.SPOTTED, State.TRAINING, State.MENTORING, State.BRANCH_VOTE, State.HIGHER_APPROVAL,
                 State.PROBATION]}
    for name in STEP_FORMS:
        states = steps.STEPS[name].states if name in steps.STEPS else (State.MENTORING,)
        d = by_state[states[0]]
        response = client.get(reverse("dossiers:step", args=[d.pk, name]))
        assert response.status_code == 200, name
        assert 'name="note"' in response.content.decode(), name
    assert client.get(reverse("dossiers:step", args=[by_state[State.SPOTTED].pk, "no_such_step"])).status_code == 404


def test_a_step_the_rules_refuse_shows_the_reasons_and_changes_nothing(client, secretary_a, cell_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)  # no application, no verification…
    events = history_count(d)
    client.force_login(secretary_a)
    url = reverse("dossiers:step", args=[d.pk, "submit_for_vote"])
    page = client.get(url)
    reasons = steps.check("submit_for_vote", d, TODAY()).reasons
    assert reasons and all(escape(r) in page.content.decode() for r in reasons)
    response = client.post(url, {"on": TODAY().isoformat(), "note": "Trình chi bộ"})
    assert response.status_code == 200
    html = response.content.decode()
    assert all(escape(r) in html for r in reasons)
    assert response.context["form"].non_field_errors()
    d.refresh_from_db()
    assert d.state == State.MENTORING and history_count(d) == events


def test_an_invalid_form_changes_nothing_and_keeps_the_input(client, secretary_a, cell_a):
    d = spotted(cell_a)
    client.force_login(secretary_a)
    response = client.post(reverse("dossiers:step", args=[d.pk, "enroll_training"]),
                           {"class_name": "Lớp cảm tình Đảng", "organiser": "", "start_date": "hôm qua"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "organiser" in form.errors and "start_date" in form.errors
    assert 'value="Lớp cảm tình Đảng"' in response.content.decode()
    d.refresh_from_db()
    assert d.state == State.SPOTTED and history_count(d) == 1


def test_a_step_taken_moves_the_state_adds_one_history_row_and_returns_to_the_dossier(client, secretary_a, cell_a):
    d = spotted(cell_a)
    client.force_login(secretary_a)
    response = client.post(reverse("dossiers:step", args=[d.pk, "enroll_training"]), {
        "class_name": "Lớp bồi dưỡng nhận thức về Đảng khóa 3", "organiser": "Trung tâm Chính trị huyện",
        "start_date": TODAY().isoformat(), "note": "Đăng ký theo kế hoạch",
    })
    assert response.status_code == 302 and response["Location"] == reverse("dossiers:detail", args=[d.pk])
    d.refresh_from_db()
    assert d.state == State.TRAINING
    assert history_count(d) == 2
    event = DossierHistory.objects.filter(dossier=d).last()
    assert (event.action, event.actor, event.from_state, event.to_state, event.note) == (
        "enroll_training", secretary_a, State.SPOTTED, State.TRAINING, "Đăng ký theo kế hoạch")
    page = client.get(response["Location"])
    assert list(page.context["messages"])  # the success message is shown once


def test_choices_are_the_dossiers_own_people(client, secretary_a, cell_a, cell_b):
    d = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    stranger = PartyMemberFactory(cell=cell_b, full_name="Người Chi Bộ Khác")
    client.force_login(secretary_a)
    html = client.get(reverse("dossiers:step", args=[d.pk, "assign_mentor"])).content.decode()
    assert "Người Chi Bộ Khác" not in html
    response = client.post(reverse("dossiers:step", args=[d.pk, "assign_mentor"]),
                           {"member": stranger.pk, "assigned_on": TODAY().isoformat()})
    assert response.status_code == 200 and "member" in response.context["form"].errors
    # start_verification offers the candidate and the relatives not yet verified.
    subjects = dict(client.get(reverse("dossiers:step", args=[d.pk, "start_verification"]))
                    .context["form"].fields["subject"].choices)
    assert "self" in subjects and len(subjects) == 3  # self, father, mother


def test_replacing_an_introducer_ends_the_introduction(client, secretary_a, cell_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    introducer = d.introducers.first()
    client.force_login(secretary_a)
    response = client.post(reverse("dossiers:step", args=[d.pk, "end_introducer"]), {
        "introducer": introducer.pk, "ended_on": TODAY().isoformat(), "reason": "Chuyển công tác",
    })
    assert response.status_code == 302
    introducer.refresh_from_db()
    assert introducer.ended_on == TODAY() and introducer.end_reason == "Chuyển công tác"
    assert DossierHistory.objects.filter(dossier=d).last().action == "end_introducer"


def test_a_user_without_the_role_is_forbidden_the_step(client, committee_member, mentor_user, cell_a):
    d = spotted(cell_a)
    client.force_login(committee_member)  # sees the grassroots' dossiers, but enrolling is the cell's
    url = reverse("dossiers:step", args=[d.pk, "enroll_training"])
    assert client.get(reverse("dossiers:detail", args=[d.pk])).status_code == 200
    assert client.get(url).status_code == 403
    response = client.post(url, {"class_name": "Lớp", "organiser": "TTCT", "start_date": TODAY().isoformat()})
    assert response.status_code == 403
    d.refresh_from_db()
    assert d.state == State.SPOTTED and history_count(d) == 1


# --- Adding a candidate --------------------------------------------------------------------------


def candidate_post(cell, **changes) -> dict:
    data = {
        "candidate-full_name": "Nguyễn Thị Hoa", "candidate-sex": "female", "candidate-birth_date": "1998-03-08",
        "candidate-place_of_birth": "Xã Thành Lợi, huyện Vụ Bản, tỉnh Nam Định",
        "candidate-home_town": "Xã Thành Lợi, huyện Vụ Bản, tỉnh Nam Định",
        "candidate-permanent_residence": "Thôn Đồng Đội, xã Thành Lợi", "candidate-ethnicity": "Kinh",
        "candidate-religion": "Không", "candidate-occupation": "Giáo viên",
        "candidate-general_education": "upper_secondary", "candidate-professional_education": "university",
        "candidate-education_exception": "",
        "relatives-TOTAL_FORMS": "2", "relatives-INITIAL_FORMS": "0", "relatives-MIN_NUM_FORMS": "0",
        "relatives-MAX_NUM_FORMS": "1000",
        "relatives-0-kind": "father", "relatives-0-full_name": "Nguyễn Văn Cha", "relatives-0-birth_year": "1968",
        "relatives-0-full_civil_capacity": "on",
        "relatives-1-kind": "", "relatives-1-full_name": "", "relatives-1-full_civil_capacity": "on",
        "dossier-cell": str(cell.pk), "dossier-source": "youth_union",
        "dossier-spotted_on": TODAY().isoformat(), "dossier-note": "",
    }
    data.update(changes)
    return data


def test_adding_a_candidate_with_a_missing_field_writes_nothing(client, secretary_a, cell_a):
    client.force_login(secretary_a)
    response = client.post(reverse("dossiers:create"), candidate_post(cell_a, **{"candidate-birth_date": ""}))
    assert response.status_code == 200
    assert "birth_date" in response.context["form"].errors
    assert Candidate.objects.count() == 0 and Dossier.objects.count() == 0 and Relative.objects.count() == 0


def test_a_refusal_of_the_service_leaves_no_half_written_candidate(client, secretary_a, cell_a):
    client.force_login(secretary_a)
    tomorrow = (TODAY() + dt.timedelta(days=1)).isoformat()
    response = client.post(reverse("dossiers:create"), candidate_post(cell_a, **{"dossier-spotted_on": tomorrow}))
    assert response.status_code == 200
    assert response.context["dossier_form"].non_field_errors()
    assert Candidate.objects.count() == 0 and Dossier.objects.count() == 0 and Relative.objects.count() == 0
    assert 'value="Nguyễn Thị Hoa"' in response.content.decode()


def test_adding_a_candidate_opens_a_spotted_dossier_with_a_create_event(client, secretary_a, cell_a):
    client.force_login(secretary_a)
    response = client.post(reverse("dossiers:create"), candidate_post(cell_a))
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("dossiers:detail", args=[dossier.pk])
    assert dossier.state == State.SPOTTED and dossier.cell == cell_a and dossier.created_by == secretary_a
    assert dossier.candidate.full_name == "Nguyễn Thị Hoa" and dossier.candidate.search_name == "nguyen thi hoa"
    assert list(dossier.candidate.relatives.values_list("full_name", flat=True)) == ["Nguyễn Văn Cha"]
    event = DossierHistory.objects.get(dossier=dossier)
    assert (event.action, event.actor, event.to_state) == ("create", secretary_a, State.SPOTTED)


def test_only_cell_secretaries_and_union_officers_add_candidates_to_their_own_cells(
        client, committee_member, secretary_a, cell_a, cell_b):
    client.force_login(committee_member)
    assert client.get(reverse("dossiers:create")).status_code == 403
    assert reverse("dossiers:create") not in client.get(reverse("dossiers:index")).content.decode()
    client.force_login(secretary_a)
    assert list(client.get(reverse("dossiers:create")).context["dossier_form"].fields["cell"].queryset) == [cell_a]
    response = client.post(reverse("dossiers:create"), candidate_post(cell_b))
    assert response.status_code == 200 and "cell" in response.context["dossier_form"].errors
    assert Dossier.objects.count() == 0


def test_the_secretary_edits_the_candidate_and_the_dossier_details(client, secretary_a, committee_member, cell_a):
    d = spotted(cell_a, name="Nguyễn Thị Hoa")
    client.force_login(secretary_a)
    url = reverse("dossiers:candidate", args=[d.pk])
    form = client.get(url).context["form"]
    data = {f"candidate-{k}": v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update({"candidate-full_name": "Nguyễn Thị Hoà", "candidate-birth_date": d.candidate.birth_date.isoformat(),
                 "relatives-TOTAL_FORMS": "0", "relatives-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 302
    d.candidate.refresh_from_db()
    assert d.candidate.full_name == "Nguyễn Thị Hoà"

    response = client.post(reverse("dossiers:edit", args=[d.pk]), {
        "source": "trade_union", "spotted_on": d.spotted_on.isoformat(), "notes": "Đoàn viên công đoàn",
        "late_ceremony_approval_ref": "", "note": "Sửa nguồn",
    })
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.source == "trade_union" and d.notes == "Đoàn viên công đoàn"
    assert DossierHistory.objects.filter(dossier=d).last().action == "update_details"

    client.force_login(committee_member)
    assert client.get(url).status_code == 403


def test_a_relative_already_verified_cannot_be_removed(client, secretary_a, cell_a):
    d = dossier_in_state(State.BRANCH_VOTE, cell=cell_a, actor=secretary_a)  # every relative verified
    client.force_login(secretary_a)
    url = reverse("dossiers:candidate", args=[d.pk])
    form = client.get(url).context["form"]
    data = {f"candidate-{k}": v for k, v in form.initial.items() if k in form.fields and v is not None}
    data["candidate-birth_date"] = d.candidate.birth_date.isoformat()
    relatives = list(d.candidate.relatives.order_by("kind", "birth_year", "pk"))
    data.update({"relatives-TOTAL_FORMS": str(len(relatives)), "relatives-INITIAL_FORMS": str(len(relatives))})
    for i, r in enumerate(relatives):
        data.update({f"relatives-{i}-id": r.pk, f"relatives-{i}-kind": r.kind, f"relatives-{i}-full_name": r.full_name,
                     f"relatives-{i}-full_civil_capacity": "on"})
    data["relatives-0-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["relatives"].non_form_errors()
    assert d.candidate.relatives.count() == 2


def test_a_union_officer_adds_a_candidate_and_then_sees_the_dossier(client, tree, cell_a):
    officer = UserFactory(username="doan_xa")
    grant(officer, Role.UNION_OFFICER, tree["grassroots"])
    client.force_login(officer)
    response = client.post(reverse("dossiers:create"), candidate_post(cell_a))
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and dossier.created_by == officer
    assert client.get(reverse("dossiers:detail", args=[dossier.pk])).status_code == 200
    assert "Nguyễn Thị Hoa" in client.get(reverse("dossiers:index")).content.decode()
