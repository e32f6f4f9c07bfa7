"""Progress, computed from the dossiers: admitted by decision date, % of quota and of members as
the letters write them, monthly cumulative against the pro-rata target, the pipeline per stage,
"Hết nguồn", and the figures as of a past date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from dossiers.models import State
from reports import stats
from reports.periods import Period

from .factories import OrganizationFactory, admitted_dossier, dossier_in_state, open_dossier, quota

YEAR = 2023


def test_a_quota_of_110_with_53_admitted_shows_48_2_percent(tree, cell_a, cell_b):
    quota(tree["district"], YEAR, count=110)
    for i in range(53):
        admitted_dossier(cell=(cell_a, cell_b)[i % 2], decision_date=dt.date(YEAR, 1 + i % 6, 1 + i % 28))
    admitted_dossier(cell=cell_a, decision_date=dt.date(YEAR, 7, 1))  # second half: not in the period
    p = stats.progress_for(organization=tree["district"], period=Period.half(YEAR, 1), as_of=dt.date(YEAR, 7, 6))
    assert (p.admitted, p.target, p.quota_percent) == (53, 110, "48,2%")


def test_a_bloc_with_9136_members_and_201_admitted_shows_2_2_percent(client, db):
    bloc = OrganizationFactory(name="Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh", level="district",
                               parent=OrganizationFactory(name="Tỉnh ủy"))
    grassroots = OrganizationFactory(name="Đảng bộ Sở Tài chính", level="grassroots", parent=bloc)
    cell = OrganizationFactory(name="Chi bộ Văn phòng", level="cell", parent=grassroots, official_members=8936,
                               probationary_members=200)
    for i in range(201):
        admitted_dossier(cell=cell, decision_date=dt.date(YEAR, 1 + i % 8, 1 + i % 28))
    p = stats.progress_for(organization=bloc, period=Period(dt.date(YEAR, 1, 1), dt.date(YEAR, 8, 31)),
                           as_of=dt.date(YEAR, 9, 8))
    assert (p.admitted, p.members, p.members_percent) == (201, 9136, "2,2%")


def test_the_members_of_last_year_recorded_with_the_quota_are_the_base_of_the_members_percentage(tree, cell_a):
    quota(tree["district"], YEAR, percent=Decimal("3"), membership_base=400)
    for i in range(6):
        admitted_dossier(cell=cell_a, decision_date=dt.date(YEAR, 3, 1 + i))
    p = stats.progress_for(organization=tree["district"], period=Period.year(YEAR), as_of=dt.date(YEAR, 12, 31))
    assert (p.members, p.members_percent, p.target, p.quota_percent) == (400, "1,5%", 12, "50,0%")


def test_admissions_count_by_decision_date_and_only_what_was_known_on_the_as_of_date(tree, cell_a):
    admitted_dossier(cell=cell_a, decision_date=dt.date(YEAR, 6, 20), ceremony_date=dt.date(YEAR, 7, 3))
    admitted_dossier(cell=cell_a, decision_date=dt.date(YEAR, 6, 10))
    admitted_dossier(cell=cell_a, decision_date=dt.date(YEAR - 1, 12, 30))
    admitted_dossier(cell=cell_a, decision_date=dt.date(YEAR, 3, 1), state=State.REMOVED)  # admitted, then removed
    half = Period.half(YEAR, 1)
    count = lambda as_of: stats.progress_for(organization=tree["grassroots"], period=half, as_of=as_of).admitted  # noqa: E731
    assert count(dt.date(YEAR, 6, 30)) == 2  # the 20 June decision had no ceremony yet
    assert count(dt.date(YEAR, 7, 6)) == 3
    assert count(dt.date(YEAR, 6, 15)) == 1  # the 10 June decision's ceremony is on the 20th
    assert (count(dt.date(YEAR, 3, 5)), count(dt.date(YEAR, 3, 11))) == (0, 1)


def test_the_monthly_series_is_cumulative_against_the_pro_rata_target(tree, cell_a):
    quota(tree["grassroots"], YEAR, count=120)
    for month, n in [(1, 2), (3, 5), (4, 1)]:
        for _ in range(n):
            admitted_dossier(cell=cell_a, decision_date=dt.date(YEAR, month, 10))
    points = stats.monthly_series(organization=tree["grassroots"], year=YEAR, as_of=dt.date(YEAR, 5, 20))
    assert [p.admitted for p in points[:6]] == [2, 0, 5, 1, 0, None]
    assert [p.cumulative for p in points[:6]] == [2, 2, 7, 8, 8, None]
    assert [p.target for p in points] == [Decimal(10 * m) for m in range(1, 13)]
    assert stats.expected_by(120, YEAR, dt.date(YEAR, 5, 20)) == 40  # four months over
    assert stats.expected_by(120, YEAR, dt.date(YEAR, 5, 31)) == 50
    assert stats.expected_by(110, YEAR, dt.date(YEAR, 6, 30)) == Decimal("55.0")


def test_the_pipeline_counts_each_stage_and_no_source_means_nobody_before_admission(tree, cell_a, cell_b):
    for state, n in [(State.SPOTTED, 2), (State.TRAINING, 1), (State.HIGHER_APPROVAL, 3)]:
        for _ in range(n):
            open_dossier(cell=cell_a, state=state)
    admitted_dossier(cell=cell_b, decision_date=timezone.localdate() - dt.timedelta(days=40))
    open_dossier(cell=cell_b, state=State.REJECTED)
    pipeline = stats.pipeline_of(tree["grassroots"])
    assert pipeline == {State.SPOTTED: 2, State.TRAINING: 1, State.HIGHER_APPROVAL: 3, State.PROBATION: 1}
    by_cell = stats.children_progress(organization=tree["grassroots"], period=Period.year(timezone.localdate().year))
    flags = {p.organization.name: (p.in_pipeline, p.no_source) for p in by_cell}
    assert flags == {"Chi bộ thôn 1": (6, False), "Chi bộ thôn 2": (0, True)}


def test_the_pipeline_as_of_a_past_date_is_read_from_the_history(tree, cell_a):
    d = dossier_in_state(State.TRAINING, cell=cell_a)  # spotted 16 months ago, class 5 days later
    spotted = d.spotted_on
    assert stats.pipeline_of(tree["grassroots"]) == {State.TRAINING: 1}
    assert stats.pipeline_of(tree["grassroots"], spotted + dt.timedelta(days=2)) == {State.SPOTTED: 1}
    assert stats.pipeline_of(tree["grassroots"], spotted + dt.timedelta(days=6)) == {State.TRAINING: 1}
    assert stats.pipeline_of(tree["grassroots"], spotted - dt.timedelta(days=1)) == {}


def test_an_admitted_dossier_walked_through_the_services_counts_on_its_decision_date(tree, cell_a):
    d = dossier_in_state(State.PROBATION, cell=cell_a)
    year = d.decision_date.year
    p = stats.progress_for(organization=tree["district"], period=Period.year(year))
    assert p.admitted == 1 and p.pipeline == {State.PROBATION: 1}
    before = stats.progress_for(organization=tree["district"], period=Period.year(year),
                                as_of=d.decision_date - relativedelta(days=1))
    assert before.admitted == 0 and before.pipeline == {State.HIGHER_APPROVAL: 1}


def test_children_are_listed_lagging_first(tree, cell_a, cell_b):
    quota(cell_a, YEAR, count=4)
    quota(cell_b, YEAR, count=4)
    for _ in range(3):
        admitted_dossier(cell=cell_a, decision_date=dt.date(YEAR, 2, 1))
    admitted_dossier(cell=cell_b, decision_date=dt.date(YEAR, 2, 1))
    rows = stats.children_progress(organization=tree["grassroots"], period=Period.year(YEAR), as_of=dt.date(YEAR, 7, 1))
    assert [(r.organization, r.quota_percent, r.lagging) for r in rows] == [
        (cell_b, "25,0%", True), (cell_a, "75,0%", False)]  # 2 expected by the end of June


def test_the_dashboard_shows_the_figures_the_letters_use(client, org_board, tree, cell_a):
    year = timezone.localdate().year
    quota(tree["district"], year, count=110)
    for _ in range(53):
        admitted_dossier(cell=cell_a, decision_date=dt.date(year, 1, 2))
    client.force_login(org_board)
    html = client.get(reverse("reports:index"), {"org": tree["district"].pk}).content.decode()
    assert 'id="quota-percent">48,2%<' in html
