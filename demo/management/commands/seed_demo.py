"""`manage.py seed_demo`: the demo district, its logins and about 300 dossiers (dossiers.demo)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils.translation import gettext as _

from demo import builder as demo
from dossiers.models import Dossier, Organization, PartyMember, State


class Command(BaseCommand):
    help = "Create the demo data (Vụ Bản district, demo logins, dossiers in every state); safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0,
                            help="share of the ~300 dossiers to build (tests build fewer); every state keeps some")

    def handle(self, *args, scale: float = 1.0, **options):
        if demo.demo_exists():
            demo.ensure_demo_devices()  # a demo seeded before issue 18 gets its second factor too
            self.stdout.write(_("The demo data is already there (%(district)s); nothing was changed.")
                              % {"district": demo.DISTRICT_NAME})
            return
        self.stdout.write(_("Building the demo data, this takes a little while…"))
        started = time.monotonic()
        dossiers = demo.build(scale=scale)
        if dossiers is None:  # another process seeded in the meantime
            self.stdout.write(_("The demo data is already there (%(district)s); nothing was changed.")
                              % {"district": demo.DISTRICT_NAME})
            return
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            _("Demo data created in %(seconds).1f s: %(orgs)d organisations, %(members)d party members, "
              "%(dossiers)d dossiers.") % {
                "seconds": seconds, "orgs": Organization.objects.count(),
                "members": PartyMember.objects.count(), "dossiers": len(dossiers)}
        ))
        counts = dict(Dossier.objects.values_list("state").annotate(n=Count("id")))
        self.stdout.write(_("Dossiers by state:"))
        for state in State:
            self.stdout.write(f"  {counts.get(state.value, 0):>4}  {state.label}")
        self.stdout.write(_("Run “manage.py demo_logins” to see the demo accounts."))
