"""Who may export what, and of which organisations.

- The organisation board (Ban Tổ chức) enters the new members into the party-member database: it
  exports the admitted and recognised members and the yearly supplement list of its organisation
  and everything under it. The system administrator may too.
- The inspection committee (Ủy ban kiểm tra) reads the log of exports of its subtree (who, when,
  what, the file's hash, the members held); so does the board, for its own subtree.
- The case list is exported by whoever sees it (`web`), with the list's own scope.

An organisation outside the user's reach answers 404, like every object outside a scope.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from dossiers.models import Organization
from permissions.models import Role
from permissions.scoping import active_roles

from .models import ExportRecord

EXPORT_ROLES = {Role.ORG_BOARD, Role.ADMIN}
LOG_ROLES = {Role.ORG_BOARD, Role.AUDITOR, Role.ADMIN}


def _paths(user, roles: set[str]) -> list[str]:
    return sorted({a.organization.path for a in active_roles(user) if a.role in roles})


def _under(paths: list[str], field: str) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def may_export(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(_paths(user, EXPORT_ROLES)))


def may_read_log(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(_paths(user, LOG_ROLES)))


def export_organizations(user) -> QuerySet[Organization]:
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(_under(_paths(user, EXPORT_ROLES), "path"))


def home_organization(user) -> Organization | None:
    """Where the export page opens: the highest organisation the user exports for."""
    orgs = export_organizations(user)
    if user.is_superuser:
        orgs = orgs.filter(parent__isnull=True)
    return orgs.order_by("path").first()


def export_organization(user, pk) -> Organization:
    """The organisation `pk` if the user may export its subtree, else 404; without `pk`, his own."""
    if pk in (None, ""):
        org = home_organization(user)
        if org is None:
            raise Http404
        return org
    try:
        return export_organizations(user).get(pk=pk)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def visible_records(user) -> QuerySet[ExportRecord]:
    """The exports of the subtrees whose log the user reads (an administrator reads them all)."""
    qs = ExportRecord.objects.select_related("user", "organization")
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    return qs.filter(_under(_paths(user, LOG_ROLES), "organization__path"))


def record_for(user, pk) -> ExportRecord:
    try:
        return visible_records(user).get(pk=pk)
    except (ExportRecord.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
