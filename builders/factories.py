"""factory-boy factories: an organisation tree, people, and dossiers walked to any state
through the real services (so their evidence and history are complete)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import factory
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.utils import timezone

from dossiers import rules, services
from dossiers.models import (
    Candidate,
    Dossier,
    MemberStatus,
    Organization,
    OrgLevel,
    PartyMember,
    Relative,
    RelativeKind,
    State,
)
from permissions.models import RoleAssignment

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hạnh", "Hòa", "Hương", "Khánh", "Lan", "Long", "Mai", "Nam", "Phúc",
         "Quyên", "Sơn", "Thảo", "Trang", "Tuấn", "Yến"]


def vietnamese_name(n: int) -> str:
    return f"{SURNAMES[n % 10]} {MIDDLE[(n // 10) % 8]} {GIVEN[(n * 7) % 20]}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: GIVEN[n % 20])
    last_name = factory.Sequence(lambda n: SURNAMES[n % 10])
    password = factory.django.Password("pw-test-12345")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Tổ chức {n}")
    level = OrgLevel.PROVINCE
    place_name = "Vụ Bản"


def org_tree(*, cells: int = 1, with_sub_committee: bool = False, official_members: int = 9,
             committee_members: int = 9) -> dict:
    """Province → district → grassroots (→ sub-committee) → cells."""
    province = OrganizationFactory(name="Tỉnh ủy Nam Định", level=OrgLevel.PROVINCE, short_name="TU")
    district = OrganizationFactory(name="Huyện ủy Vụ Bản", level=OrgLevel.DISTRICT, parent=province, short_name="HU")
    grassroots = OrganizationFactory(
        name="Đảng bộ xã Thành Lợi", level=OrgLevel.GRASSROOTS, parent=district, short_name="ĐU",
        committee_members=committee_members, category="commune",
    )
    parent = grassroots
    sub = None
    if with_sub_committee:
        sub = OrganizationFactory(name="Đảng ủy bộ phận thôn", level=OrgLevel.SUB_COMMITTEE, parent=grassroots)
        parent = sub
    cell_list = [
        OrganizationFactory(name=f"Chi bộ thôn {i + 1}", level=OrgLevel.CELL, parent=parent, short_name="CB",
                            official_members=official_members)
        for i in range(cells)
    ]
    return {"province": province, "district": district, "grassroots": grassroots, "sub": sub, "cells": cell_list}


class PartyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyMember

    full_name = factory.Sequence(vietnamese_name)
    sex = "male"
    birth_date = dt.date(1980, 5, 1)
    status = MemberStatus.OFFICIAL
    joined_on = dt.date(2005, 3, 1)
    official_since = dt.date(2006, 3, 1)


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    full_name = factory.Sequence(lambda n: vietnamese_name(n + 3))
    sex = "female"
    birth_date = factory.LazyFunction(lambda: timezone.localdate() - relativedelta(years=25))
    place_of_birth = "Xã Thành Lợi, huyện Vụ Bản, tỉnh Nam Định"
    home_town = "Xã Thành Lợi, huyện Vụ Bản, tỉnh Nam Định"
    permanent_residence = "Thôn Đồng Đội, xã Thành Lợi, huyện Vụ Bản, tỉnh Nam Định"
    occupation = "Giáo viên"
    general_education = "upper_secondary"
    professional_education = "university"


class RelativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relative

    kind = RelativeKind.FATHER
    full_name = factory.Sequence(lambda n: vietnamese_name(n + 5))
    birth_year = 1965


def grant(user: User, role: str, organization: Organization) -> RoleAssignment:
    """Through the service, so the guardian permissions follow as in production."""
    from permissions.services import role_grant  # noqa: PLC0415

    return role_grant(user=user, role=role, organization=organization, actor=None)


# Walking a dossier through the real services ---------------------------------------------------

PATH = [State.SPOTTED, State.TRAINING, State.MENTORING, State.BRANCH_VOTE, State.HIGHER_APPROVAL,
        State.PROBATION, State.RECOGNIZED]


@dataclass
class Walk:
    """A dossier being walked through the services: what each step of `WALK` reads and moves on."""

    dossier: Dossier
    cell: Organization
    actor: User
    candidate: Candidate
    members: list[PartyMember]
    start: dt.date

    def at(self, days: int) -> dt.date:
        return self.start + dt.timedelta(days=days)


def walk_start(*, cell: Organization, actor: User | None = None, candidate: Candidate | None = None,
               today: dt.date | None = None, introducers: list[PartyMember] | None = None) -> Walk:
    """The candidate (with a father and a mother), two members of the cell to introduce and mentor,
    and the new dossier, spotted far enough back that probation (12 months) has ended by `today`."""
    today = today or timezone.localdate()
    actor = actor or UserFactory()
    made = candidate is None
    candidate = candidate or CandidateFactory()
    if made or not candidate.relatives.exists():  # a candidate just made has none
        RelativeFactory(candidate=candidate, kind=RelativeKind.FATHER)
        RelativeFactory(candidate=candidate, kind=RelativeKind.MOTHER, full_name="Trần Thị Mẹ")
    members = introducers or [PartyMemberFactory(cell=cell), PartyMemberFactory(cell=cell)]
    start = today - relativedelta(months=16)
    d = services.dossier_create(candidate=candidate, cell=cell, source="youth_union", spotted_on=start, actor=actor)
    return Walk(d, cell, actor, candidate, members, start)


def _enroll_training(w: Walk) -> None:
    w.dossier = services.dossier_enroll_training(dossier=w.dossier, actor=w.actor, class_name="Lớp cảm tình Đảng khóa 1",
                                                 organiser="Trung tâm Chính trị huyện Vụ Bản", start_date=w.at(5))


def _complete_training(w: Walk) -> None:
    w.dossier = services.dossier_complete_training(dossier=w.dossier, actor=w.actor, number="CN-123",
                                                   issued_on=w.at(12))


def _assign_mentor(w: Walk) -> None:
    w.dossier = services.dossier_assign_mentor(dossier=w.dossier, actor=w.actor, member=w.members[0],
                                               assigned_on=w.at(13))


def _assign_introducers(w: Walk) -> None:
    d, actor, candidate, at = w.dossier, w.actor, w.candidate, w.at
    for m in w.members[:2]:
        d = services.dossier_assign_introducer(dossier=d, actor=actor, member=m, worked_together_since=at(-800),
                                               assigned_on=at(13))
    grassroots = w.cell.grassroots()
    if grassroots is not None and grassroots.has_youth_union and rules.youth_union_refusals(
            birth_date=candidate.birth_date, on_date=at(25), grassroots_has_youth_union=True,
            youth_union_joined_on=candidate.youth_union_joined_on, has_youth_resolution=False):
        # [R] Charter Art. 4 §1: a candidate of youth age is a Youth Union member, introduced by it.
        if candidate.youth_union_joined_on is None:
            candidate.youth_union_joined_on = candidate.birth_date + relativedelta(years=16)
            candidate.save(update_fields=["youth_union_joined_on"])
        d = services.dossier_record_union_resolution(dossier=d, actor=actor, kind="4-KNĐ",
                                                     issuer="Ban Chấp hành Đoàn cơ sở", number="1-NQ/ĐTN",
                                                     date=at(13), signer="Bí thư Đoàn cơ sở")
    w.dossier = d


def _collect_papers(w: Walk) -> None:
    d = services.dossier_record_application(dossier=w.dossier, actor=w.actor, on=w.at(14))
    w.dossier = services.dossier_record_personal_history(dossier=d, actor=w.actor, on=w.at(14))


def _verify_history(w: Walk) -> None:
    d, actor, at = w.dossier, w.actor, w.at
    d = services.dossier_start_verification(dossier=d, actor=actor, relative=None, method="letter",
                                            verifying_unit="Đảng ủy xã", sent_on=at(15))
    for r in w.candidate.relatives.all():
        if r.requires_verification:
            d = services.dossier_start_verification(dossier=d, actor=actor, relative=r, method="in_person",
                                                    verifying_unit="Đảng ủy xã", sent_on=at(15))
    for v in list(d.verifications.all()):
        d = services.dossier_conclude_verification(dossier=d, actor=actor, verification=v, concluded_on=at(20),
                                                   conclusion="Lịch sử chính trị rõ ràng.")
    w.dossier = services.dossier_certify_personal_history(dossier=d, actor=actor, on=at(21))


def _gather_opinions(w: Walk) -> None:
    w.dossier = services.dossier_record_opinions(dossier=w.dossier, actor=w.actor, date=w.at(22),
                                                 workplace_opinion="Tốt.", residence_opinion="Tốt.")


def _submit_for_vote(w: Walk) -> None:
    w.dossier = services.dossier_submit_for_vote(dossier=w.dossier, actor=w.actor, on=w.at(23))


def _branch_vote(w: Walk) -> None:
    eligible = w.cell.official_members or 9
    w.dossier = services.dossier_record_branch_vote(dossier=w.dossier, actor=w.actor, meeting_date=w.at(25),
                                                    eligible=eligible, present=eligible, votes_for=eligible,
                                                    votes_against=0, number="1-NQ/CB", signer="Nguyễn Văn Bí Thư")


def _grassroots_resolution(w: Walk) -> None:
    d = w.dossier
    if d.cell.parent.level == OrgLevel.SUB_COMMITTEE:
        d = services.dossier_record_sub_committee_admission(dossier=d, actor=w.actor, number="1-BC/ĐUBP",
                                                            date=w.at(26), signer="Bí thư ĐUBP")
    w.dossier = services.dossier_record_grassroots_admission(dossier=d, actor=w.actor, meeting_date=w.at(27),
                                                             present=9, votes_for=9, votes_against=0,
                                                             number="2-NQ/ĐU", signer="Bí thư Đảng ủy")


def _admission_decision(w: Walk) -> None:
    w.dossier = services.dossier_decide_admission(dossier=w.dossier, actor=w.actor, approved=True, number="90-QĐ/HU",
                                                  date=w.at(40), signer="Phó Bí thư Thường trực",
                                                  issuer="Ban Thường vụ Huyện ủy")


def _ceremony(w: Walk) -> None:
    w.dossier = services.dossier_hold_ceremony(dossier=w.dossier, actor=w.actor, date=w.at(50),
                                               place="Hội trường xã", chaired_by="Bí thư chi bộ")


def _new_member_class(w: Walk) -> None:
    w.dossier = services.dossier_record_new_member_certificate(
        dossier=w.dossier, actor=w.actor, class_name="Lớp đảng viên mới", organiser="Trung tâm Chính trị huyện",
        start_date=w.at(80), number="ĐVM-7", issued_on=w.at(85))


def _self_review(w: Walk) -> None:
    w.dossier = services.dossier_record_self_review(dossier=w.dossier, actor=w.actor, date=w.dossier.official_date,
                                                    strengths="Tốt", weaknesses="Ít")


def _mentor_report(w: Walk) -> None:
    w.dossier = services.dossier_record_progress_report(
        dossier=w.dossier, actor=w.actor, mentor=w.members[0], period_start=w.at(50),
        period_end=w.dossier.official_date, content="Hoàn thành tốt nhiệm vụ.", final=True)


def _probation_opinions(w: Walk) -> None:
    w.dossier = services.dossier_record_opinions(dossier=w.dossier, actor=w.actor, date=w.dossier.official_date,
                                                 workplace_opinion="Tốt.", residence_opinion="Tốt.")


def _recognition_vote(w: Walk) -> None:
    eligible = w.cell.official_members or 9
    w.dossier = services.dossier_record_recognition_vote(
        dossier=w.dossier, actor=w.actor, meeting_date=w.dossier.official_date, eligible=eligible, present=eligible,
        votes_for=eligible, votes_against=0, number="5-NQ/CB", signer="Bí thư chi bộ")


def _grassroots_recognition(w: Walk) -> None:
    d, end = w.dossier, w.dossier.official_date
    if d.cell.parent.level == OrgLevel.SUB_COMMITTEE:
        d = services.dossier_record_sub_committee_recognition(dossier=d, actor=w.actor, number="2-BC/ĐUBP",
                                                              date=end, signer="Bí thư ĐUBP")
    w.dossier = services.dossier_record_grassroots_recognition(dossier=d, actor=w.actor, meeting_date=end, present=9,
                                                               votes_for=9, votes_against=0, number="6-NQ/ĐU",
                                                               signer="Bí thư Đảng ủy")


def _recognition_decision(w: Walk) -> None:
    w.dossier = services.dossier_recognize(dossier=w.dossier, actor=w.actor, number="120-QĐ/HU",
                                           date=w.dossier.official_date, signer="Phó Bí thư Thường trực",
                                           issuer="Ban Thường vụ Huyện ủy")


# The admission walked through the services, in order: (the state the walk is going to, the task of
# the flow the step does — the user tasks of bench/admission.bpmn, which SpiffWorkflow runs with these
# same calls in the benchmark's fair column —, the step).
WALK: list[tuple[str, str, Callable[[Walk], None]]] = [
    (State.TRAINING, "enroll_training", _enroll_training),
    (State.MENTORING, "complete_training", _complete_training),
    (State.MENTORING, "assign_mentor", _assign_mentor),
    (State.MENTORING, "assign_introducers", _assign_introducers),
    (State.BRANCH_VOTE, "collect_papers", _collect_papers),
    (State.BRANCH_VOTE, "verify_history", _verify_history),
    (State.BRANCH_VOTE, "gather_opinions", _gather_opinions),
    (State.BRANCH_VOTE, "submit_for_vote", _submit_for_vote),
    (State.HIGHER_APPROVAL, "branch_vote", _branch_vote),
    (State.PROBATION, "grassroots_resolution", _grassroots_resolution),
    (State.PROBATION, "admission_decision", _admission_decision),
    (State.PROBATION, "ceremony", _ceremony),
    (State.RECOGNIZED, "new_member_class", _new_member_class),
    (State.RECOGNIZED, "self_review", _self_review),
    (State.RECOGNIZED, "mentor_report", _mentor_report),
    (State.RECOGNIZED, "probation_opinions", _probation_opinions),
    (State.RECOGNIZED, "recognition_vote", _recognition_vote),
    (State.RECOGNIZED, "grassroots_recognition", _grassroots_recognition),
    (State.RECOGNIZED, "recognition_decision", _recognition_decision),
]


def dossier_in_state(state: str, *, cell: Organization, actor: User | None = None, candidate: Candidate | None = None,
                     today: dt.date | None = None, introducers: list[PartyMember] | None = None):
    """A dossier brought to `state` by calling each service in order (`WALK`), with dates in the past
    that satisfy every rule. Probation and recognition dates are placed so that the 12 months have run."""
    walk = walk_start(cell=cell, actor=actor, candidate=candidate, today=today, introducers=introducers)
    terminal = state in (State.REJECTED, State.WITHDRAWN)
    target = PATH.index(state if not terminal else State.SPOTTED)
    for reaches, _task, step in WALK:
        if PATH.index(reaches) <= target:
            step(walk)
    d, actor = walk.dossier, walk.actor
    if state == State.REJECTED:
        d = services.dossier_reject(dossier=d, actor=actor, reason="Chưa đủ tiêu chuẩn.")
    if state == State.WITHDRAWN:
        d = services.dossier_withdraw(dossier=d, actor=actor, reason="Quần chúng chuyển công tác.")
    return d


# Quotas and statistics (reports app) ----------------------------------------------------------
# Dossiers written straight to the table: the statistics read dates and states, not evidence, and a
# report test needs hundreds of them. Walk a dossier through `dossier_in_state` when its history matters.


def admitted_dossier(*, cell: Organization, decision_date: dt.date, ceremony_date: dt.date | None = None,
                     state: str = State.PROBATION, **candidate_fields):
    """A dossier admitted by a decision of `decision_date` (ceremony 10 days later unless given)."""
    from dossiers.models import Dossier

    ceremony_date = ceremony_date or decision_date + dt.timedelta(days=10)
    candidate = CandidateFactory(**candidate_fields)
    return Dossier.objects.create(
        candidate=candidate, cell=cell, state=state, source="youth_union",
        spotted_on=decision_date - dt.timedelta(days=200), decision_date=decision_date,
        ceremony_date=ceremony_date, official_date=ceremony_date + relativedelta(months=12),
    )


def open_dossier(*, cell: Organization, state: str = State.MENTORING, spotted_on: dt.date | None = None):
    """A candidate in the pipeline (any state before admission), with the history rows the
    statistics read for a past date: added on `spotted_on`, moved to `state` the day after."""
    from dossiers.models import Dossier, DossierHistory

    spotted_on = spotted_on or timezone.localdate() - dt.timedelta(days=30)
    d = Dossier.objects.create(candidate=CandidateFactory(), cell=cell, state=state, source="cell",
                               spotted_on=spotted_on)
    DossierHistory.objects.create(dossier=d, action="create", from_state=State.SPOTTED, to_state=State.SPOTTED,
                                  effective_on=spotted_on)
    if state != State.SPOTTED:
        DossierHistory.objects.create(dossier=d, action="test", from_state=State.SPOTTED, to_state=state,
                                      effective_on=spotted_on + dt.timedelta(days=1))
    return d


def quota(organization: Organization, year: int, *, count: int | None = None, percent=None,
          membership_base: int | None = None):
    """An AdmissionQuota row written directly (the service and its checks have their own tests)."""
    from reports.models import AdmissionQuota, QuotaKind

    return AdmissionQuota.objects.create(
        organization=organization, year=year, kind=QuotaKind.COUNT if count is not None else QuotaKind.PERCENT,
        count=count, percent=percent, membership_base=membership_base,
    )


def bulk_province(*, districts: int, grassroots_per_district: int, cells_per_grassroots: int = 1,
                  year: int | None = None) -> dict:
    """A province built with bulk_create (paths set by hand): province → districts → grassroots →
    cells, each cell with 20 members, one admitted and one open dossier, each organisation a quota."""
    from dossiers.models import Dossier
    from reports.models import AdmissionQuota, QuotaKind
    from reports.profiles import profiles_rebuild

    year = year or timezone.localdate().year
    province = OrganizationFactory(name="Tỉnh ủy Bulk", level=OrgLevel.PROVINCE)

    def level(parents, n, lvl, **extra):
        rows = [Organization(name=f"{lvl} {p.pk}-{i}", level=lvl, parent=p, category="commune", sort_order=i, **extra)
                for p in parents for i in range(n)]
        created = Organization.objects.bulk_create(rows)
        if any(o.pk is None for o in created):  # a backend that returns no ids
            created = list(Organization.objects.filter(level=lvl, parent__in=parents).order_by("pk"))
        by_pk = {p.pk: p for p in parents}
        for org in created:
            org.path = by_pk[org.parent_id].path + f"{org.pk:06d}."
        Organization.objects.bulk_update(created, ["path"])
        return created

    district_rows = level([province], districts, OrgLevel.DISTRICT)
    grassroots_rows = level(district_rows, grassroots_per_district, OrgLevel.GRASSROOTS)
    cell_rows = level(grassroots_rows, cells_per_grassroots, OrgLevel.CELL, official_members=20)
    candidates = Candidate.objects.bulk_create([
        Candidate(full_name=vietnamese_name(i), sex="female" if i % 2 else "male", birth_date=dt.date(1998, 1, 1),
                  place_of_birth="Nam Định", home_town="Nam Định", permanent_residence="Nam Định",
                  occupation="Giáo viên", general_education="upper_secondary")
        for i in range(2 * len(cell_rows))
    ])
    day = dt.date(year, 1, 15)
    dossiers = []
    for i, cell in enumerate(cell_rows):
        dossiers.append(Dossier(candidate=candidates[2 * i], cell=cell, state=State.PROBATION, source="cell",
                                spotted_on=day - dt.timedelta(days=200), year=day.year - 1, decision_date=day,
                                ceremony_date=day + dt.timedelta(days=5)))
        dossiers.append(Dossier(candidate=candidates[2 * i + 1], cell=cell, state=State.MENTORING, source="cell",
                                spotted_on=day, year=day.year))
    Dossier.objects.bulk_create(dossiers)
    # bulk_create skips the signals that write the admission profiles.
    profiles_rebuild(dossiers=Dossier.objects.filter(cell__in=cell_rows))
    AdmissionQuota.objects.bulk_create([
        AdmissionQuota(organization=org, year=year, kind=QuotaKind.COUNT, count=2)
        for org in [province, *district_rows, *grassroots_rows, *cell_rows]
    ])
    return {"province": province, "districts": district_rows, "grassroots": grassroots_rows, "cells": cell_rows,
            "count": 1 + len(district_rows) + len(grassroots_rows) + len(cell_rows)}


# Official documents (documents app) ------------------------------------------------------------


def dossier_with_union_resolution(*, cell: Organization, kind: str = "4-KNĐ", actor: User | None = None,
                                  number: str = "3-NQ/ĐTN"):
    """A dossier in training whose Youth Union (4-KNĐ) or Trade Union (4A-KNĐ) committee introduced
    the candidate, replacing one introducer (Charter Art. 4 §1)."""
    actor = actor or UserFactory()
    d = dossier_in_state(State.TRAINING, cell=cell, actor=actor)
    return services.dossier_record_union_resolution(
        dossier=d, actor=actor, kind=kind, issuer="BCH Đoàn xã Thành Lợi" if kind == "4-KNĐ" else "BCH Công đoàn trường",
        number=number, date=timezone.localdate() - dt.timedelta(days=3), signer="Lê Thị Đoàn",
    )


def dossier_removed(*, cell: Organization, actor: User | None = None, number: str = ""):
    """A probationer removed from the list (xóa tên) after the cell voted 2/3 against recognition;
    the removal decision is recorded without a number, so the document registry numbers it."""
    actor = actor or UserFactory()
    d = dossier_in_state(State.PROBATION, cell=cell, actor=actor)
    end = rules.official_date(d.ceremony_date)
    mentor = d.mentors.first().member
    d = services.dossier_record_new_member_certificate(dossier=d, actor=actor, class_name="Lớp đảng viên mới",
                                                       organiser="Trung tâm Chính trị huyện",
                                                       start_date=d.ceremony_date + dt.timedelta(days=30),
                                                       number="ĐVM-9", issued_on=d.ceremony_date + dt.timedelta(days=35))
    d = services.dossier_record_self_review(dossier=d, actor=actor, date=end, strengths="Có cố gắng",
                                            weaknesses="Chưa gương mẫu")
    d = services.dossier_record_progress_report(dossier=d, actor=actor, mentor=mentor, period_start=d.ceremony_date,
                                                period_end=end, content="Chưa đủ tư cách.", final=True)
    d = services.dossier_record_opinions(dossier=d, actor=actor, date=end, workplace_opinion="Chưa tốt.",
                                         residence_opinion="Chưa tốt.", favourable=False)
    eligible = cell.official_members or 9
    d = services.dossier_record_recognition_vote(dossier=d, actor=actor, meeting_date=end, eligible=eligible,
                                                 present=eligible, votes_for=0, votes_against=eligible)
    return services.dossier_remove(dossier=d, actor=actor, number=number, date=end, signer="Phó Bí thư Thường trực",
                                   issuer="Ban Thường vụ Huyện ủy", reason="Không đủ tư cách đảng viên.")


def pdf_text(pdf: bytes, page: int | None = None) -> str:
    """The text of a PDF (all pages, or one), Unicode NFC, as pypdf extracts it."""
    import io
    import unicodedata

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(bytes(pdf))).pages
    chosen = pages if page is None else [pages[page]]
    return unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in chosen))


def scan_png(width: int = 600, height: int = 800) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "PNG")
    return out.getvalue()


def scan_jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (400, 600), "white").save(out, "JPEG")
    return out.getvalue()


def scan_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
