"""Quota allocation: a parent's own quota against the sum of its children's."""

from __future__ import annotations

from dataclasses import dataclass

from dossiers.models import Organization

from ..models import AdmissionQuota
from .counting import members_by, quotas_of


@dataclass
class AllocationRow:
    organization: Organization
    quota: AdmissionQuota | None
    members: int


@dataclass
class Allocation:
    """A parent's own quota against the sum of its children's (top-down, reference/003)."""

    organization: Organization
    year: int
    own: AdmissionQuota | None
    members: int
    rows: list[AllocationRow]

    @property
    def children_sum(self) -> int:
        return sum(row.quota.target for row in self.rows if row.quota)

    @property
    def difference(self) -> int | None:
        """Children's sum − own quota: negative when the allocation falls short of the parent's
        quota, positive when the children were given more than the parent."""
        if self.own is None:
            return None
        return self.children_sum - self.own.target

    @property
    def shortfall(self) -> int:
        """How many admissions the children's quotas fall short of the parent's (0 if none)."""
        return max(0, -(self.difference or 0))

    @property
    def missing(self) -> int:
        return sum(1 for row in self.rows if row.quota is None)


def allocation(*, organization: Organization, year: int) -> Allocation:
    """Own quota, each child's quota and members, their sum and the difference. Three queries."""
    children = list(Organization.objects.filter(parent=organization).order_by("sort_order", "name"))
    quotas = quotas_of([organization, *children], year)
    members = members_by([organization, *children], organization=organization)
    return Allocation(
        organization=organization, year=year, own=quotas.get(organization.pk),
        members=members.get(organization.pk, 0),
        rows=[AllocationRow(child, quotas.get(child.pk), members.get(child.pk, 0)) for child in children],
    )
