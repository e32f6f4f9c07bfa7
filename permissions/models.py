"""Roles held by a user for an organisation (glossary.md, Roles)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from dossiers.models import Organization


class Role(models.TextChoices):
    CELL_SECRETARY = "cell_secretary", _("Cell secretary")
    CELL_DEPUTY = "cell_deputy", _("Cell deputy secretary")
    GRASSROOTS_COMMITTEE = "grassroots_committee", _("Grassroots committee member")
    APPROVER = "approver", _("Standing committee member (competent level)")
    ORG_BOARD = "org_board", _("Organisation board officer")
    MENTOR = "mentor", _("Mentor")
    UNION_OFFICER = "union_officer", _("Youth Union / Trade Union officer")
    AUDITOR = "auditor", _("Inspection and supervision (read-only)")
    ADMIN = "admin", _("System administrator")


class RoleAssignment(models.Model):
    """A role held for an organisation and, by the rules of `permissions.scoping`, its subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted on"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organization"], condition=Q(revoked_at__isnull=True),
                name="role_once_per_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"


class AppendOnlyLog(models.Model):
    """An audit log: rows are written once, never changed, never deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{type(self).__name__} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} is append-only.")


class RoleChange(AppendOnlyLog):
    """One grant or revocation of a role: who, to whom, what, where, when and why. Append-only."""

    class Action(models.TextChoices):
        GRANT = "grant", _("Granted")
        REVOKE = "revoke", _("Revoked")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    assignment = models.ForeignKey(RoleAssignment, on_delete=models.PROTECT, related_name="changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.user} · {self.get_role_display()} · {self.organization}"



class PersonalDataRead(AppendOnlyLog):
    """Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15: who opened which dossier's personal data, when.
    Political data is sensitive; every read is kept and shown to the inspection committee."""

    class What(models.TextChoices):
        DOSSIER_PAGE = "dossier_page", _("Dossier page")
        CANDIDATE_FORM = "candidate_form", _("Candidate's data form")
        DOCUMENT = "document", _("Document or bundle")

    at = models.DateTimeField(_("time"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="+"
    )
    what = models.CharField(_("what was opened"), max_length=16, choices=What.choices)
    detail = models.CharField(_("detail"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("personal data read")
        verbose_name_plural = _("personal data reads")
        indexes = [
            models.Index(fields=["dossier", "-at"], name="pdr_dossier_at"),
            models.Index(fields=["user", "-at"], name="pdr_user_at"),
            models.Index(fields=["-at"], name="pdr_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_what_display()} · {self.dossier_id}"



# django-guardian with direct foreign keys: the scope of a user is read with plain indexed joins.
class OrganizationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "permission"], name="org_perm_user")]


class OrganizationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE)


class DossierUserObjectPermission(UserObjectPermissionBase):
    """Per-dossier access: a mentor or introducer sees the cases he works on, for as long as he does."""

    content_object = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "permission"], name="dossier_perm_user")]


class DossierGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE)
