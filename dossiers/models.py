"""Organisations, people and admission dossiers.

The dossier's legal state is a django-fsm-2 field that nothing but `dossiers.services` may change
(`protected=True`); the evidence for each step lives in child tables so that every rule in
`dossiers.rules` reads stored facts, never a form's momentary input.
"""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from .formatting import fold

# --------------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------------


class OrgLevel(models.TextChoices):
    PROVINCE = "province", _("Tỉnh ủy / Thành ủy trực thuộc TW")
    DISTRICT = "district", _("Huyện ủy, Thị ủy, Thành ủy, Đảng ủy Khối")
    GRASSROOTS = "grassroots", _("Đảng bộ cơ sở / Chi bộ cơ sở")
    SUB_COMMITTEE = "sub_committee", _("Đảng ủy bộ phận")
    CELL = "cell", _("Chi bộ")


# Which level may sit directly under which: the tree of glossary.md.
ALLOWED_PARENT_LEVELS = {
    OrgLevel.PROVINCE: {None},
    OrgLevel.DISTRICT: {OrgLevel.PROVINCE},
    OrgLevel.GRASSROOTS: {OrgLevel.DISTRICT},
    OrgLevel.SUB_COMMITTEE: {OrgLevel.GRASSROOTS},
    OrgLevel.CELL: {OrgLevel.GRASSROOTS, OrgLevel.SUB_COMMITTEE},
}


class OrgCategory(models.TextChoices):
    COMMUNE = "commune", _("Xã - thị trấn")
    PARTY_AGENCY = "party_agency", _("Cơ quan đảng, đoàn thể")
    ADMINISTRATIVE = "administrative", _("Cơ quan hành chính")
    PUBLIC_SERVICE = "public_service", _("Đơn vị sự nghiệp")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    ARMED_FORCES = "armed_forces", _("Lực lượng vũ trang")
    OTHER = "other", _("Khác")


class AdmissionAuthority(models.TextChoices):
    """QĐ 232-QĐ/TW 4.3.2: who decides admission and recognition for a grassroots organisation."""

    GRASSROOTS_AUTHORIZED = "grassroots_authorized", _("Đảng ủy cơ sở được ủy quyền")
    HIGHER_STANDING = "higher_standing", _("Ban Thường vụ cấp ủy cấp trên")
    PROVINCE = "province", _("Tỉnh ủy")


