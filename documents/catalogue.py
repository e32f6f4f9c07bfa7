"""The forms the admission process uses, in the order of domain.md §3.1, one entry each: its code,
official title, the step (dossiers.steps.STEPS) it belongs to, who issues it, how it is numbered,
and the builder that reads it from the dossier (documents.context).

Numbering (HD 36-HD/VPTW, domain.md §7): "Số <n>-<TYPE>/<ISSUER>", TYPE NQ resolution, QĐ decision,
BC report. Letters written by a person (3-, 10-, 11-KNĐ), the cell's summaries and the minutes
carry no number; the unions number their own resolutions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dossiers.models import MAIN_STATES, ActKind, Dossier, OpinionStage, ProgressStage, State
from dossiers.steps import STEPS

from . import context


@dataclass(frozen=True)
class DocumentForm:
    code: str
    slug: str
    label: Promise  # on screen (English msgid, translated)
    title: str  # the official Vietnamese name of the form
    doc_type: str  # printed in capitals under the header
    summary: str  # trích yếu
    step: str  # the step of dossiers.steps.STEPS whose evidence it prints and whose roles issue it
    builder: Callable
    number_type: str = ""  # NQ, QĐ, BC; "" = not numbered
    draft: bool = False  # a draft for the candidate to copy by hand: downloaded, never issued
    per_introducer: bool = False
    applies: Callable[[Dossier], bool] = lambda d: True
    # The first state in which the form can concern the dossier, when it comes later than the first
    # state of its step (11-KNĐ belongs to the mentor's periodic review, taken from the source list
    # on, but only a probationary member is reviewed in it); "" = the first of its step's states.
    from_state: str = ""
    # What lists the missing data without building the whole form, when that is cheaper (the
    # panels check every form of a dossier on each page); the builder when None.
    checker: Callable | None = None

    @property
    def template(self) -> str:
        return f"documents/pdf/{self.slug}.html"

    def subjects(self, dossier: Dossier) -> list[tuple[str, str]]:
        """(key, name) of each copy the dossier needs: one 3-KNĐ per active introducer."""
        if self.per_introducer:
            return [(f"introducer:{i.pk}", i.member.full_name) for i in dossier.introducers.all() if not i.ended_on]
        return [("", "")]

    def reached(self, dossier: Dossier) -> bool:
        """Whether the dossier has come as far as the form: in one of its step's states, from the
        form's first state on (the states after the main path's last one never reach a form)."""
        step = STEPS.get(self.step)
        if step is None or dossier.state not in step.states or not step.applies(dossier):
            return False
        first = self.from_state or next((s for s in MAIN_STATES if s in step.states), "")
        if first not in MAIN_STATES or dossier.state not in MAIN_STATES:
            return True
        return MAIN_STATES.index(dossier.state) >= MAIN_STATES.index(first)


def _has_act(kind: str) -> Callable[[Dossier], bool]:
    return lambda d: any(a.kind == kind and a.approved for a in d.acts.all())


def _under_sub_committee(d: Dossier) -> bool:
    return d.cell.parent_id is not None and d.cell.parent.level == "sub_committee"


ADMITTED = (State.PROBATION, State.RECOGNIZED, State.REMOVED)

FORMS: list[DocumentForm] = [
    DocumentForm("1-KNĐ", "1-knd", _("Application to join the Party (draft to copy by hand)"),
                 "Đơn xin vào Đảng", "ĐƠN XIN VÀO ĐẢNG", "", "record_application", context.application_draft,
                 draft=True),
    DocumentForm("2-KNĐ", "2-knd", _("Personal history (draft to copy by hand)"),
                 "Lý lịch của người xin vào Đảng", "LÝ LỊCH CỦA NGƯỜI XIN VÀO ĐẢNG", "",
                 "record_personal_history", context.history_draft, draft=True, checker=context.history_check),
    DocumentForm("3-KNĐ", "3-knd", _("Introducer's letter"), "Giấy giới thiệu người vào Đảng",
                 "GIẤY GIỚI THIỆU NGƯỜI VÀO ĐẢNG", "", "assign_introducer", context.introducer_letter,
                 per_introducer=True, applies=lambda d: any(not i.ended_on for i in d.introducers.all())),
    DocumentForm("4-KNĐ", "4-knd", _("Youth Union resolution introducing the candidate"),
                 "Nghị quyết giới thiệu đoàn viên ưu tú vào Đảng", "NGHỊ QUYẾT",
                 "Giới thiệu đoàn viên ưu tú vào Đảng", "record_union_resolution", context.union_resolution,
                 applies=_has_act(ActKind.YOUTH_UNION)),
    DocumentForm("4A-KNĐ", "4a-knd", _("Trade Union resolution introducing the candidate"),
                 "Nghị quyết giới thiệu đoàn viên công đoàn ưu tú vào Đảng", "NGHỊ QUYẾT",
                 "Giới thiệu đoàn viên công đoàn ưu tú vào Đảng", "record_union_resolution",
                 context.union_resolution, applies=_has_act(ActKind.TRADE_UNION)),
    DocumentForm("5-KNĐ", "5-knd", _("Summary of opinions before admission"),
                 "Tổng hợp ý kiến nhận xét của tổ chức đoàn thể chính trị - xã hội nơi người vào Đảng "
                 "sinh hoạt và chi ủy nơi cư trú", "TỔNG HỢP Ý KIẾN NHẬN XÉT",
                 "Của tổ chức đoàn thể chính trị - xã hội nơi người vào Đảng sinh hoạt và chi ủy nơi cư trú "
                 "đối với người vào Đảng", "record_opinions", context.opinion_summary,
                 applies=lambda d: any(o.stage == OpinionStage.ADMISSION for o in d.opinions.all())),
    DocumentForm("6-KNĐ", "6-knd", _("Cell resolution proposing admission"),
                 "Nghị quyết đề nghị kết nạp đảng viên (của chi bộ)", "NGHỊ QUYẾT",
                 "Đề nghị kết nạp đảng viên", "record_branch_vote", context.resolution, number_type="NQ",
                 applies=_has_act(ActKind.BRANCH_ADMISSION)),
    DocumentForm("7-KNĐ", "7-knd", _("Sub-committee report appraising the cell resolution"),
                 "Báo cáo của đảng ủy bộ phận thẩm định nghị quyết đề nghị kết nạp của chi bộ", "BÁO CÁO",
                 "Thẩm định nghị quyết đề nghị kết nạp đảng viên của chi bộ", "record_sub_committee_admission",
                 context.sub_committee_report, number_type="BC", applies=_under_sub_committee),
    DocumentForm("8-KNĐ", "8-knd", _("Grassroots committee resolution proposing admission"),
                 "Nghị quyết đề nghị kết nạp đảng viên (của đảng ủy cơ sở)", "NGHỊ QUYẾT",
                 "Đề nghị kết nạp đảng viên", "record_grassroots_admission", context.resolution,
                 number_type="NQ", applies=_has_act(ActKind.GRASSROOTS_ADMISSION)),
    DocumentForm("9-KNĐ", "9-knd", _("Admission decision"), "Quyết định kết nạp đảng viên", "QUYẾT ĐỊNH",
                 "Kết nạp đảng viên", "decide_admission", context.decision, number_type="QĐ",
                 applies=_has_act(ActKind.ADMISSION_DECISION)),
    DocumentForm("BB-KN", "ceremony-minutes", _("Minutes of the admission ceremony"),
                 "Biên bản lễ kết nạp đảng viên", "BIÊN BẢN", "Lễ kết nạp đảng viên", "hold_ceremony",
                 context.ceremony_minutes, applies=lambda d: d.state in ADMITTED),
    DocumentForm("10-KNĐ", "10-knd", _("Probationary member's self-review"),
                 "Bản tự kiểm điểm của đảng viên dự bị", "BẢN TỰ KIỂM ĐIỂM",
                 "Của đảng viên dự bị", "record_self_review", context.self_review,
                 applies=lambda d: bool(d.self_reviews.all()), from_state=State.PROBATION),
    DocumentForm("11-KNĐ", "11-knd", _("Mentor's report on the probationary member"),
                 "Bản nhận xét đảng viên dự bị (của đảng viên chính thức được phân công giúp đỡ)", "BẢN NHẬN XÉT",
                 "Đảng viên dự bị", "record_progress_report", context.mentor_report,
                 applies=lambda d: any(r.stage == ProgressStage.FINAL for r in d.progress_reports.all()),
                 from_state=State.PROBATION),
    DocumentForm("12-KNĐ", "12-knd", _("Summary of opinions on the probationary member"),
                 "Tổng hợp ý kiến nhận xét của tổ chức đoàn thể nơi làm việc và chi ủy nơi cư trú đối với đảng "
                 "viên dự bị", "TỔNG HỢP Ý KIẾN NHẬN XÉT",
                 "Của tổ chức đoàn thể nơi làm việc và chi ủy nơi cư trú đối với đảng viên dự bị",
                 "record_opinions", context.opinion_summary,
                 applies=lambda d: any(o.stage == OpinionStage.PROBATION for o in d.opinions.all()),
                 from_state=State.PROBATION),
    DocumentForm("13-KNĐ", "13-knd", _("Cell resolution proposing recognition as official member"),
                 "Nghị quyết đề nghị công nhận đảng viên chính thức (của chi bộ)", "NGHỊ QUYẾT",
                 "Đề nghị công nhận đảng viên chính thức", "record_recognition_vote", context.resolution,
                 number_type="NQ", applies=_has_act(ActKind.BRANCH_RECOGNITION)),
    DocumentForm("15-KNĐ", "15-knd", _("Grassroots committee resolution proposing recognition"),
                 "Nghị quyết đề nghị công nhận đảng viên chính thức (của đảng ủy cơ sở)", "NGHỊ QUYẾT",
                 "Đề nghị công nhận đảng viên chính thức", "record_grassroots_recognition", context.resolution,
                 number_type="NQ", applies=_has_act(ActKind.GRASSROOTS_RECOGNITION)),
    DocumentForm("16-KNĐ", "16-knd", _("Decision recognising official membership"),
                 "Quyết định công nhận đảng viên chính thức", "QUYẾT ĐỊNH", "Công nhận đảng viên chính thức",
                 "recognize", context.decision, number_type="QĐ", applies=_has_act(ActKind.RECOGNITION_DECISION)),
    DocumentForm("XT", "removal-decision", _("Decision removing from the probationary members list"),
                 "Quyết định xóa tên trong danh sách đảng viên dự bị", "QUYẾT ĐỊNH",
                 "Xóa tên trong danh sách đảng viên dự bị", "remove", context.decision, number_type="QĐ",
                 applies=_has_act(ActKind.REMOVAL_DECISION)),
]

BY_CODE: dict[str, DocumentForm] = {f.code: f for f in FORMS}
BY_SLUG: dict[str, DocumentForm] = {f.slug: f for f in FORMS}
ISSUABLE = [f for f in FORMS if not f.draft]


def forms_for_step(step: str) -> list[DocumentForm]:
    return [f for f in FORMS if f.step == step]


# What a signed scan proves, by the step it is attached to (the papers of domain.md §5.4).
SCAN_STEPS: dict[str, str] = {s.name: s.document for s in STEPS.values() if s.document}

# The bundle's order: domain.md §5.4, the completeness gate before the vote, then before the
# decision, then before recognition. (section key, title printed in the table of contents, forms)
BUNDLE_SECTIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("CN-NTVĐ", "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng", ()),
    ("1-KNĐ", "Đơn xin vào Đảng (1-KNĐ)", ()),
    ("2-KNĐ", "Lý lịch của người xin vào Đảng (2-KNĐ)", ()),
    ("3-KNĐ", "Giấy giới thiệu người vào Đảng (3-KNĐ)", ("3-KNĐ",)),
    ("4-KNĐ", "Nghị quyết giới thiệu của BCH Đoàn / Công đoàn cơ sở (4-KNĐ, 4A-KNĐ)", ("4-KNĐ", "4A-KNĐ")),
    ("5-KNĐ", "Tổng hợp ý kiến nhận xét (5-KNĐ)", ("5-KNĐ",)),
    ("TTLL", "Kết luận thẩm tra lý lịch", ()),
    ("VB-T", "Văn bản đồng ý của Ban Thường vụ Tỉnh ủy (trên 60 tuổi)", ()),
    ("6-KNĐ", "Nghị quyết đề nghị kết nạp đảng viên của chi bộ (6-KNĐ)", ("6-KNĐ",)),
    ("7-KNĐ", "Báo cáo thẩm định của đảng ủy bộ phận (7-KNĐ)", ("7-KNĐ",)),
    ("8-KNĐ", "Nghị quyết đề nghị kết nạp đảng viên của đảng ủy cơ sở (8-KNĐ)", ("8-KNĐ",)),
    ("9-KNĐ", "Quyết định kết nạp đảng viên (9-KNĐ)", ("9-KNĐ",)),
    ("BB-KN", "Biên bản lễ kết nạp đảng viên", ("BB-KN",)),
    ("ĐVM", "Giấy chứng nhận lớp bồi dưỡng lý luận chính trị cho đảng viên mới", ()),
    ("10-KNĐ", "Bản tự kiểm điểm của đảng viên dự bị (10-KNĐ)", ("10-KNĐ",)),
    ("11-KNĐ", "Bản nhận xét đảng viên dự bị (11-KNĐ)", ("11-KNĐ",)),
    ("12-KNĐ", "Tổng hợp ý kiến nhận xét đối với đảng viên dự bị (12-KNĐ)", ("12-KNĐ",)),
    ("13-KNĐ", "Nghị quyết đề nghị công nhận đảng viên chính thức của chi bộ (13-KNĐ)", ("13-KNĐ",)),
    ("14-KNĐ", "Báo cáo của đảng ủy bộ phận (14-KNĐ)", ()),
    ("15-KNĐ", "Nghị quyết đề nghị công nhận đảng viên chính thức của đảng ủy cơ sở (15-KNĐ)", ("15-KNĐ",)),
    ("16-KNĐ", "Quyết định công nhận đảng viên chính thức (16-KNĐ)", ("16-KNĐ",)),
    ("XT", "Quyết định xóa tên trong danh sách đảng viên dự bị", ("XT",)),
]


def scan_section(step: str, *, probation: bool = False) -> str:
    """The bundle section of a scan attached to `step`; opinions during probation are the 12-KNĐ."""
    if step == "record_opinions" and probation:
        return "12-KNĐ"
    return SCAN_STEPS.get(step, "")
