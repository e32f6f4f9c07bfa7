"""People: the candidate and the personal history of 2-KNĐ (relatives, work, awards, trips), and party members."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..formatting import fold
from .organisations import Organization, OrgLevel
from .records import HistoricalRecords


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class GeneralEducation(models.TextChoices):
    """QĐ 232 1.2: lower secondary or higher, with exceptions for disadvantaged areas."""

    LITERATE = "literate", _("Can read and write Quốc ngữ")
    PRIMARY = "primary", _("Primary school")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary school")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary school")


class ProfessionalEducation(models.TextChoices):
    NONE = "none", _("None")
    VOCATIONAL = "vocational", _("Vocational secondary")
    COLLEGE = "college", _("College")
    UNIVERSITY = "university", _("University")
    MASTER = "master", _("Master's degree")
    DOCTOR = "doctor", _("Doctorate")


class EducationException(models.TextChoices):
    """QĐ 232 1.2.2 and HD 01-HD/TW: where a lower education level is accepted."""

    NONE = "", _("Not applicable")
    DISADVANTAGED_AREA = "disadvantaged_area", _(
        "Mountainous, island, ethnic minority or especially disadvantaged area (primary school at least)"
    )
    VILLAGE_ELDER = "village_elder", _(
        "Village elder or hamlet head (can read and write Quốc ngữ, with the provincial standing committee's opinion)"
    )


class LeaveReason(models.TextChoices):
    """Why a former member left: QĐ 232 3.5.1 forbids re-admission for some reasons."""

    OTHER = "other", _("Other reason")
    QUIT_ACTIVITIES = "quit_activities", _("Stopped attending Party activities without leave")
    ASKED_TO_LEAVE = "asked_to_leave", _("Asked to leave the Party")
    ASKED_TO_LEAVE_HARDSHIP = "asked_to_leave_hardship", _(
        "Asked to leave the Party because of especially difficult family circumstances"
    )
    DISUNITY = "disunity", _("Caused serious internal disunity")
    CORRUPTION = "corruption", _("Convicted of corruption")
    SERIOUS_CRIME = "serious_crime", _("Convicted of a serious or graver crime")
    LESS_SERIOUS_CRIME = "less_serious_crime", _("Convicted of a less serious crime")


NEVER_READMIT = {
    LeaveReason.QUIT_ACTIVITIES,
    LeaveReason.ASKED_TO_LEAVE,
    LeaveReason.DISUNITY,
    LeaveReason.CORRUPTION,
    LeaveReason.SERIOUS_CRIME,
}


class Candidate(models.Model):
    """A person applying to join (quần chúng); fields follow 1-KNĐ and 2-KNĐ items 01–17."""

    full_name = models.CharField(_("full name in use"), max_length=120)
    birth_name = models.CharField(_("birth name"), max_length=120, blank=True)
    aliases = models.CharField(_("alias"), max_length=120, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    place_of_birth = models.CharField(_("place of birth"), max_length=255)
    home_town = models.CharField(_("home town"), max_length=255)
    permanent_residence = models.CharField(_("permanent residence"), max_length=255)
    temporary_residence = models.CharField(_("temporary residence"), max_length=255, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=60, default="Kinh")
    religion = models.CharField(_("religion"), max_length=60, default="Không")
    id_number = models.CharField(_("citizen ID number"), max_length=12, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    occupation = models.CharField(_("current occupation"), max_length=255)
    workplace = models.CharField(_("work unit"), max_length=255, blank=True)
    general_education = models.CharField(
        _("general education"), max_length=20, choices=GeneralEducation.choices
    )
    professional_education = models.CharField(
        _("professional qualification"), max_length=20, choices=ProfessionalEducation.choices,
        default=ProfessionalEducation.NONE,
    )
    education_detail = models.CharField(_("field, academic title and degree"), max_length=255, blank=True)
    political_theory = models.CharField(_("political theory"), max_length=100, blank=True)
    foreign_language = models.CharField(_("foreign languages"), max_length=100, blank=True)
    it_level = models.CharField(_("IT skills"), max_length=100, blank=True)
    minority_language = models.CharField(_("ethnic minority languages"), max_length=100, blank=True)
    education_exception = models.CharField(
        _("education exception"), max_length=24, blank=True,
        choices=EducationException.choices, default=EducationException.NONE,
    )
    youth_union_joined_on = models.DateField(
        _("date of joining the Ho Chi Minh Communist Youth Union"), null=True, blank=True
    )
    youth_union_place = models.CharField(_("place of joining the Youth Union"), max_length=255, blank=True)
    trade_union_joined_on = models.DateField(_("date of joining the Trade Union"), null=True, blank=True)
    armed_forces_from = models.DateField(_("date of enlistment"), null=True, blank=True)
    armed_forces_to = models.DateField(_("date of discharge"), null=True, blank=True)
    health = models.CharField(_("health"), max_length=100, blank=True)
    personal_history = models.TextField(_("personal history"), blank=True)
    historical_particulars = models.TextField(_("historical particulars"), blank=True)
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    # Re-admission (kết nạp lại), QĐ 232 3.5.1.
    former_member = models.BooleanField(_("former Party member"), default=False)
    left_party_on = models.DateField(_("date of leaving the Party"), null=True, blank=True)
    leave_reason = models.CharField(
        _("reason for leaving the Party"), max_length=32, choices=LeaveReason.choices, blank=True
    )
    record_expunged_on = models.DateField(_("date the criminal record was expunged"), null=True, blank=True)
    # Lower-case, without diacritics: "nguyen thi hoa" finds "Nguyễn Thị Hoa" on any database.
    search_name = models.CharField(max_length=120, editable=False, db_index=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        errors = {}
        if self.former_member and not self.left_party_on:
            errors["left_party_on"] = _("A former Party member must have a date of leaving the Party.")
        if self.former_member and not self.leave_reason:
            errors["leave_reason"] = _("A former Party member must have a reason for leaving the Party.")
        if (self.leave_reason == LeaveReason.LESS_SERIOUS_CRIME) and not self.record_expunged_on:
            errors["record_expunged_on"] = _("A convicted person must have the date the criminal record was expunged.")
        if self.birth_date and self.youth_union_joined_on and self.youth_union_joined_on < self.birth_date:
            errors["youth_union_joined_on"] = _("The Youth Union joining date cannot be before the date of birth.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.search_name = fold(self.full_name)
        super().save(*args, **kwargs)


class RelativeKind(models.TextChoices):
    """2-KNĐ item 25; HD 01-HD/TW 3.3 names those who must be verified (người thân)."""

    FATHER = "father", _("Father")
    MOTHER = "mother", _("Mother")
    GUARDIAN = "guardian", _("Guardian")
    FATHER_IN_LAW = "father_in_law", _("Father-in-law")
    MOTHER_IN_LAW = "mother_in_law", _("Mother-in-law")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    SIBLING = "sibling", _("Sibling")
    PATERNAL_GRANDPARENT = "paternal_grandparent", _("Paternal grandparent")
    MATERNAL_GRANDPARENT = "maternal_grandparent", _("Maternal grandparent")


VERIFIED_RELATIVE_KINDS = {
    RelativeKind.FATHER, RelativeKind.MOTHER, RelativeKind.GUARDIAN,
    RelativeKind.FATHER_IN_LAW, RelativeKind.MOTHER_IN_LAW, RelativeKind.SPOUSE, RelativeKind.CHILD,
}


class Relative(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="relatives")
    kind = models.CharField(_("relationship"), max_length=24, choices=RelativeKind.choices)
    full_name = models.CharField(_("full name"), max_length=120)
    birth_year = models.PositiveIntegerField(_("year of birth"), null=True, blank=True)
    death_year = models.PositiveIntegerField(_("year of death"), null=True, blank=True)
    home_town = models.CharField(_("home town"), max_length=255, blank=True)
    residence = models.CharField(_("residence"), max_length=255, blank=True)
    occupation = models.CharField(_("occupation"), max_length=255, blank=True)
    political_history = models.TextField(_("political history"), blank=True)
    full_civil_capacity = models.BooleanField(
        _("has full civil capacity"), default=True,
        help_text=_("A child needs verifying only if they have full civil capacity."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("relative")
        verbose_name_plural = _("relatives")
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
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    place = models.CharField(_("place of work"), max_length=255)
    position = models.CharField(_("position, job"), max_length=255)

    class Meta:
        verbose_name = _("employment record")
        verbose_name_plural = _("employment records")
        ordering = ["candidate", "start"]

    def __str__(self) -> str:
        return f"{self.start:%m/%Y}: {self.position}, {self.place}"


class Award(models.Model):
    """2-KNĐ items 23–24: awards and disciplinary records, one table with a sign."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="awards")
    is_discipline = models.BooleanField(_("is a disciplinary measure"), default=False)
    date = models.DateField(_("date"))
    title = models.CharField(_("form"), max_length=255)
    issuer = models.CharField(_("deciding level"), max_length=255, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("award or discipline")
        verbose_name_plural = _("awards and disciplines")
        ordering = ["candidate", "date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}: {self.title}"


class TripAbroad(models.Model):
    """2-KNĐ item 22."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="trips")
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    country = models.CharField(_("country"), max_length=120)
    purpose = models.CharField(_("purpose"), max_length=255)

    class Meta:
        verbose_name = _("trip abroad")
        verbose_name_plural = _("trips abroad")
        ordering = ["candidate", "start"]

    def __str__(self) -> str:
        return f"{self.country} ({self.start:%m/%Y})"


class MemberStatus(models.TextChoices):
    OFFICIAL = "official", _("Official")
    PROBATIONARY = "probationary", _("Probationary")
    LEFT = "left", _("Left the Party")


class MemberExit(models.TextChoices):
    """Why a member is no longer on the cell's roster (from `left_on`)."""

    TRANSFERRED_OUT = "transferred_out", _("Transferred to another party organisation")
    LEFT_PARTY = "left_party", _("Left the Party")
    REMOVED = "removed", _("Removed from the list of probationary members")
    DIED = "died", _("Died")


class PartyMember(models.Model):
    """A member of a cell's roster (danh sách đảng viên): who introduces, mentors, votes.

    On the roster from `in_cell_since` (admission, or transfer in) until `left_on`; probationary
    from `joined_on`, official from `official_since`; exempted from party work and activities
    (miễn công tác và sinh hoạt đảng) between `exempt_since` and `exempt_until`. Probationers enter
    from their ceremony and become official with their recognition decision, through the services.
    """

    full_name = models.CharField(_("full name"), max_length=120)
    # The party card number (số thẻ đảng viên): the stable key an imported roster row is matched by.
    card_number = models.CharField(_("party card number"), max_length=20, blank=True, db_index=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    cell = models.ForeignKey(
        Organization, verbose_name=_("cell"), on_delete=models.PROTECT, related_name="members"
    )
    status = models.CharField(_("membership type"), max_length=16, choices=MemberStatus.choices)
    joined_on = models.DateField(_("date of admission to the Party"))
    official_since = models.DateField(_("date of becoming official"), null=True, blank=True)
    position = models.CharField(_("position"), max_length=120, blank=True)
    in_cell_since = models.DateField(
        _("on the cell's roster since"), null=True, blank=True,
        help_text=_("Admission or transfer into this cell; the date of admission when empty."),
    )
    transferred_from = models.CharField(_("transferred from"), max_length=255, blank=True)
    left_on = models.DateField(_("left the cell's roster on"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=16, choices=MemberExit.choices, blank=True)
    exempt_since = models.DateField(_("exempted from party work and activities since"), null=True, blank=True)
    exempt_until = models.DateField(_("exemption ended on"), null=True, blank=True)
    exempt_reason = models.CharField(_("reason for the exemption"), max_length=255, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="party_member",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        if self.cell_id and self.cell.level != OrgLevel.CELL:
            raise ValidationError({"cell": _("A Party member must belong to a cell.")})
        if self.status == MemberStatus.OFFICIAL and not self.official_since:
            raise ValidationError({"official_since": _("An official member must have the date of becoming official.")})
        errors = {}
        if self.official_since and self.joined_on and self.official_since < self.joined_on:
            errors["official_since"] = _("A member becomes official after being admitted.")
        if self.left_on and not self.left_reason:
            errors["left_reason"] = _("Say why the member left the roster.")
        if self.left_on and self.left_on < self.roster_since:
            errors["left_on"] = _("A member leaves the roster after joining it.")
        if self.exempt_until and (not self.exempt_since or self.exempt_until < self.exempt_since):
            errors["exempt_until"] = _("An exemption ends after it starts.")
        if errors:
            raise ValidationError(errors)

    @property
    def roster_since(self):
        return self.in_cell_since or self.joined_on

    def is_official_on(self, day) -> bool:
        return (
            self.status != MemberStatus.LEFT
            and self.official_since is not None
            and self.official_since <= day
        )
