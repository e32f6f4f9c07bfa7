"""Every form of the process renders from a dossier built through the services: header, number,
Vietnamese date line, names with diacritics and the signature block (issue 5, "Done when")."""

import datetime as dt

import pytest
from django.utils import translation

from builders.templates import dossier_copy
from documents import services
from documents.catalogue import BY_CODE, FORMS
from dossiers.formatting import vn_date
from dossiers.models import ActKind, Dossier, Organization, State

from .factories import (
    dossier_in_state,
    dossier_removed,
    dossier_with_union_resolution,
    org_tree,
    pdf_text,
)

PARTY_HEADING = "ĐẢNG CỘNG SẢN VIỆT NAM"


@pytest.fixture
def recognized(cell_a, secretary_a):
    # A copy of the recognised template: the documents read the dossier's own rows only.
    return dossier_copy(State.RECOGNIZED, cell=cell_a, actor=secretary_a)


def issue_text(dossier, code, actor, subject=""):
    doc = services.document_issue(dossier=dossier, form=code, actor=actor, subject=subject,
                                  options={"signer": "Lê Văn Ký"})
    # Lines joined: a long sentence wraps wherever the layout puts it.
    return doc, " ".join(pdf_text(doc.pdf).split())


def act(dossier, kind):
    return next(a for a in dossier.acts.all() if a.kind == kind)


# (form, act kind whose number, date and signer it prints, on-behalf line, issuer line)
DECIDED_FORMS = [
    ("6-KNĐ", ActKind.BRANCH_ADMISSION, "T/M CHI BỘ", "CHI BỘ THÔN 1"),
    ("8-KNĐ", ActKind.GRASSROOTS_ADMISSION, "T/M ĐẢNG ỦY", "ĐẢNG ỦY XÃ THÀNH LỢI"),
    ("9-KNĐ", ActKind.ADMISSION_DECISION, "T/M BAN THƯỜNG VỤ", "HUYỆN ỦY VỤ BẢN"),
    ("13-KNĐ", ActKind.BRANCH_RECOGNITION, "T/M CHI BỘ", "CHI BỘ THÔN 1"),
    ("15-KNĐ", ActKind.GRASSROOTS_RECOGNITION, "T/M ĐẢNG ỦY", "ĐẢNG ỦY XÃ THÀNH LỢI"),
    ("16-KNĐ", ActKind.RECOGNITION_DECISION, "T/M BAN THƯỜNG VỤ", "HUYỆN ỦY VỤ BẢN"),
]


@pytest.mark.parametrize(("code", "kind", "on_behalf", "issuer"), DECIDED_FORMS)
def test_each_resolution_and_decision_prints_header_number_date_names_and_signature(
        recognized, secretary_a, code, kind, on_behalf, issuer):
    a = act(recognized, kind)
    doc, text = issue_text(recognized, code, secretary_a)
    assert PARTY_HEADING in text
    assert issuer in text
    assert f"Số {a.number}" in text and doc.number == a.number
    assert f"Vụ Bản, {vn_date(a.date)}" in text
    assert recognized.candidate.full_name.upper() in text or recognized.candidate.full_name in text
    assert on_behalf in text and "BÍ THƯ" in text and a.signer in text
    assert BY_CODE[code].doc_type in text


def test_the_branch_resolution_prints_the_vote_counts_and_where_it_goes(recognized, secretary_a):
    _doc, text = issue_text(recognized, "6-KNĐ", secretary_a)
    assert "ĐẢNG BỘ XÃ THÀNH LỢI" in text  # the body above the cell, in the header
    assert "Số tán thành: 9/9, đạt 100,0%" in text
    assert "Đề nghị Đảng ủy xã Thành Lợi xem xét" in text
    assert "Nơi nhận:" in text


