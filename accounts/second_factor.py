"""Who needs a second factor, whether this session has passed it, and checking a code.

Required for the roles that decide or see a whole subtree (approver, grassroots committee,
organisation board, inspection, administrator) and for superusers; optional for the others, but
whoever has set up an authenticator app is asked for it too. A code is a TOTP from the app or one
of the backup codes (django-otp's static device); django-otp's throttling makes each wrong code
double the wait before the next one. The demo's static device (name "demo", code DEMO_OTP_CODE,
not consumed) is accepted only while DEBUG is on."""

from __future__ import annotations

import time
from base64 import b32encode
from binascii import unhexlify

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from permissions.models import Role
from permissions.roles import permissions_of
from permissions.scoping import scope_of

DEMO_DEVICE_NAME = "demo"
BACKUP_DEVICE_NAME = "backup"
APP_DEVICE_NAME = "app"

REQUIRED_ROLES = (Role.APPROVER, Role.GRASSROOTS_COMMITTEE, Role.ORG_BOARD, Role.AUDITOR, Role.ADMIN)
# The organisation permissions that only the required roles give: the user's scope (read once per
# request and cached on the user, the menu reads it anyway) says whether he holds one of them.
REQUIRED_PERMISSIONS = frozenset(p for r in REQUIRED_ROLES for p in permissions_of(r)) - frozenset(
    p for r in Role if r not in REQUIRED_ROLES for p in permissions_of(r))


class TokenRefused(Exception):
    """The code was wrong, expired, already used, or came too soon after wrong ones."""


def is_required(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    scope = scope_of(user)
    return any(scope.get(p) for p in REQUIRED_PERMISSIONS)


def has_app(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def applies_to(user) -> bool:
    """The user must pass a second factor: his role requires it, or he set up an app himself."""
    return is_required(user) or has_app(user)


def is_demo_device(device) -> bool:
    return isinstance(device, StaticDevice) and device.name == DEMO_DEVICE_NAME


def usable(device) -> bool:
    return not is_demo_device(device) or settings.DEBUG


def has_device(user) -> bool:
    """Something to enter a code from: an app, backup codes, or (DEBUG only) the demo device."""
    return any(usable(d) for d in devices_for_user(user, confirmed=True))


def is_verified(user) -> bool:
    """This session passed the second factor (OTPMiddleware read the device from the session); a
    session verified with the demo device no longer counts once DEBUG is off."""
    device = getattr(user, "otp_device", None)
    return device is not None and usable(device)


def backup_codes_left(user) -> int:
    return sum(d.token_set.count() for d in StaticDevice.objects.filter(user=user, name=BACKUP_DEVICE_NAME))


def _clean(token: str) -> str:
    return "".join((token or "").split()).lower()


def check_token(*, user, token: str):
    """The device that accepts this code (a backup code is used up), or TokenRefused saying why.
    Each wrong code is counted on the user's devices (django-otp's throttling)."""
    token = _clean(token)
    found, waits = None, []
    if token:
        with transaction.atomic():
            for device in devices_for_user(user, confirmed=True, for_verify=True):
                if is_demo_device(device):
                    code = settings.DEMO_OTP_CODE
                    if settings.DEBUG and code and constant_time_compare(token, code):
                        found = device
                        break
                    continue
                allowed, info = device.verify_is_allowed()
                if not allowed:
                    waits.append(info.get("locked_until"))
                    continue
                if device.verify_token(token):
                    found = device
                    break
    if found is not None:
        return found
    waits = [w for w in waits if w is not None]
    if waits:
        raise TokenRefused(_("Too many wrong codes: wait until %(time)s before the next try.") % {
            "time": f"{timezone.localtime(max(waits)):%H:%M:%S}"})
    raise TokenRefused(_("This code is wrong, has expired or was already used. Enter the 6 digits your "
                         "authenticator app shows now, or one of your backup codes."))


# --- Enrolment -------------------------------------------------------------------------------------


def new_key() -> str:
    """A fresh TOTP secret (hex, as django-otp stores it); kept in the session until confirmed."""
    return default_key()


def preview_device(user, key: str) -> TOTPDevice:
    """The app's device as it will be saved (not saved): its otpauth:// address for the QR code."""
    return TOTPDevice(user=user, key=key, name=APP_DEVICE_NAME, confirmed=True)


def key_text(key: str) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    text = b32encode(unhexlify(key.encode())).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def qr_svg(address: str) -> str:
    """The QR code as inline SVG, drawn on the server (segno): no script, no outside request."""
    return segno.make(address, error="m").svg_inline(scale=5, border=2, title=_("QR code to scan"))


def totp_matches(device: TOTPDevice, token: str) -> int | None:
    """The time step the token is valid for (± the device's tolerance), or None."""
    try:
        value = int(_clean(token))
    except ValueError:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.t() if totp.verify(value, device.tolerance) else None
