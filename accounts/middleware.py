"""Keeps a user who must pass the second factor, and has not in this session, away from every page
but logging in and out, the second-factor pages, static files and the language switch: he is sent
to the code page (he has a device) or to setting up the app (he has none). After django_otp's
OTPMiddleware, which reads the verified device from the session.

Whether the second factor applies to a user who is not required to pass it (has he set up an app?)
is asked once per session, not on every page: the answer "no" is kept in the session with the
user's version (`permissions.user_version`), which a new role, a device set up or removed, or an
administrator's reset changes, in all his sessions at once."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as BaseOTPMiddleware

from permissions import user_version

from . import second_factor

# The session's answer "the second factor does not apply": the user's version and superuser flag then.
OPTIONAL = "_second_factor_optional"


def applies(request, user) -> bool:
    version = user_version.current(user)
    known = None if version is None else f"{version}:{int(user.is_superuser)}"
    if known is not None and request.session.get(OPTIONAL) == known:
        return False
    if second_factor.applies_to(user):
        return True
    if known is not None:
        request.session[OPTIONAL] = known
    return False


class OTPMiddleware(BaseOTPMiddleware):
    """django-otp's, reading the session's verified device from the cache instead of the database on
    every page (one query per page of every user who passed the second factor). The device is kept
    with the user's version (`permissions.user_version`), which every save or deletion of one of his
    devices changes (`accounts.receivers`): a device removed by an administrator's reset stops
    counting on the very next page of each of his sessions, as before. Off with PER_USER_CACHE."""

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            device = self._kept_device(user, persistent_id) if persistent_id else None
            user.otp_device = self._finalize_device(request, user, device)
        return user

    def _kept_device(self, user, persistent_id: str):
        version = user_version.current(user)
        if version is None:
            return self._device_from_persistent_id(persistent_id)
        key, stamp = f"otp-device:{user.pk}", (version, persistent_id)
        kept = cache.get(key)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        device = self._device_from_persistent_id(persistent_id)
        cache.set(key, (stamp, device), user_version.TIMEOUT)
        return device


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed: tuple[str, ...] | None = None

    def allowed(self) -> tuple[str, ...]:
        if self._allowed is None:
            self._allowed = (reverse("login"), reverse("logout"), reverse("account:two_factor"), "/i18n/",
                             "/" + settings.STATIC_URL.lstrip("/"), "/favicon.ico")
        return self._allowed

    def __call__(self, request):
        if settings.TWO_FACTOR_ENFORCED:
            user = getattr(request, "user", None)
            if (user is not None and user.is_authenticated and not request.path_info.startswith(self.allowed())
                    and not second_factor.is_verified(user) and applies(request, user)):
                target = "account:verify" if second_factor.has_device(user) else "account:enrol"
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse(target)}?{query}")
        return self.get_response(request)
