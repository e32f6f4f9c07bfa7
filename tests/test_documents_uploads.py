"""Signed scans: PDF, JPEG or PNG only, recognised from their bytes (not their name), at most
UPLOAD_MAX_BYTES, attached to the step they prove; a refusal stores nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from builders.templates import dossier_copy
from documents import services
from documents.models import SignedScan
from documents.sniffing import sniff
from dossiers.models import State

from .factories import dossier_in_state, scan_jpeg, scan_pdf, scan_png


@pytest.fixture
def dossier(cell_a, secretary_a):
    return dossier_copy(State.HIGHER_APPROVAL, cell=cell_a, actor=secretary_a)


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("nghi-quyet.pdf", scan_pdf(), "application/pdf"),
    ("nghi-quyet.jpg", scan_jpeg(), "image/jpeg"),
    ("nghi-quyet.png", scan_png(), "image/png"),
])
def test_pdf_jpeg_and_png_scans_are_stored_with_their_sniffed_type_and_hash(dossier, secretary_a, name, content, kind):
    scan = services.scan_upload(dossier=dossier, step="record_branch_vote", upload=upload(name, content),
                                actor=secretary_a)
    assert scan.content_type == kind and scan.section == "6-KNĐ"
    assert bytes(scan.content) == content and scan.size == len(content) and len(scan.sha256) == 64


def test_the_type_comes_from_the_content_not_the_name(dossier, secretary_a):
    scan = services.scan_upload(dossier=dossier, step="record_branch_vote",
                                upload=upload("anh-chup.pdf", scan_png(), "application/pdf"), actor=secretary_a)
    assert scan.content_type == "image/png"


@pytest.mark.parametrize(("name", "content"), [
    ("virus.pdf", b"MZ\x90\x00 this is an executable"),
    ("trang.png", b"<html><body>not an image</body></html>"),
    ("bang.docx", b"PK\x03\x04 word document"),
])
def test_other_files_are_refused_whatever_their_name_and_nothing_is_stored(dossier, secretary_a, name, content):
    with translation.override("en"), pytest.raises(services.Refusal) as exc:
        services.scan_upload(dossier=dossier, step="record_branch_vote", upload=upload(name, content),
                             actor=secretary_a)
    assert "Only PDF, JPEG or PNG" in exc.value.reasons[0]
    assert not SignedScan.objects.exists()


def test_a_damaged_file_with_the_right_magic_bytes_is_refused(dossier, secretary_a):
    with translation.override("en"), pytest.raises(services.Refusal) as exc:
        services.scan_upload(dossier=dossier, step="record_branch_vote",
                             upload=upload("hong.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50), actor=secretary_a)
    assert "cannot be opened" in exc.value.reasons[0]
    assert not SignedScan.objects.exists()


def test_the_size_limit_comes_from_the_settings(dossier, secretary_a, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    with translation.override("en"), pytest.raises(services.Refusal) as exc:
        services.scan_upload(dossier=dossier, step="record_branch_vote", upload=upload("to.png", scan_png(2000, 2000)),
                             actor=secretary_a)
    assert "the limit is 0,001 MB" in exc.value.reasons[0]
    assert not SignedScan.objects.exists()


def test_the_default_limit_is_ten_megabytes(settings):
    from config import settings as project_settings

    assert project_settings.UPLOAD_MAX_BYTES == 10 * 1024 * 1024


def test_an_empty_file_and_an_unknown_step_are_refused(dossier, secretary_a):
    with pytest.raises(services.Refusal):
        services.scan_upload(dossier=dossier, step="record_branch_vote", upload=upload("x.pdf", b""), actor=secretary_a)
    with pytest.raises(services.Refusal):
        services.scan_upload(dossier=dossier, step="no_such_step", upload=upload("x.pdf", scan_pdf()),
                             actor=secretary_a)
    assert not SignedScan.objects.exists()


def test_opinions_scanned_during_probation_belong_to_the_12_knd(cell_a, secretary_a):
    d = dossier_in_state(State.PROBATION, cell=cell_a, actor=secretary_a)
    scan = services.scan_upload(dossier=d, step="record_opinions", upload=upload("y-kien.pdf", scan_pdf()),
                                actor=secretary_a)
    assert scan.section == "12-KNĐ"


def test_sniffing_knows_the_three_signatures():
    assert sniff(b"%PDF-1.7\n") == "application/pdf"
    assert sniff(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff(b"\x89PNG\r\n\x1a\n") == "image/png"
    assert sniff(b"GIF89a") is None
