"""The process view on the dossier page: the admission flow's steps with the current ones
highlighted, viewflow's chart as SVG, and the task history merged into the dossier's timeline."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from dossiers import services
from dossiers.models import State
from ui.templatetags.vn import vn_name
from workflows.sync import process_of

from .factories import dossier_in_state
from .test_dossier_pages import DOSSIER_PAGE_QUERIES

ENROL = "Đăng ký học lớp bồi dưỡng nhận thức về Đảng"
CERTIFICATE = "Ghi nhận kết quả lớp học và giấy chứng nhận"
MENTORING_TASKS = {"assign_mentor", "assign_introducers", "collect_papers", "verify_history", "gather_opinions"}


def page(client, dossier) -> str:
    response = client.get(reverse("dossiers:detail", args=[dossier.pk]))
    assert response.status_code == 200
    return response.content.decode()


def current_steps(html: str) -> list[str]:
    return re.findall(r'web-process__step--current" aria-current="step">\s*<span class="web-process__title">([^<]*)<',
                      html)


def whole_timeline(client, dossier) -> str:
    """The timeline's own page: every item (the dossier page prints the latest)."""
    response = client.get(reverse("dossiers:timeline", args=[dossier.pk]))
    assert response.status_code == 200
    return response.content.decode()


def timeline_items(html: str) -> list[str]:
    section = html[html.index('id="timeline"'):]
    return re.findall(r'<li class="web-timeline__item[^"]*".*?</li>', section, re.S)


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def in_mentoring_with_five_open_tasks(cell, actor):
    """The class passed, nothing else yet: mentor, introducers, papers, verification and opinions
    are all waiting."""
    d = dossier_in_state(State.TRAINING, cell=cell, actor=actor)
    return services.dossier_complete_training(dossier=d, actor=actor, number="CN-5",
                                              issued_on=d.spotted_on + dt.timedelta(days=12))


def test_the_current_step_of_a_new_case_is_highlighted_in_the_process_view(client, secretary_a, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    client.force_login(secretary_a)
    html = page(client, d)
    assert current_steps(html) == [ENROL]
    assert 'id="process"' in html
    assert "web-process__step--waiting" in html  # the steps not reached yet are listed too
    assert reverse("dossier_chart", args=[d.pk]) in html


def test_every_open_task_of_a_mentoring_case_is_highlighted(client, secretary_a, cell_a):
    d = in_mentoring_with_five_open_tasks(cell_a, secretary_a)
    open_names = {t.flow_task.name for t in Task.objects.filter(process=process_of(d), flow_task_type="HUMAN",
                                                                  status=STATUS.NEW)}
    assert open_names == MENTORING_TASKS
    client.force_login(secretary_a)
    html = page(client, d)
    assert len(current_steps(html)) == 5
    assert "Phân công đảng viên giúp đỡ" in current_steps(html)
    # The steps already done are marked done, not current.
    assert html.count("web-process__step--done") == 2


def test_a_step_the_case_passed_by_is_marked_off_its_path(client, secretary_a, cell_a):
    """No sub-committee above cell A: its appraisal (7-KNĐ) is skipped once the case is past it."""
    d = dossier_in_state(State.PROBATION, cell=cell_a, actor=secretary_a)
    client.force_login(secretary_a)
    html = page(client, d)
    skipped = re.findall(r'web-process__step--skipped">\s*<span class="web-process__title">([^<]*)<', html)
    assert skipped == ["Báo cáo thẩm định của đảng ủy bộ phận (7-KNĐ)"]
    assert "web-process__step--waiting" in html  # recognition is still ahead


def test_a_finished_task_appears_in_the_timeline_with_its_owners_name(client, secretary_a, cell_a):
    d = dossier_in_state(State.TRAINING, cell=cell_a, actor=secretary_a)
    client.force_login(secretary_a)
    html = page(client, d)
    tasks = [item for item in timeline_items(html) if "web-timeline__item--task" in item]
    assert len(tasks) == 1
    assert ENROL in tasks[0] and vn_name(secretary_a) in tasks[0] and "web-timeline__item--done" in tasks[0]
    assert current_steps(html) == [CERTIFICATE]


def test_the_timeline_merges_tasks_and_actions_newest_first(client, secretary_a, cell_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    client.force_login(secretary_a)
    items = timeline_items(page(client, d))
    kinds = ["task" if "--task" in item else "action" for item in items]
    assert kinds.count("action") == d.events.count()
    assert kinds.count("task") == Task.objects.filter(process=process_of(d), flow_task_type="HUMAN",
                                                      status=STATUS.DONE).count() >= 4
    # Newest first: the list ends with the creation of the dossier, the enrolment task above it.
    assert kinds[-1] == "action" and "Đưa vào danh sách nguồn" in items[-1]
    assert kinds[-2] == "action" and kinds[-3] == "task" and ENROL in items[-3]


def test_withdrawal_shows_the_cancelled_task_and_no_current_step(client, secretary_a, cell_a):
    d = dossier_in_state(State.WITHDRAWN, cell=cell_a, actor=secretary_a)
    client.force_login(secretary_a)
    html = page(client, d)
    assert current_steps(html) == []
    cancelled = [item for item in timeline_items(html) if "web-timeline__item--canceled" in item]
    assert len(cancelled) == 1 and ENROL in cancelled[0]
    assert "web-process__step--canceled" in html


def test_the_chart_is_viewflows_svg_with_the_current_steps_outlined(client, secretary_a, cell_a):
    d = in_mentoring_with_five_open_tasks(cell_a, secretary_a)
    client.force_login(secretary_a)
    response = client.get(reverse("dossier_chart", args=[d.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert svg.startswith("<svg") and "</svg>" in svg
    outlined = set(re.findall(r'<g id="(\w+)"[^>]*class="[^"]*\bcurrent\b', svg))
    assert outlined == MENTORING_TASKS
    assert re.search(r'<g id="enroll_training"[^>]*class="done"', svg)
    assert "Phân công đảng viên" in svg  # node titles in Vietnamese
    assert ">yes<" not in svg and ">no<" not in svg  # edge labels translated


def test_the_chart_of_another_cells_dossier_is_not_found(client, secretary_a, cell_b):
    theirs = dossier_in_state(State.SPOTTED, cell=cell_b)
    client.force_login(secretary_a)
    assert client.get(reverse("dossier_chart", args=[theirs.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("dossier_chart", args=[theirs.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_page_of_a_recognized_member_stays_within_its_query_budget_with_its_process(
        client, secretary_a, cell_a, django_assert_max_num_queries):
    d = dossier_in_state(State.RECOGNIZED, cell=cell_a, actor=secretary_a)
    client.force_login(secretary_a)
    with django_assert_max_num_queries(DOSSIER_PAGE_QUERIES):
        html = page(client, d)
    assert current_steps(html) == []
    assert html.count("web-timeline__item--task") >= 1
    assert whole_timeline(client, d).count("web-timeline__item--task") >= 15


def test_a_mentoring_dossier_with_five_open_tasks_stays_within_the_query_budget(
        client, secretary_a, cell_a, mentor_user):
    d = in_mentoring_with_five_open_tasks(cell_a, secretary_a)
    client.force_login(secretary_a)
    url = reverse("dossiers:detail", args=[d.pk])
    with_five = queries_for(client, url)
    assert with_five <= DOSSIER_PAGE_QUERIES
    # Claimed tasks (an owner to show) cost nothing more.
    for task in Task.objects.filter(process=process_of(d), status=STATUS.NEW, flow_task_type="HUMAN"):
        with task.activation() as activation:
            activation.assign(secretary_a)
    assert queries_for(client, url) == with_five