class Organization(models.Model):
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(
        _("ký hiệu"), max_length=32, blank=True,
        help_text=_("Dùng trong số văn bản, ví dụ CB, ĐU, HU."),
    )
    level = models.CharField(_("cấp"), max_length=16, choices=OrgLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("tổ chức cấp trên"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    # Materialised path "000001.000017.": a subtree is one indexed prefix query at any depth.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    category = models.CharField(
        _("khối"), max_length=24, choices=OrgCategory.choices, default=OrgCategory.OTHER
    )
    admission_authority = models.CharField(
        _("thẩm quyền kết nạp"), max_length=24, choices=AdmissionAuthority.choices,
        default=AdmissionAuthority.HIGHER_STANDING,
    )
    place_name = models.CharField(
        _("địa danh"), max_length=100, blank=True,
        help_text=_("Địa danh ghi trên văn bản: «Vụ Bản, ngày … tháng … năm …»."),
    )
    official_members = models.PositiveIntegerField(_("số đảng viên chính thức"), default=0)
    probationary_members = models.PositiveIntegerField(_("số đảng viên dự bị"), default=0)
    committee_members = models.PositiveIntegerField(
        _("số cấp ủy viên"), default=0,
        help_text=_("Cơ sở để tính 2/3 khi cấp ủy biểu quyết."),
    )
    has_youth_union = models.BooleanField(_("có tổ chức Đoàn cơ sở"), default=False)
    has_trade_union = models.BooleanField(_("có Công đoàn cơ sở"), default=False)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        parent_level = self.parent.level if self.parent_id else None
        if parent_level not in ALLOWED_PARENT_LEVELS[OrgLevel(self.level)]:
            raise ValidationError(
                {"parent": _("Cấp «%(level)s» không thể trực thuộc cấp «%(parent)s».")
                 % {"level": self.get_level_display(),
                    "parent": self.parent.get_level_display() if self.parent_id else "—"}}
            )

    def save(self, *args, **kwargs):
        creating = self.pk is None
        super().save(*args, **kwargs)
        new_path = (self.parent.path if self.parent_id else "") + f"{self.pk:06d}."
        if new_path != self.path:
            old_path = self.path
            self.path = new_path
            Organization.objects.filter(pk=self.pk).update(path=new_path)
            if not creating and old_path:
                # Moving an organisation moves its subtree with it.
                for child in Organization.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    child.path = new_path + child.path[len(old_path):]
                    Organization.objects.filter(pk=child.pk).update(path=child.path)

    @property
    def member_total(self) -> int:
        return self.official_members + self.probationary_members

    def ancestors(self):
        """Root first, self excluded; one query."""
        ids = [int(part) for part in self.path.split(".") if part][:-1]
        by_id = {org.pk: org for org in Organization.objects.filter(pk__in=ids)}
        return [by_id[i] for i in ids if i in by_id]

    def grassroots(self) -> Organization | None:
        """The grassroots organisation this one belongs to (itself if it is one)."""
        if self.level == OrgLevel.GRASSROOTS:
            return self
        for org in reversed(self.ancestors()):
            if org.level == OrgLevel.GRASSROOTS:
                return org
        return None


# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class GeneralEducation(models.TextChoices):
    """QĐ 232 1.2: lower secondary or higher, with exceptions for disadvantaged areas."""

    LITERATE = "literate", _("Biết đọc, biết viết chữ quốc ngữ")
    PRIMARY = "primary", _("Tiểu học")
    LOWER_SECONDARY = "lower_secondary", _("Trung học cơ sở")
    UPPER_SECONDARY = "upper_secondary", _("Trung học phổ thông")


class ProfessionalEducation(models.TextChoices):
    NONE = "none", _("Không")
    VOCATIONAL = "vocational", _("Trung cấp")
    COLLEGE = "college", _("Cao đẳng")
    UNIVERSITY = "university", _("Đại học")
    MASTER = "master", _("Thạc sĩ")
    DOCTOR = "doctor", _("Tiến sĩ")


class EducationException(models.TextChoices):
    """QĐ 232 1.2.2 and HD 01-HD/TW: where a lower education level is accepted."""

    NONE = "", _("Không áp dụng")
    DISADVANTAGED_AREA = "disadvantaged_area", _(
        "Miền núi, hải đảo, vùng đồng bào dân tộc thiểu số, vùng đặc biệt khó khăn (tối thiểu tiểu học)"
    )
    VILLAGE_ELDER = "village_elder", _(
        "Già làng, trưởng bản (biết đọc, viết chữ quốc ngữ, có ý kiến của BTV tỉnh ủy)"
    )


class LeaveReason(models.TextChoices):
    """Why a former member left: QĐ 232 3.5.1 forbids re-admission for some reasons."""

    OTHER = "other", _("Lý do khác")
    QUIT_ACTIVITIES = "quit_activities", _("Tự ý bỏ sinh hoạt đảng")
    ASKED_TO_LEAVE = "asked_to_leave", _("Xin ra khỏi Đảng")
    ASKED_TO_LEAVE_HARDSHIP = "asked_to_leave_hardship", _(
        "Xin ra khỏi Đảng vì hoàn cảnh gia đình đặc biệt khó khăn"
    )
    DISUNITY = "disunity", _("Gây mất đoàn kết nội bộ nghiêm trọng")
    CORRUPTION = "corruption", _("Bị kết án về tội tham nhũng")
    SERIOUS_CRIME = "serious_crime", _("Bị kết án về tội nghiêm trọng trở lên")
    LESS_SERIOUS_CRIME = "less_serious_crime", _("Bị kết án về tội ít nghiêm trọng")


NEVER_READMIT = {
    LeaveReason.QUIT_ACTIVITIES,
    LeaveReason.ASKED_TO_LEAVE,
    LeaveReason.DISUNITY,
    LeaveReason.CORRUPTION,
    LeaveReason.SERIOUS_CRIME,
}


class Candidate(models.Model):
    """A person applying to join (quần chúng); fields follow 1-KNĐ and 2-KNĐ items 01–17."""

    full_name = models.CharField(_("họ và tên đang dùng"), max_length=120)
    birth_name = models.CharField(_("họ và tên khai sinh"), max_length=120, blank=True)
    aliases = models.CharField(_("bí danh"), max_length=120, blank=True)
    sex = models.CharField(_("giới tính"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("ngày sinh"))
    place_of_birth = models.CharField(_("nơi sinh"), max_length=255)
    home_town = models.CharField(_("quê quán"), max_length=255)
    permanent_residence = models.CharField(_("nơi thường trú"), max_length=255)
    temporary_residence = models.CharField(_("nơi tạm trú"), max_length=255, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=60, default="Kinh")
    religion = models.CharField(_("tôn giáo"), max_length=60, default="Không")
    id_number = models.CharField(_("số CCCD"), max_length=12, blank=True, db_index=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    occupation = models.CharField(_("nghề nghiệp hiện nay"), max_length=255)
    workplace = models.CharField(_("đơn vị công tác"), max_length=255, blank=True)
    general_education = models.CharField(
        _("giáo dục phổ thông"), max_length=20, choices=GeneralEducation.choices
    )
    professional_education = models.CharField(
        _("chuyên môn, nghiệp vụ"), max_length=20, choices=ProfessionalEducation.choices,
        default=ProfessionalEducation.NONE,
    )
    education_detail = models.CharField(_("chuyên ngành, học hàm, học vị"), max_length=255, blank=True)
    political_theory = models.CharField(_("lý luận chính trị"), max_length=100, blank=True)
    foreign_language = models.CharField(_("ngoại ngữ"), max_length=100, blank=True)
    it_level = models.CharField(_("tin học"), max_length=100, blank=True)
    minority_language = models.CharField(_("tiếng dân tộc thiểu số"), max_length=100, blank=True)
    education_exception = models.CharField(
        _("ngoại lệ về trình độ học vấn"), max_length=24, blank=True,
        choices=EducationException.choices, default=EducationException.NONE,
    )
    youth_union_joined_on = models.DateField(_("ngày vào Đoàn TNCS Hồ Chí Minh"), null=True, blank=True)
    youth_union_place = models.CharField(_("nơi vào Đoàn"), max_length=255, blank=True)
    trade_union_joined_on = models.DateField(_("ngày vào Công đoàn"), null=True, blank=True)
    armed_forces_from = models.DateField(_("ngày nhập ngũ"), null=True, blank=True)
    armed_forces_to = models.DateField(_("ngày xuất ngũ"), null=True, blank=True)
    health = models.CharField(_("tình trạng sức khỏe"), max_length=100, blank=True)
    personal_history = models.TextField(_("lịch sử bản thân"), blank=True)
    historical_particulars = models.TextField(_("những đặc điểm lịch sử"), blank=True)
    self_assessment = models.TextField(_("tự nhận xét"), blank=True)
    # Re-admission (kết nạp lại), QĐ 232 3.5.1.
    former_member = models.BooleanField(_("đã từng là đảng viên"), default=False)
    left_party_on = models.DateField(_("ngày ra khỏi Đảng"), null=True, blank=True)
    leave_reason = models.CharField(
        _("lý do ra khỏi Đảng"), max_length=32, choices=LeaveReason.choices, blank=True
    )
    record_expunged_on = models.DateField(_("ngày được xóa án tích"), null=True, blank=True)
    # Lower-case, without diacritics: "nguyen thi hoa" finds "Nguyễn Thị Hoa" on any database.
    search_name = models.CharField(max_length=120, editable=False, db_index=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quần chúng")
        verbose_name_plural = _("quần chúng")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        errors = {}
        if self.former_member and not self.left_party_on:
            errors["left_party_on"] = _("Người đã từng là đảng viên phải có ngày ra khỏi Đảng.")
        if self.former_member and not self.leave_reason:
            errors["leave_reason"] = _("Người đã từng là đảng viên phải có lý do ra khỏi Đảng.")
        if (self.leave_reason == LeaveReason.LESS_SERIOUS_CRIME) and not self.record_expunged_on:
            errors["record_expunged_on"] = _("Người bị kết án phải có ngày được xóa án tích.")
        if self.birth_date and self.youth_union_joined_on and self.youth_union_joined_on < self.birth_date:
            errors["youth_union_joined_on"] = _("Ngày vào Đoàn không thể trước ngày sinh.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.search_name = fold(self.full_name)
        super().save(*args, **kwargs)


class RelativeKind(models.TextChoices):
    """2-KNĐ item 25; HD 01-HD/TW 3.3 names those who must be verified (người thân)."""

    FATHER = "father", _("Cha đẻ")
    MOTHER = "mother", _("Mẹ đẻ")
    GUARDIAN = "guardian", _("Người nuôi dưỡng")
    FATHER_IN_LAW = "father_in_law", _("Cha vợ/chồng")
    MOTHER_IN_LAW = "mother_in_law", _("Mẹ vợ/chồng")
    SPOUSE = "spouse", _("Vợ/chồng")
    CHILD = "child", _("Con đẻ")
    SIBLING = "sibling", _("Anh chị em ruột")
    PATERNAL_GRANDPARENT = "paternal_grandparent", _("Ông bà nội")
    MATERNAL_GRANDPARENT = "maternal_grandparent", _("Ông bà ngoại")


VERIFIED_RELATIVE_KINDS = {
    RelativeKind.FATHER, RelativeKind.MOTHER, RelativeKind.GUARDIAN,
    RelativeKind.FATHER_IN_LAW, RelativeKind.MOTHER_IN_LAW, RelativeKind.SPOUSE, RelativeKind.CHILD,
}


class Relative(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="relatives")
    kind = models.CharField(_("quan hệ"), max_length=24, choices=RelativeKind.choices)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    birth_year = models.PositiveIntegerField(_("năm sinh"), null=True, blank=True)
    death_year = models.PositiveIntegerField(_("năm mất"), null=True, blank=True)
    home_town = models.CharField(_("quê quán"), max_length=255, blank=True)
    residence = models.CharField(_("nơi cư trú"), max_length=255, blank=True)
    occupation = models.CharField(_("nghề nghiệp"), max_length=255, blank=True)
    political_history = models.TextField(_("lịch sử chính trị"), blank=True)
    full_civil_capacity = models.BooleanField(
        _("có năng lực hành vi dân sự đầy đủ"), default=True,
        help_text=_("Con đẻ chỉ phải thẩm tra khi có năng lực hành vi dân sự đầy đủ."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("người thân")
        verbose_name_plural = _("người thân")
        ordering = ["candidate", "kind", "birth_year"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.full_name}"

    @property
    def requires_verification(self) -> bool:
        """HD 01-HD/TW 2021 3.3: parents, in-laws or guardian, spouse, adult children; alive."""
        if self.kind not in VERIFIED_RELATIVE_KINDS or self.death_year:
            return False
        return self.kind != RelativeKind.CHILD or self.full_civil_capacity


class WorkHistory(models.Model):
    """2-KNĐ item 19: jobs and positions held."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="work_history")
    start = models.DateField(_("từ"))
    end = models.DateField(_("đến"), null=True, blank=True)
    place = models.CharField(_("nơi làm việc"), max_length=255)
    position = models.CharField(_("chức vụ, công việc"), max_length=255)

    class Meta:
        verbose_name = _("quá trình công tác")
        verbose_name_plural = _("quá trình công tác")
        ordering = ["candidate", "start"]


class Award(models.Model):
    """2-KNĐ items 23–24: awards and disciplinary records, one table with a sign."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="awards")
    is_discipline = models.BooleanField(_("là kỷ luật"), default=False)
    date = models.DateField(_("ngày"))
    title = models.CharField(_("hình thức"), max_length=255)
    issuer = models.CharField(_("cấp quyết định"), max_length=255, blank=True)
    reason = models.CharField(_("lý do"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("khen thưởng, kỷ luật")
        verbose_name_plural = _("khen thưởng, kỷ luật")
        ordering = ["candidate", "date"]


class TripAbroad(models.Model):
    """2-KNĐ item 22."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="trips")
    start = models.DateField(_("từ"))
    end = models.DateField(_("đến"), null=True, blank=True)
    country = models.CharField(_("nước"), max_length=120)
    purpose = models.CharField(_("nội dung"), max_length=255)

    class Meta:
        verbose_name = _("đi nước ngoài")
        verbose_name_plural = _("đi nước ngoài")
        ordering = ["candidate", "start"]


class MemberStatus(models.TextChoices):
    OFFICIAL = "official", _("Chính thức")
    PROBATIONARY = "probationary", _("Dự bị")
    LEFT = "left", _("Đã ra khỏi Đảng")


class PartyMember(models.Model):
    """A member who introduces, mentors, votes; probationers appear here from their ceremony."""

    full_name = models.CharField(_("họ và tên"), max_length=120)
    sex = models.CharField(_("giới tính"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    cell = models.ForeignKey(
        Organization, verbose_name=_("chi bộ"), on_delete=models.PROTECT, related_name="members"
    )
    status = models.CharField(_("loại đảng viên"), max_length=16, choices=MemberStatus.choices)
    joined_on = models.DateField(_("ngày vào Đảng"))
    official_since = models.DateField(_("ngày chính thức"), null=True, blank=True)
    position = models.CharField(_("chức vụ"), max_length=120, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="party_member",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        if self.cell_id and self.cell.level != OrgLevel.CELL:
            raise ValidationError({"cell": _("Đảng viên phải sinh hoạt tại một chi bộ.")})
        if self.status == MemberStatus.OFFICIAL and not self.official_since:
            raise ValidationError({"official_since": _("Đảng viên chính thức phải có ngày chính thức.")})

    def is_official_on(self, day) -> bool:
        return (
            self.status != MemberStatus.LEFT
            and self.official_since is not None
            and self.official_since <= day
        )


# --------------------------------------------------------------------------------------------
# The dossier
# --------------------------------------------------------------------------------------------


class State(models.TextChoices):
    SPOTTED = "spotted", _("Quần chúng ưu tú (nguồn)")
    TRAINING = "training", _("Học lớp bồi dưỡng nhận thức về Đảng")
    MENTORING = "mentoring", _("Bồi dưỡng, hoàn thiện hồ sơ")
    BRANCH_VOTE = "branch_vote", _("Chi bộ xét kết nạp")
    HIGHER_APPROVAL = "higher_approval", _("Cấp ủy cấp trên xét duyệt")
    PROBATION = "probation", _("Đảng viên dự bị")
    RECOGNIZED = "recognized", _("Đảng viên chính thức")
    REJECTED = "rejected", _("Không được kết nạp")
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")
    REMOVED = "removed", _("Xóa tên khỏi danh sách đảng viên dự bị")


MAIN_STATES = [
    State.SPOTTED, State.TRAINING, State.MENTORING, State.BRANCH_VOTE,
    State.HIGHER_APPROVAL, State.PROBATION, State.RECOGNIZED,
]
FINAL_STATES = {State.RECOGNIZED, State.REJECTED, State.WITHDRAWN, State.REMOVED}
OPEN_STATES = [s for s in State if s not in FINAL_STATES]
BEFORE_ADMISSION = [State.SPOTTED, State.TRAINING, State.MENTORING, State.BRANCH_VOTE, State.HIGHER_APPROVAL]


class Source(models.TextChoices):
    """Who spotted and introduced the candidate (nguồn)."""

    YOUTH_UNION = "youth_union", _("Đoàn TNCS Hồ Chí Minh giới thiệu")
    TRADE_UNION = "trade_union", _("Công đoàn giới thiệu")
    CELL = "cell", _("Chi bộ phát hiện")
    OTHER_ORG = "other_org", _("Tổ chức chính trị - xã hội khác giới thiệu")


class Dossier(ConcurrentTransitionMixin, models.Model):
    """One admission case per attempt: from source (nguồn) to official member or an end."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("quần chúng"), on_delete=models.PROTECT, related_name="dossiers"
    )
    cell = models.ForeignKey(
        Organization, verbose_name=_("chi bộ"), on_delete=models.PROTECT, related_name="dossiers"
    )
    state = FSMField(
        _("trạng thái"), max_length=20, choices=State.choices, default=State.SPOTTED,
        protected=True, db_index=True,
    )
    source = models.CharField(_("nguồn giới thiệu"), max_length=16, choices=Source.choices)
    spotted_on = models.DateField(_("ngày đưa vào danh sách nguồn"))
    year = models.PositiveIntegerField(_("năm"), db_index=True, editable=False)
    # Documents the candidate hands in; receipt and certification dates are the evidence.
    application_received_on = models.DateField(_("ngày nhận đơn xin vào Đảng (1-KNĐ)"), null=True, blank=True)
    history_received_on = models.DateField(_("ngày nhận lý lịch (2-KNĐ)"), null=True, blank=True)
    history_certified_on = models.DateField(
        _("ngày cấp ủy cơ sở chứng nhận lý lịch"), null=True, blank=True
    )
    # QĐ 232 1.1.2: over 60 only with the provincial standing committee's written agreement.
    over_sixty_case = models.BooleanField(
        _("trường hợp trên 60 tuổi (cần văn bản đồng ý của BTV tỉnh ủy)"), default=False
    )
    provincial_approval_ref = models.CharField(
        _("văn bản đồng ý của BTV tỉnh ủy"), max_length=120, blank=True
    )
    provincial_approval_on = models.DateField(_("ngày văn bản đồng ý"), null=True, blank=True)
    decision_extended = models.BooleanField(
        _("gia hạn thời gian xét quyết định (tối đa 30 ngày làm việc)"), default=False
    )
    late_ceremony_approval_ref = models.CharField(
        _("văn bản đồng ý tổ chức lễ kết nạp quá hạn"), max_length=120, blank=True
    )
    # The three dates of Charter Art. 5: party age, date joined, official date.
    decision_date = models.DateField(_("ngày quyết định kết nạp"), null=True, blank=True, editable=False)
    ceremony_date = models.DateField(_("ngày kết nạp (lễ kết nạp)"), null=True, blank=True, editable=False)
    official_date = models.DateField(_("ngày chính thức"), null=True, blank=True, editable=False)
    escalated_on = models.DateField(
        _("ngày báo cáo cấp trên (3 lần biểu quyết không đạt)"), null=True, blank=True, editable=False
    )
    member = models.OneToOneField(
        PartyMember, verbose_name=_("đảng viên"), null=True, blank=True, editable=False,
        on_delete=models.PROTECT, related_name="admission_dossier",
    )
    closing_reason = models.TextField(_("lý do kết thúc"), blank=True, editable=False)
    notes = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("hồ sơ kết nạp")
        verbose_name_plural = _("hồ sơ kết nạp")
        ordering = ["-spotted_on", "-id"]
        indexes = [
            models.Index(fields=["cell", "state"], name="dossier_cell_state"),
            models.Index(fields=["state", "year"], name="dossier_state_year"),
            models.Index(fields=["decision_date"], name="dossier_decision_date"),
        ]
        constraints = [
            # One open case per person: a second attempt starts only after the first has ended.
            models.UniqueConstraint(
                fields=["candidate"], condition=Q(state__in=OPEN_STATES), name="dossier_one_open_per_candidate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} ({self.get_state_display()})"

    def clean_fields(self, exclude=None):
        # The protected state field refuses re-assignment, which clean_fields would do.
        exclude = set(exclude or ()) | {"state"}
        if self.spotted_on:
            self.year = self.spotted_on.year
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        if self.spotted_on:
            self.year = self.spotted_on.year
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.state not in FINAL_STATES

    @property
    def grassroots(self) -> Organization | None:
        return self.cell.grassroots()

    def probation_end(self):
        """Charter Art. 5: 12 calendar months from the ceremony."""
        return self.ceremony_date + relativedelta(months=12) if self.ceremony_date else None

    # ---- transitions: only dossiers.services calls these, after checking dossiers.rules ----

    @transition(field=state, source=State.SPOTTED, target=State.TRAINING)
    def enroll_training(self):
        pass

    @transition(field=state, source=State.TRAINING, target=State.MENTORING)
    def complete_training(self):
        pass

    @transition(field=state, source=State.MENTORING, target=State.BRANCH_VOTE)
    def submit_for_vote(self):
        pass

    @transition(field=state, source=State.BRANCH_VOTE, target=State.HIGHER_APPROVAL)
    def pass_branch_vote(self):
        pass

    @transition(field=state, source=State.HIGHER_APPROVAL, target=State.PROBATION)
    def admit(self):
        pass

    @transition(field=state, source=State.PROBATION, target=State.RECOGNIZED)
    def recognize(self):
        pass

    @transition(field=state, source=State.PROBATION, target=State.REMOVED)
    def remove(self):
        pass

    @transition(field=state, source=BEFORE_ADMISSION, target=State.REJECTED)
    def reject(self):
        pass

    @transition(field=state, source=BEFORE_ADMISSION, target=State.WITHDRAWN)
    def withdraw(self):
        pass


class DossierHistory(models.Model):
    """Append-only: one row per action on a dossier. Never updated, never deleted."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True,
        on_delete=models.PROTECT, related_name="+",
    )
    action = models.CharField(_("thao tác"), max_length=48)
    from_state = models.CharField(_("từ trạng thái"), max_length=20, choices=State.choices)
    to_state = models.CharField(_("sang trạng thái"), max_length=20, choices=State.choices)
    note = models.TextField(_("ghi chú"), blank=True)
    evidence = models.JSONField(_("căn cứ"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("lịch sử hồ sơ")
        verbose_name_plural = _("lịch sử hồ sơ")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="history_dossier_at")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("DossierHistory is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("DossierHistory is append-only")

    @property
    def is_transition(self) -> bool:
        return self.from_state != self.to_state


# --------------------------------------------------------------------------------------------
# Evidence
# --------------------------------------------------------------------------------------------


class CertificateKind(models.TextChoices):
    AWARENESS = "awareness", _("Lớp bồi dưỡng nhận thức về Đảng (CN-NTVĐ)")
    NEW_MEMBER = "new_member", _("Lớp bồi dưỡng lý luận chính trị cho đảng viên mới")


class TrainingCertificate(models.Model):
    """The class a candidate attends and the certificate it gives (CN-NTVĐ, or the new-member class)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(_("loại lớp"), max_length=16, choices=CertificateKind.choices)
    class_name = models.CharField(_("tên lớp"), max_length=255)
    organiser = models.CharField(_("đơn vị tổ chức"), max_length=255)
    start_date = models.DateField(_("ngày khai giảng"))
    end_date = models.DateField(_("ngày bế giảng"), null=True, blank=True)
    number = models.CharField(_("số giấy chứng nhận"), max_length=60, blank=True)
    issued_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    score = models.CharField(_("kết quả"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("giấy chứng nhận học lớp")
        verbose_name_plural = _("giấy chứng nhận học lớp")
        ordering = ["dossier", "start_date"]

    @property
    def is_issued(self) -> bool:
        return bool(self.number and self.issued_on)


class Introducer(models.Model):
    """An official member who introduces the candidate (3-KNĐ), answerable for it (Art. 4 §2)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="introducers")
    member = models.ForeignKey(PartyMember, verbose_name=_("đảng viên"), on_delete=models.PROTECT, related_name="+")
    worked_together_since = models.DateField(_("cùng công tác từ ngày"))
    assigned_on = models.DateField(_("ngày phân công"))
    letter_on = models.DateField(_("ngày viết giấy giới thiệu (3-KNĐ)"), null=True, blank=True)
    ended_on = models.DateField(_("ngày thôi giới thiệu"), null=True, blank=True)
    end_reason = models.CharField(_("lý do thay"), max_length=255, blank=True)
    override_reason = models.TextField(
        _("lý do chấp thuận ngoại lệ thời gian cùng công tác"), blank=True,
        help_text=_("Chỉ dùng khi chi bộ phân công người thay thế; ghi rõ căn cứ."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đảng viên giới thiệu")
        verbose_name_plural = _("đảng viên giới thiệu")
        ordering = ["dossier", "assigned_on", "id"]

    def __str__(self) -> str:
        return str(self.member)


class Mentor(models.Model):
    """The official member assigned to help the candidate, and later the probationer."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="mentors")
    member = models.ForeignKey(PartyMember, verbose_name=_("đảng viên"), on_delete=models.PROTECT, related_name="+")
    assigned_on = models.DateField(_("ngày phân công"))
    ended_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đảng viên giúp đỡ")
        verbose_name_plural = _("đảng viên giúp đỡ")
        ordering = ["dossier", "assigned_on", "id"]

    def __str__(self) -> str:
        return str(self.member)


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Đang thẩm tra")
    CONCLUDED = "concluded", _("Đã kết luận")


class VerificationMethod(models.TextChoices):
    LETTER = "letter", _("Gửi công văn")
    IN_PERSON = "in_person", _("Cử người đi thẩm tra trực tiếp")


class Verification(models.Model):
    """HD 01-HD/TW 3.3–3.4: personal-history verification of the candidate (no relative) or a relative."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="verifications")
    relative = models.ForeignKey(
        Relative, verbose_name=_("người thân"), null=True, blank=True, on_delete=models.PROTECT,
        help_text=_("Để trống: thẩm tra bản thân người vào Đảng."),
    )
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    method = models.CharField(_("hình thức"), max_length=12, choices=VerificationMethod.choices)
    verifying_unit = models.CharField(_("đơn vị thẩm tra"), max_length=255)
    sent_on = models.DateField(_("ngày gửi / đi thẩm tra"))
    concluded_on = models.DateField(_("ngày kết luận"), null=True, blank=True)
    conclusion = models.TextField(_("kết luận"), blank=True)
    has_issue = models.BooleanField(_("có vấn đề cần xem xét"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thẩm tra lý lịch")
        verbose_name_plural = _("thẩm tra lý lịch")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "relative"], name="verification_once_per_relative"),
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(relative__isnull=True), name="verification_once_for_candidate"
            ),
        ]


class OpinionStage(models.TextChoices):
    ADMISSION = "admission", _("Trước kết nạp (5-KNĐ)")
    PROBATION = "probation", _("Trong thời gian dự bị (12-KNĐ)")


class OpinionSummary(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="opinions")
    stage = models.CharField(_("giai đoạn"), max_length=12, choices=OpinionStage.choices)
    date = models.DateField(_("ngày tổng hợp"))
    workplace_opinion = models.TextField(_("ý kiến đoàn thể nơi sinh hoạt"))
    residence_opinion = models.TextField(_("ý kiến chi ủy nơi cư trú"))
    favourable = models.BooleanField(_("nhận xét tốt"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tổng hợp ý kiến nhận xét")
        verbose_name_plural = _("tổng hợp ý kiến nhận xét")


class VotePurpose(models.TextChoices):
    BRANCH_ADMISSION = "branch_admission", _("Chi bộ xét đề nghị kết nạp")
    GRASSROOTS_ADMISSION = "grassroots_admission", _("Đảng ủy cơ sở xét đề nghị kết nạp")
    BRANCH_RECOGNITION = "branch_recognition", _("Chi bộ xét công nhận đảng viên chính thức")
    GRASSROOTS_RECOGNITION = "grassroots_recognition", _("Đảng ủy cơ sở xét công nhận chính thức")


class MeetingMode(models.TextChoices):
    """HD 03-HD/TW (pilot): online party meetings for special cells."""

    IN_PERSON = "in_person", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")


class Vote(models.Model):
    """A meeting's vote: the base of 2/3 is everyone eligible, not those present (Charter Art. 4 §3)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="votes")
    purpose = models.CharField(_("nội dung"), max_length=24, choices=VotePurpose.choices)
    meeting_date = models.DateField(_("ngày họp"))
    meeting_mode = models.CharField(
        _("hình thức họp"), max_length=12, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON
    )
    eligible = models.PositiveIntegerField(_("tổng số có quyền biểu quyết"))
    present = models.PositiveIntegerField(_("số có mặt"))
    votes_for = models.PositiveIntegerField(_("số tán thành"))
    votes_against = models.PositiveIntegerField(_("số không tán thành"))
    abstain = models.PositiveIntegerField(_("số không biểu quyết"), default=0)
    passed = models.BooleanField(_("đạt"), editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("biểu quyết")
        verbose_name_plural = _("biểu quyết")
        ordering = ["dossier", "meeting_date", "id"]

    def clean(self) -> None:
        errors = []
        if self.eligible == 0:
            errors.append(_("Tổng số có quyền biểu quyết phải lớn hơn 0."))
        if self.present > self.eligible:
            errors.append(_("Số có mặt (%(p)s) không thể lớn hơn tổng số có quyền biểu quyết (%(e)s).")
                          % {"p": self.present, "e": self.eligible})
        if self.votes_for + self.votes_against + self.abstain > self.present:
            errors.append(_("Tổng số phiếu (%(t)s) không thể lớn hơn số có mặt (%(p)s).")
                          % {"t": self.votes_for + self.votes_against + self.abstain, "p": self.present})
        if errors:
            raise ValidationError(errors)


class ActKind(models.TextChoices):
    """Resolutions and decisions of the admission process, by their form number (domain.md §3.1)."""

    YOUTH_UNION = "4-KNĐ", _("4-KNĐ: Nghị quyết giới thiệu đoàn viên ưu tú vào Đảng")
    TRADE_UNION = "4A-KNĐ", _("4A-KNĐ: Nghị quyết giới thiệu đoàn viên công đoàn ưu tú vào Đảng")
    BRANCH_ADMISSION = "6-KNĐ", _("6-KNĐ: Nghị quyết chi bộ đề nghị kết nạp đảng viên")
    SUB_COMMITTEE_ADMISSION = "7-KNĐ", _("7-KNĐ: Báo cáo của đảng ủy bộ phận thẩm định nghị quyết của chi bộ")
    GRASSROOTS_ADMISSION = "8-KNĐ", _("8-KNĐ: Nghị quyết đảng ủy cơ sở đề nghị kết nạp đảng viên")
    ADMISSION_DECISION = "9-KNĐ", _("9-KNĐ: Quyết định kết nạp đảng viên")
    BRANCH_RECOGNITION = "13-KNĐ", _("13-KNĐ: Nghị quyết chi bộ đề nghị công nhận đảng viên chính thức")
    SUB_COMMITTEE_RECOGNITION = "14-KNĐ", _("14-KNĐ: Báo cáo của đảng ủy bộ phận thẩm định công nhận chính thức")
    GRASSROOTS_RECOGNITION = "15-KNĐ", _("15-KNĐ: Nghị quyết đảng ủy cơ sở đề nghị công nhận chính thức")
    RECOGNITION_DECISION = "16-KNĐ", _("16-KNĐ: Quyết định công nhận đảng viên chính thức")
    REMOVAL_DECISION = "XT", _("Quyết định xóa tên trong danh sách đảng viên dự bị")


UNION_RESOLUTION_KINDS = [ActKind.YOUTH_UNION, ActKind.TRADE_UNION]
DECISION_KINDS = [ActKind.ADMISSION_DECISION, ActKind.RECOGNITION_DECISION, ActKind.REMOVAL_DECISION]
RESOLUTION_KINDS = [k for k in ActKind if k not in UNION_RESOLUTION_KINDS and k not in DECISION_KINDS]


class PartyAct(models.Model):
    """A numbered, signed act of a party body about the dossier: resolution, report or decision.

    One table so that a dossier's acts load in one query; `Resolution`, `UnionResolution` and
    `Decision` are the glossary's names for its kinds.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="acts")
    kind = models.CharField(_("loại"), max_length=8, choices=ActKind.choices)
    vote = models.OneToOneField(
        Vote, null=True, blank=True, on_delete=models.PROTECT, related_name="act", editable=False
    )
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255)
    number = models.CharField(_("số"), max_length=60, blank=True)
    date = models.DateField(_("ngày"))
    signer = models.CharField(_("người ký"), max_length=120)
    approved = models.BooleanField(_("đồng ý"), default=True)
    reason = models.TextField(_("lý do"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nghị quyết, quyết định")
        verbose_name_plural = _("nghị quyết, quyết định")
        ordering = ["dossier", "date", "id"]
        indexes = [models.Index(fields=["kind", "date"], name="act_kind_date")]

    def __str__(self) -> str:
        number = f" số {self.number}" if self.number else ""
        return f"{self.kind}{number}"


class _KindManager(models.Manager):
    def __init__(self, kinds):
        super().__init__()
        self.kinds = kinds

    def get_queryset(self):
        return super().get_queryset().filter(kind__in=self.kinds)


class Resolution(PartyAct):
    objects = _KindManager(RESOLUTION_KINDS)

    class Meta:
        proxy = True
        verbose_name = _("nghị quyết")
        verbose_name_plural = _("nghị quyết")


class UnionResolution(PartyAct):
    """Youth Union / Trade Union resolution that replaces one introducer (Charter Art. 4 §1)."""

    objects = _KindManager(UNION_RESOLUTION_KINDS)

    class Meta:
        proxy = True
        verbose_name = _("nghị quyết giới thiệu của BCH Đoàn / Công đoàn cơ sở")
        verbose_name_plural = _("nghị quyết giới thiệu của BCH Đoàn / Công đoàn cơ sở")


class Decision(PartyAct):
    objects = _KindManager(DECISION_KINDS)

    class Meta:
        proxy = True
        verbose_name = _("quyết định")
        verbose_name_plural = _("quyết định")


class Ceremony(models.Model):
    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="ceremony")
    date = models.DateField(_("ngày tổ chức lễ kết nạp"))
    place = models.CharField(_("địa điểm"), max_length=255)
    chaired_by = models.CharField(_("chủ trì"), max_length=120)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lễ kết nạp")
        verbose_name_plural = _("lễ kết nạp")


class ProgressStage(models.TextChoices):
    CANDIDATE = "candidate", _("Trước kết nạp (nhận xét quần chúng)")
    PROBATION = "probation", _("Trong thời gian dự bị")
    FINAL = "final", _("Nhận xét đảng viên dự bị (11-KNĐ)")


class ProgressReport(models.Model):
    """The mentor's periodic evaluation; the FINAL one is the 11-KNĐ report for recognition."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="progress_reports")
    mentor = models.ForeignKey(PartyMember, verbose_name=_("đảng viên giúp đỡ"), on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("giai đoạn"), max_length=12, choices=ProgressStage.choices)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    content = models.TextField(_("nội dung nhận xét"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhận xét định kỳ")
        verbose_name_plural = _("nhận xét định kỳ")
        ordering = ["dossier", "period_end", "id"]


class SelfReview(models.Model):
    """10-KNĐ, written after the 12 months of probation (HD 01-HD/TW 4.2)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="self_reviews")
    date = models.DateField(_("ngày viết"))
    strengths = models.TextField(_("ưu điểm"))
    weaknesses = models.TextField(_("khuyết điểm"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bản tự kiểm điểm")
        verbose_name_plural = _("bản tự kiểm điểm")
