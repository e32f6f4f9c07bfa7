"""The dossier bundle: a cover, a table of contents, then every issued document and scan in the
order of domain.md §5.4; many dossiers at once in a background job with its progress page."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from builders.templates import dossier_copy
from documents import services
from documents.bundle import bundle_entries, bundle_pdf
from documents.catalogue import BUNDLE_SECTIONS
from documents.models import BundleJob, JobStatus
from dossiers.models import State

from .factories import dossier_in_state, pdf_text, scan_pdf, scan_png


@pytest.fixture
def recognized(cell_a, secretary_a):
    d = dossier_copy(State.RECOGNIZED, cell=cell_a, actor=secretary_a)
    # Issued out of order on purpose: the bundle orders them.
    for code in ["16-KNĐ", "9-KNĐ", "6-KNĐ", "13-KNĐ", "5-KNĐ"]:
        services.document_issue(dossier=d, form=code, actor=secretary_a, options={"signer": "Lê Văn Ký"})
    for step, content in [("decide_admission", scan_pdf()), ("record_application", scan_png()),
                          ("complete_training", scan_png(800, 600))]:
        services.scan_upload(dossier=d, step=step, upload=SimpleUploadedFile(f"{step}.bin", content),
                             actor=secretary_a)
    return d


def test_the_documents_follow_the_order_of_the_completeness_gate(recognized):
    order = [key for key, _title, _forms in BUNDLE_SECTIONS]
    sections = [e.section for e in bundle_entries(recognized)]
    assert sections == ["CN-NTVĐ", "1-KNĐ", "5-KNĐ", "6-KNĐ", "9-KNĐ", "9-KNĐ", "13-KNĐ", "16-KNĐ"]
    assert sections == sorted(sections, key=order.index)
    nine = [e.kind for e in bundle_entries(recognized) if e.section == "9-KNĐ"]
    assert nine == ["issued", "scan"]


def test_the_bundle_has_a_cover_a_table_of_contents_and_every_page(recognized):
    pdf = bundle_pdf(dossier=recognized)
    reader = PdfReader(io.BytesIO(pdf))
    entries = bundle_entries(recognized)
    content_pages = sum(len(PdfReader(io.BytesIO(e.content)).pages) if e.content_type == "application/pdf" else 1
                        for e in entries)
    cover = pdf_text(pdf, page=0)
    assert "HỒ SƠ ĐỀ NGHỊ KẾT NẠP ĐẢNG VIÊN" in cover and recognized.candidate.full_name.upper() in cover
    toc = pdf_text(pdf, page=1)
    assert "MỤC LỤC" in toc and "Quyết định kết nạp đảng viên (9-KNĐ)" in toc
    assert len(reader.pages) == 2 + content_pages
    assert [item.title.split(" (")[0] for item in reader.outline][2:4] == [
        "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng bản chụp có chữ ký: complete_training.bin",
        "Đơn xin vào Đảng"]


def test_image_scans_become_a4_pages(recognized):
    reader = PdfReader(io.BytesIO(bundle_pdf(dossier=recognized)))
    first_scan = reader.pages[2]
    assert round(float(first_scan.mediabox.width)) == 595 and round(float(first_scan.mediabox.height)) == 842


def test_the_table_of_contents_points_at_each_documents_first_page(recognized):
    pdf = bundle_pdf(dossier=recognized)
    reader = PdfReader(io.BytesIO(pdf))
    nine = next(item for item in reader.outline if item.title.startswith("Quyết định kết nạp đảng viên (9-KNĐ) số"))
    page = reader.get_destination_page_number(nine)
    assert "QUYẾT ĐỊNH" in pdf_text(pdf, page=page) and "Kết nạp đảng viên" in pdf_text(pdf, page=page)
    assert "số 90-QĐ/HU" in pdf_text(pdf, page=1)


def test_a_batch_of_bundles_runs_in_the_background_and_shows_its_progress(
        client, recognized, secretary_a, cell_a, immediate_tasks, django_capture_on_commit_callbacks):
    other = dossier_in_state(State.HIGHER_APPROVAL, cell=cell_a, actor=secretary_a)
    client.force_login(secretary_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:index"), {"dossiers": [recognized.pk, other.pk]})
    job = BundleJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("documents:batch", args=[job.pk])
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 2, 2) and job.task_id
    page = client.get(reverse("documents:batch", args=[job.pk]))
    assert page.status_code == 200 and "2 / 2" not in page.content.decode() and 'value="2"' in page.content.decode()
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("documents:batch_download", args=[job.pk])).content))
    assert len(archive.namelist()) == 2
    assert all(name.endswith(".pdf") for name in archive.namelist())


def test_a_batch_takes_only_dossiers_in_the_users_scope(client, cell_b, secretary_a, secretary_b, immediate_tasks,
                                                         django_capture_on_commit_callbacks):
    theirs = dossier_in_state(State.HIGHER_APPROVAL, cell=cell_b, actor=secretary_b)
    client.force_login(secretary_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("documents:index"), {"dossiers": [theirs.pk]})
    assert not BundleJob.objects.exists()


def test_someone_elses_batch_is_not_found(client, secretary_a, secretary_b, immediate_tasks):
    job = BundleJob.objects.create(created_by=secretary_a, dossier_ids=[], total=0)
    client.force_login(secretary_b)
    assert client.get(reverse("documents:batch", args=[job.pk])).status_code == 404