def test_the_admission_decision_cites_the_proposal_and_the_regulation(recognized, approver):
    proposal = act(recognized, ActKind.GRASSROOTS_ADMISSION)
    _doc, text = issue_text(recognized, "9-KNĐ", approver)
    assert "Quy định 232-QĐ/TW" in text
    assert f"Nghị quyết số {proposal.number}, {vn_date(proposal.date)}" in text
    assert "BAN THƯỜNG VỤ HUYỆN ỦY VỤ BẢN QUYẾT ĐỊNH" in text
    assert "Điều 1." in text and "ĐẢNG BỘ TỈNH NAM ĐỊNH" in text


def test_each_introducer_has_a_letter_signed_by_that_member(recognized, secretary_a):
    subjects = BY_CODE["3-KNĐ"].subjects(recognized)
    assert len(subjects) == 2
    for subject, name in subjects:
        introducer = next(i for i in recognized.introducers.all() if f"introducer:{i.pk}" == subject)
        doc, text = issue_text(recognized, "3-KNĐ", secretary_a, subject=subject)
        assert PARTY_HEADING in text and "GIẤY GIỚI THIỆU NGƯỜI VÀO ĐẢNG" in text
        assert f"Tôi là: {name}" in text
        assert f"Vụ Bản, {vn_date(introducer.assigned_on)}" in text
        assert "NGƯỜI GIỚI THIỆU" in text and doc.number == ""


@pytest.mark.parametrize("code", ["5-KNĐ", "12-KNĐ"])
def test_the_opinion_summaries_are_signed_by_the_person_issuing_them(recognized, secretary_a, code):
    stage = "admission" if code == "5-KNĐ" else "probation"
    summary = next(o for o in recognized.opinions.all() if o.stage == stage)
    _doc, text = issue_text(recognized, code, secretary_a)
    assert "TỔNG HỢP Ý KIẾN NHẬN XÉT" in text and "CHI BỘ THÔN 1" in text
    assert f"Vụ Bản, {vn_date(summary.date)}" in text
    assert "T/M CHI ỦY" in text and "Lê Văn Ký" in text


@pytest.mark.parametrize(("code", "signer_title"), [("10-KNĐ", "NGƯỜI TỰ KIỂM ĐIỂM"), ("11-KNĐ", "ĐẢNG VIÊN GIÚP ĐỠ")])
def test_the_probation_papers_are_signed_by_their_author(recognized, secretary_a, code, signer_title):
    _doc, text = issue_text(recognized, code, secretary_a)
    assert PARTY_HEADING in text and signer_title in text
    assert f"Kính gửi: {recognized.cell.name}" in text
    assert vn_date(recognized.ceremony_date) in text


def test_the_ceremony_minutes_name_the_decision_the_place_and_who_presided(recognized, secretary_a):
    ceremony = recognized.ceremony
    decision = act(recognized, ActKind.ADMISSION_DECISION)
    _doc, text = issue_text(recognized, "BB-KN", secretary_a)
    flat = text
    assert "BIÊN BẢN" in text and f"Vụ Bản, {vn_date(ceremony.date)}" in text
    assert ceremony.place in flat and f"số {decision.number}" in flat
    assert "CHỦ TRÌ" in text and ceremony.chaired_by in text


@pytest.mark.parametrize("code", ["4-KNĐ", "4A-KNĐ"])
def test_the_union_resolutions_carry_the_unions_own_heading_and_number(cell_a, secretary_a, code):
    d = dossier_with_union_resolution(cell=cell_a, kind=code, actor=secretary_a)
    doc, text = issue_text(d, code, secretary_a)
    heading = "ĐOÀN TNCS HỒ CHÍ MINH" if code == "4-KNĐ" else "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert heading in text and "Số 3-NQ/ĐTN" in text and doc.number == "3-NQ/ĐTN"
    assert "T/M BAN CHẤP HÀNH" in text and "Lê Thị Đoàn" in text
    assert d.candidate.full_name in text


