"""`manage.py seed_quotas`: quotas for the demo district, this year and last, idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from demo import builder as demo
from demo.quotas import DISTRICT_QUOTA, largest_remainder
from permissions.models import Role
from reports import stats
from reports.models import AdmissionQuota

from .factories import UserFactory, grant


@pytest.fixture
def demo_tree(db):
    """The demo district's organisations and the two logins that set quotas (no dossiers: they
    take a minute to build)."""
    builder = demo.Builder()
    builder.build_organisations()
    grant(UserFactory(username="bantochuc"), Role.ORG_BOARD, builder.district)
    UserFactory(username="admin", is_superuser=True, is_staff=True)
    return builder


def test_largest_remainder_splits_a_total_in_whole_numbers_that_add_up():
    assert largest_remainder(10, {1: 1, 2: 1, 3: 1}) == {1: 4, 2: 3, 3: 3}
    assert sum(largest_remainder(110, {i: i * 7 % 13 + 1 for i in range(57)}).values()) == 110
    assert largest_remainder(5, {1: 0}) == {1: 0}


def test_seed_quotas_sets_the_demo_quotas_for_this_year_and_last_and_is_idempotent(demo_tree):
    out = StringIO()
    call_command("seed_quotas", stdout=out)
    year = timezone.localdate().year
    district = demo_tree.district
    for y in (year - 1, year):
        a = stats.allocation(organization=district, year=y)
        assert a.own.target == DISTRICT_QUOTA and a.children_sum == DISTRICT_QUOTA and a.missing == 0
        assert stats.allocation(organization=demo_tree.province, year=y).own.kind == "percent"
    busy_cell = demo_tree.busy_unit.cells[0]
    assert AdmissionQuota.objects.filter(organization=busy_cell, year=year).exists()
    quotas, versions = AdmissionQuota.objects.count(), AdmissionQuota.history.count()
    call_command("seed_quotas", stdout=StringIO())
    assert (AdmissionQuota.objects.count(), AdmissionQuota.history.count()) == (quotas, versions)
    assert AdmissionQuota.objects.filter(organization=district).values_list("set_by__username", flat=True)[0] == \
        "bantochuc"


def test_seed_quotas_without_the_demo_data_says_what_to_run(db):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_quotas", stdout=StringIO())
