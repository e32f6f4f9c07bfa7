"""`manage.py demo_logins`: the demo accounts, as a plain-text table for the terminal."""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.second_factor import REQUIRED_ROLES
from demo.builder import DEMO_USERS
from dossiers.formatting import vn_name
from permissions.models import RoleAssignment


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *(line(row) for row in rows)]


class Command(BaseCommand):
    help = "Print the demo logins (username, password, role, organisation) and the address to open."

    def handle(self, *args, **options):
        users = {
            u.username: u for u in get_user_model().objects.filter(username__in=[s.username for s in DEMO_USERS])
        }
        if not users:
            self.stdout.write(_("There are no demo accounts yet: run “manage.py seed_demo” first."))
            return
        assignments = (RoleAssignment.objects.filter(user__in=users.values(), revoked_at__isnull=True)
                       .select_related("organization").order_by("id"))
        by_user: dict[int, list[RoleAssignment]] = {}
        for assignment in assignments:
            by_user.setdefault(assignment.user_id, []).append(assignment)
        rows = []
        with translation.override("vi"):  # the roles as users know them (glossary.md)
            for spec in DEMO_USERS:
                user = users.get(spec.username)
                if user is None:
                    continue
                held = by_user.get(user.pk, [])
                rows.append([
                    user.username,
                    settings.DEMO_PASSWORD,
                    vn_name(user),
                    ", ".join(str(a.get_role_display()) for a in held) or "—",
                    ", ".join(a.organization.name for a in held) or "—",
                ])
        header = [pgettext("demo logins", "Username"), pgettext("demo logins", "Password"),
                  pgettext("demo logins", "Name"), pgettext("demo logins", "Role"),
                  pgettext("demo logins", "Organisation")]
        port = os.environ.get("PORT", "").strip() or "8000"
        self.stdout.write(_("Demo accounts"))
        self.stdout.write("")
        for text in table(header, rows):
            self.stdout.write(text)
        self.stdout.write("")
        self.stdout.write(_("Open %(url)s and sign in with one of these accounts.")
                          % {"url": f"http://127.0.0.1:{port}/"})
        if settings.DEBUG and settings.DEMO_OTP_CODE:
            needing = ", ".join(spec.username for spec in DEMO_USERS if spec.role in REQUIRED_ROLES)
            self.stdout.write(_("Two-step verification (%(users)s): enter the demo code %(code)s after the "
                                "password. It works only while DEBUG is on.")
                              % {"users": needing, "code": settings.DEMO_OTP_CODE})
