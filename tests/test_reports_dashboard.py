"""Dashboards: an organisation board sees each child's bar against its quota, lagging ones first,
the monthly chart against the pro-rata target and the pipeline, all drawn as inline SVG on the
server; a cell secretary sees her cell's numbers."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.models import State

from .factories import admitted_dossier, open_dossier, quota


def _this_year():
    return timezone.localdate().year


def test_the_board_dashboard_lists_each_child_with_a_bar_lagging_first(client, org_board, tree, cell_a, cell_b):
    year = _this_year()
    quota(tree["grassroots"], year, count=40)
    quota(cell_a, year, count=4)
    quota(cell_b, year, count=4)
    for _i in range(4):
        admitted_dossier(cell=cell_a, decision_date=dt.date(year, 1, 5))
    open_dossier(cell=cell_b, state=State.TRAINING)
    client.force_login(org_board)
    html = client.get(reverse("reports:index"), {"org": tree["grassroots"].pk}).content.decode()
    table = html[html.index('id="children"'):html.index('id="monthly"')]
    assert table.index("Chi bộ thôn 2") < table.index("Chi bộ thôn 1")  # 0% before 100%
    assert table.count('<svg class="reports-bar"') == 2
    assert _("%(admitted)s admitted of a quota of %(target)s") % {"admitted": 4, "target": 4} in table
    assert 'class="reports-row--lagging"' in table


def test_the_charts_are_inline_svg_with_no_script_library_and_no_cdn(client, org_board, tree, cell_a):
    year = _this_year()
    quota(tree["district"], year, count=12)
    admitted_dossier(cell=cell_a, decision_date=dt.date(year, 1, 5))
    open_dossier(cell=cell_a, state=State.BRANCH_VOTE)
    client.force_login(org_board)
    html = client.get(reverse("reports:index")).content.decode()  # home: the district
    monthly = html[html.index('id="monthly"'):html.index('id="pipeline"')]
    assert '<svg class="reports-chart"' in monthly and "<polyline" in monthly and 'stroke-dasharray="6 4"' in monthly
    pipeline = html[html.index('id="pipeline"'):]
    assert 'reports-stage--branch_vote' in pipeline and 'reports-stage--probation' in pipeline
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert all(src.startswith("/static/") for src in scripts)
    # No asset from another host (a CDN) anywhere: every src and stylesheet is the site's own. (A
    # bare "cdn" anywhere in the page also matched the random CSRF token now and then.)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert [a for a in assets if a.startswith(("http:", "https:", "//")) or "cdn" in a.lower()] == []
    assert "chart.js" not in html.lower()


def test_the_monthly_table_holds_the_cumulative_and_the_pro_rata_target(client, org_board, tree, cell_a):
    year = _this_year() - 1  # a full year
    quota(tree["district"], year, count=12)
    for month in (1, 1, 3):
        admitted_dossier(cell=cell_a, decision_date=dt.date(year, month, 10))
    client.force_login(org_board)
    html = client.get(reverse("reports:index"), {"year": year}).content.decode()
    cumulative = re.search(r"Lũy kế</th>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r">(\d*)</td>", cumulative) == ["2", "2", "3"] + ["3"] * 9
    target = re.search(r"Tiến độ chỉ tiêu</th>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r">([\d,]*)</td>", target) == [str(m) for m in range(1, 13)]


def test_a_secretary_sees_her_cells_numbers(client, secretary_a, tree, cell_a, cell_b):
    year = _this_year()
    quota(cell_a, year, count=2)
    admitted_dossier(cell=cell_a, decision_date=dt.date(year, 1, 5))
    admitted_dossier(cell=cell_b, decision_date=dt.date(year, 1, 5))
    open_dossier(cell=cell_a, state=State.SPOTTED)
    client.force_login(secretary_a)
    response = client.get(reverse("reports:index"))
    html = response.content.decode()
    assert response.status_code == 200 and "Chi bộ thôn 1" in html
    assert 'id="quota-percent">50,0%<' in html
    assert 'id="children"' not in html  # a cell has no organisations under it
    assert client.get(reverse("reports:index"), {"org": tree["grassroots"].pk}).status_code == 404


def test_the_menu_shows_the_statistics_links_to_the_roles_that_may_see_them(client, org_board, secretary_a,
                                                                            mentor_user):
    for user, shown in [(org_board, True), (secretary_a, True), (mentor_user[0], False)]:
        client.force_login(user)
        html = client.get(reverse("dossiers:index")).content.decode()
        assert (reverse("reports:index") in html) is shown
        assert (reverse("reports:quotas") in html) is shown
