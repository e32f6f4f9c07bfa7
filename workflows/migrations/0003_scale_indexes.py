"""Partial indexes on viewflow's task table for national scale (issue 7, `manage.py bench`).

viewflow's own indexes (status, owner, process) each match millions of rows once the finished
tasks pile up (~20 per case, 15-20 million for five years of a country). The pages read only
the open human tasks, a few percent of them:

- task_open_human_process: the open human tasks of a process — the queue and the overdue list
  reach them from the dossiers in scope (dossier → process → its open tasks).
- task_held_owner: the tasks a user holds (ASSIGNED, STARTED) — the inbox and the menu's badge.

The viewflow models belong to another app, so the indexes are plain SQL (the same on SQLite).
"""

from django.db import migrations

OPEN = "('NEW', 'ASSIGNED', 'STARTED')"
HELD = "('ASSIGNED', 'STARTED')"


class Migration(migrations.Migration):
    dependencies = [
        ("viewflow", "0015_task_scheduled"),
        ("workflows", "0002_evaluation_process"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS task_open_human_process ON viewflow_task (process_id) "
            f"WHERE status IN {OPEN} AND flow_task_type = 'HUMAN'",
            "DROP INDEX IF EXISTS task_open_human_process",
        ),
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS task_held_owner ON viewflow_task (owner_id) WHERE status IN {HELD}",
            "DROP INDEX IF EXISTS task_held_owner",
        ),
    ]
