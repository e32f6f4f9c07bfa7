"""A second-factor device set up, changed or removed (the enrolment, an administrator's reset, the
admin pages) bumps its user's version: every session of his asks again whether a second factor
applies to him (`accounts.middleware`)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from permissions.user_version import bump


@receiver(post_save, sender=TOTPDevice, dispatch_uid="accounts.version.totp_saved")
@receiver(post_delete, sender=TOTPDevice, dispatch_uid="accounts.version.totp_deleted")
@receiver(post_save, sender=StaticDevice, dispatch_uid="accounts.version.static_saved")
@receiver(post_delete, sender=StaticDevice, dispatch_uid="accounts.version.static_deleted")
def on_device_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    bump(instance.user_id)
