"""The statistics are aggregated in SQL, grouped by organisation path prefix: every page costs the
same number of queries for a province of 30 organisations as for one of 600."""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from permissions.models import Role

from .factories import UserFactory, bulk_province, grant

PAGES = ["reports:index", "reports:report", "reports:ranking", "reports:quotas"]


def _queries(client, name, org) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name), {"org": org.pk})
    assert response.status_code == 200, name
    return len(ctx)


def _counts(client, size: dict) -> dict:
    user = UserFactory()
    grant(user, Role.ORG_BOARD, size["province"])
    client.force_login(user)
    # The process's first page reads the content types once (Django caches them for the process);
    # run alone, that query would land in the first count only.
    ContentType.objects.clear_cache()
    client.get(reverse(PAGES[0]), {"org": size["province"].pk})
    counts = {}
    for name in PAGES:
        for level in ("province", "district"):
            org = size["province"] if level == "province" else size["districts"][0]
            counts[(name, level)] = _queries(client, name, org)
    return counts


@pytest.mark.django_db
def test_every_page_costs_as_many_queries_for_600_organisations_as_for_30(client):
    small = bulk_province(districts=2, grassroots_per_district=7, cells_per_grassroots=1)  # 31 organisations
    assert small["count"] == 31
    few = _counts(client, small)
    big = bulk_province(districts=3, grassroots_per_district=100, cells_per_grassroots=2)  # 604 organisations
    assert big["count"] >= 600
    many = _counts(client, big)
    assert many == few


@pytest.mark.django_db
def test_the_province_dashboard_of_1200_organisations_stays_under_a_fixed_number_of_queries(
        client, django_assert_max_num_queries):
    big = bulk_province(districts=3, grassroots_per_district=100, cells_per_grassroots=3)
    user = UserFactory()
    grant(user, Role.ORG_BOARD, big["province"])
    client.force_login(user)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("reports:index"), {"org": big["province"].pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<svg class="reports-bar"') == 1 + 3  # the province's own, one per district
    last = big["grassroots"][-1]  # its cells have ids over 1.000, which must stay bare in the links
    html = client.get(reverse("reports:index"), {"org": last.pk}).content.decode()
    cell = max(big["cells"], key=lambda c: c.pk)
    assert cell.pk > 1000 and f"?org={cell.pk}&amp;" in html and not re.search(r"org=\d+\.\d", html)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:report"), {"org": big["province"].pk,
                                                          "period": "year", "year": timezone.localdate().year})
    assert response.content.decode().count('class="reports-report__row"') == 300
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:report_xlsx"), {"org": big["districts"][0].pk}).status_code == 200
