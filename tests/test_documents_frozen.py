"""Issued documents are frozen: the PDF, its SHA-256, its number and the data it was made from;
later edits never change it; a re-issue is a new version beside the old one."""

import hashlib

import pytest

from builders.templates import dossier_copy
from documents import services
from documents.models import IssuedDocument
from dossiers.models import Candidate, State

from .factories import pdf_text


@pytest.fixture
def recognized(cell_a, secretary_a):
    return dossier_copy(State.RECOGNIZED, cell=cell_a, actor=secretary_a)


def test_rendering_the_same_issued_document_twice_gives_the_same_text_and_bytes(recognized, approver):
    doc = services.document_issue(dossier=recognized, form="9-KNĐ", actor=approver)
    again = services.document_rerender(document=doc)
    assert pdf_text(again) == pdf_text(doc.pdf)
    assert again == bytes(doc.pdf)


def test_the_stored_hash_verifies_and_detects_a_changed_byte(recognized, approver):
    doc = services.document_issue(dossier=recognized, form="9-KNĐ", actor=approver)
    stored = IssuedDocument.objects.get(pk=doc.pk)
    assert stored.verify() and stored.sha256 == hashlib.sha256(bytes(stored.pdf)).hexdigest()
    assert stored.size == len(bytes(stored.pdf))
    tampered = bytearray(stored.pdf)
    tampered[-20] ^= 1
    stored.pdf = bytes(tampered)
    assert not stored.verify()


def test_the_pdf_carries_the_issue_time_as_its_creation_date(recognized, approver):
    import io

    from pypdf import PdfReader

    doc = services.document_issue(dossier=recognized, form="9-KNĐ", actor=approver)
    meta = PdfReader(io.BytesIO(bytes(doc.pdf))).metadata
    assert meta.creation_date is not None
    assert meta.creation_date.replace(tzinfo=None) == doc.issued_at.astimezone(meta.creation_date.tzinfo).replace(tzinfo=None)


def test_later_edits_to_the_dossier_do_not_change_an_issued_document(recognized, approver):
    doc = services.document_issue(dossier=recognized, form="9-KNĐ", actor=approver)
    old_name = recognized.candidate.full_name
    Candidate.objects.filter(pk=recognized.candidate_id).update(full_name="Hoàng Thị Đổi Tên")
    stored = IssuedDocument.objects.get(pk=doc.pk)
    assert old_name in pdf_text(stored.pdf) and "Đổi Tên" not in pdf_text(stored.pdf)
    assert stored.data["candidate"]["name"] == old_name
    assert old_name in pdf_text(services.document_rerender(document=stored))


def test_a_reissue_is_a_new_version_and_the_old_one_stays(recognized, approver):
    first = services.document_issue(dossier=recognized, form="9-KNĐ", actor=approver)
    Candidate.objects.filter(pk=recognized.candidate_id).update(full_name="Hoàng Thị Sửa Tên")
    recognized.candidate.refresh_from_db()
    second = services.document_issue(dossier=recognized, form="9-KNĐ", actor=approver, reason="Sửa họ tên")
    versions = list(IssuedDocument.objects.filter(dossier=recognized, form_code="9-KNĐ").order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].sha256 == first.sha256 and versions[1].sha256 == second.sha256
    assert second.number == first.number
    assert "HOÀNG THỊ SỬA TÊN" not in pdf_text(versions[0].pdf)
    assert "Hoàng Thị Sửa Tên" in pdf_text(versions[1].pdf)


def test_issued_documents_cannot_be_edited_or_deleted(recognized, approver):
    doc = services.document_issue(dossier=recognized, form="9-KNĐ", actor=approver)
    doc.number = "999-QĐ/HU"
    with pytest.raises(PermissionError):
        doc.save()
    with pytest.raises(PermissionError):
        doc.delete()
    assert IssuedDocument.objects.get(pk=doc.pk).number != "999-QĐ/HU"
