"""What each role may do, as django-guardian permissions on the organisation it is held for.

A role is held *for an organisation* (`RoleAssignment`); granting it gives the user these object
permissions on that organisation, and each covers the organisation's whole subtree
(`permissions.scoping`). The mentor and the introducer are not granted here: they see the
dossiers they work on through a per-dossier permission kept in step with their assignment.
"""

from __future__ import annotations

from .models import Role

VIEW = "view_org_dossiers"
PROPOSE = "propose_candidates"
ACT_CELL = "act_as_cell"
ACT_COMMITTEE = "act_as_committee"
APPROVE = "approve_admissions"
MANAGE_ROLES = "manage_roles"
READ_LOG = "read_access_log"
ALL = [VIEW, PROPOSE, ACT_CELL, ACT_COMMITTEE, APPROVE, MANAGE_ROLES, READ_LOG]

# Per dossier (mentor, introducer): Django's own "view" permission on the Dossier model.
VIEW_DOSSIER = "view_dossier"

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.CELL_SECRETARY: (VIEW, ACT_CELL),
    Role.CELL_DEPUTY: (VIEW, ACT_CELL),
    Role.GRASSROOTS_COMMITTEE: (VIEW, ACT_COMMITTEE),
    Role.APPROVER: (VIEW, APPROVE),
    # Ban tổ chức: quotas, reports, and the roles of its subtree.
    Role.ORG_BOARD: (VIEW, MANAGE_ROLES),
    # An officer of the Youth Union / Trade Union sees only the candidates he proposed.
    Role.UNION_OFFICER: (PROPOSE,),
    # Ủy ban kiểm tra: reads everything below, changes nothing, reads the log of reads.
    Role.AUDITOR: (VIEW, READ_LOG),
    Role.ADMIN: (VIEW, MANAGE_ROLES, READ_LOG),
    Role.MENTOR: (),
}

# Roles an organisation board may grant. A mentor is made by assigning him to a dossier (step
# "assign_mentor"), not here; the system administrator is made by another administrator.
GRANTABLE = [r for r in Role if r not in (Role.MENTOR, Role.ADMIN)]


def permissions_of(role: str) -> tuple[str, ...]:
    return ROLE_PERMISSIONS.get(role, ())
