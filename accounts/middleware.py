"""Keeps a user who must pass the second factor, and has not in this session, away from every page
but logging in and out, the second-factor pages, static files and the language switch: he is sent
to the code page (he has a device) or to setting up the app (he has none). After django_otp's
OTPMiddleware, which reads the verified device from the session."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse

from . import second_factor


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
                    and not second_factor.is_verified(user) and second_factor.applies_to(user)):
                target = "account:verify" if second_factor.has_device(user) else "account:enrol"
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse(target)}?{query}")
        return self.get_response(request)
