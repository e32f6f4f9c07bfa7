"""Role management by the organisation board: grant and revoke within its subtree, never above it,
an audit row for every change, and the guardian permissions following at once."""

import pytest
from django.urls import reverse

from dossiers.models import OrgLevel, State
from dossiers.refusals import Refusal
from permissions import roles
from permissions.models import OrganizationUserObjectPermission, Role, RoleAssignment, RoleChange
from permissions.scoping import visible_dossiers
from permissions.services import role_grant, role_revoke

from .factories import OrganizationFactory, UserFactory, dossier_in_state, grant


@pytest.fixture
def newcomer(db):
    """A new cell secretary with an account and no role yet."""
    return UserFactory(username="bithu_moi", first_name="Lan", last_name="Nguyễn Thị")


def perms_of(user, org) -> set[str]:
    return set(OrganizationUserObjectPermission.objects.filter(user=user, content_object=org)
               .values_list("permission__codename", flat=True))


def test_the_board_grants_a_role_in_its_subtree_with_an_audit_row_and_the_permissions(
        client, board, newcomer, cell_a):
    client.force_login(board)
    response = client.post(reverse("roles:grant"), {"username": "bithu_moi", "role": Role.CELL_SECRETARY,
                                                     "organization": cell_a.pk, "note": "Quyết định 12-QĐ/ĐU"})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=newcomer, revoked_at__isnull=True)
    assert (assignment.role, assignment.organization, assignment.granted_by) == (Role.CELL_SECRETARY, cell_a, board)
    change = RoleChange.objects.get(assignment=assignment)
    assert (change.action, change.actor, change.note) == ("grant", board, "Quyết định 12-QĐ/ĐU")
    assert perms_of(newcomer, cell_a) == {roles.VIEW, roles.ACT_CELL}


def test_nobody_grants_a_role_above_or_beside_their_own_scope(client, board, newcomer, tree):
    other_district = OrganizationFactory(name="Huyện ủy Ý Yên", level=OrgLevel.DISTRICT, parent=tree["province"])
    client.force_login(board)
    for org in (tree["province"], other_district):
        response = client.post(reverse("roles:grant"), {"username": "bithu_moi", "role": Role.ORG_BOARD,
                                                         "organization": org.pk})
        assert response.status_code == 200
        assert "organization" in response.context["form"].errors
    with pytest.raises(Refusal):
        role_grant(user=newcomer, role=Role.ORG_BOARD, organization=tree["province"], actor=board)
    assert not RoleAssignment.objects.filter(user=newcomer).exists()
    assert not RoleChange.objects.filter(user=newcomer).exists()


def test_only_an_administrator_makes_an_administrator(board, newcomer, tree):
    with pytest.raises(Refusal) as exc:
        role_grant(user=newcomer, role=Role.ADMIN, organization=tree["district"], actor=board)
    assert "quản trị" in exc.value.reasons[0]


def test_a_duplicate_role_is_refused_with_a_reason_and_changes_nothing(client, board, secretary_a, cell_a):
    client.force_login(board)
    before = RoleChange.objects.count()
    response = client.post(reverse("roles:grant"), {"username": "bithu_a", "role": Role.CELL_SECRETARY,
                                                     "organization": cell_a.pk})
    assert response.status_code == 200
    assert "đã giữ vai trò này" in " ".join(response.context["form"].non_field_errors())
    assert RoleChange.objects.count() == before


def test_an_unknown_login_is_a_field_error_in_vietnamese(client, board, cell_a):
    client.force_login(board)
    response = client.post(reverse("roles:grant"), {"username": "khong_co", "role": Role.CELL_SECRETARY,
                                                     "organization": cell_a.pk})
    assert "Không có tài khoản" in response.context["form"].errors["username"][0]


def test_revoking_ends_the_access_at_once_and_is_audited(client, board, secretary_a, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    secretary_client = client.__class__()
    secretary_client.force_login(secretary_a)
    assert secretary_client.get(reverse("dossiers:detail", args=[d.pk])).status_code == 200
    assignment = RoleAssignment.objects.get(user=secretary_a)
    client.force_login(board)
    response = client.post(reverse("roles:revoke", args=[assignment.pk]), {"note": "Chuyển công tác"})
    assert response.status_code == 302
    assert secretary_client.get(reverse("dossiers:detail", args=[d.pk])).status_code == 404
    assert perms_of(secretary_a, cell_a) == set()
    change = RoleChange.objects.filter(assignment=assignment).latest("at")
    assert (change.action, change.actor, change.note) == ("revoke", board, "Chuyển công tác")


def test_a_revocation_without_a_reason_changes_nothing(client, board, secretary_a):
    assignment = RoleAssignment.objects.get(user=secretary_a)
    client.force_login(board)
    response = client.post(reverse("roles:revoke", args=[assignment.pk]), {"note": ""})
    assert response.status_code == 200 and "note" in response.context["form"].errors
    assignment.refresh_from_db()
    assert assignment.revoked_at is None


def test_a_secretary_moved_to_another_cell_loses_the_old_cell(board, secretary_a, cell_a, cell_b):
    old_case = dossier_in_state(State.SPOTTED, cell=cell_a)
    new_case = dossier_in_state(State.SPOTTED, cell=cell_b)
    role_grant(user=secretary_a, role=Role.CELL_SECRETARY, organization=cell_b, actor=board, note="Điều động")
    role_revoke(assignment=RoleAssignment.objects.get(user=secretary_a, organization=cell_a), actor=board,
                note="Điều động")
    assert list(visible_dossiers(secretary_a).values_list("pk", flat=True)) == [new_case.pk]
    assert old_case.pk not in visible_dossiers(secretary_a).values_list("pk", flat=True)


def test_the_role_list_shows_the_subtree_only_in_a_fixed_number_of_queries(
        client, board, tree, cell_a, django_assert_max_num_queries):
    other_district = OrganizationFactory(name="Huyện ủy Ý Yên", level=OrgLevel.DISTRICT, parent=tree["province"])
    outsider = UserFactory(username="ngoai")
    grant(outsider, Role.CELL_SECRETARY, other_district)
    for i in range(12):
        grant(UserFactory(username=f"u{i}"), Role.CELL_DEPUTY, cell_a)
    client.force_login(board)
    client.get(reverse("roles:index"))
    with django_assert_max_num_queries(8):
        html = client.get(reverse("roles:index")).content.decode()
    assert "u11" in html and "ngoai" not in html


def test_a_secretary_may_not_open_the_role_pages(client, secretary_a):
    client.force_login(secretary_a)
    assert client.get(reverse("roles:index")).status_code == 403
    assert client.get(reverse("roles:grant")).status_code == 403
    assert reverse("roles:index") not in client.get(reverse("tasks:inbox")).content.decode()


def test_the_admin_cannot_edit_roles_behind_the_services_back(admin_client):
    assert admin_client.get(reverse("admin:permissions_roleassignment_add")).status_code == 403
