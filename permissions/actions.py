"""Which role may take which step of `dossiers.gates.STEPS` (glossary.md, Roles)."""

from __future__ import annotations

from dossiers.models import Dossier

from .models import Role
from .scoping import active_roles

CELL = {Role.CELL_SECRETARY, Role.CELL_DEPUTY}
COMMITTEE = {Role.GRASSROOTS_COMMITTEE}
APPROVER = {Role.APPROVER}

STEP_ROLES: dict[str, set[str]] = {
    "enroll_training": CELL,
    "complete_training": CELL,
    "assign_mentor": CELL,
    "assign_introducer": CELL,
    "end_introducer": CELL,
    # Introduction (domain.md §2.1): the union's executive committee introduces its member by
    # resolution (4-KNĐ/4A-KNĐ); its officer records it for the candidates he proposed, or the cell.
    "record_union_resolution": CELL | {Role.UNION_OFFICER},
    "record_application": CELL,
    "record_personal_history": CELL,
    # HD 01-HD/TW 3.3: the grassroots committee verifies; the cell does the practical work.
    "start_verification": CELL | COMMITTEE,
    "conclude_verification": COMMITTEE,
    "certify_personal_history": COMMITTEE,
    "record_opinions": CELL,
    "record_progress_report": CELL | {Role.MENTOR},
    "submit_for_vote": CELL,
    "record_branch_vote": CELL,
    "attach_provincial_approval": COMMITTEE | APPROVER,
    "record_sub_committee_admission": COMMITTEE,
    "record_grassroots_admission": COMMITTEE,
    "decide_admission": APPROVER,
    "hold_ceremony": CELL,
    "record_new_member_certificate": CELL,
    "record_self_review": CELL,
    "record_recognition_vote": CELL,
    "record_sub_committee_recognition": COMMITTEE,
    "record_grassroots_recognition": COMMITTEE,
    "recognize": APPROVER,
    "remove": APPROVER,
    "reject": CELL | COMMITTEE | APPROVER,
    "withdraw": CELL,
}


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
