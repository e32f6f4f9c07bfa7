"""The minutes of a cell meeting (biên bản họp chi bộ) as a PDF in the format of HD 36-HD/VPTW:
the attendance drawn from the roster, the quorum, the format (and, online, the decision that
allows it, HD 03-HD/TW), and the votes taken in it."""

from __future__ import annotations

from django.utils import timezone

from dossiers.formatting import vn_date
from dossiers.models import Meeting, MeetingFormat, Presence, Vote

from .context import body_name, committee_name, upper
from .rendering import render_pdf

FORMAT_TEXT = {
    MeetingFormat.IN_PERSON: "trực tiếp",
    MeetingFormat.ONLINE: "trực tuyến",
    MeetingFormat.MIXED: "trực tiếp kết hợp trực tuyến",
}


def minutes_data(meeting: Meeting) -> dict:
    cell = meeting.cell
    higher = cell.parent
    attendance = list(meeting.attendance.select_related("member").order_by("member__full_name"))
    by_presence = {p: [a.member.full_name for a in attendance if a.presence == p] for p in Presence.values}
    present_official = sum(1 for a in attendance if a.official and a.presence in (Presence.IN_PERSON, Presence.ONLINE))
    votes = list(Vote.objects.filter(meeting=meeting).select_related("dossier__candidate").order_by("id"))
    return {
        "form": "BB", "doc_type": "BIÊN BẢN", "doc_summary": "Họp chi bộ", "number": "", "draft": False,
        "heading": "party", "addressee": "", "recipients": [],
        "signature": {"name": meeting.chaired_by, "position": "CHỦ TRÌ", "on_behalf": "", "note": ""},
        "issuer": {"higher": upper(body_name(higher)) if higher else "", "name": upper(committee_name(cell)),
                   "org_name": committee_name(cell)},
        "place_date": f"{cell.place_name}, {vn_date(meeting.date)}" if cell.place_name else vn_date(meeting.date),
        "f": {
            "cell": cell.name, "date": vn_date(meeting.date), "format": FORMAT_TEXT[meeting.format],
            "online": meeting.format != MeetingFormat.IN_PERSON, "decision": meeting.online_decision,
            "chaired_by": meeting.chaired_by, "minutes_by": meeting.minutes_by,
            "official": meeting.official_members, "exempt": meeting.exempt_members,
            "base": meeting.official_members - meeting.exempt_members, "present": present_official,
            "in_person": by_presence[Presence.IN_PERSON], "online_members": by_presence[Presence.ONLINE],
            "excused": by_presence[Presence.EXCUSED], "absent": by_presence[Presence.ABSENT], "note": meeting.note,
        },
        "votes": [{"candidate": v.dossier.candidate.full_name, "purpose": v.get_purpose_display(),
                   "eligible": v.eligible, "for": v.votes_for, "against": v.votes_against, "abstain": v.abstain,
                   "passed": v.passed} for v in votes],
    }


def minutes_pdf(meeting: Meeting) -> bytes:
    return render_pdf("documents/pdf/meeting-minutes.html", minutes_data(meeting), created=timezone.now())