def test_the_sub_committee_report_is_issued_by_the_sub_committee(db, secretary_a):
    tree = org_tree(with_sub_committee=True)
    Organization.objects.filter(pk=tree["sub"].pk).update(short_name="ĐUBP")
    d = dossier_in_state(State.PROBATION, cell=tree["cells"][0])
    d = Dossier.objects.get(pk=d.pk)
    report = act(d, ActKind.SUB_COMMITTEE_ADMISSION)
    _doc, text = issue_text(d, "7-KNĐ", secretary_a)
    assert "BÁO CÁO" in text and "ĐẢNG ỦY BỘ PHẬN THÔN" in text and "ĐẢNG BỘ XÃ THÀNH LỢI" in text
    assert f"Số {report.number}" in text and f"Vụ Bản, {vn_date(report.date)}" in text


def test_a_removal_decision_recorded_without_a_number_is_numbered_by_the_registry(cell_a, approver):
    d = dossier_removed(cell=cell_a)
    removal = act(d, ActKind.REMOVAL_DECISION)
    doc, text = issue_text(d, "XT", approver)
    assert doc.number == "1-QĐ/HU"
    assert "Số 1-QĐ/HU" in text and "Xóa tên trong danh sách đảng viên dự bị" in text
    assert f"Vụ Bản, {vn_date(removal.date)}" in text and "Không đủ tư cách đảng viên." in text


@pytest.mark.parametrize("code", ["1-KNĐ", "2-KNĐ"])
def test_the_handwritten_forms_are_drafts_marked_as_such_and_never_issued(recognized, secretary_a, code):
    text = " ".join(pdf_text(services.document_draft(dossier=recognized, form=code)).split())
    assert "BẢN NHÁP" in text and PARTY_HEADING in text
    assert recognized.candidate.full_name.upper() in text
    with pytest.raises(services.Refusal):
        services.document_issue(dossier=recognized, form=code, actor=secretary_a)


def test_missing_data_is_listed_before_generation_and_nothing_is_issued(cell_a, secretary_a):
    d = dossier_in_state(State.BRANCH_VOTE, cell=cell_a, actor=secretary_a)
    Organization.objects.filter(pk=cell_a.pk).update(place_name="")
    d = Dossier.objects.select_related("cell").get(pk=d.pk)
    with translation.override("vi"):
        with pytest.raises(services.Refusal) as exc:
            services.document_issue(dossier=d, form="6-KNĐ", actor=secretary_a)
        assert exc.value.reasons == [
            "Nghị quyết đề nghị kết nạp đảng viên (của chi bộ) chưa được ghi nhận trong hồ sơ (Hướng dẫn 12-HD/BTCTW)."]
        built = services.document_check(dossier=d, form="5-KNĐ")
        assert "Chi bộ thôn 1: chưa có địa danh." in built.errors
    with translation.override("en"):
        built = services.document_check(dossier=d, form="5-KNĐ")
        assert "Chi bộ thôn 1: place name is missing." in built.errors
        assert "5-KNĐ: the name of the signer is missing." in built.errors
    assert not d.issued_documents.exists()


def test_every_form_of_the_catalogue_has_a_template_and_a_step(recognized):
    from django.template.loader import get_template

    from dossiers.steps import STEPS

    for form in FORMS:
        assert get_template(form.template)
        assert form.step in STEPS


def test_the_date_line_gives_days_below_ten_and_months_one_and_two_a_leading_zero():
    assert vn_date(dt.date(2025, 3, 5)) == "ngày 05 tháng 3 năm 2025"
    assert vn_date(dt.date(2023, 2, 23)) == "ngày 23 tháng 02 năm 2023"
    assert vn_date(dt.date(2023, 9, 8)) == "ngày 08 tháng 9 năm 2023"
    assert vn_date(dt.date(2023, 11, 18)) == "ngày 18 tháng 11 năm 2023"


def test_pages_are_numbered_from_the_second_page_on(recognized):
    pdf = services.document_draft(dossier=recognized, form="2-KNĐ")
    assert "2" in [line.strip() for line in pdf_text(pdf, page=1).splitlines()]
    assert "1" not in [line.strip() for line in pdf_text(pdf, page=0).splitlines()]


def test_the_page_is_a4_with_the_front_page_margins():
    from documents.rendering import PAGE_CSS

    assert "size: A4" in PAGE_CSS and "margin: 25mm 15mm 25mm 35mm" in PAGE_CSS  # top right bottom left
