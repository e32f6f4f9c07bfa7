"""Roles held by a user for an organisation (glossary.md, Roles)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
