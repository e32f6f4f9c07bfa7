"""Who may use which page, on top of `permissions` (scoping decides what is seen, roles what is done)."""

from __future__ import annotations

from dossiers.models import Dossier
from permissions.actions import STEP_ROLES, may_take, roles_over
from permissions.models import Role
from permissions.scoping import active_roles
from permissions.selectors import CREATE_ROLES

# Editing the candidate's data and the dossier's own details: the cell's secretaries.
EDIT_ROLES = {Role.CELL_SECRETARY, Role.CELL_DEPUTY}


def step_roles(step: str) -> frozenset[str]:
    return STEP_ROLES.get(step, frozenset())


def may_take_step(user, dossier: Dossier, step: str) -> bool:
    return may_take(user, dossier, step)


def role_labels(step: str) -> list[str]:
    """The on-screen names of the roles that may take a step, in the order of the glossary."""
    allowed = step_roles(step)
    return [str(role.label) for role in Role if role in allowed]


def may_create_dossier(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(a.role in CREATE_ROLES for a in active_roles(user))


def may_edit(user, dossier: Dossier) -> bool:
    """The candidate's data and the dossier's details, while the dossier is open."""
    if not dossier.is_open:
        return False
    held = roles_over(user, dossier)
    if held & EDIT_ROLES:
        return True
    # A union officer keeps the candidates they proposed up to date until the cell takes over.
    return Role.UNION_OFFICER in held and dossier.created_by_id == user.pk
