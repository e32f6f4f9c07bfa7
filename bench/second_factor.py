"""The bench's users pass the second factor (issue 18 §2) as `django_otp.login` records it: the board
roles need it on every page, and the measurements and the load test measure the pages, not the
code page. The device is the bench's own authenticator app, made once per user."""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor


def verify_session(session, user) -> None:
    """Mark `session` (a session store) as having passed the second factor, where the user needs it."""
    if second_factor.is_required(user):
        device, _created = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
