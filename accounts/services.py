"""Every change to login security, each audited: unlock a login or an address (django-axes'
own reset), set up the authenticator app, new backup codes, an administrator's reset of a
second factor, the demo's device. Keyword-only, one transaction each."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dossiers.models import Organization
from dossiers.refusals import APP_RULE, Refusal
from permissions import roles
from permissions.models import Role, RoleAssignment
from permissions.scoping import active_roles, organizations_with

from . import second_factor
from .models import SecurityEvent

User = get_user_model()
BACKUP_CODES = 10


# --- Whose login an officer looks after -----------------------------------------------------------


def accounts_in_scope(actor) -> QuerySet:
    """The accounts whose holder has a role, or is a party member, in the actor's subtree for
    managing roles (an organisation board officer's or administrator's); every account for a superuser."""
    if actor.is_superuser:
        return User.objects.all()
    orgs = organizations_with(actor, roles.MANAGE_ROLES).values("pk")
    held = RoleAssignment.objects.filter(revoked_at__isnull=True, organization__in=orgs).values("user")
    return User.objects.filter(Q(pk__in=held) | Q(party_member__cell__in=orgs)).exclude(is_superuser=True)


def home_organization(user, within=None) -> Organization | None:
    """The organisation an account belongs to (its first role's, else its party cell), inside
    `within` when given: recorded on the audit row, which scopes the log for inspection."""
    qs = Organization.objects.filter(
        Q(pk__in=RoleAssignment.objects.filter(user=user, revoked_at__isnull=True).values("organization"))
        | Q(pk__in=User.objects.filter(pk=user.pk).values("party_member__cell")))
    if within is not None:
        qs = qs.filter(pk__in=within)
    return qs.order_by("path").first()


def _entitling_organization(actor, user, codename: str = roles.MANAGE_ROLES) -> Organization | None:
    if actor.is_superuser:
        return home_organization(user)
    if user.is_superuser or not accounts_in_scope(actor).filter(pk=user.pk).exists():
        raise Refusal(_("You may only look after the accounts of the organisations under your own "
                        "responsibility."), rule=APP_RULE)
    return home_organization(user, organizations_with(actor, codename).values("pk"))


def is_administrator(actor) -> bool:
    return actor.is_superuser or any(a.role == Role.ADMIN for a in active_roles(actor))


# --- Lockout ---------------------------------------------------------------------------------------


def login_unlock(*, user, actor, note: str) -> int:
    """End the lockout of a login name at once (django-axes' reset); the number of failed-attempt
    rows cleared. An organisation board officer unlocks the accounts of his subtree."""
    if not note.strip():
        raise Refusal(_("Say why the login is unlocked."), rule=APP_RULE)
    organization = _entitling_organization(actor, user)
    with transaction.atomic():
        cleared = axes_reset(username=user.get_username())
        SecurityEvent.objects.create(actor=actor, action=SecurityEvent.Action.UNLOCK, user=user,
                                     organization=organization, detail=str(cleared), note=note.strip())
    return cleared


def address_unlock(*, ip: str, actor, note: str) -> int:
    """End the lockout of an address (a whole office behind one router may share it): superusers only."""
    if not actor.is_superuser:
        raise Refusal(_("Only a system administrator may unlock an address."), rule=APP_RULE)
    if not note.strip():
        raise Refusal(_("Say why the address is unlocked."), rule=APP_RULE)
    with transaction.atomic():
        cleared = axes_reset(ip=ip)
        SecurityEvent.objects.create(actor=actor, action=SecurityEvent.Action.UNLOCK_ADDRESS, detail=ip,
                                     note=note.strip())
    return cleared


# --- Second factor ---------------------------------------------------------------------------------


def _new_backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user, name=second_factor.BACKUP_DEVICE_NAME).delete()
    device = StaticDevice.objects.create(user=user, name=second_factor.BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def app_enrol(*, user, key: str, token: str) -> tuple[TOTPDevice, list[str]]:
    """Save the authenticator app once it has shown a valid code for the new secret; replaces the
    old app and backup codes. Returns the device and the new backup codes (shown once)."""
    device = second_factor.preview_device(user, key)
    step = second_factor.totp_matches(device, token)
    if step is None:
        raise second_factor.TokenRefused(_("This code does not match: scan the QR code again and enter the "
                                           "6 digits the app shows now."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device.last_t = step
        device.save()
        codes = _new_backup_codes(user)
        SecurityEvent.objects.create(actor=user, action=SecurityEvent.Action.ENROL, user=user,
                                     organization=home_organization(user))
    return device, codes


def backup_codes_renew(*, user) -> list[str]:
    """New backup codes; the old ones stop working."""
    with transaction.atomic():
        return _new_backup_codes(user)


def second_factor_reset(*, user, actor, note: str) -> int:
    """An administrator removes a user's second factor (lost phone): at his next login he sets up a
    new app. Returns the number of devices removed."""
    if not note.strip():
        raise Refusal(_("Say why the second factor is reset."), rule=APP_RULE)
    if not is_administrator(actor):
        raise Refusal(_("Only a system administrator may reset a second factor."), rule=APP_RULE)
    organization = _entitling_organization(actor, user)
    with transaction.atomic():
        removed = 0
        for device in devices_for_user(user, confirmed=None):
            device.delete()
            removed += 1
        SecurityEvent.objects.create(actor=actor, action=SecurityEvent.Action.RESET, user=user,
                                     organization=organization, detail=str(removed), note=note.strip())
    return removed


def demo_device_ensure(*, user) -> StaticDevice:
    """The demo's second factor: the code DEMO_OTP_CODE, never used up, refused when DEBUG is off."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=second_factor.DEMO_DEVICE_NAME, defaults={"confirmed": True})
    return device
