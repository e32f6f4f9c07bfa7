"""Granting and revoking roles, keeping the guardian permissions in step, and logging reads of
personal data. Each service checks who may act first, then acts in one transaction."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from dossiers import prepared
from dossiers.formatting import vn_name
from dossiers.models import Dossier, Introducer, Mentor, Organization
from dossiers.refusals import APP_RULE, Refusal, clean_and_save

from . import roles
from .models import (
    DossierUserObjectPermission,
    OrganizationUserObjectPermission,
    PersonalDataRead,
    Role,
    RoleAssignment,
    RoleChange,
)
from .scoping import forget_scope, organizations_with

User = get_user_model()


# --- Who may manage roles ---------------------------------------------------------------------


def may_manage_roles(user, organization: Organization) -> bool:
    """An organisation board officer (or administrator) manages the roles of his subtree only:
    nobody grants a role above his own scope."""
    if user.is_superuser:
        return True
    return organizations_with(user, roles.MANAGE_ROLES).filter(pk=organization.pk).exists()


def _check_actor(actor, role: str, organization: Organization) -> None:
    if actor is None:  # the system itself: migrations, the demo data
        return
    if not may_manage_roles(actor, organization):
        raise Refusal(_("You may only manage roles in the organisations under your own responsibility."), rule=APP_RULE)
    if role == Role.ADMIN and not actor.is_superuser:
        raise Refusal(_("Only a system administrator may grant or revoke the administrator role."), rule=APP_RULE)


# --- Guardian permissions follow the roles ----------------------------------------------------


def _sync_organization_perms(user, organization: Organization) -> None:
    """The user's object permissions on the organisation become exactly those of his active roles there."""
    held = RoleAssignment.objects.filter(user=user, organization=organization, revoked_at__isnull=True)
    wanted = {codename for a in held for codename in roles.permissions_of(a.role)}
    existing = set(
        OrganizationUserObjectPermission.objects.filter(user=user, content_object=organization)
        .values_list("permission__codename", flat=True)
    )
    for codename in sorted(wanted - existing):
        assign_perm(f"dossiers.{codename}", user, organization)
    for codename in sorted(existing - wanted):
        remove_perm(f"dossiers.{codename}", user, organization)
    forget_scope(user)


def role_grant(*, user, role: str, organization: Organization, actor, note: str = "") -> RoleAssignment:
    """Give a user a role for an organisation (and so for its subtree, by `permissions.scoping`)."""
    if role not in Role.values:
        raise Refusal(_("Unknown role."), rule=APP_RULE)
    if role == Role.MENTOR and actor is not None:  # the demo lists its mentor among the logins
        raise Refusal(_("A mentor is assigned on the dossier (step “Assign a mentor”), not here."), rule=APP_RULE)
    _check_actor(actor, role, organization)
    if not user.is_active:
        raise Refusal(_("This account is disabled."), rule=APP_RULE)
    with transaction.atomic():
        # Lock the user's row: two officers granting at once do not both pass the duplicate check.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if RoleAssignment.objects.filter(user=user, role=role, organization=organization,
                                         revoked_at__isnull=True).exists():
            raise Refusal(_("%(user)s already holds this role in %(org)s.") % {
                "user": vn_name(user), "org": organization.name}, rule=APP_RULE)
        assignment = RoleAssignment(user=user, role=role, organization=organization, granted_by=actor)
        clean_and_save(assignment)
        RoleChange.objects.create(actor=actor, action=RoleChange.Action.GRANT, assignment=assignment, user=user,
                                  role=role, organization=organization, note=note)
        _sync_organization_perms(user, organization)
    return assignment


def role_revoke(*, assignment: RoleAssignment, actor, note: str = "") -> RoleAssignment:
    """End a role at once: the next request of its holder no longer sees what it gave."""
    _check_actor(actor, assignment.role, assignment.organization)
    with transaction.atomic():
        locked = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.revoked_at is not None:
            raise Refusal(_("This role was already revoked."), rule=APP_RULE)
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        RoleChange.objects.create(actor=actor, action=RoleChange.Action.REVOKE, assignment=locked, user=locked.user,
                                  role=locked.role, organization=locked.organization, note=note)
        _sync_organization_perms(locked.user, locked.organization)
    return locked


# --- Mentors and introducers: per-dossier access ------------------------------------------------


def dossier_access_sync(*, dossier: Dossier, user) -> None:
    """A mentor or introducer sees the dossier while at least one of his assignments on it is
    active; when the last one ends (or is removed) he loses it at once."""
    if user is None:
        return
    active = (
        Mentor.objects.filter(dossier=dossier, member__user=user, ended_on__isnull=True).exists()
        or Introducer.objects.filter(dossier=dossier, member__user=user, ended_on__isnull=True).exists()
    )
    has = DossierUserObjectPermission.objects.filter(
        user=user, content_object=dossier, permission__codename=roles.VIEW_DOSSIER).exists()
    if active and not has:
        assign_perm(f"dossiers.{roles.VIEW_DOSSIER}", user, dossier)
    elif has and not active:
        remove_perm(f"dossiers.{roles.VIEW_DOSSIER}", user, dossier)
    forget_scope(user)


# --- The log of reads -------------------------------------------------------------------------


def personal_data_read(*, user, dossier: Dossier, what: str, detail: str = "") -> None:
    """Luật 91/2025/QH15: record that the user opened the dossier's personal data. Written even
    when the page then fails, so a read is never lost (own autocommit insert).

    Every dossier page writes one: its INSERT is written once per process and model and prepared by
    PostgreSQL (`dossiers.prepared.insert`: no save(), stamped as save stamps it); when something
    listens to the model's saves, save() writes it. (Issue 21: the INSERT kept here before compared
    its values with the compiler's, whose `at` is stamped anew, so it was never kept.)"""
    if not user.is_authenticated:
        return
    prepared.insert(PersonalDataRead(user_id=user.pk, dossier_id=dossier.pk, what=what, detail=detail[:255]))
