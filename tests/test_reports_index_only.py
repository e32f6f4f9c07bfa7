"""Issue 7, the statistics' counts at national scale: the admissions of a period are counted from the
covering indexes on the decision date alone (COUNT(*), not COUNT(id), which the indexes do not
hold and which sent PostgreSQL to the table for every admission of the year), and the quotas of an
organisation and its children are read by their ids, never through a join over every quota."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.models import Organization, OrgLevel
from reports import stats
from reports.periods import Period

from .factories import admitted_dossier, quota

YEAR = dt.date.today().year
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                     reason="index-only scans are PostgreSQL's; SQLite ignores INCLUDE")

# The national root of the bench: above every province, no organisation row of its own.
NATION = Organization(pk=0, name="Toàn quốc", level=OrgLevel.PROVINCE, path="")


def _plans(run) -> list[str]:
    """The plan of every query `run` makes, with sequential and bitmap scans off so that the tiny
    test tables still show which index would answer at scale."""
    with CaptureQueriesContext(connection) as ctx:
        run()
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for query in ctx.captured_queries:
            if query["sql"].startswith(("SELECT", "(SELECT")):
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


@pytest.fixture
def admissions(tree, cell_a, cell_b):
    for day in (dt.date(YEAR, 1, 10), dt.date(YEAR, 1, 20)):
        admitted_dossier(cell=cell_a, decision_date=day)
        admitted_dossier(cell=cell_b, decision_date=day)


@postgresql_only
def test_the_admissions_per_organisation_are_counted_from_the_decision_index_alone(tree, admissions):
    rows = [tree["grassroots"]]
    plans = _plans(lambda: stats.admitted_by(rows, organization=NATION, period=Period.year(YEAR)))
    assert any("Index Only Scan using dossier_decided" in plan for plan in plans), plans
    assert stats.admitted_by(rows, organization=NATION, period=Period.year(YEAR)) == {tree["grassroots"].pk: 4}


@postgresql_only
def test_the_structure_is_counted_from_the_profiles_index_alone(tree, admissions):
    plans = _plans(lambda: stats.structure_of(organization=NATION, period=Period.year(YEAR)))
    assert any("Index Only Scan using profile_decision" in plan for plan in plans), plans


@postgresql_only
def test_the_months_of_the_year_are_counted_from_the_decision_index_alone(tree, admissions):
    plans = _plans(lambda: stats.monthly_series(organization=NATION, year=YEAR, quota=None))
    assert any("Index Only Scan using dossier_decided" in plan for plan in plans), plans


def _quota_queries(run) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        result = run()
    return result, [q["sql"] for q in ctx.captured_queries if '"reports_admissionquota"' in q["sql"]]


def test_the_dashboard_reads_the_quotas_of_the_organisation_and_its_children_by_id(tree, admissions):
    other = Organization.objects.create(name="Huyện ủy khác", level=OrgLevel.DISTRICT, parent=tree["province"])
    quota(tree["province"], YEAR, count=40)
    quota(tree["district"], YEAR, count=12)
    quota(other, YEAR, count=7)
    quota(tree["grassroots"], YEAR, count=3)  # a grandchild: not the dashboard's
    board, sql = _quota_queries(lambda: stats.dashboard(organization=tree["province"], year=YEAR))
    assert len(sql) == 1 and "JOIN" not in sql[0]
    assert board.progress.quota.count == 40
    assert {p.organization.pk: p.quota.count for p in board.children} == {tree["district"].pk: 12, other.pk: 7}


def test_the_allocation_and_the_children_progress_read_the_quotas_by_id(tree, admissions):
    quota(tree["district"], YEAR, count=12)
    quota(tree["grassroots"], YEAR, count=3)
    allocation, sql = _quota_queries(lambda: stats.allocation(organization=tree["district"], year=YEAR))
    assert len(sql) == 1 and "JOIN" not in sql[0]
    assert allocation.own.count == 12 and [r.quota.count for r in allocation.rows] == [3]
    progress, sql = _quota_queries(lambda: stats.children_progress(organization=tree["district"],
                                                                   period=Period.year(YEAR)))
    assert len(sql) == 1 and "JOIN" not in sql[0]
    assert [(p.organization.pk, p.quota.count) for p in progress] == [(tree["grassroots"].pk, 3)]


@postgresql_only
def test_a_subtree_structure_is_counted_from_the_profiles_and_organisations_alone(tree, admissions):
    # Issue 21: the profile holds the dossier's cell, so a province's or a district's structure
    # never reads the dossiers; a district is probed cell by cell through (cell, decision_date).
    for org in (tree["province"], tree["district"]):
        plans = _plans(lambda org=org: stats.structure_of(organization=org, period=Period.year(YEAR)))
        assert plans and not any("dossiers_dossier" in plan for plan in plans), plans
        assert any("Index Only Scan using profile_" in plan for plan in plans), plans
    assert stats.structure_of(organization=tree["district"], period=Period.year(YEAR))[0].of == 4
