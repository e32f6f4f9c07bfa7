"""The menu of every page, drawn once and kept.

Which entries a user sees follows from his roles and permissions only (`entries`, two queries:
roles and scope). They are kept in the shared cache under the user's version
(`permissions.user_version`: a grant, a revocation, a mentor's assignment makes a new one), so most
pages read them with no query at all. The menu's HTML depends on nothing but those entries, the
staff flag and the language: it is rendered once per such combination and kept in this process
(a handful of combinations, and no user's data in them). What changes from one request to the next
goes into its slots: the task badge (`workflows.badge`: kept until one of the user's tasks changes,
or the inbox page's own count), the CSRF token and the address the language switch returns to.
"""

from __future__ import annotations

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext

from exports import access as export_access
from imports.scope import may_import, may_see_records
from permissions import roles
from permissions.scoping import holds
from permissions.user_version import TIMEOUT, current, enabled
from reports import access as report_access
from workflows import badge as task_badge
from workflows.selectors import follows_up

from . import access

ENTRIES = ("follows_up", "may_create_dossier", "manage_roles", "read_access_log", "may_see_stats", "may_export",
           "may_read_export_log", "sees_imports")

# Filled in after the kept HTML is copied: letters only, which escaping leaves as they are.
BADGE_SLOT = "WEBMENUSLOTBADGE"
CSRF_SLOT = "WEBMENUSLOTCSRF"
NEXT_SLOT = "WEBMENUSLOTNEXT"

_rendered: dict[tuple, str] = {}
_RENDERED_MAX = 256  # combinations of entries × staff × language: far fewer in practice


def _compute(user) -> tuple[bool, ...]:
    return (
        follows_up(user),
        access.may_create_dossier(user),
        holds(user, roles.MANAGE_ROLES),
        holds(user, roles.READ_LOG),
        report_access.may_see_stats(user),
        export_access.may_export(user),
        export_access.may_read_log(user),
        may_import(user) or may_see_records(user),
    )


def _entries_key(user_id: int) -> str:
    return f"menu-entries:{user_id}"


def entries(user, kept: dict | None = None) -> dict[str, bool]:
    """{entry: shown} for this user; from the cache while his version and superuser flag hold
    (`kept`: the cache's keys read by the caller just now)."""
    version = current(user)
    stamp = (version, user.is_superuser)
    key = _entries_key(user.pk)
    if version is not None:
        found = cache.get(key) if kept is None else kept.get(key)
        if found is not None and found[0] == stamp:
            return dict(zip(ENTRIES, found[1], strict=True))
    shown = _compute(user)
    if version is not None:
        cache.set(key, (stamp, shown), TIMEOUT)
    return dict(zip(ENTRIES, shown, strict=True))


def open_task_count(request, kept: dict | None = None) -> int:
    """Open tasks in the user's inbox: the inbox page's own count, or the kept one
    (`workflows.badge`)."""
    if not hasattr(request, "_open_task_count"):
        request._open_task_count = task_badge.open_task_count(request.user, kept)
    return request._open_task_count


def badge(count: int) -> str:
    if not count:
        return ""
    label = ngettext("%(counter)s open task", "%(counter)s open tasks", count) % {"counter": count}
    return format_html(' <span class="web-state web-state--branch_vote web-badge" aria-label="{}">{}</span>',
                       label, count)


def _skeleton(shown: dict[str, bool], is_staff: bool) -> str:
    key = (tuple(shown.values()), is_staff, get_language(), get_script_prefix())
    html = _rendered.get(key)
    if html is None:
        html = render_to_string("web/menu_body.html", {
            "menu": shown, "is_staff": is_staff, "badge": mark_safe(BADGE_SLOT),  # noqa: S308 - a constant
            "csrf_token": CSRF_SLOT, "next": mark_safe(NEXT_SLOT),  # noqa: S308 - a constant
        })
        if len(_rendered) >= _RENDERED_MAX:
            _rendered.clear()
        _rendered[key] = html
    return html


def render(request, csrf_token=None) -> SafeString:
    """The menu for this request's user. `csrf_token`: the page's own (its context's lazy value),
    so that the token is masked once per page, not once per form."""
    user = request.user
    # The entries and the badge read from the cache in one round trip (Redis: one, not two).
    kept = cache.get_many([_entries_key(user.pk), *task_badge.keys(user.pk)]) if enabled() else None
    html = _skeleton(entries(user, kept), user.is_staff)
    html = (html.replace(BADGE_SLOT, badge(open_task_count(request, kept)))
            .replace(CSRF_SLOT, escape(str(csrf_token or get_token(request))))
            .replace(NEXT_SLOT, escape(request.get_full_path())))
    return mark_safe(html)  # noqa: S308 - rendered by the template, the slots escaped
