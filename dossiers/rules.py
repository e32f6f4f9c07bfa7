"""The conditions of the Party Charter and its regulations, one function each.

Each function takes plain facts and returns `None` when the condition holds, or the reason it does
not, in Vietnamese, ready to show a cell secretary. Which step checks which condition is in
`dossiers.gates`; the numbers marked [R] in shared/domain.md come from `settings.PARTY_RULES`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .formatting import vn_date
from .models import (
    NEVER_READMIT,
    EducationException,
    GeneralEducation,
    LeaveReason,
)
from .workdays import add_working_days

MIN_AGE_YEARS = 18
MAX_AGE_YEARS = 60
PROBATION_MONTHS = 12  # Charter Art. 5 §1 [C]: not configurable.


def rule(name: str) -> int | str:
    return settings.PARTY_RULES[name]


def regulation() -> str:
    return str(rule("REGULATION"))


def age_in_months(birth_date: dt.date, on_date: dt.date) -> int:
    delta = relativedelta(on_date, birth_date)
    return delta.years * 12 + delta.months


def describe_age(months: int) -> str:
    return _("%(years)d tuổi %(months)d tháng") % {"years": months // 12, "months": months % 12}


# --- Eligibility (shared/domain.md §1) -------------------------------------------------------


def age_refusal(*, birth_date: dt.date, on_date: dt.date, over_sixty_case: bool = False) -> str | None:
    """232-QĐ/TW 1.1.1: from full 18 to full 60 years, counted in months, on the branch vote date.

    Over 60 is possible only as the case of 1.1.2, which the committee directly under the Central
    Committee decides; the dossier must be flagged so that its written approval is demanded.
    """
    months = age_in_months(birth_date, on_date)
    if birth_date + relativedelta(years=MIN_AGE_YEARS) > on_date:
        return _(
            "Chưa đủ 18 tuổi (tính theo tháng) tại ngày chi bộ xét kết nạp %(date)s: "
            "mới %(age)s (%(reg)s, điểm 1.1.1)."
        ) % {"date": vn_date(on_date), "age": describe_age(months), "reg": regulation()}
    if on_date > birth_date + relativedelta(years=MAX_AGE_YEARS) and not over_sixty_case:
        return _(
            "Quá 60 tuổi tại ngày chi bộ xét kết nạp %(date)s (%(age)s). Chỉ được xét khi hồ sơ được "
            "đánh dấu là trường hợp trên 60 tuổi và có văn bản đồng ý của Ban Thường vụ tỉnh ủy "
            "(%(reg)s, điểm 1.1.2)."
        ) % {"date": vn_date(on_date), "age": describe_age(months), "reg": regulation()}
    return None


def over_sixty_approval_refusal(
    *, birth_date: dt.date, vote_date: dt.date, approval_ref: str
) -> str | None:
    """232-QĐ/TW 1.1.2 and HD 01-HD/TW 1.1: over 60 needs the provincial standing committee's
    written agreement before the admission decision is issued."""
    if vote_date > birth_date + relativedelta(years=MAX_AGE_YEARS) and not approval_ref.strip():
        return _(
            "Người vào Đảng trên 60 tuổi: phải có văn bản đồng ý của Ban Thường vụ tỉnh ủy trước khi "
            "ra quyết định kết nạp (%(reg)s, điểm 1.1.2)."
        ) % {"reg": regulation()}
    return None


def education_refusal(*, general_education: str, exception: str) -> str | None:
    """232-QĐ/TW 1.2.1: lower-secondary diploma or higher; 1.2.2 and HD 01-HD/TW: primary school in
    disadvantaged areas, literacy in Quốc ngữ for village elders and heads of hamlets."""
    if general_education in (GeneralEducation.LOWER_SECONDARY, GeneralEducation.UPPER_SECONDARY):
        return None
    if general_education == GeneralEducation.PRIMARY and exception in (
        EducationException.DISADVANTAGED_AREA, EducationException.VILLAGE_ELDER
    ):
        return None
    if general_education == GeneralEducation.LITERATE and exception == EducationException.VILLAGE_ELDER:
        return None
    return _(
        "Trình độ học vấn chưa đạt: cần tốt nghiệp trung học cơ sở trở lên, trừ các trường hợp ngoại lệ "
        "ở vùng khó khăn (%(reg)s, điểm 1.2)."
    ) % {"reg": regulation()}


def readmission_refusal(
    *,
    former_member: bool,
    left_party_on: dt.date | None,
    leave_reason: str,
    record_expunged_on: dt.date | None,
    on_date: dt.date,
) -> str | None:
    """232-QĐ/TW 3.5.1: re-admission after 36 months out of the Party; 60 months after the record
    of a less serious crime was expunged; never for the reasons the regulation lists."""
    if not former_member:
        return None
    if leave_reason in NEVER_READMIT:
        return _(
            "Không xem xét kết nạp lại người đã ra khỏi Đảng vì lý do: %(reason)s (%(reg)s, điểm 3.5.1)."
        ) % {"reason": LeaveReason(leave_reason).label, "reg": regulation()}
    if leave_reason == LeaveReason.LESS_SERIOUS_CRIME:
        months = int(rule("READMISSION_CONVICTION_WAIT_MONTHS"))
        if record_expunged_on is None:
            return _("Người bị kết án phải được xóa án tích trước khi xem xét kết nạp lại.")
        earliest = record_expunged_on + relativedelta(months=months)
        if on_date < earliest:
            return _(
                "Chưa đủ %(months)d tháng kể từ ngày được xóa án tích (%(since)s): sớm nhất %(earliest)s "
                "(%(reg)s, điểm 3.5.1)."
            ) % {"months": months, "since": vn_date(record_expunged_on), "earliest": vn_date(earliest),
                 "reg": regulation()}
    months = int(rule("READMISSION_WAIT_MONTHS"))
    if left_party_on is None:
        return _("Người đã từng là đảng viên phải có ngày ra khỏi Đảng.")
    earliest = left_party_on + relativedelta(months=months)
    if on_date < earliest:
        return _(
            "Chưa đủ %(months)d tháng kể từ ngày ra khỏi Đảng (%(since)s): sớm nhất %(earliest)s "
            "(%(reg)s, điểm 3.5.1)."
        ) % {"months": months, "since": vn_date(left_party_on), "earliest": vn_date(earliest),
             "reg": regulation()}
    return None


# --- Evidence (shared/domain.md §2, §5) ------------------------------------------------------


def certificate_expiry(issued_on: dt.date) -> dt.date:
    """Last valid day of a CN-NTVĐ certificate: [R] 5 years from issue (configurable).

    Civil Code 2015 Art. 147–148: a period in years starts the day after issue and ends on the
    corresponding day of its last year, so a certificate of 05/03/2020 is valid through 05/03/2025.
    """
    return issued_on + relativedelta(years=int(rule("CERTIFICATE_VALID_YEARS")))


def certificate_refusal(*, issued_on: dt.date | None, on_date: dt.date) -> str | None:
    """[R] The party-awareness certificate must be held and still valid on the branch vote date."""
    if issued_on is None:
        return _("Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng.")
    if issued_on > on_date:
        return _("Giấy chứng nhận cấp ngày %(issued)s, sau ngày xét %(date)s.") % {
            "issued": vn_date(issued_on), "date": vn_date(on_date)}
    expiry = certificate_expiry(issued_on)
    if on_date > expiry:
        return _(
            "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng cấp ngày %(issued)s đã hết hạn ngày "
            "%(expiry)s (giá trị %(years)s năm); cần học lại trước khi chi bộ xét."
        ) % {"issued": vn_date(issued_on), "expiry": vn_date(expiry),
             "years": rule("CERTIFICATE_VALID_YEARS")}
    return None


@dataclass(frozen=True)
class IntroducerFacts:
    name: str
    official_since: dt.date | None
    is_active_member: bool
    worked_together_since: dt.date
    override_reason: str = ""


def introducer_refusal(*, introducer: IntroducerFacts, on_date: dt.date) -> str | None:
    """Charter Art. 4 §2: an official member who has worked with the candidate for at least one
    year; a probationary member cannot introduce. A replacement assigned by the branch may be
    accepted with a written justification (the waiver is not confirmed, so it is recorded)."""
    if not introducer.is_active_member or introducer.official_since is None or introducer.official_since > on_date:
        return _("Đồng chí %(name)s chưa là đảng viên chính thức tại ngày %(date)s nên không thể giới thiệu.") % {
            "name": introducer.name, "date": vn_date(on_date)}
    months = int(rule("INTRODUCER_MIN_MONTHS"))
    earliest = introducer.worked_together_since + relativedelta(months=months)
    if on_date < earliest and not introducer.override_reason.strip():
        return _(
            "Đồng chí %(name)s mới cùng công tác với người vào Đảng từ %(since)s, chưa đủ %(months)d tháng "
            "tại ngày %(date)s (Điều lệ Đảng, Điều 4)."
        ) % {"name": introducer.name, "since": vn_date(introducer.worked_together_since),
             "months": months, "date": vn_date(on_date)}
    return None


def introducers_refusals(
    *, introducers: Iterable[IntroducerFacts], has_union_resolution: bool, on_date: dt.date
) -> list[str]:
    """Charter Art. 4 §1: two official members, or the Youth Union / Trade Union executive
    committee's resolution (4-KNĐ / 4A-KNĐ) plus one official member."""
    introducers = list(introducers)
    reasons = [r for i in introducers if (r := introducer_refusal(introducer=i, on_date=on_date))]
    needed = 1 if has_union_resolution else 2
    if len(introducers) < needed:
        if has_union_resolution:
            reasons.append(_("Cần 1 đảng viên chính thức giới thiệu cùng nghị quyết của BCH Đoàn / Công đoàn cơ sở."))
        else:
            reasons.append(ngettext(
                "Cần 2 đảng viên chính thức giới thiệu (hoặc nghị quyết của BCH Đoàn / Công đoàn cơ sở "
                "và 1 đảng viên); hiện có %(n)d người.",
                "Cần 2 đảng viên chính thức giới thiệu (hoặc nghị quyết của BCH Đoàn / Công đoàn cơ sở "
                "và 1 đảng viên); hiện có %(n)d người.",
                len(introducers),
            ) % {"n": len(introducers)})
    return reasons


