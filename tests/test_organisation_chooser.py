"""Issue 7, the dossier list's organisation chooser: the top of the user's scope and one level
below it, then the children and the parent of the organisation chosen, in tree order, in one query
whatever the size of the subtree; nothing outside the scope is ever offered."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers.models import OrgLevel
from permissions.models import Role
from web.presenters import organization_choices

from .factories import OrganizationFactory, UserFactory, grant

LIST = reverse("dossiers:index")


def names(user, selected=None) -> list[str]:
    return [name for _pk, name in organization_choices(user, selected)]


@pytest.fixture
def second_district(tree):
    """A second district of the province, with its own grassroots organisation and cell."""
    district = OrganizationFactory(name="Huyện ủy Ý Yên", level=OrgLevel.DISTRICT, parent=tree["province"])
    grassroots = OrganizationFactory(name="Đảng bộ xã Yên Mỹ", level=OrgLevel.GRASSROOTS, parent=district)
    cell = OrganizationFactory(name="Chi bộ thôn Mỹ", level=OrgLevel.CELL, parent=grassroots)
    return {"district": district, "grassroots": grassroots, "cell": cell}


@pytest.fixture
def province_officer(tree, second_district):
    """Organisation board of the province: sees both districts."""
    user = UserFactory(username="bantochuc_tinh")
    grant(user, Role.ORG_BOARD, tree["province"])
    return user


def test_it_offers_the_province_and_its_districts_not_the_whole_tree(province_officer, tree, second_district):
    assert names(province_officer) == [tree["province"].name, tree["district"].name,
                                        second_district["district"].name]


def test_choosing_an_organisation_adds_its_children_and_its_parent(province_officer, tree, second_district):
    offered = names(province_officer, str(tree["grassroots"].pk))
    # Tree order: the province, the first district, the grassroots chosen and its cells, the other district.
    assert offered == [tree["province"].name, tree["district"].name, tree["grassroots"].name,
                       *[c.name for c in tree["cells"]], second_district["district"].name]


def test_a_district_officer_is_offered_his_district_and_its_grassroots_only(org_board, tree, second_district):
    assert names(org_board) == [tree["district"].name, tree["grassroots"].name]
    # Choosing the other district (outside his scope) offers nothing of it.
    assert names(org_board, str(second_district["district"].pk)) == [tree["district"].name, tree["grassroots"].name]
    # Choosing his district's top does not offer the province above it.
    assert tree["province"].name not in names(org_board, str(tree["district"].pk))


def test_roots_at_two_depths_are_both_offered(tree, second_district):
    """A district officer who also sits on a grassroots committee of another district."""
    user = UserFactory(username="hai_vai")
    grant(user, Role.ORG_BOARD, tree["district"])
    grant(user, Role.GRASSROOTS_COMMITTEE, second_district["grassroots"])
    assert names(user) == [tree["district"].name, tree["grassroots"].name, second_district["grassroots"].name]


def test_a_cell_secretary_is_offered_his_cell(secretary_a, cell_a):
    assert names(secretary_a) == [cell_a.name]


def test_the_administrator_is_offered_the_roots_and_their_children(tree, second_district):
    admin = UserFactory(username="quantri", is_superuser=True)
    assert names(admin) == [tree["province"].name, tree["district"].name, second_district["district"].name]


def test_it_is_one_query_whatever_the_number_of_organisations(province_officer, tree):
    for i in range(30):
        OrganizationFactory(name=f"Chi bộ {i}", level=OrgLevel.CELL, parent=tree["grassroots"])
    names(province_officer)  # the scope, read once per request
    with CaptureQueriesContext(connection) as ctx:
        names(province_officer, str(tree["grassroots"].pk))
    assert len(ctx) == 1


def test_the_list_filters_by_a_chosen_organisation_and_keeps_it_selected(client, province_officer, tree):
    client.force_login(province_officer)
    html = client.get(LIST, {"organization": tree["grassroots"].pk}).content.decode()
    assert f'<option value="{tree["grassroots"].pk}" selected>{tree["grassroots"].name}</option>' in html
    assert f'<option value="{tree["cells"][0].pk}">{tree["cells"][0].name}</option>' in html
