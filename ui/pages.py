"""The shell of every page: viewflow's site and menu around it, logged-in users only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin


def attach_site(request) -> None:
    """Copy viewflow's site/app/viewset from the URL resolver onto `request.resolver_match`, as
    `viewflow.middleware.SiteMiddleware` would: the shell's menu reads them from there."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in getattr(match.url_name, "extra", {}).items():
            setattr(match, name, value)


class PageMixin(AccessMixin):
    """Logged-in users only (others go to the login page), inside viewflow's shell. `prepare()`
    loads what the page is about and refuses (404, 403) before any handler runs."""

    def dispatch(self, request, *args, **kwargs):
        attach_site(request)
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.prepare(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def prepare(self, request, *args, **kwargs) -> None:
        pass


def errors_as_messages(request, form) -> None:
    """A small form posted from a page that shows no form of its own (a button with a date): its
    errors become the page's messages."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def posted_id(raw) -> int:
    """A row id posted by a page's form; 0 (which no row has) for anything else: text, a negative
    or fractional number, one too big for the database (the fuzz of issue 18 §5 posts them all)."""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else 0
