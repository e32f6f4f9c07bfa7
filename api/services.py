"""The only writes of the API app: personal API keys (made, revoked) and the answers kept for
idempotency keys. Keyword-only, like the dossier's services."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.refusals import APP_RULE, Refusal

from .models import ApiToken, IdempotentResponse

PREFIX_BYTES = 4  # 8 hex characters in clear, to find the row


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def split_key(raw: str) -> tuple[str, str] | None:
    """"pdv_<prefix>_<secret>" → (prefix, the whole key), None when it is not shaped like one."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != "pdv" or len(parts[1]) != PREFIX_BYTES * 2:
        return None
    return parts[1], raw


@transaction.atomic
def token_create(*, user, name: str, expires_on: dt.date) -> tuple[ApiToken, str]:
    """A new key for `user`, valid to the end of `expires_on`; returns the row and the key, which is
    shown once and never stored."""
    today = timezone.localdate()
    name = (name or "").strip()
    reasons = []
    if not name:
        reasons.append(_("Give the key a name."))
    if expires_on <= today:
        reasons.append(_("The key must expire after today."))
    if expires_on > today + dt.timedelta(days=settings.API_TOKEN_MAX_DAYS):
        reasons.append(_("A key lives at most %(days)d days.") % {"days": settings.API_TOKEN_MAX_DAYS})
    if reasons:
        raise Refusal(reasons, rule=APP_RULE)
    prefix = secrets.token_hex(PREFIX_BYTES)
    raw = f"pdv_{prefix}_{secrets.token_urlsafe(32)}"
    end = dt.datetime.combine(expires_on + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone())
    token = ApiToken(user=user, name=name[:80], prefix=prefix, digest=digest(raw), expires_at=end)
    token._history_user = user
    token.save()
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke one of the actor's own keys (an administrator may revoke anyone's)."""
    if token.user_id != actor.pk and not actor.is_superuser:
        raise Refusal(_("Only the owner of a key revokes it."), rule=APP_RULE)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token._history_user = actor
        token.save(update_fields=["revoked_at"])
    return token


def token_used(*, token: ApiToken) -> None:
    """Note when a key was last used, at most once a minute (no history row)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def idempotent_find(*, user, key: str, endpoint: str) -> IdempotentResponse | None:
    since = timezone.now() - dt.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    return IdempotentResponse.objects.filter(user=user, key=key, endpoint=endpoint, created_at__gte=since).first()


def idempotent_remember(*, user, key: str, endpoint: str, request_hash: str, status: int, body) -> None:
    """Keep the answer; an expired answer under the same key gives way. Two requests racing with
    one key: the first answer kept stays."""
    since = timezone.now() - dt.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    try:
        with transaction.atomic():
            IdempotentResponse.objects.filter(user=user, key=key, endpoint=endpoint, created_at__lt=since).delete()
            IdempotentResponse.objects.create(user=user, key=key, endpoint=endpoint, request_hash=request_hash,
                                              status=status, body=body)
    except IntegrityError:
        pass
