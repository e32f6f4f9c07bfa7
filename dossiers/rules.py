"""The conditions of the Party Charter and its regulations, one function each.

Each function takes plain facts and returns `None` when the condition holds, or the reason it does
not, in Vietnamese, ready to show a cell secretary; `@cites` gives that reason the rule it applies
(a `refusals.Reason`, whose `.rule` the pages and the API can show). Which step checks which condition is in
`dossiers.gates`; the numbers marked [R] in shared/domain.md come from `settings.PARTY_RULES`.
"""

from __future__ import annotations

import datetime as dt
import functools
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
from .refusals import APP_RULE, Reason
from .workdays import add_working_days

MIN_AGE_YEARS = 18
MAX_AGE_YEARS = 60
PROBATION_MONTHS = 12  # Charter Art. 5 §1 [C]: not configurable.

# Citations as the user reads them, at the end of each reason: "… (Quy định 232-QĐ/TW, điểm 1.1.1).".
# "{reg}" is the regulation in force (`PARTY_RULES["REGULATION"]`).
# [R] The 5-year validity is repeated by the committees' guides; its clause in HD 12 was not read.
CERTIFICATE_RULE = "Hướng dẫn 12-HD/BTCTW"
# The dossier lists (domain.md §5.4) and the KNĐ forms.
DOSSIER_RULE = "Hướng dẫn 12-HD/BTCTW"
ADMISSION_ORDER_RULE = "{reg}, điểm 4.3"
RECOGNITION_RULE = "{reg}, điểm 4.2"


def rule(name: str) -> int | str:
    return settings.PARTY_RULES[name]


def regulation() -> str:
    return str(rule("REGULATION"))


def cite(text: str) -> str:
    """A citation with "{reg}" read from the settings: "Quy định 232-QĐ/TW, điểm 4.3"."""
    return str(text).format(reg=regulation())


def cites(citation: str):
    """The rule a refusal function applies; "{reg}" stands for the regulation in force
    (`PARTY_RULES["REGULATION"]`). Each reason it returns becomes a `Reason` carrying it, unless
    the function gave that reason a rule of its own (`Reason(text, rule=...)`)."""

    def decorate(function):
        @functools.wraps(function)
        def checked(*args, **kwargs):
            result = function(*args, **kwargs)
            if result is None:
                return None
            cited = cite(citation)
            if isinstance(result, str):
                return Reason(result, rule=getattr(result, "rule", "") or cited)
            return [Reason(r, rule=getattr(r, "rule", "") or cited) for r in result]

        checked.citation = citation
        return checked

    return decorate


def age_in_months(birth_date: dt.date, on_date: dt.date) -> int:
    delta = relativedelta(on_date, birth_date)
    return delta.years * 12 + delta.months


def describe_age(months: int) -> str:
    return _("%(years)d years %(months)d months") % {"years": months // 12, "months": months % 12}


# --- Eligibility (shared/domain.md §1) -------------------------------------------------------


@cites("{reg}, điểm 1.1.1")
def age_refusal(*, birth_date: dt.date, on_date: dt.date, over_sixty_case: bool = False) -> str | None:
    """232-QĐ/TW 1.1.1: from full 18 to full 60 years, counted in months, on the branch vote date.

    Over 60 is possible only as the case of 1.1.2, which the committee directly under the Central
    Committee decides; the dossier must be flagged so that its written approval is demanded.
    """
    months = age_in_months(birth_date, on_date)
    if birth_date + relativedelta(years=MIN_AGE_YEARS) > on_date:
        return _(
            "Under 18 (counted in months) on the branch vote date %(date)s: only %(age)s."
        ) % {"date": vn_date(on_date), "age": describe_age(months)}
    if on_date > birth_date + relativedelta(years=MAX_AGE_YEARS) and not over_sixty_case:
        return Reason(_(
            "Over 60 on the branch vote date %(date)s (%(age)s). Only considered if the dossier is marked as an "
            "over-60 case and has the written consent of the provincial standing committee."
        ) % {"date": vn_date(on_date), "age": describe_age(months)}, rule=cite("{reg}, điểm 1.1.2"))
    return None


@cites("{reg}, điểm 1.1.2; Hướng dẫn 01-HD/TW, điểm 1.1")
def over_sixty_approval_refusal(
    *, birth_date: dt.date, vote_date: dt.date, approval_ref: str
) -> str | None:
    """232-QĐ/TW 1.1.2 and HD 01-HD/TW 1.1: over 60 needs the provincial standing committee's
    written agreement before the admission decision is issued."""
    if vote_date > birth_date + relativedelta(years=MAX_AGE_YEARS) and not approval_ref.strip():
        return _(
            "Candidate over 60: the provincial standing committee's written consent is required before the admission "
            "decision."
        )
    return None


@cites("{reg}, điểm 1.2")
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
        "Education level not met: lower secondary school or higher is required, except in disadvantaged areas."
    )


