"""factory-boy factories: an organisation tree, people, and dossiers walked to any state
through the real services (so their evidence and history are complete)."""

from __future__ import annotations

import datetime as dt

import factory
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.utils import timezone

from dossiers import services
from dossiers.models import (
    Candidate,
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
    return RoleAssignment.objects.create(user=user, role=role, organization=organization)


# Walking a dossier through the real services ---------------------------------------------------

PATH = [State.SPOTTED, State.TRAINING, State.MENTORING, State.BRANCH_VOTE, State.HIGHER_APPROVAL,
        State.PROBATION, State.RECOGNIZED]


def dossier_in_state(state: str, *, cell: Organization, actor: User | None = None, candidate: Candidate | None = None,
                     today: dt.date | None = None, introducers: list[PartyMember] | None = None):
    """A dossier brought to `state` by calling each service in order, with dates in the past that
    satisfy every rule. Probation and recognition dates are placed so that the 12 months have run."""
    today = today or timezone.localdate()
    actor = actor or UserFactory()
    candidate = candidate or CandidateFactory()
    if not candidate.relatives.exists():
        RelativeFactory(candidate=candidate, kind=RelativeKind.FATHER)
        RelativeFactory(candidate=candidate, kind=RelativeKind.MOTHER, full_name="Trần Thị Mẹ")
    members = introducers or [PartyMemberFactory(cell=cell), PartyMemberFactory(cell=cell)]
    terminal = state in (State.REJECTED, State.WITHDRAWN)
    target = state if not terminal else State.SPOTTED
    # Far enough back that probation (12 months) has ended by `today` when the state needs it.
    start = today - relativedelta(months=16)
    d = services.dossier_create(candidate=candidate, cell=cell, source="youth_union", spotted_on=start, actor=actor)

    def at(days: int) -> dt.date:
        return start + dt.timedelta(days=days)

    def reached(s: str) -> bool:
        return PATH.index(s) <= PATH.index(target)

    if reached(State.TRAINING):
        d = services.dossier_enroll_training(dossier=d, actor=actor, class_name="Lớp cảm tình Đảng khóa 1",
                                             organiser="Trung tâm Chính trị huyện Vụ Bản", start_date=at(5))
    if reached(State.MENTORING):
        d = services.dossier_complete_training(dossier=d, actor=actor, number="CN-123", issued_on=at(12))
        d = services.dossier_assign_mentor(dossier=d, actor=actor, member=members[0], assigned_on=at(13))
        for m in members[:2]:
            d = services.dossier_assign_introducer(dossier=d, actor=actor, member=m, worked_together_since=at(-800),
                                                   assigned_on=at(13))
    if reached(State.BRANCH_VOTE):
        d = services.dossier_record_application(dossier=d, actor=actor, on=at(14))
        d = services.dossier_record_personal_history(dossier=d, actor=actor, on=at(14))
        d = services.dossier_start_verification(dossier=d, actor=actor, relative=None, method="letter",
                                                verifying_unit="Đảng ủy xã", sent_on=at(15))
        for r in candidate.relatives.all():
            if r.requires_verification:
                d = services.dossier_start_verification(dossier=d, actor=actor, relative=r, method="in_person",
                                                        verifying_unit="Đảng ủy xã", sent_on=at(15))
        for v in list(d.verifications.all()):
            d = services.dossier_conclude_verification(dossier=d, actor=actor, verification=v, concluded_on=at(20),
                                                       conclusion="Lịch sử chính trị rõ ràng.")
        d = services.dossier_certify_personal_history(dossier=d, actor=actor, on=at(21))
        d = services.dossier_record_opinions(dossier=d, actor=actor, date=at(22), workplace_opinion="Tốt.",
                                             residence_opinion="Tốt.")
        d = services.dossier_submit_for_vote(dossier=d, actor=actor, on=at(23))
    if reached(State.HIGHER_APPROVAL):
        eligible = cell.official_members or 9
        d = services.dossier_record_branch_vote(dossier=d, actor=actor, meeting_date=at(25), eligible=eligible,
                                                present=eligible, votes_for=eligible, votes_against=0,
                                                number="1-NQ/CB", signer="Nguyễn Văn Bí Thư")
    if reached(State.PROBATION):
        if d.cell.parent.level == OrgLevel.SUB_COMMITTEE:
            d = services.dossier_record_sub_committee_admission(dossier=d, actor=actor, number="1-BC/ĐUBP",
                                                                date=at(26), signer="Bí thư ĐUBP")
        d = services.dossier_record_grassroots_admission(dossier=d, actor=actor, meeting_date=at(27), present=9,
                                                         votes_for=9, votes_against=0, number="2-NQ/ĐU",
                                                         signer="Bí thư Đảng ủy")
        d = services.dossier_decide_admission(dossier=d, actor=actor, approved=True, number="90-QĐ/HU", date=at(40),
                                              signer="Phó Bí thư Thường trực", issuer="Ban Thường vụ Huyện ủy")
        d = services.dossier_hold_ceremony(dossier=d, actor=actor, date=at(50), place="Hội trường xã",
                                           chaired_by="Bí thư chi bộ")
    if reached(State.RECOGNIZED):
        end = d.official_date
        d = services.dossier_record_new_member_certificate(dossier=d, actor=actor, class_name="Lớp đảng viên mới",
                                                           organiser="Trung tâm Chính trị huyện",
                                                           start_date=at(80), number="ĐVM-7", issued_on=at(85))
        d = services.dossier_record_self_review(dossier=d, actor=actor, date=end, strengths="Tốt", weaknesses="Ít")
        d = services.dossier_record_progress_report(dossier=d, actor=actor, mentor=members[0], period_start=at(50),
                                                    period_end=end, content="Hoàn thành tốt nhiệm vụ.", final=True)
        d = services.dossier_record_opinions(dossier=d, actor=actor, date=end, workplace_opinion="Tốt.",
                                             residence_opinion="Tốt.")
        eligible = cell.official_members or 9
        d = services.dossier_record_recognition_vote(dossier=d, actor=actor, meeting_date=end, eligible=eligible,
                                                     present=eligible, votes_for=eligible, votes_against=0,
                                                     number="5-NQ/CB", signer="Bí thư chi bộ")
        if d.cell.parent.level == OrgLevel.SUB_COMMITTEE:
            d = services.dossier_record_sub_committee_recognition(dossier=d, actor=actor, number="2-BC/ĐUBP",
                                                                  date=end, signer="Bí thư ĐUBP")
        d = services.dossier_record_grassroots_recognition(dossier=d, actor=actor, meeting_date=end, present=9,
                                                           votes_for=9, votes_against=0, number="6-NQ/ĐU",
                                                           signer="Bí thư Đảng ủy")
        d = services.dossier_recognize(dossier=d, actor=actor, number="120-QĐ/HU", date=end,
                                       signer="Phó Bí thư Thường trực", issuer="Ban Thường vụ Huyện ủy")
    if state == State.REJECTED:
        d = services.dossier_reject(dossier=d, actor=actor, reason="Chưa đủ tiêu chuẩn.")
    if state == State.WITHDRAWN:
        d = services.dossier_withdraw(dossier=d, actor=actor, reason="Quần chúng chuyển công tác.")
    return d
