"""Scoping runs as SQL: a page of the scoped list is one query once the user's scope (one query per
request, from the guardian tables) is loaded, whatever the number of dossiers and roles."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.models import State
from permissions.models import Role
from permissions.scoping import scope_of
from permissions.selectors import dossier_list

from .factories import dossier_in_state, grant


def page_queries(user) -> tuple[int, list[int]]:
    scope_of(user)  # the request's one scope query
    with CaptureQueriesContext(connection) as ctx:
        rows = list(dossier_list(user=user).filter(state=State.SPOTTED).order_by("-spotted_on", "-id")[:25])
        for d in rows:
            _ = (d.candidate.full_name, d.cell.name, d.last_change)
    return len(ctx), [d.pk for d in rows]


def test_a_page_of_the_scoped_list_is_one_sql_query_for_3_or_30_dossiers(secretary_a, cell_a, cell_b):
    for _ in range(3):
        dossier_in_state(State.SPOTTED, cell=cell_a)
    dossier_in_state(State.SPOTTED, cell=cell_b)
    few, rows = page_queries(secretary_a)
    assert few == 1 and len(rows) == 3
    for _ in range(27):
        dossier_in_state(State.SPOTTED, cell=cell_a)
    many, rows = page_queries(secretary_a)
    assert many == 1 and len(rows) == 25


def test_several_roles_in_several_organisations_still_make_one_query(secretary_a, cell_a, cell_b, tree):
    grant(secretary_a, Role.AUDITOR, cell_b)
    grant(secretary_a, Role.UNION_OFFICER, tree["grassroots"])
    dossier_in_state(State.SPOTTED, cell=cell_a)
    theirs = dossier_in_state(State.SPOTTED, cell=cell_b)
    count, rows = page_queries(secretary_a)
    assert count == 1 and theirs.pk in rows


def test_the_flows_view_permission_follows_the_scope(secretary_a, secretary_b, cell_a):
    from workflows.flows import AdmissionFlow
    from workflows.sync import process_of

    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    process = process_of(d)
    assert AdmissionFlow.instance.has_view_permission(secretary_a, process)
    assert not AdmissionFlow.instance.has_view_permission(secretary_b, process)


def test_the_statistics_roles_are_exactly_the_roles_that_see_dossiers():
    from permissions.roles import ROLE_PERMISSIONS, VIEW
    from reports.access import STATS_ROLES

    assert {r for r, perms in ROLE_PERMISSIONS.items() if VIEW in perms} == set(STATS_ROLES)