@cites("{reg}, điểm 3.5.1")
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
            "No re-admission for someone who left the Party for this reason: %(reason)s."
        ) % {"reason": LeaveReason(leave_reason).label}
    if leave_reason == LeaveReason.LESS_SERIOUS_CRIME:
        months = int(rule("READMISSION_CONVICTION_WAIT_MONTHS"))
        if record_expunged_on is None:
            return _("A convicted person must have the criminal record expunged before re-admission is considered.")
        earliest = record_expunged_on + relativedelta(months=months)
        if on_date < earliest:
            return _(
                "Less than %(months)d months since the criminal record was expunged (%(since)s): %(earliest)s at the "
                "earliest."
            ) % {"months": months, "since": vn_date(record_expunged_on), "earliest": vn_date(earliest)}
    months = int(rule("READMISSION_WAIT_MONTHS"))
    if left_party_on is None:
        return _("A former Party member must have a date of leaving the Party.")
    earliest = left_party_on + relativedelta(months=months)
    if on_date < earliest:
        return _(
            "Less than %(months)d months since leaving the Party (%(since)s): %(earliest)s at the earliest."
        ) % {"months": months, "since": vn_date(left_party_on), "earliest": vn_date(earliest)}
    return None


# --- Evidence (shared/domain.md §2, §5) ------------------------------------------------------


def certificate_expiry(issued_on: dt.date) -> dt.date:
    """Last valid day of a CN-NTVĐ certificate: [R] 5 years from issue (configurable).

    Civil Code 2015 Art. 147–148: a period in years starts the day after issue and ends on the
    corresponding day of its last year, so a certificate of 05/03/2020 is valid through 05/03/2025.
    """
    return issued_on + relativedelta(years=int(rule("CERTIFICATE_VALID_YEARS")))


