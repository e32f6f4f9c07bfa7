"""The columns of each kind of import: the template's Vietnamese headers (the file format, the
same whatever the interface language), what each holds, its allowed values and an example.

Headers are matched without case, accents or spaces, and a "*" marks a required column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from dossiers.models import (
    AdmissionAuthority,
    GeneralEducation,
    OrgCategory,
    OrgLevel,
    ProfessionalEducation,
    Sex,
    Source,
    State,
)

from .models import ImportKind
from .reading import header_key

TEXT, DATE, INT, CHOICE, BOOL = "text", "date", "int", "choice", "bool"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    help: str
    type: str = TEXT
    required: bool = False
    example: str = ""
    # Allowed values as written in the file → stored value (matched without case or accents).
    choices: dict[str, str] = field(default_factory=dict)
    max_length: int = 255

    @property
    def title(self) -> str:
        return self.header + (" *" if self.required else "")


YES_NO = {"Có": "1", "Không": "0", "x": "1"}

LEVELS = {
    "Tỉnh ủy": OrgLevel.PROVINCE, "Thành ủy trực thuộc TW": OrgLevel.PROVINCE,
    "Huyện ủy": OrgLevel.DISTRICT, "Thị ủy": OrgLevel.DISTRICT, "Thành ủy": OrgLevel.DISTRICT,
    "Đảng ủy Khối": OrgLevel.DISTRICT,
    "Đảng bộ cơ sở": OrgLevel.GRASSROOTS, "Chi bộ cơ sở": OrgLevel.GRASSROOTS,
    "Đảng ủy bộ phận": OrgLevel.SUB_COMMITTEE,
    "Chi bộ": OrgLevel.CELL,
}
CATEGORIES = {
    "Xã, thị trấn": OrgCategory.COMMUNE, "Cơ quan Đảng, đoàn thể": OrgCategory.PARTY_AGENCY,
    "Cơ quan hành chính": OrgCategory.ADMINISTRATIVE, "Đơn vị sự nghiệp": OrgCategory.PUBLIC_SERVICE,
    "Doanh nghiệp": OrgCategory.ENTERPRISE, "Lực lượng vũ trang": OrgCategory.ARMED_FORCES, "Khác": OrgCategory.OTHER,
}
AUTHORITIES = {
    "Đảng ủy cơ sở được ủy quyền": AdmissionAuthority.GRASSROOTS_AUTHORIZED,
    "BTV cấp ủy cấp trên": AdmissionAuthority.HIGHER_STANDING,
    "Tỉnh ủy": AdmissionAuthority.PROVINCE,
}
SEXES = {"Nam": Sex.MALE, "Nữ": Sex.FEMALE}
GENERAL_EDUCATION = {
    "Biết đọc, biết viết": GeneralEducation.LITERATE, "Tiểu học": GeneralEducation.PRIMARY,
    "THCS": GeneralEducation.LOWER_SECONDARY, "Trung học cơ sở": GeneralEducation.LOWER_SECONDARY,
    "THPT": GeneralEducation.UPPER_SECONDARY, "Trung học phổ thông": GeneralEducation.UPPER_SECONDARY,
    "9/12": GeneralEducation.LOWER_SECONDARY, "12/12": GeneralEducation.UPPER_SECONDARY,
}
PROFESSIONAL = {
    "Không": ProfessionalEducation.NONE, "Trung cấp": ProfessionalEducation.VOCATIONAL,
    "Cao đẳng": ProfessionalEducation.COLLEGE, "Đại học": ProfessionalEducation.UNIVERSITY,
    "Thạc sĩ": ProfessionalEducation.MASTER, "Tiến sĩ": ProfessionalEducation.DOCTOR,
}
SOURCES = {
    "Đoàn Thanh niên": Source.YOUTH_UNION, "Công đoàn": Source.TRADE_UNION, "Chi bộ": Source.CELL,
    "Tổ chức khác": Source.OTHER_ORG,
}
# The states a dossier may be imported in; an official member is a roster row.
STATES = {
    "Quần chúng ưu tú": State.SPOTTED, "Nguồn": State.SPOTTED,
    "Học lớp nhận thức về Đảng": State.TRAINING,
    "Bồi dưỡng, hoàn thiện hồ sơ": State.MENTORING,
    "Chi bộ xét kết nạp": State.BRANCH_VOTE,
    "Cấp trên xét duyệt": State.HIGHER_APPROVAL, "Cấp ủy cấp trên xét duyệt": State.HIGHER_APPROVAL,
    "Đảng viên dự bị": State.PROBATION,
}
STATE_ORDER = [State.SPOTTED, State.TRAINING, State.MENTORING, State.BRANCH_VOTE, State.HIGHER_APPROVAL,
               State.PROBATION]

ORG = _("Write the organisation's name as in the tree; where two have the same name, write its parent first: "
        "“Đảng bộ xã Thành Lợi / Chi bộ xóm 1”.")

ORGANIZATION_COLUMNS = [
    Column("name", "Tên tổ chức", _("Full name of the party organisation."), required=True,
           example="Chi bộ xóm Đông"),
    Column("short_name", "Tên viết tắt", _("Abbreviation used in document numbers (CB, ĐU, HU)."), example="CB",
           max_length=32),
    Column("level", "Cấp", _("Level of the organisation."), CHOICE, required=True, example="Chi bộ", choices=LEVELS),
    Column("parent", "Tổ chức cấp trên", ORG, required=True, example="Đảng bộ xã Thành Lợi"),
    Column("category", "Khối", _("Category (block) of a grassroots organisation."), CHOICE, example="Xã, thị trấn",
           choices=CATEGORIES),
    Column("admission_authority", "Thẩm quyền kết nạp", _("Who decides admissions (QĐ 232 4.3.2)."), CHOICE,
           example="BTV cấp ủy cấp trên", choices=AUTHORITIES),
    Column("has_party_committee", "Có đảng ủy", _("“Không” for a grassroots cell (chi bộ cơ sở)."), BOOL,
           example="Có", choices=YES_NO),
    Column("committee_members", "Số ủy viên cấp ủy", _("Number of committee members (base of its 2/3 votes)."),
           INT, example="9"),
    Column("has_youth_union", "Có Đoàn cơ sở", _("Whether a grassroots Youth Union exists."), BOOL, example="Có",
           choices=YES_NO),
    Column("has_trade_union", "Có Công đoàn cơ sở", _("Whether a grassroots Trade Union exists."), BOOL,
           example="Không", choices=YES_NO),
    Column("place_name", "Địa danh", _("Place name written on documents."), example="Vụ Bản", max_length=100),
]

MEMBER_COLUMNS = [
    Column("card_number", "Số thẻ đảng viên", _("The party card number: the key a member is matched by."),
           required=True, example="79001234", max_length=20),
    Column("full_name", "Họ và tên", _("Full name, with Vietnamese diacritics."), required=True,
           example="Nguyễn Thị Hoà", max_length=120),
    Column("sex", "Giới tính", _("Sex."), CHOICE, required=True, example="Nữ", choices=SEXES),
    Column("birth_date", "Ngày sinh", _("Date of birth, dd/mm/yyyy."), DATE, example="02/09/1985"),
    Column("cell", "Chi bộ", ORG, required=True, example="Chi bộ xóm Đông"),
    Column("joined_on", "Ngày vào Đảng", _("Date of admission (the ceremony), dd/mm/yyyy."), DATE, required=True,
           example="19/05/2010"),
    Column("official_since", "Ngày chính thức", _("Date of becoming official; empty for a probationary member."),
           DATE, example="19/05/2011"),
    Column("position", "Chức vụ", _("Position in the cell."), example="Chi ủy viên", max_length=120),
    Column("in_cell_since", "Ngày sinh hoạt tại chi bộ", _("Date of joining this cell (transfer in); the date of "
           "admission when empty."), DATE, example=""),
    Column("transferred_from", "Chuyển đến từ", _("Where the member transferred from."), example=""),
]

CANDIDATE_COLUMNS = [
    Column("id_number", "Số CCCD", _("Citizen ID number (12 digits): the key a candidate is matched by."),
           required=True, example="036095001234", max_length=12),
    Column("full_name", "Họ và tên", _("Full name, with Vietnamese diacritics."), required=True,
           example="Trần Văn Hùng", max_length=120),
    Column("sex", "Giới tính", _("Sex."), CHOICE, required=True, example="Nam", choices=SEXES),
    Column("birth_date", "Ngày sinh", _("Date of birth, dd/mm/yyyy."), DATE, required=True, example="15/03/1998"),
    Column("place_of_birth", "Nơi sinh", _("Place of birth."), required=True, example="Xã Thành Lợi, Vụ Bản, Nam Định"),
    Column("home_town", "Quê quán", _("Home town."), required=True, example="Xã Thành Lợi, Vụ Bản, Nam Định"),
    Column("permanent_residence", "Nơi thường trú", _("Permanent residence."), required=True,
           example="Xóm Đông, xã Thành Lợi"),
    Column("ethnicity", "Dân tộc", _("Ethnicity (Kinh when empty)."), example="Kinh", max_length=60),
    Column("religion", "Tôn giáo", _("Religion (Không when empty)."), example="Không", max_length=60),
    Column("occupation", "Nghề nghiệp", _("Current occupation."), required=True, example="Giáo viên"),
    Column("workplace", "Đơn vị công tác", _("Work unit."), example="Trường THCS Thành Lợi"),
    Column("general_education", "Giáo dục phổ thông", _("General education."), CHOICE, required=True,
           example="12/12", choices=GENERAL_EDUCATION),
    Column("professional_education", "Chuyên môn", _("Professional qualification."), CHOICE, example="Đại học",
           choices=PROFESSIONAL),
    Column("youth_union_joined_on", "Ngày vào Đoàn", _("Date of joining the Youth Union, dd/mm/yyyy."), DATE,
           example="26/03/2013"),
    Column("cell", "Chi bộ", ORG, required=True, example="Chi bộ xóm Đông"),
    Column("source", "Nguồn", _("Who spotted the candidate."), CHOICE, required=True, example="Đoàn Thanh niên",
           choices=SOURCES),
    Column("spotted_on", "Ngày vào danh sách nguồn", _("Date added to the source list, dd/mm/yyyy."), DATE,
           required=True, example="10/01/2024"),
    Column("state", "Trạng thái", _("The state the dossier has reached; each state needs the columns of the steps "
           "before it. An official member is imported with the rosters."), CHOICE, required=True,
           example="Chi bộ xét kết nạp", choices=STATES),
    Column("class_start", "Ngày khai giảng lớp NTVĐ", _("Start of the Party awareness class (from “Học lớp nhận thức "
           "về Đảng” on); the date added to the source list when empty."), DATE, example="04/03/2024"),
    Column("certificate_number", "Số giấy chứng nhận NTVĐ", _("Certificate number (CN-NTVĐ), from “Bồi dưỡng, hoàn "
           "thiện hồ sơ” on."), example="125/GCN", max_length=60),
    Column("certificate_issued_on", "Ngày cấp giấy chứng nhận NTVĐ", _("Certificate issue date, from “Bồi dưỡng, "
           "hoàn thiện hồ sơ” on."), DATE, example="15/03/2024"),
    Column("mentor", "Số thẻ đảng viên giúp đỡ", _("Party card number of the assigned mentor (a member of the "
           "roster)."), example="79001234"),
    Column("introducer_1", "Số thẻ đảng viên giới thiệu 1", _("Party card number of the first introducer."),
           example="79001234"),
    Column("introducer_1_since", "Cùng công tác từ (giới thiệu 1)", _("Since when the first introducer worked with "
           "the candidate."), DATE, example="01/01/2022"),
    Column("introducer_2", "Số thẻ đảng viên giới thiệu 2", _("Party card number of the second introducer (empty "
           "when the Youth Union or Trade Union introduces)."), example=""),
    Column("introducer_2_since", "Cùng công tác từ (giới thiệu 2)", _("Since when the second introducer worked with "
           "the candidate."), DATE, example=""),
    Column("union_resolution_on", "Ngày NQ giới thiệu của Đoàn/Công đoàn", _("Date of the Youth Union (4-KNĐ) or "
           "Trade Union (4A-KNĐ) resolution, by the source column."), DATE, example="20/03/2024"),
    Column("application_on", "Ngày nhận đơn (1-KNĐ)", _("From “Chi bộ xét kết nạp” on."), DATE, example="25/03/2024"),
    Column("history_on", "Ngày nhận lý lịch (2-KNĐ)", _("From “Chi bộ xét kết nạp” on."), DATE, example="25/03/2024"),
    Column("verified_on", "Ngày kết luận thẩm tra lý lịch", _("From “Chi bộ xét kết nạp” on."), DATE,
           example="20/04/2024"),
    Column("certified_on", "Ngày chứng nhận lý lịch", _("Date the grassroots committee certified the 2-KNĐ."),
           DATE, example="25/04/2024"),
    Column("opinions_on", "Ngày tổng hợp ý kiến (5-KNĐ)", _("From “Chi bộ xét kết nạp” on."), DATE,
           example="26/04/2024"),
    Column("vote_on", "Ngày chi bộ xét kết nạp", _("Date of the cell's vote (6-KNĐ), from “Cấp trên xét duyệt” on; "
           "the age is counted on this date."), DATE, example="10/05/2024"),
    Column("vote_eligible", "Số đảng viên chính thức", _("Official members of the cell on the vote date."), INT,
           example="15"),
    Column("vote_present", "Số có mặt", _("Official members present."), INT, example="14"),
    Column("vote_for", "Số tán thành", _("Votes in favour."), INT, example="14"),
    Column("branch_number", "Số nghị quyết chi bộ (6-KNĐ)", "", example="05-NQ/CB", max_length=60),
    Column("sub_committee_on", "Ngày báo cáo đảng ủy bộ phận (7-KNĐ)", _("Only for a cell under a sub-committee."),
           DATE, example=""),
    Column("grassroots_on", "Ngày nghị quyết đảng ủy cơ sở (8-KNĐ)", _("Where the grassroots organisation has a "
           "party committee."), DATE, example="20/05/2024"),
    Column("grassroots_number", "Số nghị quyết đảng ủy (8-KNĐ)", "", example="12-NQ/ĐU", max_length=60),
    Column("decision_on", "Ngày quyết định kết nạp", _("From “Đảng viên dự bị” on."), DATE, example="10/06/2024"),
    Column("decision_number", "Số quyết định kết nạp (9-KNĐ)", "", example="245-QĐ/HU", max_length=60),
    Column("ceremony_on", "Ngày lễ kết nạp", _("From “Đảng viên dự bị” on: probation starts on this date."), DATE,
           example="01/07/2024"),
    Column("card", "Số thẻ đảng viên", _("For a probationary member: the party card number, when issued."),
           example="", max_length=20),
]

COLUMNS: dict[str, list[Column]] = {
    ImportKind.ORGANIZATIONS: ORGANIZATION_COLUMNS,
    ImportKind.MEMBERS: MEMBER_COLUMNS,
    ImportKind.CANDIDATES: CANDIDATE_COLUMNS,
}


def choice_key(text: str) -> str:
    return header_key(text)


def choice_maps() -> dict[str, dict[str, dict[str, str]]]:
    return {kind: {c.key: {choice_key(k): v for k, v in c.choices.items()} for c in cols if c.choices}
            for kind, cols in COLUMNS.items()}


CHOICE_MAPS = choice_maps()
