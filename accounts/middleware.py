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
from django.http import HttpResponseRedirect
from django.urls import reverse

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
