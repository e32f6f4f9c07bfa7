"""Ranking of organisations by completion of the year's quota, for the yearly evaluation
(reference/001): best first, equal completion shares a rank, no quota last and unranked."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from reports import stats
from reports.periods import Period

from .factories import OrganizationFactory, admitted_dossier, quota

YEAR = 2023


def test_organisations_are_ranked_by_completion_with_ties_sharing_a_rank(client, org_board, tree):
    district = tree["district"]
    cells = {}
    for name, target, admitted in [("A", 10, 5), ("B", 4, 4), ("C", 2, 1), ("D", 5, 0), ("E", None, 3)]:
        g = OrganizationFactory(name=f"Đảng bộ {name}", level="grassroots", parent=district)
        cells[name] = OrganizationFactory(name=f"Chi bộ {name}", level="cell", parent=g)
        if target is not None:
            quota(g, YEAR, count=target)
        for _ in range(admitted):
            admitted_dossier(cell=cells[name], decision_date=dt.date(YEAR, 3, 3))
    rows = stats.ranking(organization=district, period=Period.year(YEAR), as_of=dt.date(YEAR, 12, 31))
    ranked = [(r.rank, r.progress.organization.name, r.progress.quota_percent) for r in rows]
    assert ranked[:4] == [(1, "Đảng bộ B", "100,0%"), (2, "Đảng bộ A", "50,0%"), (2, "Đảng bộ C", "50,0%"),
                          (4, "Đảng bộ D", "0,0%")]
    # The fixture's Thành Lợi and E have no quota: unranked, at the end.
    assert {(r.rank, r.progress.organization.name) for r in rows[4:]} == {
        (None, "Đảng bộ E"), (None, "Đảng bộ xã Thành Lợi")}
    client.force_login(org_board)
    html = client.get(reverse("reports:ranking"), {"year": YEAR}).content.decode()
    html = html[html.index('id="ranking"'):]
    assert html.index("Đảng bộ B") < html.index("Đảng bộ A") < html.index("Đảng bộ D") < html.index("Đảng bộ E")
    assert 'data-rank="2"' in html and html.count('data-rank=""') == 2
