"""Roles held by a user for an organisation (glossary.md, Roles)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dossiers.models import Organization


class Role(models.TextChoices):
    CELL_SECRETARY = "cell_secretary", _("Bí thư chi bộ")
    CELL_DEPUTY = "cell_deputy", _("Phó bí thư chi bộ")
    GRASSROOTS_COMMITTEE = "grassroots_committee", _("Đảng ủy viên cơ sở")
    APPROVER = "approver", _("Ủy viên Ban Thường vụ (cấp có thẩm quyền)")
    ORG_BOARD = "org_board", _("Cán bộ Ban Tổ chức")
    MENTOR = "mentor", _("Đảng viên giúp đỡ")
    UNION_OFFICER = "union_officer", _("Cán bộ Đoàn / Công đoàn")
    AUDITOR = "auditor", _("Kiểm tra, giám sát (chỉ xem)")
    ADMIN = "admin", _("Quản trị hệ thống")


class RoleAssignment(models.Model):
    """A role held for an organisation and, by the rules of `permissions.scoping`, its subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("vai trò"), max_length=24, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("tổ chức"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("ngày giao"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("ngày thu hồi"), null=True, blank=True)

    class Meta:
        verbose_name = _("vai trò được giao")
        verbose_name_plural = _("vai trò được giao")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organization"], condition=Q(revoked_at__isnull=True),
                name="role_once_per_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"
