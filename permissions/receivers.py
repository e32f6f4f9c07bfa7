"""Per-dossier access follows the mentor and introducer assignments, whoever changes them; every
change of a role or a permission bumps its holder's version (`permissions.user_version`)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from dossiers.models import Introducer, Mentor, Organization, PartyMember

from .models import DossierUserObjectPermission, OrganizationUserObjectPermission, RoleAssignment
from .scoping import scope_of
from .user_version import bump, enabled


@receiver(post_save, sender=Mentor, dispatch_uid="permissions.mentor_saved")
@receiver(post_save, sender=Introducer, dispatch_uid="permissions.introducer_saved")
@receiver(post_delete, sender=Mentor, dispatch_uid="permissions.mentor_deleted")
@receiver(post_delete, sender=Introducer, dispatch_uid="permissions.introducer_deleted")
def on_helper_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    from .services import dossier_access_sync  # noqa: PLC0415 - services import the models

    # The member the service assigned is on the row already: without a login, nothing to sync.
    field = type(instance)._meta.get_field("member")
    member = field.get_cached_value(instance) if field.is_cached(instance) else None
    if member is None or member.pk != instance.member_id:
        member = PartyMember.objects.filter(pk=instance.member_id).select_related("user").first()
    if member is not None and member.user_id:
        dossier_access_sync(dossier=instance.dossier, user=member.user)


@receiver(post_save, sender=PartyMember, dispatch_uid="permissions.member_saved")
def on_member_saved(sender, instance: PartyMember, raw: bool = False, **kwargs) -> None:
    """A member given a login after being assigned keeps seeing his cases."""
    if raw or not instance.user_id:
        return
    from .services import dossier_access_sync  # noqa: PLC0415

    dossier_ids = set(Mentor.objects.filter(member=instance).values_list("dossier_id", flat=True))
    dossier_ids |= set(Introducer.objects.filter(member=instance).values_list("dossier_id", flat=True))
    if not dossier_ids:
        return
    from dossiers.models import Dossier  # noqa: PLC0415

    for dossier in Dossier.objects.filter(pk__in=dossier_ids):
        dossier_access_sync(dossier=dossier, user=instance.user)


# --- The per-user version: every write of a role or an object permission, through the services,
# guardian's assign_perm/remove_perm (which save and delete rows one by one) or the admin.

@receiver(post_save, sender=RoleAssignment, dispatch_uid="permissions.version.role_saved")
@receiver(post_delete, sender=RoleAssignment, dispatch_uid="permissions.version.role_deleted")
@receiver(post_save, sender=OrganizationUserObjectPermission, dispatch_uid="permissions.version.org_perm_saved")
@receiver(post_delete, sender=OrganizationUserObjectPermission, dispatch_uid="permissions.version.org_perm_deleted")
@receiver(post_save, sender=DossierUserObjectPermission, dispatch_uid="permissions.version.dossier_perm_saved")
@receiver(post_delete, sender=DossierUserObjectPermission, dispatch_uid="permissions.version.dossier_perm_deleted")
def on_permission_changed(sender, instance, **kwargs) -> None:
    bump(instance.user_id)


@receiver(post_save, sender=Organization, dispatch_uid="permissions.version.organization_moved")
def on_organization_saved(sender, instance: Organization, created: bool = False, raw: bool = False, **kwargs) -> None:
    """An organisation given another parent moves its subtree's paths (`Organization.save`, just
    after this signal, while the rows still hold the old ones): whoever holds a permission in the
    subtree has a scope of paths (`permissions.scoping.scope_of`, kept under his version) to read
    again. Its path names its parent (the second-to-last id); any other save changes no path."""
    if raw or created or not instance.path:
        return
    ids = [int(part) for part in instance.path.split(".") if part]
    if (ids[-2] if len(ids) > 1 else None) == instance.parent_id:
        return
    holders = OrganizationUserObjectPermission.objects.filter(content_object__path__startswith=instance.path)
    for user_id in sorted(set(holders.values_list("user_id", flat=True))):
        bump(user_id)


@receiver(user_logged_in, dispatch_uid="permissions.scope_at_login")
def on_logged_in(sender, user, **kwargs) -> None:
    """The scope is read at login and kept under the user's version (`scope_of`): his first page
    reads none either, as every later one. Nothing is kept with PER_USER_CACHE off."""
    if enabled():
        scope_of(user)
