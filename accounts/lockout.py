"""django-axes, made to speak Vietnamese: the client's address behind a proxy, the lockout page
saying until when, and the logins locked right now (for the unlock page)."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.formatting import vn_date


def client_username(request, credentials=None) -> str | None:
    """The login name attempts are counted under (axes' AXES_USERNAME_CALLABLE): what was typed, cut
    to the longest login name there is and without NUL characters, so that any bytes posted to the
    login page are counted and refused instead of failing to be stored (PostgreSQL: varchar(255),
    no NUL)."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    name = source.get(settings.AXES_USERNAME_FORM_FIELD) if source else None
    if name is None:
        return None
    limit = get_user_model()._meta.get_field("username").max_length
    return str(name).replace("\x00", "")[:limit]


def client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address of the client. Behind LOGIN_TRUSTED_PROXIES reverse
    proxies, each of which appends the address it saw to X-Forwarded-For, the client is that many
    entries from the right (entries further left are whatever the client sent, and are ignored)."""
    remote = request.META.get("REMOTE_ADDR")
    hops = settings.LOGIN_TRUSTED_PROXIES
    if hops > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


def vn_moment(moment: dt.datetime) -> str:
    """"23 giờ 40 ngày 05 tháng 12 năm 2026" (local time), as a letter writes a time and a day."""
    local = timezone.localtime(moment)
    return f"{local:%H} giờ {local:%M} {vn_date(local.date())}"


def cool_off() -> dt.timedelta:
    return get_cool_off() or dt.timedelta(0)


def _failure_limit() -> int:
    limit = settings.AXES_FAILURE_LIMIT
    return limit if isinstance(limit, int) else 0


def locked_until(*, username: str | None = None, ip: str | None = None) -> dt.datetime | None:
    """When the lockout of this login name or address ends (its last failure + the cool-off), or
    None when neither is locked."""
    limit, wait = _failure_limit(), cool_off()
    since = timezone.now() - wait
    ends = []
    for field, value in (("username", username), ("ip_address", ip)):
        if not value:
            continue
        row = AccessAttempt.objects.filter(**{field: value}, attempt_time__gte=since).aggregate(
            failures=Sum("failures_since_start"), last=Max("attempt_time"))
        if limit and row["failures"] and row["failures"] >= limit:
            ends.append(row["last"] + wait)
    return max(ends) if ends else None


def lockout_message(until: dt.datetime | None, limit: int) -> str:
    if until is None:
        return _("Too many failed logins: this login is locked for a while. Ask your organisation board "
                 "to unlock it sooner.")
    return _("Too many failed logins (%(limit)d): this login is locked until %(until)s. Ask your "
             "organisation board to unlock it sooner.") % {"limit": limit, "until": vn_moment(until)}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page again, with the reason and the end of the lockout. The
    form is not bound, so nothing is authenticated again; a correct password changes nothing."""
    username = get_client_username(request, credentials)
    until = locked_until(username=username, ip=getattr(request, "axes_ip_address", None) or client_ip(request))
    context = {
        "form": AuthenticationForm(request, initial={"username": username or ""}),
        "lockout": lockout_message(until, get_failure_limit(request, credentials)),
        "next": request.POST.get("next", request.GET.get("next", "")),
    }
    return render(request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


@dataclass
class LockedLogin:
    value: str  # a login name or an address
    failures: int
    until: dt.datetime


def locked_logins(field: str) -> list[LockedLogin]:
    """The login names (field="username") or addresses (field="ip_address") locked right now."""
    limit, wait = _failure_limit(), cool_off()
    rows = (AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - wait).exclude(**{f"{field}__isnull": True})
            .values(field).annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=max(limit, 1)).order_by("-last"))
    return [LockedLogin(row[field], row["failures"], row["last"] + wait) for row in rows]
