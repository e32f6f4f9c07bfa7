"""Issue 21: the user's scope (`permissions.scoping.scope_of`, the organisation paths and dossier ids
he may see) is kept in the process under his version (`permissions.user_version`), so a page reads
no scope once it is kept. Nothing kept shows him a stale scope: a role granted or revoked, a
mentor's assignment or its end, an organisation he holds a permission in moved elsewhere: each
takes effect on his next page; with PER_USER_CACHE off nothing is kept."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import remove_perm

from dossiers.models import Dossier, OrgLevel, State
from dossiers.services import dossier_assign_mentor
from permissions import scoping
from permissions.models import OrganizationUserObjectPermission, Role
from permissions.services import role_revoke

from .factories import OrganizationFactory, dossier_in_state, grant


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def status(client: Client, dossier: Dossier) -> int:
    return client.get(reverse("dossiers:detail", args=[dossier.pk])).status_code


def scope_queries(client: Client, dossier: Dossier) -> int:
    """The guardian tables read by one dossier page (the scope's UNION reads both)."""
    with CaptureQueriesContext(connection) as ctx:
        assert status(client, dossier) == 200
    return sum("permissions_organizationuserobjectpermission" in q["sql"] for q in ctx.captured_queries)


def test_the_scope_is_read_at_login_and_pages_read_none(secretary_a, cell_a, cell_b):
    d = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    client = logged_in(secretary_a)
    assert scope_queries(client, d) == 0
    assert scope_queries(client, d) == 0
    # After a change, the next page reads it once, and keeps it again.
    grant(secretary_a, Role.AUDITOR, cell_b)
    assert scope_queries(client, d) == 1
    assert scope_queries(client, d) == 0


def test_a_role_granted_or_revoked_changes_the_scope_on_the_next_page(secretary_a, cell_b):
    theirs = dossier_in_state(State.SPOTTED, cell=cell_b)
    client = logged_in(secretary_a)
    assert status(client, theirs) == 404
    assert status(client, theirs) == 404  # kept
    assignment = grant(secretary_a, Role.CELL_SECRETARY, cell_b)
    assert status(client, theirs) == 200
    role_revoke(assignment=assignment, actor=None)
    assert status(client, theirs) == 404


def test_a_mentors_assignment_and_its_end_change_his_scope_on_the_next_page(mentor_user, secretary_a, cell_a):
    user, member = mentor_user
    d = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    client = logged_in(user)
    assert status(client, d) == 404
    assert status(client, d) == 404  # kept
    dossier_assign_mentor(dossier=d, actor=secretary_a, member=member, assigned_on=dt.date.today())
    assert status(client, d) == 200
    remove_perm("dossiers.view_dossier", user, d)
    assert status(client, d) == 404


def test_an_organisation_moved_elsewhere_moves_the_scope_of_whoever_holds_a_permission_in_it(
        secretary_a, cell_a, tree):
    """The kept scope holds paths: the cell moved under another grassroots organisation has a new
    path, and its secretary (whose permission is on the cell) must still see its dossiers."""
    d = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    client = logged_in(secretary_a)
    assert status(client, d) == 200
    other = OrganizationFactory(name="Đảng bộ xã Thành Lợi 2", level=OrgLevel.GRASSROOTS, parent=tree["district"])
    cell_a.parent = other
    cell_a.save()
    cell_a.refresh_from_db()
    assert cell_a.path.startswith(other.path)
    assert status(client, d) == 200
    assert status(client, d) == 200  # kept again, with the new path


def test_an_organisation_saved_in_place_keeps_the_scope(secretary_a, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    client = logged_in(secretary_a)
    cell_a.name = "Chi bộ thôn 1 (mới)"
    cell_a.save()
    assert scope_queries(client, d) == 0


def test_with_per_user_cache_off_nothing_is_kept(settings, secretary_a, cell_a, cell_b):
    settings.PER_USER_CACHE = False
    scoping._kept_scopes.clear()
    theirs = dossier_in_state(State.SPOTTED, cell=cell_b)
    client = logged_in(secretary_a)
    assert status(client, theirs) == 404
    grant(secretary_a, Role.CELL_SECRETARY, cell_b)
    assert status(client, theirs) == 200
    # Changes no signal sees (another process's memory would not see them either).
    OrganizationUserObjectPermission.objects.filter(user=secretary_a, content_object=cell_b)._raw_delete(
        connection.alias)
    assert status(client, theirs) == 404
    assert scope_queries(client, dossier_in_state(State.SPOTTED, cell=cell_a)) == 1
    assert secretary_a.pk not in scoping._kept_scopes


def test_the_kept_scope_is_a_copy_that_a_request_may_change(secretary_a):
    """A caller that changes the scope it was given (its lists) changes nothing kept."""
    first = scoping.scope_of(secretary_a)
    first.setdefault("view_org_dossiers", []).append("999999.")
    first.setdefault("view_dossier", []).append(7)
    second = scoping.scope_of(type(secretary_a).objects.get(pk=secretary_a.pk))
    assert "999999." not in second["view_org_dossiers"] and 7 not in second.get("view_dossier", [])
