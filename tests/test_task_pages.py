"""The task pages: home, inbox, queue, archive, and the claim / give back / give to buttons."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from dossiers.models import State
from permissions.models import Role
from workflows.models import TaskDeadline
from workflows.services import task_claim
from workflows.sync import process_of

from .factories import UserFactory, dossier_in_state, grant


def open_task(dossier, name):
    return Task.objects.get(process=process_of(dossier), flow_task_type="HUMAN", status=STATUS.NEW,
                            flow_task__endswith=f".{name}")


def spotted_tasks(cell, n):
    return [open_task(dossier_in_state(State.SPOTTED, cell=cell), "enroll_training") for _ in range(n)]


def row_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-task="(\d+)"', response.content.decode())]


def set_due(task, due_on):
    TaskDeadline.objects.update_or_create(
        task=task, defaults={"dossier_id": task.process.artifact_object_id, "due_on": due_on, "rule": "test"})


@pytest.fixture
def as_secretary(client, secretary_a):
    client.force_login(secretary_a)
    return client


def queries_for(client, url) -> int:
    client.get(url)  # the session and the content types are cached after the first request
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_queue_page_lists_the_cell_tasks_with_a_take_button(as_secretary, cell_a, cell_b):
    [task] = spotted_tasks(cell_a, 1)
    spotted_tasks(cell_b, 1)
    response = as_secretary.get(reverse("tasks:queue"))
    assert row_ids(response) == [task.pk]
    assert reverse("tasks:claim", args=[task.pk]) in response.content.decode()


@pytest.mark.parametrize("page", ["tasks:inbox", "tasks:queue", "index"])
def test_the_task_pages_make_the_same_number_of_queries_for_2_and_12_tasks(client, secretary_a, cell_a, page):
    client.force_login(secretary_a)
    tasks = spotted_tasks(cell_a, 2)
    for task in tasks[:1]:
        task_claim(task=task, user=secretary_a)
    few = queries_for(client, reverse(page))
    more = spotted_tasks(cell_a, 10)
    for task in more[:5]:
        task_claim(task=task, user=secretary_a)
    many = queries_for(client, reverse(page))
    assert few == many, (few, many)
    assert many <= 10


def test_claiming_from_the_page_moves_the_task_to_my_tasks(as_secretary, secretary_a, cell_a):
    [task] = spotted_tasks(cell_a, 1)
    response = as_secretary.post(reverse("tasks:claim", args=[task.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("tasks:inbox")
    inbox = as_secretary.get(reverse("tasks:inbox"))
    assert row_ids(inbox) == [task.pk]
    step_url = reverse("dossiers:step", args=[task.process.artifact_object_id, "enroll_training"])
    assert step_url in inbox.content.decode()
    assert row_ids(as_secretary.get(reverse("tasks:queue"))) == []


def test_giving_back_from_the_page_returns_the_task_to_the_queue(as_secretary, secretary_a, cell_a):
    [task] = spotted_tasks(cell_a, 1)
    task_claim(task=task, user=secretary_a)
    as_secretary.post(reverse("tasks:unassign", args=[task.pk]))
    assert row_ids(as_secretary.get(reverse("tasks:queue"))) == [task.pk]


def test_bulk_claim_takes_the_checked_tasks(as_secretary, secretary_a, cell_a):
    tasks = spotted_tasks(cell_a, 3)
    response = as_secretary.post(reverse("tasks:claim_bulk"), {"task": [tasks[0].pk, tasks[2].pk]})
    assert response.status_code == 302
    assert set(row_ids(as_secretary.get(reverse("tasks:inbox")))) == {tasks[0].pk, tasks[2].pk}
    assert row_ids(as_secretary.get(reverse("tasks:queue"))) == [tasks[1].pk]


def test_the_reassign_page_offers_the_deputy_and_gives_her_the_task(as_secretary, secretary_a, cell_a, client):
    deputy = UserFactory(username="phobithu_a", first_name="Hằng", last_name="Vũ Thị")
    grant(deputy, Role.CELL_DEPUTY, cell_a)
    [task] = spotted_tasks(cell_a, 1)
    task_claim(task=task, user=secretary_a)
    page = as_secretary.get(reverse("tasks:reassign", args=[task.pk]))
    assert "Vũ Thị Hằng" in page.content.decode()
    response = as_secretary.post(reverse("tasks:reassign", args=[task.pk]), {"to": deputy.pk})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.owner == deputy


def test_an_outsider_gets_404_for_a_task_outside_her_scope_and_nothing_changes(client, secretary_b, cell_a):
    [task] = spotted_tasks(cell_a, 1)
    client.force_login(secretary_b)
    assert client.post(reverse("tasks:claim", args=[task.pk])).status_code == 404
    assert client.get(reverse("tasks:reassign", args=[task.pk])).status_code == 404
    task.refresh_from_db()
    assert task.status == STATUS.NEW and task.owner is None


def test_a_refused_claim_shows_the_reason_and_changes_nothing(client, committee_member, cell_a):
    [task] = spotted_tasks(cell_a, 1)
    client.force_login(committee_member)
    response = client.post(reverse("tasks:claim", args=[task.pk]), follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])
    task.refresh_from_db()
    assert task.owner is None


def test_home_shows_my_tasks_overdue_first_then_the_queue(as_secretary, secretary_a, cell_a):
    early, late, waiting = spotted_tasks(cell_a, 3)
    task_claim(task=early, user=secretary_a)
    task_claim(task=late, user=secretary_a)
    today = timezone.localdate()
    set_due(early, today + dt.timedelta(days=20))
    set_due(late, today - dt.timedelta(days=3))
    set_due(waiting, today + dt.timedelta(days=5))
    response = as_secretary.get(reverse("index"))
    assert response.status_code == 200
    assert row_ids(response) == [late.pk, early.pk, waiting.pk]
    html = response.content.decode()
    assert html.count("web-overdue") == 1
    assert html.index("web-overdue") < html.index(f'data-task="{early.pk}"')
    assert reverse("dossiers:index") in html


def test_home_without_tasks_shows_a_friendly_empty_state(client, tree):
    auditor = UserFactory(username="kiemtra_t")
    grant(auditor, Role.AUDITOR, tree["district"])
    client.force_login(auditor)
    response = client.get(reverse("index"))
    assert response.status_code == 200
    assert "web-home-empty" in response.content.decode() and row_ids(response) == []


def test_the_menu_shows_the_count_of_my_open_tasks(as_secretary, secretary_a, cell_a):
    for task in spotted_tasks(cell_a, 2):
        task_claim(task=task, user=secretary_a)
    html = as_secretary.get(reverse("dossiers:index")).content.decode()
    assert re.search(r'web-badge[^>]*>2<', html)


def test_the_archive_page_lists_finished_tasks(as_secretary, secretary_a, cell_a):
    from dossiers import services

    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    task = open_task(d, "enroll_training")
    task_claim(task=task, user=secretary_a)
    services.dossier_enroll_training(dossier=d, actor=secretary_a, class_name="Lớp 1", organiser="TTCT",
                                     start_date=timezone.localdate())
    assert row_ids(as_secretary.get(reverse("tasks:archive"))) == [task.pk]
    assert row_ids(as_secretary.get(reverse("tasks:inbox"))) == []


def test_the_task_rows_escape_what_people_typed_and_carry_the_page_back(as_secretary, secretary_a, cell_a):
    # The rows are written in Python (web.presenters.task_rows_html): escaped as the template was.
    [mine, waiting] = spotted_tasks(cell_a, 2)
    task_claim(task=mine, user=secretary_a)
    candidate = mine.process.artifact.candidate
    candidate.full_name = '<b>Lò Văn "Pá"</b> & Co'
    candidate.save(update_fields=["full_name"])
    cell_a.name = "Chi bộ <1>"
    cell_a.save(update_fields=["name"])
    html = as_secretary.get(reverse("tasks:inbox"), {"page": "1", "x": "a b&c"}).content.decode()
    assert "&lt;b&gt;Lò Văn &quot;Pá&quot;&lt;/b&gt; &amp; Co" in html and "<b>Lò" not in html
    assert "Chi bộ &lt;1&gt;" in html
    assert f'{reverse("tasks:reassign", args=[mine.pk])}?next=/tasks/%3Fpage%3D1%26x%3Da%2Bb%2526c"' in html
    assert f'formaction="{reverse("tasks:unassign", args=[mine.pk])}"' in html
    queue = as_secretary.get(reverse("tasks:queue")).content.decode()
    assert f'<input type="checkbox" name="task" value="{waiting.pk}" form="task-actions"' in queue
    assert f'formaction="{reverse("tasks:claim", args=[waiting.pk])}"' in queue
