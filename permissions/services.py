"""Granting and revoking roles, keeping the guardian permissions in step, and logging reads of
personal data. Each service checks who may act first, then acts in one transaction."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connections, router, transaction
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

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
    when the page then fails, so a read is never lost (own autocommit insert)."""
    if not user.is_authenticated:
        return
    values = {"at": timezone.now(), "user_id": user.pk, "dossier_id": dossier.pk, "what": what, "detail": detail[:255]}
    if pre_save.has_listeners(PersonalDataRead) or post_save.has_listeners(PersonalDataRead):
        PersonalDataRead.objects.create(**values)
        return
    _insert_read(values)


# Every dossier page writes one read: its INSERT is written once per process and database (as
# Django's compiler writes it, for the row of the first call) and run with each read's values,
# prepared for the database as the compiler prepares them. No model instance, no save(): nothing
# listens to this model's saves (when something does, the read goes through the ORM).
_READ_FIELDS = ("at", "user", "dossier", "what", "detail")
_read_sql: dict[str, str] = {}


def _insert_read(values: dict) -> None:
    model = PersonalDataRead
    using = router.db_for_write(model)
    connection = connections[using]
    fields = [model._meta.get_field(name) for name in _READ_FIELDS]
    params = [field.get_db_prep_save(values[field.attname], connection) for field in fields]
    sql = _read_sql.get(using)
    if sql is None:
        query = InsertQuery(model)
        query.insert_values(fields, [model(**values)])
        [(sql, compiled)] = query.get_compiler(using=using).as_sql()
        # Kept only if the compiler put the values in this order, prepared as here ("": not kept).
        sql = _read_sql[using] = sql if list(compiled) == params else ""
    if not sql:
        model.objects.using(using).create(**values)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
