"""Who may import, and where: an organisation board officer or a cell secretary, within the
subtree of the organisation the role is held for (an administrator anywhere)."""

from __future__ import annotations

from dossiers.models import Organization
from permissions.models import Role
from permissions.scoping import active_roles

from .reading import nfc

IMPORT_ROLES = (Role.ORG_BOARD, Role.CELL_SECRETARY)
# Who sees the record of imports in their subtree: the inspection role, and the importers.
RECORD_ROLES = (Role.AUDITOR, Role.ORG_BOARD, Role.CELL_SECRETARY)


def _outermost(paths: list[str]) -> list[str]:
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


def import_roots(user) -> list[Organization] | None:
    """The organisations whose subtrees the user may import into; None for an administrator."""
    if user.is_superuser:
        return None
    orgs = {a.organization.path: a.organization for a in active_roles(user) if a.role in IMPORT_ROLES}
    return [orgs[p] for p in _outermost(list(orgs))]


def may_import(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(import_roots(user)))


def record_roots(user) -> list[str] | None:
    if user.is_superuser:
        return None
    return _outermost([a.organization.path for a in active_roles(user) if a.role in RECORD_ROLES])


def may_see_records(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(record_roots(user)))


def key(name: str) -> str:
    return nfc(name).casefold()


class OrgScope:
    """The organisations the user may import into, loaded once, found by name (or "Parent / Name")."""

    def __init__(self, user):
        roots = import_roots(user)
        self.admin = roots is None
        self.paths = [] if roots is None else [r.path for r in roots]
        if roots is None:
            orgs = list(Organization.objects.all())
        else:
            from django.db.models import Q  # noqa: PLC0415

            condition = Q(pk__in=[])
            for path in self.paths:
                condition |= Q(path__startswith=path)
            orgs = list(Organization.objects.filter(condition))
        self.by_pk = {o.pk: o for o in orgs}
        for org in orgs:  # parents from memory: the gates walk them without a query
            if org.parent_id in self.by_pk:
                org.parent = self.by_pk[org.parent_id]
        self.by_name: dict[str, list[Organization]] = {}
        for org in orgs:
            self.by_name.setdefault(key(org.name), []).append(org)

    def covers(self, org: Organization) -> bool:
        return self.admin or any(org.path.startswith(p) for p in self.paths)

    def add(self, org: Organization) -> None:
        """An organisation planned earlier in the same file."""
        self.by_name.setdefault(key(org.name), []).append(org)

    def find(self, text: str) -> tuple[Organization | None, str]:
        """(the organisation, "") or (None, why not)."""
        from django.utils.translation import gettext as _  # noqa: PLC0415

        parts = [p for p in (nfc(x) for x in text.split("/")) if p]
        if not parts:
            return None, _("No organisation given.")
        found = self.by_name.get(key(parts[-1]), [])
        for parent_name in reversed(parts[:-1]):
            found = [o for o in found if o.parent is not None and key(o.parent.name) == key(parent_name)]
        if len(found) == 1:
            return found[0], ""
        if len(found) > 1:
            return None, _("Several organisations are named “%(name)s”: write its parent first, "
                           "“Parent / %(name)s”.") % {"name": parts[-1]}
        if Organization.objects.filter(name__iexact=parts[-1]).exists():
            return None, _("The organisation “%(name)s” is outside your scope: you may import only within the "
                           "organisations you work for.") % {"name": text}
        return None, _("No organisation named “%(name)s” was found.") % {"name": text}
