"""Daily, from cron: start the missing periodic evaluations, mark the overdue tasks, notify and
escalate. Idempotent: running it twice the same day notifies nobody twice.

    python manage.py workflow_sweep [--today YYYY-MM-DD]

The flows have no timer nodes, so viewflow's `workflow_timers` has nothing to do for them.
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand

from workflows.notify import sweep


class Command(BaseCommand):
    help = "Mark overdue workflow tasks, notify their holders, escalate, start missing evaluations."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="The date to sweep as (YYYY-MM-DD); default today.")

    def handle(self, *args, today=None, **options):
        began = time.perf_counter()
        result = sweep(today)
        self.stdout.write(
            f"{result.evaluations_started} evaluation(s) started, {result.marked_overdue} task(s) overdue, "
            f"{result.escalated} escalated, {result.notices} notice(s), {result.emails} email(s) "
            f"in {time.perf_counter() - began:.2f}s"
        )
