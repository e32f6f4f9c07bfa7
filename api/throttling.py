"""Rate limits per API key (per user on a session, per address without either), from
settings.API_THROTTLE_RATES: "api_read" for reads, "api_act" for the acting endpoints."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class ApiThrottle(SimpleRateThrottle):
    def __init__(self):
        pass  # the rate is read per request, so settings changed in tests apply

    def allow_request(self, request, view):
        self.scope = getattr(view, "throttle_scope", None) or (
            "api_read" if request.method in ("GET", "HEAD", "OPTIONS") else "api_act")
        self.rate = settings.API_THROTTLE_RATES.get(self.scope)
        if not self.rate:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"key{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user{request.user.pk}"
        else:
            ident = f"ip{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
