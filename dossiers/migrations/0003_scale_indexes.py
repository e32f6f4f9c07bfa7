"""Indexes for national scale (issue 7, `manage.py bench`).

- history_dossier_effective: a dossier's latest history row by effective date — the list's "last
  change" column (one probe per row instead of sorting the dossier's history) and the statistics'
  state-on-a-date subquery.
- dossier_state_spotted: the dossier list filtered by state in its default order (newest on the
  source list first): the first page is read in index order.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0002_organization_permissions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossierhistory",
            index=models.Index(models.F("dossier"), models.F("effective_on").desc(), models.F("id").desc(),
                               name="history_dossier_effective"),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(models.F("state"), models.F("spotted_on").desc(), models.F("id").desc(),
                               name="dossier_state_spotted"),
        ),
    ]
