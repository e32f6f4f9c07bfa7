"""Overdue tasks to follow up: the organisation board, the inspection committee and the union
officer chase late work in their scope without being able to do it."""

import datetime as dt

import pytest
from django.urls import reverse

from dossiers.models import State
from permissions.models import Role

from .factories import UserFactory, dossier_in_state, grant
from .test_task_pages import open_task, queries_for, row_ids, set_due

LONG_AGO = dt.date(2025, 1, 6)
NEXT_YEAR = dt.date.today() + dt.timedelta(days=365)


@pytest.fixture
def inspector_b(cell_b):
    """Inspection committee member for cell B only: must not see cell A's late work."""
    user = UserFactory(username="kiemtra_b")
    grant(user, Role.AUDITOR, cell_b)
    return user


def late_task(cell, *, due=LONG_AGO, created_by=None):
    dossier = dossier_in_state(State.SPOTTED, cell=cell, **({"actor": created_by} if created_by else {}))
    task = open_task(dossier, "enroll_training")
    set_due(task, due)
    return task


def test_the_board_sees_overdue_tasks_of_its_subtree_and_not_those_still_on_time(client, board, cell_a, cell_b):
    late_a, late_b = late_task(cell_a), late_task(cell_b)
    late_task(cell_a, due=NEXT_YEAR)
    client.force_login(board)
    response = client.get(reverse("tasks:overdue"))
    assert sorted(row_ids(response)) == sorted([late_a.pk, late_b.pk])
    html = response.content.decode()
    assert "Chưa có người nhận" in html
    assert reverse("tasks:claim", args=[late_a.pk]) not in html  # the board chases, it does not take


def test_the_board_home_lists_the_overdue_work_below_it(client, board, cell_a):
    late = late_task(cell_a)
    client.force_login(board)
    response = client.get(reverse("index"))
    assert late.pk in row_ids(response)
    assert "Việc quá hạn cần đôn đốc" in response.content.decode()


def test_an_inspector_of_cell_b_does_not_see_cell_a_late_work(client, inspector_b, cell_a, cell_b):
    late_task(cell_a)
    late_b = late_task(cell_b)
    client.force_login(inspector_b)
    assert row_ids(client.get(reverse("tasks:overdue"))) == [late_b.pk]


def test_a_union_officer_follows_up_only_the_candidates_he_proposed(client, tree, cell_a):
    officer = UserFactory(username="doan")
    grant(officer, Role.UNION_OFFICER, tree["grassroots"])
    his = late_task(cell_a, created_by=officer)
    late_task(cell_a)
    client.force_login(officer)
    assert row_ids(client.get(reverse("tasks:overdue"))) == [his.pk]


def test_a_cell_secretary_has_no_follow_up_list(client, secretary_a, cell_a):
    late_task(cell_a)
    client.force_login(secretary_a)
    assert row_ids(client.get(reverse("tasks:overdue"))) == []
    assert reverse("tasks:overdue") not in client.get(reverse("tasks:inbox")).content.decode()


def test_the_follow_up_page_makes_the_same_number_of_queries_for_2_and_12_late_tasks(client, board, cell_a):
    client.force_login(board)
    for _ in range(2):
        late_task(cell_a)
    few = queries_for(client, reverse("tasks:overdue"))
    for _ in range(10):
        late_task(cell_a)
    assert queries_for(client, reverse("tasks:overdue")) == few <= 8


def test_the_board_home_counts_a_large_backlog_only_up_to_a_limit(client, board, cell_a, monkeypatch):
    # A province's 18,000 late tasks were counted on every visit: "more than 1,000" says enough.
    from web import task_views

    monkeypatch.setattr(task_views, "HOME_ROWS", 1)
    monkeypatch.setattr(task_views, "HOME_COUNT_LIMIT", 2)
    for _ in range(4):
        late_task(cell_a)
    client.force_login(board)
    html = client.get(reverse("index")).content.decode()
    assert "Việc quá hạn cần đôn đốc (hơn 2)" in html
    monkeypatch.setattr(task_views, "HOME_COUNT_LIMIT", 10)
    html = client.get(reverse("index")).content.decode()
    assert "Việc quá hạn cần đôn đốc (4)" in html


def test_the_overdue_list_counts_a_window_and_still_pages_past_it(client, board, cell_a, monkeypatch):
    # Counting every late task of a province on each page took a second at national scale.
    from web import task_views

    monkeypatch.setattr(task_views, "PAGE_SIZE", 2)
    monkeypatch.setattr(task_views, "HOME_COUNT_LIMIT", 2)
    late = [late_task(cell_a, due=LONG_AGO + dt.timedelta(days=i)) for i in range(4)]
    client.force_login(board)
    first = client.get(reverse("tasks:overdue"))
    assert row_ids(first) == [late[0].pk, late[1].pk]
    html = first.content.decode()
    assert "Hơn 2 việc" in html and 'rel="next"' in html
    second = client.get(reverse("tasks:overdue") + "?page=2")
    assert row_ids(second) == [late[2].pk, late[3].pk]
    assert "4 việc" in second.content.decode()
