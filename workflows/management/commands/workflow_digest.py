"""Daily, from cron: one email per user with open tasks — the inbox, overdue first, and the size
of the queue.

    python manage.py workflow_digest [--today YYYY-MM-DD]
"""

import datetime as dt

from django.core.management.base import BaseCommand

from workflows.notify import digest


class Command(BaseCommand):
    help = "Email each user the list of their open workflow tasks."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="The date of the digest (YYYY-MM-DD); default today.")

    def handle(self, *args, today=None, **options):
        self.stdout.write(f"{digest(today)} digest(s) sent")
