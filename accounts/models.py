"""The audit of login security: who unlocked a login, who reset whose second factor. Append-only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.models import Organization
from permissions.models import AppendOnlyLog


class SecurityEvent(AppendOnlyLog):
    """One unlock of a login or reset of a second factor: who, to whom, where, when and why."""

    class Action(models.TextChoices):
        UNLOCK = "unlock", _("Login unlocked")
        UNLOCK_ADDRESS = "unlock_address", _("Address unlocked")
        ENROL = "enrol", _("Second factor set up")
        RESET = "otp_reset", _("Second factor reset")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # The organisation through which the actor was entitled to act: it scopes the log for inspection.
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    note = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("login security event")
        verbose_name_plural = _("login security events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.user or self.detail}"
