"""The bench's case, SpiffWorkflow and PDF measurements run in a transaction rolled back: a bench
run on a real database leaves no case, task, document or serialised workflow behind."""

from types import SimpleNamespace

import pytest
from django.db import connection
from viewflow.workflow.models import Process, Task

from bench import measure, spiff
from documents.models import IssuedDocument, SignedScan
from dossiers.models import Dossier


@pytest.fixture
def subjects(cell_a, secretary_a):
    # secretary of cell A: the bench's measured user, as measure.subjects() gives on the data set
    return SimpleNamespace(cell=cell_a, secretary=secretary_a)


@pytest.mark.django_db
def test_the_case_rate_is_measured_and_no_case_is_kept(subjects):
    rate, task_ms = measure.case_rate(subjects, 1)
    assert rate > 0 and task_ms > 0
    assert not Dossier.objects.exists()
    assert not Process.objects.exists() and not Task.objects.exists()


@pytest.mark.django_db
def test_the_spiff_rate_walks_the_same_steps_and_keeps_no_workflow():
    rate, order = spiff.cases_per_second(1)
    assert rate > 0 and len(order) == 19
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {spiff.TABLE}")
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_the_pdf_times_are_measured_and_no_document_is_kept(subjects):
    form_s, bundle_s, floor_s = measure.pdf_times(subjects, repeat=1)
    assert form_s > 0 and bundle_s > 0 and floor_s > 0
    assert not Dossier.objects.exists()
    assert not IssuedDocument.objects.exists() and not SignedScan.objects.exists()
