"""`manage.py seed_quotas`: admission quotas for the demo district, this year and last (reports.demo)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from demo import quotas as demo


class Command(BaseCommand):
    help = "Set admission quotas for the demo district for this year and last year; safe to run twice."

    def handle(self, *args, **options):
        try:
            outcome = demo.seed()
        except LookupError:
            raise CommandError(_("The demo data is missing: run “manage.py seed_demo” first.")) from None
        self.stdout.write(self.style.SUCCESS(
            _("Demo quotas: %(created)d set, %(changed)d changed, %(unchanged)d already in place.") % {
                "created": outcome.created, "changed": outcome.changed, "unchanged": outcome.unchanged}
        ))
