"""`manage.py bench_documents` prints the time of one form and of a 15-document bundle."""

from io import StringIO

from django.core.management import call_command

from documents.models import IssuedDocument, SignedScan
from dossiers.models import State

from .factories import dossier_in_state


def test_the_bench_command_reports_a_form_and_a_bundle_and_keeps_nothing(cell_a, secretary_a):
    d = dossier_in_state(State.RECOGNIZED, cell=cell_a, actor=secretary_a)
    out = StringIO()
    call_command("bench_documents", dossier=d.pk, repeat=1, stdout=out)
    text = out.getvalue()
    assert "one form (6-KNĐ)" in text and "bundle of 15 documents" in text
    assert not IssuedDocument.objects.exists() and not SignedScan.objects.exists()
