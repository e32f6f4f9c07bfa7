"""Issue 21: the admission profile keeps its dossier's cell, so the report's structure counts a
subtree's admissions from the profiles and the organisations alone (the province report's structure
query read every dossier of the province to find their cells: 70 ms of its ~150)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_cells(apps, schema_editor):
    Profile = apps.get_model("reports", "AdmissionProfile")
    Dossier = apps.get_model("dossiers", "Dossier")
    Profile.objects.update(cell=Subquery(Dossier.objects.filter(pk=OuterRef("dossier")).values("cell")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0008_member_card_number"),
        ("reports", "0002_admission_profile"),
    ]

    operations = [
        migrations.AddField(
            model_name="admissionprofile",
            name="cell",
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="dossiers.organization", verbose_name="cell"),
        ),
        migrations.RunPython(fill_cells, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="admissionprofile",
            name="cell",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="dossiers.organization", verbose_name="cell"),
        ),
        migrations.RemoveIndex(model_name="admissionprofile", name="profile_decision"),
        migrations.AddIndex(
            model_name="admissionprofile",
            index=models.Index(fields=["decision_date"], include=("ceremony_date", "age", "traits", "cell"),
                               name="profile_decision"),
        ),
        migrations.AddIndex(
            model_name="admissionprofile",
            index=models.Index(fields=["cell", "decision_date"], include=("ceremony_date", "age", "traits"),
                               name="profile_cell_decision"),
        ),
    ]
