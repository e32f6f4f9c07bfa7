"""A list shorter than a page is not counted: its first page's rows are the count (issue 7: a cell's
inbox, queue and dossier list each saved a COUNT query); the inbox hands its count to the menu's
badge. Longer lists still count, and every page still shows its own rows."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers.models import Organization
from web.views import CappedPaginator
from workflows.services import task_claim

from .test_task_pages import queries_for, row_ids, spotted_tasks


def _counts(ctx) -> int:
    return sum("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)


def test_a_list_shorter_than_a_page_is_read_once_and_not_counted(tree):
    rows = Organization.objects.order_by("pk")  # province, district, grassroots, two cells
    every = list(rows.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as ctx:
        paginator = CappedPaginator(rows, 25)
        page = paginator.get_page(1)
        assert [o.pk for o in page] == every
        assert (paginator.count, paginator.num_pages, page.has_next()) == (5, 1, False)
    assert len(ctx) == 1 and _counts(ctx) == 0


def test_a_list_longer_than_a_page_is_counted_and_each_page_shows_its_rows(tree):
    rows = Organization.objects.order_by("pk")
    every = list(rows.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as ctx:
        paginator = CappedPaginator(rows, 2)
        first = paginator.get_page(1)
        assert [o.pk for o in first] == every[:2]
        assert (paginator.count, paginator.num_pages) == (5, 3)
    # The first page's rows are not read twice: one read, one COUNT.
    assert len(ctx) == 2 and _counts(ctx) == 1
    later = CappedPaginator(rows, 2)
    assert [o.pk for o in later.get_page(3)] == every[4:]
    assert [o.pk for o in CappedPaginator(rows, 2).get_page("abc")] == every[:2]
    assert [o.pk for o in CappedPaginator(rows, 2).get_page(99)] == every[4:]
    empty = CappedPaginator(Organization.objects.none(), 25)
    assert (list(empty.get_page(1)), empty.count) == ([], 0)


def test_the_inbox_hands_its_count_to_the_menu_badge(client, secretary_a, cell_a):
    client.force_login(secretary_a)
    tasks = spotted_tasks(cell_a, 3)
    for task in tasks[:2]:
        task_claim(task=task, user=secretary_a)
    client.get(reverse("tasks:inbox"))
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("tasks:inbox")).content.decode()
    assert len(row_ids(client.get(reverse("tasks:inbox")))) == 2
    assert re.search(r'web-badge[^>]*>2<', html)
    # Neither the list nor the badge counts: the two rows are the count.
    assert _counts(ctx) == 0
    # Another page still counts for its badge.
    assert queries_for(client, reverse("tasks:archive")) >= 1
    assert re.search(r'web-badge[^>]*>2<', client.get(reverse("tasks:archive")).content.decode())
