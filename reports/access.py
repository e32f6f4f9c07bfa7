"""Who sees the numbers, and of which organisations; who sets quotas.

The statistics are the committees' working figures: the organisation board produces them, the
standing committee and the inspection commission read them, a grassroots committee and a cell
secretary follow their own. Mentors and union officers see single dossiers, not statistics.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from dossiers.models import Organization
from permissions import roles
from permissions.models import Role
from permissions.scoping import active_roles, holds, organizations_with

# Roles that may see the dashboard, the report and the ranking of their subtree.
STATS_ROLES = {
    Role.ORG_BOARD, Role.APPROVER, Role.AUDITOR, Role.GRASSROOTS_COMMITTEE,
    Role.CELL_SECRETARY, Role.CELL_DEPUTY, Role.ADMIN,
}
# Roles that set quotas, for their organisation and everything under it.
QUOTA_ROLES = {Role.ORG_BOARD, Role.ADMIN}


def _assignments(user, roles: set[str]):
    return [a for a in active_roles(user) if a.role in roles]


def may_see_stats(user) -> bool:
    return holds(user, roles.VIEW)


def may_set_quotas(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(_assignments(user, QUOTA_ROLES)))


def stats_organizations(user) -> QuerySet[Organization]:
    """The organisations whose numbers the user may see: those whose dossiers he may see
    (the guardian permission `view_org_dossiers` of `permissions.scoping`, held by exactly the
    statistics roles), so numbers and dossiers share one scope."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return organizations_with(user, roles.VIEW)


def home_organization(user) -> Organization | None:
    """Where the user's pages open: the highest organisation among their statistics roles (the
    district for its organisation board, her cell for a secretary); the root for a superuser."""
    assignments = sorted(_assignments(user, STATS_ROLES), key=lambda a: (len(a.organization.path), a.organization.path))
    if assignments:
        return assignments[0].organization
    if user.is_authenticated and user.is_superuser:
        return Organization.objects.filter(parent__isnull=True).order_by("sort_order", "path").first()
    return None


def stats_organization(user, pk) -> Organization:
    """The organisation `pk` if the user may see its numbers, else 404 (an outsider learns nothing);
    without `pk`, the user's home organisation."""
    if pk in (None, ""):
        org = home_organization(user)
        if org is None:
            raise Http404
        return org
    try:
        return stats_organizations(user).select_related("parent").get(pk=pk)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def quota_allowed(user, organization: Organization) -> bool:
    """An organisation board sets the quotas of its own organisation (its congress resolution's
    target, shared/reference/004) and of every organisation under it (allocation, reference/003)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(organization.path.startswith(a.organization.path) for a in _assignments(user, QUOTA_ROLES))
