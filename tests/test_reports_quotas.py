"""Quotas (chỉ tiêu kết nạp): a count or a percentage of last year's members rounded up, set by an
organisation board for its subtree, every version kept; a parent sees its children's sum."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from dossiers.refusals import Refusal
from permissions.models import Role
from reports import stats
from reports.models import AdmissionQuota, QuotaKind, resolve_percentage
from reports.services import quota_remove, quota_set

from .factories import OrganizationFactory, UserFactory, grant, quota

YEAR = 2023


def test_a_percentage_quota_is_rounded_up_to_a_whole_admission():
    assert resolve_percentage(Decimal("3"), 1000) == 30
    assert resolve_percentage(Decimal("3"), 9136) == 275  # 274,08: "tối thiểu bằng 3%" is a floor
    assert resolve_percentage(Decimal("3.5"), 200) == 7
    assert resolve_percentage(Decimal("0.01"), 1) == 1


def test_an_organisation_board_sets_a_count_quota_for_an_organisation_of_its_subtree(org_board, tree):
    q = quota_set(organization=tree["grassroots"], year=YEAR, actor=org_board, count=12, note="NQ 05")
    assert (q.kind, q.target, q.set_by, q.note) == (QuotaKind.COUNT, 12, org_board, "NQ 05")
    assert q.history.count() == 1 and q.history.first().history_user == org_board


def test_a_percentage_quota_resolves_against_the_members_at_the_end_of_last_year(org_board, tree):
    q = quota_set(organization=tree["district"], year=YEAR, actor=org_board, percent=Decimal("3"),
                  membership_base=9136)
    assert q.kind == QuotaKind.PERCENT and q.target == 275


def test_setting_again_replaces_the_quota_and_keeps_the_old_version(org_board, tree):
    quota_set(organization=tree["grassroots"], year=YEAR, actor=org_board, count=12)
    q = quota_set(organization=tree["grassroots"], year=YEAR, actor=org_board, percent=Decimal("4"),
                  membership_base=100)
    assert AdmissionQuota.objects.filter(organization=tree["grassroots"], year=YEAR).count() == 1
    assert q.target == 4
    assert [h.count for h in q.history.order_by("history_date")] == [12, None]


@pytest.mark.parametrize("kwargs", [
    {"count": 5, "percent": Decimal("3"), "membership_base": 100},  # both
    {},  # neither
    {"percent": Decimal("3")},  # a percentage of nothing
    {"percent": Decimal("3"), "membership_base": 0},
    {"percent": Decimal("120"), "membership_base": 100},
])
def test_bad_input_is_refused_and_changes_nothing(org_board, tree, kwargs):
    existing = quota(tree["grassroots"], YEAR, count=7)
    with pytest.raises(Refusal) as refusal:
        quota_set(organization=tree["grassroots"], year=YEAR, actor=org_board, **kwargs)
    assert refusal.value.reasons
    existing.refresh_from_db()
    assert (existing.kind, existing.count, existing.percent) == (QuotaKind.COUNT, 7, None)
    assert AdmissionQuota.objects.count() == 1


def test_only_the_organisation_board_of_the_organisation_or_above_sets_its_quota(tree, secretary_a, approver):
    cell_board = UserFactory(username="btc_cell")
    grant(cell_board, Role.ORG_BOARD, tree["cells"][0])
    for actor, org in [(cell_board, tree["district"]), (secretary_a, tree["cells"][0]), (approver, tree["district"])]:
        with pytest.raises(Refusal):
            quota_set(organization=org, year=YEAR, actor=actor, count=3)
    assert not AdmissionQuota.objects.exists()
    assert quota_set(organization=tree["cells"][0], year=YEAR, actor=cell_board, count=1).target == 1


def test_a_withdrawn_quota_leaves_its_history(org_board, tree):
    q = quota_set(organization=tree["grassroots"], year=YEAR, actor=org_board, count=12)
    quota_remove(quota=q, actor=org_board)
    assert not AdmissionQuota.objects.exists()
    assert AdmissionQuota.history.filter(history_type="-").get().history_user == org_board


def test_a_parent_sees_the_sum_of_its_childrens_quotas_against_its_own(tree):
    district = tree["district"]
    other = OrganizationFactory(name="Đảng bộ xã Tân Thành", level="grassroots", parent=district)
    quota(district, YEAR, count=110)
    quota(tree["grassroots"], YEAR, count=60)
    quota(other, YEAR, percent=Decimal("3"), membership_base=1000)  # 30
    a = stats.allocation(organization=district, year=YEAR)
    assert (a.own.target, a.children_sum, a.difference, a.shortfall, a.missing) == (110, 90, -20, 20, 0)
    OrganizationFactory(name="Chi bộ Phòng Y tế", level="grassroots", parent=district)
    assert stats.allocation(organization=district, year=YEAR).missing == 1


# --- The pages ---------------------------------------------------------------------------------


def test_the_allocation_page_shows_the_sum_and_the_difference(client, org_board, tree):
    quota(tree["district"], YEAR, count=110)
    quota(tree["grassroots"], YEAR, count=104)
    client.force_login(org_board)
    html = client.get(reverse("reports:quotas"), {"org": tree["district"].pk, "year": YEAR}).content.decode()
    assert 'id="own-quota">110<' in html and 'id="children-sum">104<' in html and 'id="difference">−6<' in html
    assert reverse("reports:quota_edit", args=[tree["grassroots"].pk, YEAR]) in html


def test_the_quota_form_saves_a_valid_quota_and_returns_to_the_parents_allocation(client, org_board, tree):
    client.force_login(org_board)
    url = reverse("reports:quota_edit", args=[tree["grassroots"].pk, YEAR])
    form = client.get(url)
    assert form.status_code == 200 and 'value="18"' in form.content.decode()  # today's members, 2 cells × 9
    response = client.post(url, {"kind": "percent", "percent": "3", "membership_base": "1000", "note": "KH 12"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('reports:quotas')}?org={tree['district'].pk}&year={YEAR}"
    q = AdmissionQuota.objects.get()
    assert (q.target, q.membership_base, q.note, q.set_by) == (30, 1000, "KH 12", org_board)


@pytest.mark.parametrize("data", [
    {"kind": "count", "count": ""},
    {"kind": "count", "count": "-3"},
    {"kind": "percent", "percent": "3", "membership_base": ""},
    {"kind": "percent", "percent": "abc", "membership_base": "100"},
    {"kind": "percent", "percent": "3", "membership_base": "0"},
    {"kind": "weird"},
])
def test_the_quota_form_shows_the_errors_and_saves_nothing(client, org_board, tree, data):
    quota(tree["grassroots"], YEAR, count=7)
    client.force_login(org_board)
    response = client.post(reverse("reports:quota_edit", args=[tree["grassroots"].pk, YEAR]), data)
    assert response.status_code == 200
    assert 'class="web-errors"' in response.content.decode()
    assert AdmissionQuota.objects.get().count == 7
    assert AdmissionQuota.history.count() == 1


def test_the_quota_form_is_refused_to_readers_and_hidden_outside_the_scope(client, tree, approver, secretary_a):
    client.force_login(approver)  # reads the district's numbers, sets no quota
    assert client.get(reverse("reports:quota_edit", args=[tree["grassroots"].pk, YEAR])).status_code == 403
    assert client.post(reverse("reports:quota_edit", args=[tree["grassroots"].pk, YEAR]),
                       {"kind": "count", "count": "5"}).status_code == 403
    elsewhere = OrganizationFactory(name="Huyện ủy Ý Yên", level="district", parent=tree["province"])
    board = UserFactory(username="btc_y_yen")
    grant(board, Role.ORG_BOARD, elsewhere)
    client.force_login(board)
    assert client.get(reverse("reports:quota_edit", args=[tree["grassroots"].pk, YEAR])).status_code == 404
    assert not AdmissionQuota.objects.exists()


def test_withdrawing_from_the_form_deletes_the_quota(client, org_board, tree):
    quota(tree["grassroots"], YEAR, count=7)
    client.force_login(org_board)
    response = client.post(reverse("reports:quota_edit", args=[tree["grassroots"].pk, YEAR]), {"remove": "1"})
    assert response.status_code == 302 and not AdmissionQuota.objects.exists()
