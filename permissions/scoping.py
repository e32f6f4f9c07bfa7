"""Who sees which dossier: one function, one SQL query (a prefix match on the organisation path)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from dossiers.models import Dossier, Organization

from .models import Role, RoleAssignment

# Roles that see every dossier in their organisation's subtree (a cell's subtree is the cell).
SUBTREE_ROLES = {
    Role.CELL_SECRETARY, Role.CELL_DEPUTY, Role.GRASSROOTS_COMMITTEE, Role.APPROVER,
    Role.ORG_BOARD, Role.AUDITOR, Role.ADMIN,
}


def active_roles(user) -> list[RoleAssignment]:
    """The user's current roles with their organisations; cached on the user for one request."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_active_roles", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user, revoked_at__isnull=True).select_related("organization")
        )
        user._active_roles = cached
    return cached


def visible_dossiers(user, queryset: QuerySet[Dossier] | None = None) -> QuerySet[Dossier]:
    """Dossiers the user may open: subtree roles by path prefix; mentors and introducers their own
    cases; union officers the candidates they proposed."""
    qs = Dossier.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    condition = Q(pk__in=[])
    for assignment in active_roles(user):
        if assignment.role in SUBTREE_ROLES:
            condition |= Q(cell__path__startswith=assignment.organization.path)
        elif assignment.role == Role.UNION_OFFICER:
            condition |= Q(created_by=user, cell__path__startswith=assignment.organization.path)
    condition |= Q(mentors__member__user=user, mentors__ended_on__isnull=True)
    condition |= Q(introducers__member__user=user, introducers__ended_on__isnull=True)
    # The joins through mentors/introducers may repeat a row; an IN subquery keeps the list flat.
    return qs.filter(pk__in=Dossier.objects.filter(condition).values("pk"))


def visible_organizations(user) -> QuerySet[Organization]:
    if user.is_superuser:
        return Organization.objects.all()
    condition = Q(pk__in=[])
    for assignment in active_roles(user):
        condition |= Q(path__startswith=assignment.organization.path)
    return Organization.objects.filter(condition)


def access_dossier(user, pk, queryset: QuerySet[Dossier] | None = None) -> Dossier:
    """The dossier if the user may see it; 404 otherwise, so an outsider learns nothing."""
    try:
        return visible_dossiers(user, queryset).get(pk=pk)
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
