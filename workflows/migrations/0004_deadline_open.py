# Issue 7: open deadlines apart from those of finished tasks, for the follow-up lists and the sweep.

from django.db import migrations, models

OPEN_STATUSES = ["NEW", "ASSIGNED", "STARTED"]


def close_finished(apps, schema_editor):
    """Deadlines of tasks already done or cancelled are closed (an existing database)."""
    TaskDeadline = apps.get_model("workflows", "TaskDeadline")
    TaskDeadline.objects.exclude(task__status__in=OPEN_STATUSES).update(is_open=False)


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0003_scale_indexes'),
        ('viewflow', '0015_task_scheduled'),
        ('workflows', '0003_scale_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='taskdeadline',
            name='is_open',
            field=models.BooleanField(default=True, verbose_name='open'),
        ),
        migrations.RunPython(close_finished, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='taskdeadline',
            index=models.Index(condition=models.Q(('is_open', True)), fields=['due_on', 'task'], name='deadline_open_due'),
        ),
        migrations.AddIndex(
            model_name='taskdeadline',
            index=models.Index(condition=models.Q(('is_open', True)), fields=['dossier'], name='deadline_open_dossier'),
        ),
    ]
