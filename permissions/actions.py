"""Which role may take which step: the roles each step of the registry (`dossiers.steps`) names."""

from __future__ import annotations

from dossiers.models import Dossier
from dossiers.steps import STEPS

from .models import Role
from .scoping import active_roles

CELL = frozenset({Role.CELL_SECRETARY.value, Role.CELL_DEPUTY.value})

# Step name → the roles that may take it, as the registry declares them.
STEP_ROLES: dict[str, frozenset[str]] = {s.name: s.roles for s in STEPS.values()}


def roles_over(user, dossier: Dossier) -> set[str]:
    """The roles the user holds over this dossier: by organisation path, or as its mentor."""
    if user.is_superuser:
        return set(Role)
    held = {
        a.role for a in active_roles(user)
        if dossier.cell.path.startswith(a.organization.path)
        # A union officer acts only on the candidates he proposed.
        and (a.role != Role.UNION_OFFICER or dossier.created_by_id == user.pk)
    }
    member = getattr(user, "party_member", None)
    if member is not None and any(
        m.member_id == member.pk and m.ended_on is None for m in dossier.mentors.all()
    ):
        held.add(Role.MENTOR)
    return held


def may_take(user, dossier: Dossier, step: str) -> bool:
    return bool(STEP_ROLES.get(step, set()) & roles_over(user, dossier))
