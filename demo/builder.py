"""The demo data set: Huyện ủy Vụ Bản with the 57 grassroots organisations of the district's
2023 admission report (shared/reference/004), party members, the demo logins and about 300
dossiers in every state.

Organisations, people and logins are plain rows; every dossier is walked through
`dossiers.services` only, so its evidence and history are those a real user would leave. The
random generator has a fixed seed and every date is counted back from `timezone.localdate()`,
so two runs on the same day build the same data, and no date is ever in the future.

`manage.py seed_demo` calls `build()`; `manage.py demo_logins` reads `DEMO_USERS`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from dossiers import rules, services
from dossiers.models import (
    ActKind,
    Candidate,
    CommitteeSeat,
    Dossier,
    GeneralEducation,
    MeetingFormat,
    MemberStatus,
    Organization,
    OrgCategory,
    OrgLevel,
    PartyMember,
    Presence,
    ProfessionalEducation,
    Relative,
    RelativeKind,
    Sex,
    Source,
    State,
    VerificationMethod,
    WorkHistory,
)
from dossiers.refusals import Refusal
from dossiers.roster import roster_on
from dossiers.workdays import is_working_day
from permissions.models import Role, RoleAssignment
from permissions.services import role_grant
from workflows.selectors import tasks_inbox, tasks_queue
from workflows.services import task_claim
from workflows.signals import mail_held_back

SEED = 20230706  # the date of the district report the organisation list comes from
PROVINCE_NAME = "Tỉnh ủy Nam Định"
DISTRICT_NAME = "Huyện ủy Vụ Bản"
DISTRICT_PLACE = "huyện Vụ Bản, tỉnh Nam Định"
ORGANISER = "Trung tâm Chính trị huyện Vụ Bản"
STANDING_COMMITTEE = "Ban Thường vụ Huyện ủy Vụ Bản"

# --------------------------------------------------------------------------------------------
# The reference table (shared/reference/004): row, group, name as written, admitted in the first
# half of 2023, "Hết nguồn" (no source left). `kind` is what the organisation is: a đảng bộ cơ sở
# with cells under it, or a chi bộ cơ sở (one cell, the organisation itself).
# --------------------------------------------------------------------------------------------

DANG_BO = "dang_bo"
CHI_BO = "chi_bo"


@dataclass(frozen=True)
class Row:
    number: int
    category: str
    table_name: str
    admitted: int
    no_source: bool
    kind: str


def _rows() -> list[Row]:
    commune, party, admin, service, enterprise = (
        OrgCategory.COMMUNE, OrgCategory.PARTY_AGENCY, OrgCategory.ADMINISTRATIVE,
        OrgCategory.PUBLIC_SERVICE, OrgCategory.ENTERPRISE,
    )
    data = [
        # I XÃ - THỊ TRẤN
        (commune, "Minh Thuận", 5, False), (commune, "Tân Khánh", 2, False), (commune, "Hiển Khánh", 2, False),
        (commune, "Hợp Hưng", 2, False), (commune, "Minh Tân", 4, False), (commune, "Kim Thái", 1, False),
        (commune, "Cộng Hoà", 1, False), (commune, "Trung Thành", 1, False), (commune, "Quang Trung", 1, False),
        (commune, "Đại An", 0, False), (commune, "Tam Thanh", 2, False), (commune, "Thị trấn Gôi", 0, False),
        (commune, "Liên Minh", 1, False), (commune, "Vĩnh Hào", 4, False), (commune, "Đại Thắng", 3, False),
        (commune, "Thành Lợi", 10, False), (commune, "Liên Bảo", 1, False), (commune, "Tân Thành", 8, False),
        # II ĐẢNG BỘ CƠ QUAN
        (party, "Quân sự", 0, True), (party, "Công an", 0, True), (party, "Cty TNHH MTV KTCT TL Vụ Bản", 1, False),
        (party, "Trung tâm y tế huyện", 0, False),
        # III CƠ QUAN HÀNH CHÍNH
        (admin, "Ban Tổ chức Huyện uỷ", 0, True), (admin, "Ủy Ban Kiểm tra Huyện uỷ", 0, True),
        (admin, "Ban Tuyên giáo Huyện uỷ", 0, False), (admin, "Ban Dân vận Huyện uỷ", 0, False),
        (admin, "Văn phòng Huyện ủy", 0, False), (admin, "Hội Cựu chiến binh", 0, False),
        (admin, "Hội Nông dân", 0, True), (admin, "Hội Phụ nữ", 0, False), (admin, "Cơ quan LĐ Lao động", 0, True),
        (admin, "Phòng Nội vụ", 0, True), (admin, "Phòng Giáo dục và Đào tạo", 0, True),
        (admin, "Văn phòng HĐND-UBND", 0, False), (admin, "Phòng Y tế", 0, True),
        (admin, "Phòng Kinh tế và Hạ tầng", 0, False), (admin, "Phòng Nông nghiệp & PTNT", 0, True),
        (admin, "Phòng Tài nguyên-MT", 0, True), (admin, "Phòng LĐTB&XH", 0, True),
        (admin, "Phòng Tài chính-KH", 0, True), (admin, "Phòng Văn hoá-TT", 0, True),
        (admin, "Ban Quản lý dự án các khu công nghiệp huyện", 0, False), (admin, "Thanh tra huyện", 0, True),
        (admin, "Viện Kiểm sát", 0, False), (admin, "Toà án", 0, False),
        (admin, "Chi cục Thi hành án Dân sự", 1, False), (admin, "Chi cục Thống kê", 0, True), (admin, "BHXH", 1, False),
        # IV ĐƠN VỊ SỰ NGHIỆP
        (service, "Hội chữ thập đỏ", 0, True), (service, "Trung tâm VH-TT và TT", 0, False),
        (service, "Trung tâm Dịch vụ NN", 0, False), (service, "Trung tâm GDNN-GDTX", 0, False),
        (service, "Trường THPT Nguyễn Bính", 0, False), (service, "Trường THPT Hoàng Văn Thụ", 0, False),
        (service, "Trường THPT Lương Thế Vinh", 0, False), (service, "Trường THPT Nguyễn Đức Thuận", 1, False),
        # V DOANH NGHIỆP
        (enterprise, "Bưu điện huyện", 1, False),
    ]
    dang_bo_agencies = {"Quân sự", "Công an", "Cty TNHH MTV KTCT TL Vụ Bản", "Trung tâm y tế huyện"}
    return [
        Row(number, category, name, admitted, no_source,
            DANG_BO if category == commune or name in dang_bo_agencies else CHI_BO)
        for number, (category, name, admitted, no_source) in enumerate(data, start=1)
    ]


REFERENCE_ROWS: list[Row] = _rows()


def grassroots_name(row: Row) -> str:
    """What people call it: "Đảng bộ xã Minh Thuận", "Đảng bộ thị trấn Gôi", "Chi bộ Phòng Y tế"."""
    if row.category == OrgCategory.COMMUNE:
        if row.table_name.startswith("Thị trấn "):
            return "Đảng bộ thị trấn " + row.table_name.removeprefix("Thị trấn ")
        return "Đảng bộ xã " + row.table_name
    return ("Đảng bộ " if row.kind == DANG_BO else "Chi bộ ") + row.table_name


def commune_label(row: Row) -> str:
    """"xã Thành Lợi", "thị trấn Gôi": how an address names the commune."""
    if row.table_name.startswith("Thị trấn "):
        return "thị trấn " + row.table_name.removeprefix("Thị trấn ")
    return "xã " + row.table_name


BUSY_COMMUNE = "Thành Lợi"  # 10 admissions in the report: the demo users' commune
BUSY_CELL = "Chi bộ thôn Đồng Đội"
SUB_COMMITTEE = "Đảng ủy bộ phận thôn Trình Xuyên"

# Cells of the đảng bộ agencies (2 each, as their members work in departments).
AGENCY_CELLS = {
    "Quân sự": ["Chi bộ Cơ quan Ban Chỉ huy Quân sự", "Chi bộ Trung đội Dân quân cơ động"],
    "Công an": ["Chi bộ Đội An ninh - Tổng hợp", "Chi bộ Đội Cảnh sát giao thông - Trật tự"],
    "Cty TNHH MTV KTCT TL Vụ Bản": ["Chi bộ Văn phòng Công ty", "Chi bộ Cụm thủy nông"],
    "Trung tâm y tế huyện": ["Chi bộ Khối Điều trị", "Chi bộ Khối Dự phòng - Hành chính"],
}

VILLAGES = [
    "An Lộc", "An Phú", "Bảo Ngũ", "Bối La", "Cao Phương", "Cốc Thành", "Dương Lai", "Đại Đê", "Đắc Thắng",
    "Đình Tiến", "Đồng Lạc", "Đông Hạ", "Gia Hòa", "Hạ Đồng", "Hậu Bồi", "Hòa Bình", "Hồng Phong", "Khả Lực",
    "La Xuyên", "Lập Thành", "Lựu Phố", "Mỹ Trung", "Ngọc Thành", "Nhân Hòa", "Phú Cốc", "Phú Thứ", "Phúc Thọ",
    "Quả Linh", "Quang Xá", "Tân Cốc", "Tân Tiến", "Thái Hòa", "Thành Thắng", "Thượng Linh", "Tiền Bồi",
    "Trung", "Văn Lãng", "Xuân Hy", "Yên Ninh", "Đông", "Đoài", "Hạnh Lâm", "Kênh Thượng",
]
TOWN_QUARTERS = ["Lê Lợi", "Trần Hưng Đạo", "Đồng Tâm", "Thống Nhất", "Hòa Bình", "Quang Trung"]

# --------------------------------------------------------------------------------------------
# Names (họ, tên đệm, tên), weighted as in Nam Định.
# --------------------------------------------------------------------------------------------

SURNAMES = (
    ["Nguyễn"] * 24 + ["Trần"] * 14 + ["Vũ"] * 8 + ["Phạm"] * 8 + ["Đỗ"] * 6 + ["Lê"] * 6 + ["Đặng"] * 4
    + ["Hoàng"] * 4 + ["Bùi"] * 4 + ["Mai"] * 3 + ["Đoàn"] * 3 + ["Trịnh"] * 2 + ["Ngô"] * 2 + ["Lương"] * 2
    + ["Đinh", "Phan", "Tạ", "Cao", "Dương", "Hà", "Lưu", "Triệu", "Tống", "Đào"]
)
MALE_MIDDLE = ["Văn"] * 7 + ["Đức", "Minh", "Quang", "Hữu", "Ngọc", "Xuân", "Thanh", "Mạnh", "Tiến", "Công",
                             "Trọng", "Duy", "Thế", "Hoàng", "Anh", "Quốc", "Đình"]
FEMALE_MIDDLE = ["Thị"] * 10 + ["Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hồng", "Thùy", "Bích", "Kim", "Hải",
                                "Mai", "Khánh", "Diệu", "Lan"]
MALE_GIVEN = [
    "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khánh",
    "Khoa", "Kiên", "Lâm", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài",
    "Thành", "Thắng", "Thịnh", "Toàn", "Trung", "Tú", "Tuấn", "Việt", "Vinh", "Hưng", "Hậu", "Lợi", "Chiến",
]
FEMALE_GIVEN = [
    "Anh", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Huệ", "Hương", "Huyền", "Lan",
    "Liên", "Linh", "Loan", "Mai", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo",
    "Thơm", "Thủy", "Trang", "Tuyết", "Vân", "Yến", "Nhàn", "Lụa", "Thắm", "Hòa", "Lý",
]
OLD_MALE_GIVEN = ["Bảo", "Cần", "Chính", "Doanh", "Điền", "Hòe", "Khải", "Lộc", "Mão", "Ngọ", "Phấn", "Quý",
                  "Sáu", "Tám", "Thanh", "Thìn", "Tuất", "Vượng", "Xuân", "Hòa"]
OLD_FEMALE_GIVEN = ["Bé", "Cúc", "Đào", "Gái", "Hoa", "Hòa", "Lan", "Lụa", "Mận", "Nụ", "Thoa", "Thơm", "Tươi",
                    "Xuyến", "Huê", "Liễu", "Nhài", "Sen"]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    scope: str  # "province", "district", "commune" (the busy commune), "cell" (the busy cell)
    last_name: str  # họ và tên đệm
    first_name: str  # tên: Vietnamese lists sort by it
    position: str = ""
    member_of: str = ""  # "cell", "commune", "district_office", ... : which cell holds the member row


DEMO_USERS = [
    DemoUser("bithu", Role.CELL_SECRETARY, "cell", "Trần Văn", "Hùng", "Bí thư chi bộ", "cell"),
    DemoUser("phobithu", Role.CELL_DEPUTY, "cell", "Vũ Thị", "Hằng", "Phó Bí thư chi bộ", "cell"),
    DemoUser("danguy", Role.GRASSROOTS_COMMITTEE, "commune", "Đỗ Mạnh", "Cường",
             "Phó Bí thư Thường trực Đảng ủy", "commune"),
    DemoUser("btv", Role.APPROVER, "district", "Phạm Quang", "Vinh", "Phó Bí thư Thường trực Huyện ủy",
             "district_office"),
    DemoUser("bantochuc", Role.ORG_BOARD, "district", "Nguyễn Thị Thu", "Hương",
             "Phó Trưởng Ban Tổ chức Huyện ủy", "org_board"),
    DemoUser("giupdo", Role.MENTOR, "cell", "Đặng Văn", "Thắng", "", "cell"),
    DemoUser("doan", Role.UNION_OFFICER, "commune", "Mai Thị", "Ngọc", "Bí thư Đoàn xã", "commune"),
    DemoUser("kiemtra", Role.AUDITOR, "district", "Lê Đức", "Toàn", "Ủy viên Ủy ban Kiểm tra Huyện ủy",
             "inspection"),
    DemoUser("admin", Role.ADMIN, "province", "Hoàng Minh", "Quân", ""),
]

# Chi bộ cơ sở whose cell holds a demo user's member row.
MEMBER_HOMES = {"district_office": "Văn phòng Huyện ủy", "org_board": "Ban Tổ chức Huyện uỷ",
                "inspection": "Ủy Ban Kiểm tra Huyện uỷ"}

# How many dossiers end in each state, and how many of them in the busy cell.
STATE_COUNTS = {
    State.SPOTTED: (35, 3), State.TRAINING: (25, 2), State.MENTORING: (45, 4), State.BRANCH_VOTE: (18, 2),
    State.HIGHER_APPROVAL: (22, 3), State.PROBATION: (60, 4), State.RECOGNIZED: (55, 3),
    State.REJECTED: (20, 2), State.WITHDRAWN: (14, 1), State.REMOVED: (6, 1),
}

# The steps of a dossier, in the order they are taken.
STEPS = [
    "create", "mentor", "enroll", "complete", "introducers", "application", "history", "verif_start",
    "verif_conclude", "certify", "opinions", "submit", "vote", "sub_report", "grassroots", "decision",
    "ceremony", "nm_cert", "mid_report", "self_review", "final_report", "prob_opinions", "recog_vote",
    "sub_recog", "grassroots_recog", "end",
]
IDX = {s: i for i, s in enumerate(STEPS)}


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------


def ensure_demo_devices() -> int:
    """The demo logins whose role requires a second factor get the demo's device (accounts.second_factor:
    the code DEMO_OTP_CODE, reusable, refused when DEBUG is off). Safe to run again; the count."""
    from accounts.second_factor import REQUIRED_ROLES  # noqa: PLC0415
    from accounts.services import demo_device_ensure  # noqa: PLC0415

    names = [spec.username for spec in DEMO_USERS if spec.role in REQUIRED_ROLES]
    users = list(get_user_model().objects.filter(username__in=names))
    for user in users:
        demo_device_ensure(user=user)
    return len(users)


def demo_exists() -> bool:
    return Organization.objects.filter(
        name=DISTRICT_NAME, level=OrgLevel.DISTRICT, parent__name=PROVINCE_NAME, parent__level=OrgLevel.PROVINCE,
        children__isnull=False,
    ).exists()


@dataclass
class Unit:
    """A grassroots organisation with what the builder needs to know about it."""

    row: Row
    org: Organization
    cells: list[Organization]
    sub: Organization | None = None
    secretary: str = ""  # Bí thư Đảng ủy / Bí thư chi bộ cơ sở
    youth_secretary: str = ""
    union_chair: str = ""
    sub_secretary: str = ""


@dataclass
class Plan:
    state: str
    unit: Unit
    cell: Organization
    stop: str  # the last step taken before `ending`
    ending: str = ""  # "", "branch_fail", "grassroots_fail", "decision_refused", "reject", "withdraw",
    # "recognize", "remove"
    busy: bool = False
    creator: str = ""  # a demo username, else the cell's actor
    mentor_user: bool = False  # giupdo mentors this one
    source: str = Source.CELL
    union_kind: str = ""
    inconclusive: bool = False  # a probation case with a recognition vote where neither side reached 2/3
    candidate_report: bool = False
    seed: int = 0  # the gaps between steps: the same whatever day the case is moved to
    dates: dict[str, dt.date] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)
    profile: dict = field(default_factory=dict)


class Builder:
    def __init__(self, today: dt.date | None = None, scale: float = 1.0):
        self.today = today or timezone.localdate()
        # A share of STATE_COUNTS' dossiers (the test of the seed builds a third of the district's);
        # the busy cell keeps its cases in every state whatever the share.
        self.scale = scale
        self.rng = random.Random(SEED)
        self.units: list[Unit] = []
        self.users: dict[str, object] = {}
        self.members: dict[int, list[PartyMember]] = {}  # cell pk → official members
        self.secretaries: dict[int, PartyMember] = {}
        self.giupdo: PartyMember | None = None
        self.awareness_classes = self._classes([(3, 9), (4, 13), (6, 8), (8, 10), (9, 14), (11, 9)], 4)
        self.new_member_classes = self._classes([(2, 24), (5, 11), (8, 17), (10, 19)], 6)

    # ---- helpers ----

    def days(self, a: int, b: int, rng: random.Random | None = None) -> dt.timedelta:
        return dt.timedelta(days=(rng or self.rng).randint(a, b))

    def pick(self, items):
        return self.rng.choice(items)

    @staticmethod
    def workday(day: dt.date) -> dt.date:
        while not is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def _classes(self, starts: list[tuple[int, int]], length: int) -> list[tuple[dt.date, dt.date, str]]:
        """(first day, day the certificates are issued, name) of each class, oldest first."""
        out = []
        for year in range(self.today.year - 6, self.today.year + 2):
            for k, (month, day) in enumerate(starts, start=1):
                start = self.workday(dt.date(year, month, day))
                end = start
                for _ in range(length):
                    end = self.workday(end + dt.timedelta(days=1))
                out.append((start, end, f"khóa {k} năm {year}"))
        return out

    def person_name(self, sex: str, *, surname: str | None = None, old: bool = False) -> str:
        surname = surname or self.pick(SURNAMES)
        if sex == Sex.MALE:
            middle = "Văn" if old and self.rng.random() < 0.6 else self.pick(MALE_MIDDLE)
            given = self.pick(OLD_MALE_GIVEN if old and self.rng.random() < 0.5 else MALE_GIVEN)
        else:
            middle = "Thị" if old and self.rng.random() < 0.8 else self.pick(FEMALE_MIDDLE)
            given = self.pick(OLD_FEMALE_GIVEN if old and self.rng.random() < 0.5 else FEMALE_GIVEN)
        return f"{surname} {middle} {given}"

    # ---- organisations ----

    def build_organisations(self) -> None:
        rng = self.rng
        province, _ = Organization.objects.get_or_create(
            name=PROVINCE_NAME, parent=None,
            defaults={"level": OrgLevel.PROVINCE, "short_name": "TU", "place_name": "Nam Định",
                      "committee_members": 53},
        )
        district, _ = Organization.objects.get_or_create(
            name=DISTRICT_NAME, parent=province,
            defaults={"level": OrgLevel.DISTRICT, "short_name": "HU", "place_name": "Vụ Bản",
                      "committee_members": 35},
        )
        self.province, self.district = province, district
        for row in REFERENCE_ROWS:
            commune = row.category == OrgCategory.COMMUNE
            agency_youth = row.table_name in {"Quân sự", "Công an", "Trung tâm y tế huyện",
                                              "Cty TNHH MTV KTCT TL Vụ Bản", "Trung tâm GDNN-GDTX"}
            org = Organization.objects.create(
                name=grassroots_name(row), level=OrgLevel.GRASSROOTS, parent=district, category=row.category,
                short_name="ĐU" if row.kind == DANG_BO else "CB",
                has_party_committee=row.kind == DANG_BO,
                place_name=row.table_name.removeprefix("Thị trấn ") if commune else "Vụ Bản",
                committee_members=rng.randint(11, 15) if commune else (
                    rng.randint(7, 9) if row.kind == DANG_BO else rng.choice([3, 5])),
                has_youth_union=commune or agency_youth or row.table_name.startswith("Trường"),
                has_trade_union=row.table_name not in {"Quân sự", "Công an"},
                sort_order=row.number,
            )
            unit = Unit(row=row, org=org, cells=[])
            if commune:
                self._commune_cells(unit)
            elif row.kind == DANG_BO:
                for name in AGENCY_CELLS[row.table_name]:
                    unit.cells.append(self._cell(name, org, rng.randint(10, 30)))
            else:
                # A chi bộ cơ sở has no cells; it votes as a cell itself, so its one cell bears its name.
                unit.cells.append(self._cell(org.name, org, rng.randint(8, 25)))
            unit.secretary = self.person_name(self.pick([Sex.MALE, Sex.MALE, Sex.FEMALE]))
            unit.youth_secretary = self.person_name(self.pick([Sex.MALE, Sex.FEMALE]))
            unit.union_chair = self.person_name(self.pick([Sex.MALE, Sex.FEMALE]))
            if unit.sub:
                unit.sub_secretary = self.person_name(Sex.MALE)
            self.units.append(unit)

    def _cell(self, name: str, parent: Organization, official: int) -> Organization:
        return Organization.objects.create(
            name=name, level=OrgLevel.CELL, parent=parent, category=parent.category, short_name="CB",
            place_name=parent.place_name, official_members=official, committee_members=3,
        )

    def _commune_cells(self, unit: Unit) -> None:
        rng = self.rng
        org = unit.org
        if unit.row.table_name.startswith("Thị trấn "):
            for quarter in rng.sample(TOWN_QUARTERS, rng.randint(4, 6)):
                unit.cells.append(self._cell(f"Chi bộ tổ dân phố {quarter}", org, rng.randint(15, 45)))
            return
        if unit.row.table_name == BUSY_COMMUNE:
            unit.cells.append(self._cell(BUSY_CELL, org, 27))
            for village in ["Vĩnh Lại", "Bảo Ngũ", "Dương Lai"]:
                unit.cells.append(self._cell(f"Chi bộ thôn {village}", org, rng.randint(18, 45)))
            # A large village with its own sub-committee: its cells' dossiers need 7-KNĐ and 14-KNĐ.
            unit.sub = Organization.objects.create(
                name=SUB_COMMITTEE, level=OrgLevel.SUB_COMMITTEE, parent=org, category=org.category,
                short_name="ĐUBP", place_name=org.place_name, committee_members=5,
            )
            for hamlet in ["xóm 1", "xóm 2", "xóm 3"]:
                unit.cells.append(self._cell(f"Chi bộ {hamlet}", unit.sub, rng.randint(20, 40)))
            return
        for village in rng.sample(VILLAGES, rng.randint(3, 6)):
            unit.cells.append(self._cell(f"Chi bộ thôn {village}", org, rng.randint(15, 60)))

    # ---- members and users ----

    def _member(self, cell: Organization, *, name: str | None = None, sex: str | None = None, position: str = "",
                user=None) -> PartyMember:
        sex = sex or (Sex.MALE if self.rng.random() < 0.55 else Sex.FEMALE)
        joined = self.today - relativedelta(years=self.rng.randint(6, 38), days=self.rng.randint(0, 300))
        born = joined - relativedelta(years=self.rng.randint(20, 30), days=self.rng.randint(0, 300))
        return PartyMember.objects.create(
            full_name=name or self.person_name(sex), sex=sex, birth_date=born, cell=cell,
            status=MemberStatus.OFFICIAL, joined_on=joined, official_since=joined + relativedelta(years=1),
            position=position, user=user,
        )

    def build_users(self) -> None:
        """The demo logins, their roles, and the member rows of those who are party members."""
        User = get_user_model()
        password = make_password(settings.DEMO_PASSWORD)  # hashed once: PBKDF2 is slow on purpose
        busy = self.busy_unit
        scopes = {"province": self.province, "district": self.district, "commune": busy.org,
                  "cell": busy.cells[0]}
        homes = {"cell": busy.cells[0], "commune": busy.cells[1]}
        for key, table_name in MEMBER_HOMES.items():
            homes[key] = next(u.cells[0] for u in self.units if u.row.table_name == table_name)
        for spec in DEMO_USERS:
            user, _created = User.objects.get_or_create(
                username=spec.username,
                # ".example" is reserved (RFC 2606): the console backend shows the mails, none can leave.
                defaults={"first_name": spec.first_name, "last_name": spec.last_name, "password": password,
                          "email": f"{spec.username}@vuban.example",
                          "is_staff": spec.role == Role.ADMIN, "is_superuser": spec.role == Role.ADMIN},
            )
            self.users[spec.username] = user
            if not RoleAssignment.objects.filter(user=user, role=spec.role, organization=scopes[spec.scope],
                                                 revoked_at=None).exists():
                role_grant(user=user, role=spec.role, organization=scopes[spec.scope], actor=None,
                           note="Dữ liệu mẫu")
            if not spec.member_of:
                continue
            member = PartyMember.objects.filter(user=user).first() or self._member(
                homes[spec.member_of], name=f"{spec.last_name} {spec.first_name}",
                sex=Sex.FEMALE if " Thị" in spec.last_name else Sex.MALE, position=spec.position, user=user,
            )
            self.members.setdefault(member.cell_id, []).append(member)
            if spec.role == Role.CELL_SECRETARY:
                self.secretaries[member.cell_id] = member
            if spec.role == Role.MENTOR and member.cell_id == busy.cells[0].pk:
                self.giupdo = member
            if spec.role == Role.UNION_OFFICER:
                busy.youth_secretary = member.full_name

    def build_members(self) -> None:
        """Each cell's secretary, deputy and a few members: enough to introduce and mentor."""
        for unit in self.units:
            for cell in unit.cells:
                members = self.members.setdefault(cell.pk, [])
                positions = {m.position for m in members}
                if cell.pk not in self.secretaries:
                    self.secretaries[cell.pk] = self._member(cell, position="Bí thư chi bộ")
                    members.insert(0, self.secretaries[cell.pk])
                if "Phó Bí thư chi bộ" not in positions:
                    members.append(self._member(cell, position="Phó Bí thư chi bộ"))
                members += [self._member(cell) for _ in range(self.rng.randint(3, 5))]

    @property
    def busy_unit(self) -> Unit:
        return next(u for u in self.units if u.row.table_name == BUSY_COMMUNE)

    def cell_actor(self, plan: Plan):
        """The busy cell's secretary (or, for a quarter of its cases, the deputy); elsewhere the district
        organisation board, which keeps the records of cells without a demo login."""
        if plan.busy:
            return self.users["phobithu" if self.rng.random() < 0.25 else "bithu"]
        return self.users["bantochuc"]

    def committee_actor(self, plan: Plan):
        return self.users["danguy"] if plan.unit is self.busy_unit else self.users["bantochuc"]

    # ---- plans ----

    def make_plans(self) -> list[Plan]:
        rng = self.rng
        busy = self.busy_unit
        busy_cell = busy.cells[0]
        weighted = [(u, 0 if u.row.no_source else u.row.admitted + 1) for u in self.units]
        population = [u for u, w in weighted if w]
        weights = [w for _u, w in weighted if w]
        plans: list[Plan] = []
        for state, (total, in_busy) in STATE_COUNTS.items():
            variants = self._variants(state, max(in_busy + 1, round(total * self.scale)))
            for i, (stop, ending) in enumerate(variants):
                if i < in_busy:
                    unit, cell, is_busy = busy, busy_cell, True
                else:
                    unit = rng.choices(population, weights)[0]
                    while ending == "grassroots_fail" and unit.row.kind == CHI_BO:
                        # A chi bộ cơ sở has no party committee to vote the proposal down.
                        unit = rng.choices(population, weights)[0]
                    cell = rng.choice([c for c in unit.cells if c is not busy_cell])
                    is_busy = False
                plans.append(Plan(state=state, unit=unit, cell=cell, stop=stop, ending=ending, busy=is_busy,
                                  seed=rng.randrange(2**32)))
        # giupdo mentors some open cases of the busy cell and some of its probationers and members.
        mentored = Counter()
        for plan in plans:
            wanted = {State.SPOTTED: 1, State.TRAINING: 1, State.MENTORING: 2, State.BRANCH_VOTE: 1,
                      State.HIGHER_APPROVAL: 1, State.PROBATION: 2, State.RECOGNIZED: 1}.get(plan.state, 0)
            if (self.giupdo and plan.busy and mentored[plan.state] < wanted
                    and IDX[plan.stop] >= IDX["mentor"]):
                plan.mentor_user = True
                mentored[plan.state] += 1
        for plan in plans:
            self._profile(plan)
        # The `doan` login proposed several of the commune's youth-union cases (permissions.scoping).
        busy_plans = [p for p in plans if p.unit is busy and p.profile["age_at_spotting"] <= 28]
        for plan in busy_plans[::max(1, len(busy_plans) // 9)][:9]:
            plan.creator = "doan"
            plan.source = Source.YOUTH_UNION
            plan.union_kind = ActKind.YOUTH_UNION
        for plan in plans:
            self._timeline(plan)
        self._number(plans)
        return plans

    def _variants(self, state: str, total: int) -> list[tuple[str, str]]:
        rng = self.rng
        out = []
        for i in range(total):
            if state == State.SPOTTED:
                out.append((rng.choice(["create", "mentor", "mentor"]), ""))
            elif state == State.TRAINING:
                out.append(("enroll", ""))
            elif state == State.MENTORING:
                out.append((rng.choice(["complete", "introducers", "application", "history", "verif_start",
                                        "verif_conclude", "certify", "opinions"]), ""))
            elif state == State.BRANCH_VOTE:
                out.append(("submit", ""))
            elif state == State.HIGHER_APPROVAL:
                out.append((rng.choice(["vote", "sub_report", "grassroots", "grassroots", "decision"]), ""))
            elif state == State.PROBATION:
                # Most are within their 12 months; some have finished them and wait for recognition.
                if i % 6 == 5:
                    out.append((rng.choice(["self_review", "prob_opinions", "recog_vote", "grassroots_recog"]), ""))
                else:
                    out.append((rng.choice(["ceremony", "ceremony", "nm_cert", "mid_report"]), ""))
            elif state == State.RECOGNIZED:
                out.append(("grassroots_recog", "recognize"))
            elif state == State.REMOVED:
                out.append(("recog_vote", "remove"))
            elif state == State.REJECTED:
                kinds = ["branch_fail"] * 6 + ["grassroots_fail"] * 3 + ["decision_refused"] * 3 + ["reject"] * 8
                ending = kinds[i % len(kinds)]
                stop = {"branch_fail": "submit", "grassroots_fail": "sub_report", "decision_refused": "grassroots",
                        "reject": "verif_conclude"}[ending]
                out.append((stop, ending))
            elif state == State.WITHDRAWN:
                out.append((rng.choice(["create", "mentor", "enroll", "complete", "application", "certify",
                                        "submit"]), "withdraw"))
        return out

    def _profile(self, plan: Plan) -> None:
        """Who the candidate is: drawn once, before the dates are placed."""
        rng = self.rng
        unit = plan.unit
        female = rng.random() < 0.6
        sex = Sex.FEMALE if female else Sex.MALE
        age = rng.uniform(19.0, 31.0)
        plan.profile = {"sex": sex, "age_at_spotting": age}
        young = age <= 28
        if young and unit.org.has_youth_union and rng.random() < 0.5:
            plan.source = Source.YOUTH_UNION
            plan.union_kind = ActKind.YOUTH_UNION if rng.random() < 0.8 else ""
        elif unit.org.has_trade_union and unit.row.category != OrgCategory.COMMUNE and rng.random() < 0.35:
            plan.source = Source.TRADE_UNION
            plan.union_kind = ActKind.TRADE_UNION if rng.random() < 0.7 else ""
        elif rng.random() < 0.1:
            plan.source = Source.OTHER_ORG
        if unit.org.has_youth_union and age < int(settings.PARTY_RULES["YOUTH_AGE_MAX"]) + 1:
            # [R] Charter Art. 4 §1: of youth age where a Youth Union exists, the Youth Union's
            # executive committee introduces (rules.youth_union_refusals), whoever proposed.
            plan.union_kind = ActKind.YOUTH_UNION
        plan.candidate_report = rng.random() < 0.5
        plan.inconclusive = plan.state == State.PROBATION and plan.stop == "recog_vote"

    # ---- dates ----

    def _next_class(self, classes, after: dt.date):
        return next(c for c in classes if c[0] >= after)

    def _dates_from(self, plan: Plan, spotted: dt.date) -> dict[str, dt.date]:
        """Every step's date for a case spotted on `spotted`, whether or not it will be taken."""
        rng = random.Random(plan.seed)

        def gap(a: int, b: int) -> dt.timedelta:
            return self.days(a, b, rng)

        d: dict = {"create": spotted}
        d["mentor"] = spotted + gap(3, 14)
        start, end, name = self._next_class(self.awareness_classes, spotted + dt.timedelta(days=15))
        d["enroll"], d["class_end"], d["class_name"] = start, end, name
        d["complete"] = self.workday(end + gap(0, 4))
        d["introducers"] = d["complete"] + gap(2, 15)
        d["application"] = d["introducers"] + gap(7, 40)
        d["history"] = d["application"] + gap(0, 12)
        d["verif_start"] = self.workday(d["history"] + gap(3, 10))
        d["verif_conclude"] = self.workday(d["verif_start"] + gap(14, 40))
        d["certify"] = self.workday(d["verif_conclude"] + gap(2, 10))
        d["opinions"] = d["certify"] + gap(1, 10)
        d["submit"] = d["opinions"]
        d["vote"] = d["opinions"] + gap(5, 25)
        d["sub_report"] = self.workday(d["vote"] + gap(2, 6))
        d["grassroots"] = self.workday(max(d["vote"], d["sub_report"]) + gap(3, 14))
        d["decision"] = self.workday(d["grassroots"] + gap(8, 30))
        d["ceremony"] = d["decision"] + gap(5, 21)
        official = d["ceremony"] + relativedelta(months=12)
        d["official"] = official
        nm_start, nm_end, nm_name = self._next_class(self.new_member_classes, d["ceremony"] + dt.timedelta(days=20))
        d["nm_cert"], d["nm_start"], d["nm_name"] = self.workday(nm_end + gap(0, 3)), nm_start, nm_name
        d["mid_report"] = d["ceremony"] + relativedelta(months=6)
        d["self_review"] = official + gap(0, 10)
        d["final_report"] = official + gap(0, 10)
        d["prob_opinions"] = official + gap(0, 12)
        d["recog_vote"] = max(d["self_review"], d["final_report"], d["prob_opinions"], d["nm_cert"]) + gap(2, 15)
        d["sub_recog"] = self.workday(d["recog_vote"] + gap(2, 5))
        d["grassroots_recog"] = self.workday(max(d["recog_vote"], d["sub_recog"]) + gap(3, 12))
        if plan.ending == "recognize":
            d["end"] = self.workday(d["grassroots_recog"] + gap(7, 25))
        elif plan.ending == "remove":
            d["end"] = self.workday(d["recog_vote"] + gap(15, 40))
        elif plan.ending in ("branch_fail", "grassroots_fail", "decision_refused"):
            d["end"] = {"branch_fail": d["vote"], "grassroots_fail": d["grassroots"],
                        "decision_refused": d["decision"]}[plan.ending]
        else:
            # Rejected after a flagged verification, or withdrawn: some weeks after the last step taken.
            last = d.get(plan.stop, spotted)
            d["end"] = min(self.today, self.workday(last + gap(5, 40)))
        return d

    def taken(self, plan: Plan) -> list[str]:
        """The steps this plan takes, in order (the ending step last)."""
        steps = [s for s in STEPS[: IDX[plan.stop] + 1] if s != "end"]
        under_sub = plan.cell.parent_id == (plan.unit.sub.pk if plan.unit.sub else None)
        if not under_sub:
            steps = [s for s in steps if s not in ("sub_report", "sub_recog")]
        if plan.ending == "remove":
            steps = [s for s in steps if s not in ("sub_recog", "grassroots_recog")]
        if plan.ending:
            steps.append("end")
        return steps

    def _timeline(self, plan: Plan) -> None:
        """Place the case so that its last step falls in the window its state calls for."""
        rng = self.rng
        today = self.today
        window_days = self._window(plan)
        anchor_step = plan.stop if plan.ending in ("", "reject", "withdraw") else "end"
        target = today - dt.timedelta(days=rng.randint(*window_days))
        probe = self._dates_from(plan, today - relativedelta(years=3))
        spotted = target - (probe[anchor_step] - probe["create"])
        steps = self.taken(plan)
        for _ in range(20):
            dates = self._dates_from(plan, spotted)
            latest = max(dates[s] for s in steps if s != "end" or plan.ending not in ("reject", "withdraw"))
            if latest <= today:
                break
            spotted -= (latest - today) + dt.timedelta(days=rng.randint(1, 10))
        else:  # pragma: no cover - the loop always converges for these windows
            raise RuntimeError("could not place a demo dossier in the past")
        plan.dates = dates

    @staticmethod
    def _window(plan: Plan) -> tuple[int, int]:
        """How many days before today the case's last step lies: recent for open cases."""
        if plan.ending in ("reject", "withdraw"):
            return (5, 300)
        if plan.state == State.PROBATION:
            return {"ceremony": (15, 330), "nm_cert": (5, 250), "mid_report": (1, 170)}.get(plan.stop, (1, 40))
        if plan.state == State.HIGHER_APPROVAL:
            return (1, 20) if plan.stop == "decision" else (1, 45)
        return {
            State.SPOTTED: (1, 365), State.TRAINING: (1, 40), State.MENTORING: (1, 240),
            State.BRANCH_VOTE: (1, 40), State.RECOGNIZED: (5, 300), State.REMOVED: (10, 300),
            State.REJECTED: (5, 700),
        }[plan.state]

    # ---- document numbers: each issuer numbers its acts in date order, per year ----

    def _number(self, plans: list[Plan]) -> None:
        events = []
        for i, plan in enumerate(plans):
            steps = set(self.taken(plan))
            d = plan.dates
            cell_series = ("gr", plan.unit.org.pk) if plan.unit.row.kind == CHI_BO else ("cell", plan.cell.pk)
            wanted = {
                "complete": (("ttct",), "GCN/TTCT", d["complete"]),
                "union": (("union", plan.unit.org.pk, plan.union_kind),
                          "NQ/ĐTN" if plan.union_kind == ActKind.YOUTH_UNION else "NQ/CĐ", d["introducers"]),
                "vote": (cell_series, "NQ/CB", d["vote"]),
                "sub_report": (("sub", plan.unit.org.pk), "BC/ĐUBP", d["sub_report"]),
                "grassroots": (("gr", plan.unit.org.pk), f"NQ/{plan.unit.org.short_name}", d["grassroots"]),
                "decision": (("hu",), "QĐ/HU", d["decision"]),
                "nm_cert": (("ttct",), "GCN/TTCT", d["nm_cert"]),
                "recog_vote": (cell_series, "NQ/CB", d["recog_vote"]),
                "sub_recog": (("sub", plan.unit.org.pk), "BC/ĐUBP", d["sub_recog"]),
                "grassroots_recog": (("gr", plan.unit.org.pk), f"NQ/{plan.unit.org.short_name}",
                                     d["grassroots_recog"]),
                "end": (("hu",), "QĐ/HU", d["end"]),
            }
            for key, (series, suffix, day) in wanted.items():
                if key == "union":
                    taken = "introducers" in steps and bool(plan.union_kind)
                elif key == "end":
                    taken = plan.ending in ("recognize", "remove")
                else:
                    taken = key in steps
                if taken:
                    events.append((day, i, key, series, suffix))
        events.sort(key=lambda e: (e[0], e[1]))
        counters: dict[tuple, int] = defaultdict(int)
        for day, i, key, series, suffix in events:
            slot = (series, day.year)
            if slot not in counters:
                counters[slot] = self.rng.randint(3, 40) if series[0] in ("hu", "ttct") else self.rng.randint(0, 3)
            counters[slot] += self.rng.randint(1, 4) if series[0] == "hu" else self.rng.randint(1, 2)
            plans[i].numbers[key] = f"{counters[slot]:02d}-{suffix}"

    # ---- candidates ----

    def make_candidate(self, plan: Plan) -> Candidate:
        rng = self.rng
        unit, cell, d = plan.unit, plan.cell, plan.dates
        sex = plan.profile["sex"]
        surname = self.pick(SURNAMES)
        full_name = self.person_name(sex, surname=surname)
        age_now = plan.profile["age_at_spotting"] + (self.today - d["create"]).days / 365.25
        birth = self.today - dt.timedelta(days=int(age_now * 365.25))
        commune_row = unit.row if unit.row.category == OrgCategory.COMMUNE else self.pick(
            [u.row for u in self.units if u.row.category == OrgCategory.COMMUNE])
        where = commune_label(commune_row)
        commune_name = commune_row.table_name.removeprefix("Thị trấn ")
        if unit.row.category == OrgCategory.COMMUNE:
            hamlet = cell.name.removeprefix("Chi bộ ")
            hamlet = hamlet[0].upper() + hamlet[1:]
            if unit.sub and cell.parent_id == unit.sub.pk:
                hamlet += ", thôn " + SUB_COMMITTEE.rsplit("thôn ", 1)[1]
        else:
            hamlet = (f"Tổ dân phố {self.pick(TOWN_QUARTERS)}" if where.startswith("thị trấn")
                      else f"Thôn {self.pick(VILLAGES)}")
        residence = f"{hamlet}, {where}, {DISTRICT_PLACE}"
        home_place = rng.choices(
            [f"{where}, {DISTRICT_PLACE}", "xã Yên Thắng, huyện Ý Yên, tỉnh Nam Định",
             "xã Mỹ Thành, huyện Mỹ Lộc, tỉnh Nam Định", "xã Nam Thanh, huyện Nam Trực, tỉnh Nam Định",
             "phường Lộc Vượng, thành phố Nam Định, tỉnh Nam Định"], [80, 5, 5, 5, 5])[0]
        occupation, workplace, professional, detail = self._occupation(plan, where)
        ethnicity = rng.choices(["Kinh", "Mường", "Tày", "Thái", "Nùng"], [94, 2, 2, 1, 1])[0]
        religion = rng.choices(["Không", "Công giáo", "Phật giáo"], [84, 12, 4])[0]
        general = GeneralEducation.UPPER_SECONDARY if professional != ProfessionalEducation.NONE or \
            rng.random() < 0.85 else GeneralEducation.LOWER_SECONDARY
        century = 0 if birth.year < 2000 else 2
        id_number = f"036{century + (1 if sex == Sex.FEMALE else 0)}{birth.year % 100:02d}{rng.randint(0, 999999):06d}"
        youth = birth + relativedelta(years=rng.randint(15, 16), months=rng.randint(0, 11))
        candidate = Candidate.objects.create(
            full_name=full_name, sex=sex, birth_date=birth, place_of_birth=home_place, home_town=home_place,
            permanent_residence=residence, ethnicity=ethnicity, religion=religion, id_number=id_number,
            phone=f"09{rng.randint(0, 99_999_999):08d}", occupation=occupation, workplace=workplace,
            general_education=general, professional_education=professional, education_detail=detail,
            foreign_language=rng.choice(["", "Tiếng Anh B1", "Tiếng Anh trình độ A2", ""]),
            it_level=rng.choice(["", "Ứng dụng công nghệ thông tin cơ bản", ""]),
            youth_union_joined_on=youth if youth <= self.today else None,
            youth_union_place=f"Trường THCS {commune_name}" if youth <= self.today else "",
            trade_union_joined_on=(d["create"] - relativedelta(years=rng.randint(1, 4)))
            if workplace and plan.source == Source.TRADE_UNION else None,
            health="Tốt",
            personal_history=(
                f"Từ nhỏ sống cùng gia đình tại {where}, học phổ thông tại địa phương. "
                + (f"Hiện công tác tại {workplace}." if workplace else "Hiện lao động tại địa phương.")
            ),
            self_assessment="Có lập trường tư tưởng vững vàng, đạo đức, lối sống giản dị, hoàn thành tốt nhiệm vụ.",
        )
        self._relatives(candidate, birth, surname, sex, where)
        if workplace:
            WorkHistory.objects.create(
                candidate=candidate, start=d["create"] - relativedelta(years=rng.randint(1, 6)), place=workplace,
                position=occupation,
            )
        return candidate

    def _occupation(self, plan: Plan, where: str) -> tuple[str, str, str, str]:
        rng = self.rng
        P = ProfessionalEducation
        name = plan.unit.row.table_name
        if plan.unit.row.category == OrgCategory.COMMUNE:
            options = [
                ("Giáo viên tiểu học", f"Trường Tiểu học {where}", P.UNIVERSITY, "Cử nhân Sư phạm Tiểu học"),
                ("Giáo viên mầm non", f"Trường Mầm non {where}", P.COLLEGE, "Cao đẳng Sư phạm Mầm non"),
                ("Công chức Văn phòng - Thống kê", f"UBND {where}", P.UNIVERSITY, "Cử nhân Quản lý nhà nước"),
                ("Y sĩ", f"Trạm Y tế {where}", P.VOCATIONAL, "Trung cấp Y sĩ đa khoa"),
                ("Làm ruộng", "", P.NONE, ""),
                ("Làm ruộng", "", P.NONE, ""),
                ("Công nhân may", "Công ty TNHH May Bảo Minh, KCN Bảo Minh", P.VOCATIONAL, "Trung cấp Công nghệ may"),
                ("Công nhân", "Công ty TNHH Điện tử Vụ Bản, KCN Bảo Minh", P.NONE, ""),
                ("Kinh doanh tự do", "", P.NONE, ""),
                ("Kế toán", f"Hợp tác xã Dịch vụ nông nghiệp {where}", P.COLLEGE, "Cao đẳng Kế toán"),
                ("Công an viên", f"Công an {where}", P.VOCATIONAL, "Trung cấp Công an nhân dân"),
                ("Phó Bí thư Đoàn xã", f"Đoàn TNCS Hồ Chí Minh {where}", P.UNIVERSITY, "Cử nhân Công tác xã hội"),
            ]
            return rng.choice(options)
        workplace = name if ("huyện" in name.lower() or "Vụ Bản" in name or name.startswith("Trường")) \
            else f"{name} huyện Vụ Bản"
        if name.startswith("Trường"):
            subject = rng.choice(["Toán", "Ngữ văn", "Tiếng Anh", "Vật lý", "Hóa học", "Sinh học", "Lịch sử"])
            return ("Giáo viên", workplace, rng.choice([P.UNIVERSITY, P.UNIVERSITY, P.MASTER]),
                    f"Cử nhân Sư phạm {subject}")
        if name == "Trung tâm y tế huyện":
            return rng.choice([("Bác sĩ", "Trung tâm Y tế huyện Vụ Bản", P.UNIVERSITY, "Bác sĩ đa khoa"),
                               ("Điều dưỡng", "Trung tâm Y tế huyện Vụ Bản", P.COLLEGE, "Cao đẳng Điều dưỡng"),
                               ("Dược sĩ", "Trung tâm Y tế huyện Vụ Bản", P.UNIVERSITY, "Dược sĩ đại học")])
        if name == "Bưu điện huyện":
            return rng.choice([("Giao dịch viên", "Bưu điện huyện Vụ Bản", P.COLLEGE, "Cao đẳng Tài chính - Ngân hàng"),
                               ("Nhân viên bưu tá", "Bưu điện huyện Vụ Bản", P.VOCATIONAL, "")])
        if name.startswith("Cty"):
            return rng.choice([("Kỹ sư thủy lợi", "Công ty TNHH MTV Khai thác công trình thủy lợi Vụ Bản",
                                P.UNIVERSITY, "Kỹ sư Kỹ thuật tài nguyên nước"),
                               ("Công nhân vận hành trạm bơm", "Công ty TNHH MTV Khai thác công trình thủy lợi Vụ Bản",
                                P.VOCATIONAL, "Trung cấp Thủy lợi")])
        job = {"Toà án": "Thư ký Tòa án", "Viện Kiểm sát": "Kiểm tra viên",
               "Chi cục Thi hành án Dân sự": "Thư ký thi hành án", "BHXH": "Viên chức"}.get(name, "Chuyên viên")
        detail = rng.choice(["Cử nhân Luật", "Cử nhân Kinh tế", "Cử nhân Hành chính học", "Cử nhân Kế toán",
                             "Kỹ sư Công nghệ thông tin", "Cử nhân Quản lý văn hóa"])
        return (job, workplace, rng.choice([P.UNIVERSITY, P.UNIVERSITY, P.UNIVERSITY, P.MASTER, P.COLLEGE]), detail)

    def _relatives(self, candidate: Candidate, birth: dt.date, surname: str, sex: str, where: str) -> None:
        rng = self.rng
        home = f"{where}, {DISTRICT_PLACE}"
        father_year = birth.year - rng.randint(24, 34)
        mother_year = father_year + rng.randint(0, 5)
        father_dead = rng.random() < 0.08
        rows = [
            Relative(candidate=candidate, kind=RelativeKind.FATHER,
                     full_name=self.person_name(Sex.MALE, surname=surname, old=True), birth_year=father_year,
                     death_year=rng.randint(birth.year + 5, self.today.year - 1) if father_dead else None,
                     home_town=home, residence="" if father_dead else home,
                     occupation="" if father_dead else rng.choice(["Làm ruộng", "Làm ruộng", "Hưu trí", "Thợ mộc",
                                                                   "Buôn bán nhỏ"]),
                     political_history="Không có vấn đề gì về chính trị."),
            Relative(candidate=candidate, kind=RelativeKind.MOTHER,
                     full_name=self.person_name(Sex.FEMALE, old=True), birth_year=mother_year, home_town=home,
                     residence=home, occupation=rng.choice(["Làm ruộng", "Làm ruộng", "Nội trợ", "Buôn bán nhỏ"]),
                     political_history="Không có vấn đề gì về chính trị."),
        ]
        age = (self.today - birth).days // 365
        if age >= 24 and rng.random() < 0.5:
            spouse_sex = Sex.FEMALE if sex == Sex.MALE else Sex.MALE
            rows.append(Relative(
                candidate=candidate, kind=RelativeKind.SPOUSE, full_name=self.person_name(spouse_sex),
                birth_year=birth.year + rng.randint(-3, 3), home_town=home, residence=candidate.permanent_residence,
                occupation=rng.choice(["Công nhân", "Giáo viên", "Làm ruộng", "Kinh doanh tự do", "Nhân viên văn phòng"]),
                political_history="Không có vấn đề gì về chính trị.",
            ))
            if age >= 27 and rng.random() < 0.6:
                rows.append(Relative(
                    candidate=candidate, kind=RelativeKind.CHILD,
                    full_name=self.person_name(rng.choice([Sex.MALE, Sex.FEMALE]),
                                               surname=surname if sex == Sex.MALE else rows[-1].full_name.split()[0]),
                    birth_year=self.today.year - rng.randint(1, 6), residence=candidate.permanent_residence,
                    occupation="Còn nhỏ", full_civil_capacity=False,
                ))
        for relative in rows:
            relative.save()

    # ---- walking a case through the services ----

    def run(self, plan: Plan) -> Dossier:
        rng = self.rng
        S = services
        d_ = plan.dates
        steps = self.taken(plan)
        unit, cell = plan.unit, plan.cell
        candidate = self.make_candidate(plan)
        cell_actor = self.cell_actor(plan)
        committee = self.committee_actor(plan)
        btv = self.users["btv"]
        secretary = self.secretaries[cell.pk].full_name
        members = [m for m in self.members[cell.pk] if m is not self.giupdo]
        mentor = self.giupdo if plan.mentor_user else rng.choice(members)
        introducers = rng.sample([m for m in members if m is not mentor], 2)
        if rng.random() < 0.5:
            introducers[0] = mentor  # the mentor often introduces too
        needed = rules.introducers_needed(has_union_resolution=bool(plan.union_kind))
        creator = self.users[plan.creator] if plan.creator else cell_actor
        grassroots_org = unit.org
        chi_bo_co_so = unit.row.kind == CHI_BO
        hall = (f"Nhà văn hóa {cell.name.removeprefix('Chi bộ ')}" if unit.row.category == OrgCategory.COMMUNE
                else f"Hội trường {unit.row.table_name}")
        mentor_actor = self.users["giupdo"] if plan.mentor_user else cell_actor

        def vote_counts(eligible: int, outcome: str) -> dict:
            need = -(-eligible * 2 // 3)
            present = max(need + 1 if eligible > need else eligible, eligible - rng.randint(0, max(1, eligible // 6)))
            present = min(present, eligible)
            if outcome == "pass":
                votes_for = rng.randint(max(need, present - 2), present)
                against = rng.randint(0, present - votes_for)
            elif outcome == "against":  # two thirds against
                against = rng.randint(max(need, present - 2), present)
                votes_for = rng.randint(0, present - against)
            elif outcome == "fail":  # fewer than two thirds for, fewer than two thirds against
                votes_for = rng.randint(max(1, need - max(2, eligible // 4)), need - 1)
                against = min(present - votes_for, need - 1)
                against = rng.randint(max(0, against - 2), against)
            else:
                raise ValueError(outcome)
            return {"eligible": eligible, "present": present, "votes_for": votes_for,
                    "votes_against": against, "abstain": present - votes_for - against}

        d = S.dossier_create(candidate=candidate, cell=cell, source=plan.source, spotted_on=d_["create"], actor=creator,
                             note="Đoàn xã giới thiệu đoàn viên ưu tú." if plan.creator == "doan" else "")
        if "mentor" in steps:
            d = S.dossier_assign_mentor(dossier=d, actor=cell_actor, member=mentor, assigned_on=d_["mentor"])
        if "enroll" in steps:
            d = S.dossier_enroll_training(dossier=d, actor=cell_actor,
                                          class_name=f"Lớp bồi dưỡng nhận thức về Đảng {d_['class_name']}",
                                          organiser=ORGANISER, start_date=d_["enroll"])
        if "complete" in steps:
            d = S.dossier_complete_training(dossier=d, actor=cell_actor, number=plan.numbers["complete"],
                                            issued_on=d_["complete"], end_date=d_["class_end"],
                                            score=rng.choices(["Giỏi", "Khá", "Trung bình"], [40, 52, 8])[0])
        if "introducers" in steps:
            if plan.union_kind:
                youth = plan.union_kind == ActKind.YOUTH_UNION
                d = S.dossier_record_union_resolution(
                    dossier=d, actor=cell_actor, kind=plan.union_kind,
                    issuer=(f"Ban Chấp hành Đoàn TNCS Hồ Chí Minh {commune_label(unit.row)}" if youth and
                            unit.row.category == OrgCategory.COMMUNE else
                            f"Ban Chấp hành {'Đoàn cơ sở' if youth else 'Công đoàn cơ sở'} {unit.row.table_name}"),
                    number=plan.numbers["union"], date=d_["introducers"],
                    signer=unit.youth_secretary if youth else unit.union_chair)
            for member in introducers[:needed]:
                d = S.dossier_assign_introducer(
                    dossier=d, actor=cell_actor, member=member, assigned_on=d_["introducers"],
                    worked_together_since=d_["create"] - relativedelta(months=rng.randint(14, 60)))
        if "application" in steps:
            d = S.dossier_record_application(dossier=d, actor=cell_actor, on=d_["application"])
        if "history" in steps:
            d = S.dossier_record_personal_history(dossier=d, actor=cell_actor, on=d_["history"])
        grassroots_label = grassroots_org.name.replace("Đảng bộ", "Đảng ủy", 1).replace("Chi bộ", "Chi ủy", 1)
        if "verif_start" in steps:
            d = S.dossier_start_verification(dossier=d, actor=committee, relative=None,
                                             method=VerificationMethod.IN_PERSON, verifying_unit=grassroots_label,
                                             sent_on=d_["verif_start"])
            for relative in candidate.relatives.all():
                if relative.requires_verification:
                    local = commune_label(unit.row) in relative.residence or unit.row.category != OrgCategory.COMMUNE
                    d = S.dossier_start_verification(
                        dossier=d, actor=committee, relative=relative,
                        method=VerificationMethod.IN_PERSON if local else VerificationMethod.LETTER,
                        verifying_unit=grassroots_label, sent_on=d_["verif_start"])
        if "verif_conclude" in steps:
            issue = plan.ending == "reject"
            for i, v in enumerate(d.verifications.order_by("id")):
                flagged = issue and i == 0
                d = S.dossier_conclude_verification(
                    dossier=d, actor=committee, verification=v,
                    concluded_on=max(v.sent_on, d_["verif_conclude"] - self.days(0, 8)),
                    conclusion=("Bản thân khai chưa đầy đủ quá trình làm việc tự do tại nước ngoài; cần làm rõ."
                                if flagged else "Lịch sử chính trị rõ ràng; chấp hành tốt chủ trương của Đảng, "
                                "chính sách, pháp luật của Nhà nước."),
                    has_issue=flagged)
        if "certify" in steps:
            d = S.dossier_certify_personal_history(dossier=d, actor=committee, on=d_["certify"])
        if "opinions" in steps:
            if plan.candidate_report:
                d = S.dossier_record_progress_report(
                    dossier=d, actor=mentor_actor, mentor=mentor, period_start=d_["mentor"],
                    period_end=d_["opinions"] - self.days(0, 3),
                    content="Quần chúng có tinh thần cầu tiến, tích cực tham gia phong trào của địa phương, "
                            "được quần chúng tín nhiệm.")
            d = S.dossier_record_opinions(
                dossier=d, actor=cell_actor, date=d_["opinions"],
                workplace_opinion="Đoàn thể nơi sinh hoạt nhất trí: quần chúng có phẩm chất đạo đức tốt, "
                                  "hoàn thành tốt nhiệm vụ được giao.",
                residence_opinion="Chi ủy nơi cư trú nhất trí: bản thân và gia đình chấp hành tốt chủ trương "
                                  "của Đảng, chính sách, pháp luật của Nhà nước.")
        if "submit" in steps:
            d = S.dossier_submit_for_vote(dossier=d, actor=cell_actor, on=d_["submit"])
        eligible = Organization.objects.values_list("official_members", flat=True).get(pk=cell.pk)
        if "vote" in steps or plan.ending == "branch_fail":
            outcome = "fail" if plan.ending == "branch_fail" else "pass"
            d = S.dossier_record_branch_vote(dossier=d, actor=cell_actor, meeting_date=d_["vote"],
                                             number=plan.numbers.get("vote", ""), signer=secretary,
                                             **vote_counts(eligible, outcome))
        if "sub_report" in steps:
            d = S.dossier_record_sub_committee_admission(dossier=d, actor=committee, number=plan.numbers["sub_report"],
                                                         date=d_["sub_report"], signer=unit.sub_secretary)
        committee_size = grassroots_org.committee_members
        if not chi_bo_co_so and ("grassroots" in steps or plan.ending == "grassroots_fail"):
            outcome = "fail" if plan.ending == "grassroots_fail" else "pass"
            counts = vote_counts(committee_size, outcome)
            counts.pop("eligible")
            d = S.dossier_record_grassroots_admission(
                dossier=d, actor=committee, meeting_date=d_["grassroots"], number=plan.numbers.get("grassroots", ""),
                signer=unit.secretary if not chi_bo_co_so else secretary, **counts)
        decision_signer = "Phạm Quang Vinh"  # the `btv` login signs for the standing committee
        if "decision" in steps or plan.ending == "decision_refused":
            refused = plan.ending == "decision_refused"
            d = S.dossier_decide_admission(
                dossier=d, actor=btv, approved=not refused, number="" if refused else plan.numbers["decision"],
                date=d_["decision"], signer=decision_signer, issuer=STANDING_COMMITTEE,
                reason="Qua thẩm định, quần chúng chưa đủ 12 tháng cùng công tác với đảng viên giới thiệu "
                       "thứ hai; đề nghị chi bộ tiếp tục bồi dưỡng." if refused else "")
        if "ceremony" in steps:
            d = S.dossier_hold_ceremony(dossier=d, actor=cell_actor, date=d_["ceremony"], place=hall,
                                        chaired_by=secretary)
        if "nm_cert" in steps:
            d = S.dossier_record_new_member_certificate(
                dossier=d, actor=cell_actor,
                class_name=f"Lớp bồi dưỡng lý luận chính trị cho đảng viên mới {d_['nm_name']}",
                organiser=ORGANISER, start_date=d_["nm_start"], number=plan.numbers["nm_cert"],
                issued_on=d_["nm_cert"])
        if "mid_report" in steps:
            d = S.dossier_record_progress_report(
                dossier=d, actor=mentor_actor, mentor=mentor, period_start=d_["ceremony"],
                period_end=d_["mid_report"],
                content="Đảng viên dự bị chấp hành tốt nhiệm vụ đảng viên, tham gia sinh hoạt chi bộ đầy đủ.")
        removal = plan.ending == "remove"
        if "self_review" in steps:
            d = S.dossier_record_self_review(
                dossier=d, actor=cell_actor, date=d_["self_review"],
                strengths="Chấp hành nghiêm Cương lĩnh, Điều lệ Đảng; sinh hoạt chi bộ đầy đủ; hoàn thành nhiệm vụ.",
                weaknesses=("Chưa tham gia đầy đủ sinh hoạt chi bộ; chưa hoàn thành nhiệm vụ được giao." if removal
                            else "Đôi khi phát biểu xây dựng nghị quyết chi bộ còn hạn chế."))
        if "final_report" in steps:
            d = S.dossier_record_progress_report(
                dossier=d, actor=mentor_actor, mentor=mentor, period_start=d_["ceremony"],
                period_end=d_["final_report"], final=True,
                content=("Đảng viên dự bị vi phạm tư cách đảng viên, không tiến bộ sau khi được nhắc nhở."
                         if removal else "Đủ tư cách đảng viên; đề nghị chi bộ xét công nhận đảng viên chính thức."))
        if "prob_opinions" in steps:
            d = S.dossier_record_opinions(
                dossier=d, actor=cell_actor, date=d_["prob_opinions"], favourable=not removal,
                workplace_opinion=("Đoàn thể nơi làm việc: chưa gương mẫu." if removal else
                                   "Đoàn thể nơi làm việc: gương mẫu, hoàn thành tốt nhiệm vụ."),
                residence_opinion=("Chi ủy nơi cư trú: chưa chấp hành tốt quy định nơi cư trú." if removal else
                                   "Chi ủy nơi cư trú: gia đình và bản thân chấp hành tốt quy định nơi cư trú."))
        if "recog_vote" in steps:
            eligible = Organization.objects.values_list("official_members", flat=True).get(pk=cell.pk)
            outcome = "against" if removal else ("fail" if plan.inconclusive else "pass")
            d = S.dossier_record_recognition_vote(
                dossier=d, actor=cell_actor, meeting_date=d_["recog_vote"], signer=secretary,
                number=plan.numbers.get("recog_vote", "") if outcome == "pass" else "",
                **vote_counts(eligible, outcome))
        if "sub_recog" in steps:
            d = S.dossier_record_sub_committee_recognition(dossier=d, actor=committee, number=plan.numbers["sub_recog"],
                                                           date=d_["sub_recog"], signer=unit.sub_secretary)
        if "grassroots_recog" in steps and not chi_bo_co_so:
            counts = vote_counts(committee_size, "pass")
            counts.pop("eligible")
            d = S.dossier_record_grassroots_recognition(
                dossier=d, actor=committee, meeting_date=d_["grassroots_recog"],
                number=plan.numbers["grassroots_recog"],
                signer=unit.secretary if not chi_bo_co_so else secretary, **counts)
        if plan.ending == "recognize":
            d = S.dossier_recognize(dossier=d, actor=btv, number=plan.numbers["end"], date=d_["end"],
                                    signer=decision_signer, issuer=STANDING_COMMITTEE)
        elif removal:
            d = S.dossier_remove(dossier=d, actor=btv, number=plan.numbers["end"], date=d_["end"],
                                 signer=decision_signer, issuer=STANDING_COMMITTEE,
                                 reason="Không đủ tư cách đảng viên: chi bộ biểu quyết với trên 2/3 đảng viên "
                                        "chính thức không tán thành công nhận chính thức.")
        elif plan.ending == "reject":
            d = S.dossier_reject(dossier=d, actor=committee, on=d_["end"],
                                 reason="Kết quả thẩm tra lý lịch có vấn đề chưa được làm rõ; chưa đủ điều kiện "
                                        "xem xét kết nạp.")
        elif plan.ending == "withdraw":
            d = S.dossier_withdraw(dossier=d, actor=cell_actor, on=d_["end"], reason=rng.choice([
                "Quần chúng chuyển công tác ra ngoài huyện.", "Quần chúng đi lao động ở nước ngoài.",
                "Quần chúng nhập ngũ; hồ sơ chuyển về đơn vị quân đội.", "Quần chúng xin rút vì hoàn cảnh gia đình.",
                "Quần chúng đi học dài hạn ở xa.",
            ]))
        return d

    # ---- everything ----

    def build(self) -> list[Dossier]:
        self.build_organisations()
        self.build_users()
        self.build_members()
        plans = self.make_plans()
        dossiers = [self.run(plan) for plan in plans]
        claim_demo_tasks(self.users)
        self.build_rosters()
        return dossiers

    # ---- rosters and meetings (after the dossiers, whose votes used the typed figures) ----

    def build_rosters(self) -> None:
        """Every cell's full roster (the typed number of official members, a few of them exempted
        from party activities) declared kept; every grassroots committee's seats; in the demo
        users' cell, one meeting held partly online under a decision that allows it."""
        rng = random.Random(SEED + 17)
        rows = []
        cells = [c for unit in self.units for c in unit.cells]
        on_roster = Counter(PartyMember.objects.filter(cell__in=cells, status=MemberStatus.OFFICIAL,
                                                       left_on__isnull=True).values_list("cell_id", flat=True))
        for cell in Organization.objects.filter(pk__in=[c.pk for c in cells]):
            for k in range(max(0, cell.official_members - on_roster[cell.pk])):
                sex = Sex.MALE if rng.random() < 0.55 else Sex.FEMALE
                joined = self.today - relativedelta(years=rng.randint(2, 45), days=rng.randint(0, 300))
                old = k == 0 and rng.random() < 0.6  # an elderly member exempted from party activities
                rows.append(PartyMember(
                    full_name=self.person_name(sex, old=old), sex=sex, cell=cell, status=MemberStatus.OFFICIAL,
                    birth_date=joined - relativedelta(years=rng.randint(19, 30)), joined_on=joined,
                    official_since=joined + relativedelta(years=1),
                    exempt_since=self.today - relativedelta(years=rng.randint(1, 6)) if old else None,
                    exempt_reason="Tuổi cao, sức yếu" if old else ""))
        bulk_create_with_history(rows, PartyMember, batch_size=1000, default_user=self.users.get("bithu"))
        seats = []
        for unit in self.units:
            for k in range(unit.org.committee_members):
                seats.append(CommitteeSeat(organization=unit.org, full_name=self.person_name(
                    Sex.MALE if rng.random() < 0.6 else Sex.FEMALE), position="Bí thư Đảng ủy" if k == 0 else (
                    "Phó Bí thư Đảng ủy" if k == 1 else "Đảng ủy viên"), since=dt.date(self.today.year - 1, 7, 1)))
        bulk_create_with_history(seats, CommitteeSeat, batch_size=1000)
        Organization.objects.filter(pk__in=[u.org.pk for u in self.units]).update(committee_roster_kept=True)
        secretary = self.users.get("bithu")
        for cell in cells:
            services.roster_declare_kept(cell=cell, actor=secretary)
        busy = self.busy_unit.cells[0]
        Organization.objects.filter(pk=busy.pk).update(
            online_meetings_allowed=True,
            online_meetings_decision=f"Quyết định số 07-QĐ/ĐU ngày 05/01/{self.today.year} của Đảng ủy xã Thành Lợi")
        busy.refresh_from_db()
        day = min(self.workday(self.today - dt.timedelta(days=3)), self.today)
        members = list(roster_on(busy, day))
        attendance = {m.pk: Presence.ONLINE if i % 4 == 1 else Presence.IN_PERSON for i, m in enumerate(members)}
        for m in members[-2:]:
            attendance[m.pk] = Presence.EXCUSED
        services.meeting_record(
            cell=busy, date=day, format=MeetingFormat.MIXED, chaired_by=self.secretaries[busy.pk].full_name,
            minutes_by=members[1].full_name, attendance=attendance, actor=secretary,
            note="Sinh hoạt chi bộ thường kỳ; đảng viên đi làm ăn xa dự trực tuyến.")


def build(today: dt.date | None = None, scale: float = 1.0) -> list[Dossier] | None:
    """Create the demo data in one transaction; None (and nothing written) if it is already there.

    The demo sends no mail: the tasks it gives out leave their notices in the application only
    (workflows.signals.mail_held_back), so that neither the commit nor a later sweep prints them as
    MIME text into the console before the logins."""
    with mail_held_back(), transaction.atomic():
        if demo_exists():
            return None
        dossiers = Builder(today, scale).build()
        ensure_demo_devices()
        return dossiers



# --------------------------------------------------------------------------------------------
# The last phase: every demo login with a task role holds some open tasks
# --------------------------------------------------------------------------------------------

# How many open tasks each demo login claims from its queue (workflows.selectors.tasks_queue), in
# the queue's order (overdue first, then by due date), one task of each kind first. The mentor goes
# first (the cell's secretaries may take the mentor's report too) and takes every task open to
# mentors on the cases he mentors; the cell's two secretaries share the busy cell's tasks.
DEMO_CLAIMS = [("giupdo", 10), ("bithu", 6), ("phobithu", 3), ("danguy", 5), ("btv", 5)]


def _varied(tasks: list) -> list:
    """The queue's tasks with one of each kind first (the queue's order kept within a kind)."""
    rank = Counter()
    keyed = []
    for i, task in enumerate(tasks):
        name = task.flow_task.name if task.flow_task else ""
        keyed.append((rank[name], i, task))
        rank[name] += 1
    return [task for _r, _i, task in sorted(keyed, key=lambda k: (k[0], k[1]))]


def claim_demo_tasks(users: dict | None = None) -> dict[str, int]:
    """Claim open tasks for the demo logins; a login that already holds open tasks is left alone,
    so running it again changes nothing. Returns how many each login claimed."""
    User = get_user_model()
    claimed: dict[str, int] = {}
    for username, wanted in DEMO_CLAIMS:
        user = (users or {}).get(username) or User.objects.filter(username=username).first()
        if user is None or tasks_inbox(user=user).exists():
            continue
        claimed[username] = 0
        for task in _varied(list(tasks_queue(user=user)[:200]))[:wanted]:
            try:
                task_claim(task=task, user=user)
            except Refusal:
                continue
            claimed[username] += 1
    return claimed
