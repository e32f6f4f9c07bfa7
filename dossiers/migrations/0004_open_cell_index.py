# Issue 7: "Hết nguồn" (no candidate before admission) by one index probe per organisation.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0003_scale_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(condition=models.Q(('state__in', ['spotted', 'training', 'mentoring', 'branch_vote', 'higher_approval'])), fields=['cell'], name='dossier_open_cell'),
        ),
    ]