def verification_refusals(*, required: Iterable[str], concluded: Iterable[str]) -> list[str]:
    """HD 01-HD/TW 2021 3.3–3.4: the candidate and each relative (parents, in-laws or guardian,
    spouse, adult children) verified and concluded before the 2-KNĐ is certified."""
    done = set(concluded)
    return [
        _("Chưa có kết luận thẩm tra lý lịch: %(who)s.") % {"who": who}
        for who in required if who not in done
    ]


def two_thirds(*, votes_for: int, eligible: int) -> bool:
    """Charter Art. 4 §3: at least two thirds of all who may vote (not of those present)."""
    return eligible > 0 and votes_for * 3 >= eligible * 2


def vote_refusal(*, votes_for: int, eligible: int, body: str) -> str | None:
    """The reason a vote did not pass, quoting the numbers."""
    if two_thirds(votes_for=votes_for, eligible=eligible):
        return None
    needed = -(-eligible * 2 // 3)
    return _(
        "%(body)s: %(for)d/%(eligible)d tán thành, chưa đạt 2/3 (cần ít nhất %(needed)d)."
    ) % {"body": body, "for": votes_for, "eligible": eligible, "needed": needed}


def vote_counts_refusal(
    *, eligible: int, present: int, votes_for: int, votes_against: int, abstain: int
) -> str | None:
    """The counts of a meeting must be possible before any rule reads them."""
    if eligible <= 0:
        return _("Tổng số có quyền biểu quyết phải lớn hơn 0.")
    if present > eligible:
        return _("Số có mặt (%(p)d) không thể lớn hơn tổng số có quyền biểu quyết (%(e)d).") % {
            "p": present, "e": eligible}
    if votes_for + votes_against + abstain > present:
        return _("Tổng số phiếu (%(t)d) không thể lớn hơn số có mặt (%(p)d).") % {
            "t": votes_for + votes_against + abstain, "p": present}
    return None


# --- Decision and ceremony deadlines (QĐ 232 4.1, 4.3.1) -------------------------------------


def decision_deadline(*, branch_resolution_date: dt.date, extended: bool) -> dt.date:
    """232-QĐ/TW 4.3.1: the competent committee decides within 60 working days of the branch
    resolution; a special case may be extended by up to 30 working days."""
    days = int(rule("DECISION_DEADLINE_WORKING_DAYS"))
    if extended:
        days += int(rule("DECISION_EXTENSION_WORKING_DAYS"))
    return add_working_days(branch_resolution_date, days)


def ceremony_deadline(*, decision_date: dt.date) -> dt.date:
    """232-QĐ/TW 4.1: the ceremony within 30 working days of receiving the decision."""
    return add_working_days(decision_date, int(rule("CEREMONY_DEADLINE_WORKING_DAYS")))


def ceremony_refusal(*, decision_date: dt.date, ceremony_date: dt.date, late_approval_ref: str) -> str | None:
    """232-QĐ/TW 4.1: after the decision; later than 30 working days only with the directly higher
    committee's agreement, reported by the branch."""
    if ceremony_date < decision_date:
        return _("Ngày lễ kết nạp (%(c)s) không thể trước ngày quyết định kết nạp (%(d)s).") % {
            "c": vn_date(ceremony_date), "d": vn_date(decision_date)}
    deadline = ceremony_deadline(decision_date=decision_date)
    if ceremony_date > deadline and not late_approval_ref.strip():
        return _(
            "Lễ kết nạp quá hạn 30 ngày làm việc (hạn %(deadline)s): chi bộ phải báo cáo và có văn bản "
            "đồng ý của cấp ủy cấp trên trực tiếp (%(reg)s, điểm 4.1)."
        ) % {"deadline": vn_date(deadline), "reg": regulation()}
    return None


# --- Probation and recognition (shared/domain.md §4) -----------------------------------------


def official_date(ceremony_date: dt.date) -> dt.date:
    """232-QĐ/TW 4.2b: official exactly 12 months after the ceremony, however late the meeting."""
    return ceremony_date + relativedelta(months=PROBATION_MONTHS)


def probation_over_refusal(*, ceremony_date: dt.date, on_date: dt.date, what: str) -> str | None:
    """Charter Art. 5: the branch reviews only after the 12 months of probation have ended."""
    end = official_date(ceremony_date)
    if on_date < end:
        return _("%(what)s chỉ được thực hiện khi hết 12 tháng dự bị (từ %(end)s).") % {
            "what": what, "end": vn_date(end)}
    return None


def recognition_escalation_due(*, failed_votes: int) -> bool:
    """232-QĐ/TW 4.2c: after three votes where neither side reaches 2/3, the branch reports to the
    directly higher committee and the competent committee, which decides."""
    return failed_votes >= int(rule("RECOGNITION_FAILED_VOTES_ESCALATE"))
