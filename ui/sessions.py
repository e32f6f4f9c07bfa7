"""A session ends after a while without a request (issue 18 §3: political personal data on a shared
office computer). Django's own SESSION_SAVE_EVERY_REQUEST would write the session on every page; the
last request is kept in the session instead and written at most once a minute."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

LAST_SEEN = "_last_seen"


def mark_login(sender, request, user, **kwargs) -> None:
    """At login the idle clock starts (receiver of `user_logged_in`): the first page writes nothing."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


def idle_for(request, now: int) -> int | None:
    seen = request.session.get(LAST_SEEN)
    return None if not isinstance(seen, int) else now - seen


class IdleSessionMiddleware:
    """After SESSION_IDLE_MINUTES without a request the user is logged out and sent to the login
    page with the reason; the page asked for is kept as `next`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            idle = idle_for(request, now)
            limit = settings.SESSION_IDLE_MINUTES * 60
            if idle is not None and idle > limit:
                logout(request)
                messages.warning(request, _(
                    "Your session has ended after %(minutes)d minutes without activity. Please log in again."
                ) % {"minutes": settings.SESSION_IDLE_MINUTES})
                return redirect_to_login(request.get_full_path())
            if idle is None or idle >= settings.SESSION_IDLE_REFRESH_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
