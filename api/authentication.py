"""`Authorization: Bearer pdv_…`: a personal API key, checked by its SHA-256, its expiry and that it
was not revoked. The key only opens the API; it is made from a logged-in session (with its second
factor where the role needs one), on the page "Khóa API"."""

from __future__ import annotations

import hmac

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiToken
from .services import digest, split_key, token_used


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid API key.")) from None
        found = split_key(raw)
        token = None
        if found is not None:
            token = ApiToken.objects.select_related("user").filter(prefix=found[0]).first()
        if token is None or not hmac.compare_digest(token.digest, digest(raw)):
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API key was revoked."))
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is disabled."))
        token_used(token=token)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "pdv_… (page “Khóa API”)"}