@cites(CERTIFICATE_RULE)
def certificate_refusal(*, issued_on: dt.date | None, on_date: dt.date) -> str | None:
    """[R] The party-awareness certificate must be held and still valid on the branch vote date."""
    if issued_on is None:
        return _("No Party awareness class certificate yet.")
    if issued_on > on_date:
        return _("The certificate was issued on %(issued)s, after the vote date %(date)s.") % {
            "issued": vn_date(issued_on), "date": vn_date(on_date)}
    expiry = certificate_expiry(issued_on)
    if on_date > expiry:
        return _(
            "The Party awareness class certificate issued on %(issued)s expired on %(expiry)s (valid %(years)s "
            "years); the class must be retaken before the branch vote."
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


@cites("Điều lệ Đảng, Điều 4 khoản 2")
def introducer_refusal(*, introducer: IntroducerFacts, on_date: dt.date) -> str | None:
    """Charter Art. 4 §2: an official member who has worked with the candidate for at least one
    year; a probationary member cannot introduce. A replacement assigned by the branch may be
    accepted with a written justification (the waiver is not confirmed, so it is recorded)."""
    if not introducer.is_active_member or introducer.official_since is None or introducer.official_since > on_date:
        return _("Comrade %(name)s is not an official member on %(date)s and so cannot introduce.") % {
            "name": introducer.name, "date": vn_date(on_date)}
    months = int(rule("INTRODUCER_MIN_MONTHS"))
    earliest = introducer.worked_together_since + relativedelta(months=months)
    if on_date < earliest and not introducer.override_reason.strip():
        return _(
            "Comrade %(name)s has worked with the candidate only since %(since)s, less than %(months)d months on "
            "%(date)s."
        ) % {"name": introducer.name, "since": vn_date(introducer.worked_together_since),
             "months": months, "date": vn_date(on_date)}
    return None


def introducers_needed(*, has_union_resolution: bool) -> int:
    """Charter Art. 4 §1: two official members introduce, or the Youth Union / Trade Union executive
    committee's resolution (4-KNĐ / 4A-KNĐ) takes the place of one of them."""
    return 1 if has_union_resolution else 2


@cites("Điều lệ Đảng, Điều 4 khoản 1")
def introducers_refusals(
    *, introducers: Iterable[IntroducerFacts], has_union_resolution: bool, on_date: dt.date
) -> list[str]:
    """Charter Art. 4 §1: two official members, or the Youth Union / Trade Union executive
    committee's resolution (4-KNĐ / 4A-KNĐ) plus one official member."""
    introducers = list(introducers)
    reasons = [r for i in introducers if (r := introducer_refusal(introducer=i, on_date=on_date))]
    needed = introducers_needed(has_union_resolution=has_union_resolution)
    if len(introducers) < needed:
        if has_union_resolution:
            reasons.append(_(
                "One official member must introduce, together with the resolution of the grassroots "
                "Youth Union / Trade Union committee."
            ))
        else:
            reasons.append(ngettext(
                "Two official members must introduce (or the resolution of the grassroots Youth Union / Trade Union "
                "committee and one member); currently %(n)d introducer.",
                "Two official members must introduce (or the resolution of the grassroots Youth Union / Trade Union "
                "committee and one member); currently %(n)d introducers.",
                len(introducers),
            ) % {"n": len(introducers)})
    return reasons


def of_youth_age(*, birth_date: dt.date, on_date: dt.date) -> bool:
    """[R] "Độ tuổi thanh niên": up to YOUTH_AGE_MAX full years on the date."""
    return age_in_months(birth_date, on_date) // 12 <= int(rule("YOUTH_AGE_MAX"))


@cites("Điều lệ Đảng, Điều 4 khoản 1")
def youth_union_refusals(*, birth_date: dt.date | None, on_date: dt.date, grassroots_has_youth_union: bool,
                         youth_union_joined_on: dt.date | None, has_youth_resolution: bool) -> list[str]:
    """[R] Where the grassroots organisation has a Youth Union, a candidate of youth age on the
    branch vote date must be a Youth Union member, introduced by the resolution of its executive
    committee (4-KNĐ) plus one official member. Off when `PARTY_RULES["YOUTH_UNION_REQUIRED"]` is 0."""
    if not int(rule("YOUTH_UNION_REQUIRED")) or not grassroots_has_youth_union or birth_date is None:
        return []
    if not of_youth_age(birth_date=birth_date, on_date=on_date):
        return []
    reasons = []
    age = age_in_months(birth_date, on_date) // 12
    if youth_union_joined_on is None or youth_union_joined_on > on_date:
        reasons.append(_(
            "The candidate is %(age)s, of Youth Union age (up to %(max)s), and the grassroots organisation has a "
            "Youth Union: the candidate must be a Youth Union member; record the date of joining on the candidate's "
            "data."
        ) % {"age": age, "max": rule("YOUTH_AGE_MAX")})
    if not has_youth_resolution:
        reasons.append(_(
            "A candidate of Youth Union age is introduced by the resolution of the grassroots Youth Union "
            "executive committee (4-KNĐ) and one official member: record that resolution."
        ))
    return reasons


@cites("Hướng dẫn 01-HD/TW, điểm 3.3–3.4")
def verification_refusals(*, required: Iterable[str], concluded: Iterable[str]) -> list[str]:
    """HD 01-HD/TW 2021 3.3–3.4: the candidate and each relative (parents, in-laws or guardian,
    spouse, adult children) verified and concluded before the 2-KNĐ is certified."""
    done = set(concluded)
    return [
        _("Background verification not concluded: %(who)s.") % {"who": who}
        for who in required if who not in done
    ]


def two_thirds(*, votes_for: int, eligible: int) -> bool:
    """Charter Art. 4 §3: at least two thirds of all who may vote (not of those present)."""
    return eligible > 0 and votes_for * 3 >= eligible * 2


@cites("Điều lệ Đảng, Điều 4 khoản 3")
def vote_refusal(*, votes_for: int, eligible: int, body: str) -> str | None:
    """The reason a vote did not pass, quoting the numbers."""
    if two_thirds(votes_for=votes_for, eligible=eligible):
        return None
    needed = -(-eligible * 2 // 3)
    return _(
        "%(body)s: %(for)d/%(eligible)d in favour, short of 2/3 (at least %(needed)d needed)."
    ) % {"body": body, "for": votes_for, "eligible": eligible, "needed": needed}


@cites(APP_RULE)
def vote_counts_refusal(
    *, eligible: int, present: int, votes_for: int, votes_against: int, abstain: int
) -> str | None:
    """The counts of a meeting must be possible before any rule reads them."""
    if eligible <= 0:
        return _("The number eligible to vote must be greater than 0.")
    if present > eligible:
        return _("Present (%(p)d) cannot exceed the number eligible to vote (%(e)d).") % {
            "p": present, "e": eligible}
    if votes_for + votes_against + abstain > present:
        return _("Total votes cast (%(t)d) cannot exceed the number present (%(p)d).") % {
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


@cites("{reg}, điểm 4.1")
def ceremony_refusal(*, decision_date: dt.date, ceremony_date: dt.date, late_approval_ref: str) -> str | None:
    """232-QĐ/TW 4.1: after the decision; later than 30 working days only with the directly higher
    committee's agreement, reported by the branch."""
    if ceremony_date < decision_date:
        return _("The admission ceremony date (%(c)s) cannot be before the admission decision date (%(d)s).") % {
            "c": vn_date(ceremony_date), "d": vn_date(decision_date)}
    deadline = ceremony_deadline(decision_date=decision_date)
    if ceremony_date > deadline and not late_approval_ref.strip():
        return _(
            "The admission ceremony is more than 30 working days late (deadline %(deadline)s): the cell must report "
            "and obtain the written consent of the directly higher committee."
        ) % {"deadline": vn_date(deadline)}
    return None


# --- Probation and recognition (shared/domain.md §4) -----------------------------------------


def official_date(ceremony_date: dt.date) -> dt.date:
    """232-QĐ/TW 4.2b: official exactly 12 months after the ceremony, however late the meeting."""
    return ceremony_date + relativedelta(months=PROBATION_MONTHS)


@cites("Điều lệ Đảng, Điều 5")
def probation_over_refusal(*, ceremony_date: dt.date, on_date: dt.date, what: str) -> str | None:
    """Charter Art. 5: the branch reviews only after the 12 months of probation have ended."""
    end = official_date(ceremony_date)
    if on_date < end:
        return _("%(what)s is only possible once the 12 months of probation are over (from %(end)s).") % {
            "what": what, "end": vn_date(end)}
    return None


def recognition_escalation_due(*, failed_votes: int) -> bool:
    """232-QĐ/TW 4.2c: after three votes where neither side reaches 2/3, the branch reports to the
    directly higher committee and the competent committee, which decides."""
    return failed_votes >= int(rule("RECOGNITION_FAILED_VOTES_ESCALATE"))


# --- The roster and meetings (issue 17) --------------------------------------------------------


def exempt_in_vote_base() -> bool:
    """[R] Whether members exempted from party work and activities count in a vote's base."""
    return bool(rule("EXEMPT_IN_VOTE_BASE"))


@cites("Điều lệ Đảng, Điều 4 khoản 3")
def vote_base_refusal(*, entered: int, from_roster: int, on_date: dt.date, reason: str, body: str) -> str | None:
    """The 2/3 is counted on every member who may vote; where the roster (or the committee's seats)
    is kept, the base entered must be the one it gives on the meeting date, unless a reason is
    recorded (a member not yet entered, a transfer not yet recorded)."""
    if entered == from_roster or reason.strip():
        return None
    return _(
        "%(body)s: the base entered (%(entered)s) differs from the roster on %(date)s (%(counted)s). "
        "Correct it or record the reason."
    ) % {"body": body, "entered": entered, "counted": from_roster, "date": vn_date(on_date)}


def quorum_met(*, present: int, base: int) -> bool:
    """[R] More than QUORUM_PERCENT % of the official members (the base) present."""
    return base > 0 and present * 100 > base * int(rule("QUORUM_PERCENT"))


@cites("Điều lệ Đảng, Điều 10 khoản 1")
def quorum_refusal(*, present: int, base: int) -> str | None:
    """A meeting takes valid decisions only when more than half of its official members attend."""
    if quorum_met(present=present, base=base):
        return None
    return _(
        "Only %(present)s of %(base)s official members are present: the meeting needs more than "
        "%(percent)s%% of them to vote."
    ) % {"present": present, "base": base, "percent": rule("QUORUM_PERCENT")}


@cites("Hướng dẫn 03-HD/TW (thí điểm sinh hoạt đảng trực tuyến)")
def online_meeting_refusal(*, online: bool, allowed: bool, decision: str) -> str | None:
    """Only cells allowed by a decision may meet online or partly online."""
    if not online or (allowed and decision.strip()):
        return None
    return _("This cell is not allowed to meet online: record the decision that allows it on the organisation first.")
