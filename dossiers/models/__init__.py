"""Organisations, people and admission dossiers.

The dossier's legal state is a django-fsm-2 field that nothing but `dossiers.services` may change
(`protected=True`); the evidence for each step lives in child tables so that every rule in
`dossiers.rules` reads stored facts, never a form's momentary input.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from ..formatting import fold

# --------------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------------


class OrgLevel(models.TextChoices):
    PROVINCE = "province", _("Province-level committee")
    DISTRICT = "district", _("District-level or bloc committee")
    GRASSROOTS = "grassroots", _("Grassroots organisation")
    SUB_COMMITTEE = "sub_committee", _("Sub-committee")
    CELL = "cell", _("Cell")


# Which level may sit directly under which: the tree of glossary.md.
ALLOWED_PARENT_LEVELS = {
    OrgLevel.PROVINCE: {None},
    OrgLevel.DISTRICT: {OrgLevel.PROVINCE},
    OrgLevel.GRASSROOTS: {OrgLevel.DISTRICT},
    OrgLevel.SUB_COMMITTEE: {OrgLevel.GRASSROOTS},
    OrgLevel.CELL: {OrgLevel.GRASSROOTS, OrgLevel.SUB_COMMITTEE},
}


class OrgCategory(models.TextChoices):
    COMMUNE = "commune", _("Commune / township")
    PARTY_AGENCY = "party_agency", _("Party and mass organisation agencies")
    ADMINISTRATIVE = "administrative", _("Administrative agencies")
    PUBLIC_SERVICE = "public_service", _("Public service units")
    ENTERPRISE = "enterprise", _("Enterprises")
    ARMED_FORCES = "armed_forces", _("Armed forces")
    OTHER = "other", _("Other")


class AdmissionAuthority(models.TextChoices):
    """QĐ 232-QĐ/TW 4.3.2: who decides admission and recognition for a grassroots organisation."""

    GRASSROOTS_AUTHORIZED = "grassroots_authorized", _("Authorised grassroots committee")
    HIGHER_STANDING = "higher_standing", _("Standing committee of the higher committee")
    PROVINCE = "province", _("Provincial Party Committee")


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(
        _("abbreviation"), max_length=32, blank=True,
        help_text=_("Used in document numbers, e.g. CB, ĐU, HU."),
    )
    level = models.CharField(_("level"), max_length=16, choices=OrgLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    # Materialised path "000001.000017.": a subtree is one indexed prefix query at any depth.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    category = models.CharField(
        _("category"), max_length=24, choices=OrgCategory.choices, default=OrgCategory.OTHER
    )
    admission_authority = models.CharField(
        _("admission authority"), max_length=24, choices=AdmissionAuthority.choices,
        default=AdmissionAuthority.HIGHER_STANDING,
    )
    place_name = models.CharField(
        _("place name"), max_length=100, blank=True,
        help_text=_("Place name written on documents: “Vụ Bản, ngày … tháng … năm …”."),
    )
    official_members = models.PositiveIntegerField(_("number of official members"), default=0)
    probationary_members = models.PositiveIntegerField(_("number of probationary members"), default=0)
    committee_members = models.PositiveIntegerField(
        _("number of committee members"), default=0,
        help_text=_("Basis for the 2/3 count when the committee votes."),
    )
    has_youth_union = models.BooleanField(_("has a grassroots Youth Union"), default=False)
    has_trade_union = models.BooleanField(_("has a grassroots Trade Union"), default=False)
    # A chi bộ cơ sở has no đảng ủy: its branch resolution goes straight to the higher committee.
    has_party_committee = models.BooleanField(
        _("has a party committee (grassroots party committee)"), default=True,
        help_text=_("Untick for a grassroots cell (chi bộ cơ sở), which has no party committee."),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["path"]
        # Object permissions held on an organisation (django-guardian, granted by `permissions`
        # from a user's roles); each covers the organisation and everything below it.
        permissions = [
            ("view_org_dossiers", _("See the dossiers of the organisation and below")),
            ("propose_candidates", _("Propose candidates and see only those proposed")),
            ("act_as_cell", _("Take the cell's steps")),
            ("act_as_committee", _("Take the grassroots committee's steps")),
            ("approve_admissions", _("Decide admissions and recognitions")),
            ("manage_roles", _("Grant and revoke roles in the organisation and below")),
            ("read_access_log", _("Read the log of personal data reads")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        parent_level = self.parent.level if self.parent_id else None
        if parent_level not in ALLOWED_PARENT_LEVELS[OrgLevel(self.level)]:
            raise ValidationError(
                {"parent": _("Level “%(level)s” cannot be directly under level “%(parent)s”.")
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
        """The grassroots organisation this one belongs to (itself if it is one). Walks the parent
        links, so it costs no query when the parents were loaded with select_related."""
        org = self
        while org is not None:
            if org.level == OrgLevel.GRASSROOTS:
                return org
            if org.level in (OrgLevel.PROVINCE, OrgLevel.DISTRICT):
                return None
            org = org.parent
        return None


# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------


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


class PartyMember(models.Model):
    """A member who introduces, mentors, votes; probationers appear here from their ceremony."""

    full_name = models.CharField(_("full name"), max_length=120)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    cell = models.ForeignKey(
        Organization, verbose_name=_("cell"), on_delete=models.PROTECT, related_name="members"
    )
    status = models.CharField(_("membership type"), max_length=16, choices=MemberStatus.choices)
    joined_on = models.DateField(_("date of admission to the Party"))
    official_since = models.DateField(_("date of becoming official"), null=True, blank=True)
    position = models.CharField(_("position"), max_length=120, blank=True)
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
    SPOTTED = "spotted", _("Outstanding candidate (source)")
    TRAINING = "training", _("Party awareness class")
    MENTORING = "mentoring", _("Mentoring and completing the dossier")
    BRANCH_VOTE = "branch_vote", _("Branch vote")
    HIGHER_APPROVAL = "higher_approval", _("Higher committee approval")
    PROBATION = "probation", _("Probationary member")
    RECOGNIZED = "recognized", _("Official member")
    REJECTED = "rejected", _("Not admitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REMOVED = "removed", _("Removed from the probationary members list")


MAIN_STATES = [
    State.SPOTTED, State.TRAINING, State.MENTORING, State.BRANCH_VOTE,
    State.HIGHER_APPROVAL, State.PROBATION, State.RECOGNIZED,
]
FINAL_STATES = {State.RECOGNIZED, State.REJECTED, State.WITHDRAWN, State.REMOVED}
OPEN_STATES = [s for s in State if s not in FINAL_STATES]
BEFORE_ADMISSION = [State.SPOTTED, State.TRAINING, State.MENTORING, State.BRANCH_VOTE, State.HIGHER_APPROVAL]


class Source(models.TextChoices):
    """Who spotted and introduced the candidate (nguồn)."""

    YOUTH_UNION = "youth_union", _("Introduced by the Youth Union")
    TRADE_UNION = "trade_union", _("Introduced by the Trade Union")
    CELL = "cell", _("Spotted by the cell")
    OTHER_ORG = "other_org", _("Introduced by another socio-political organisation")


class Dossier(ConcurrentTransitionMixin, models.Model):
    """One admission case per attempt: from source (nguồn) to official member or an end."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.PROTECT, related_name="dossiers"
    )
    cell = models.ForeignKey(
        Organization, verbose_name=_("cell"), on_delete=models.PROTECT, related_name="dossiers"
    )
    state = FSMField(
        _("state"), max_length=20, choices=State.choices, default=State.SPOTTED,
        protected=True, db_index=True,
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    spotted_on = models.DateField(_("date added to the source list"))
    year = models.PositiveIntegerField(_("year"), db_index=True, editable=False)
    # Documents the candidate hands in; receipt and certification dates are the evidence.
    application_received_on = models.DateField(_("date application received (1-KNĐ)"), null=True, blank=True)
    history_received_on = models.DateField(_("date personal history received (2-KNĐ)"), null=True, blank=True)
    history_certified_on = models.DateField(
        _("date the grassroots committee certified the personal history"), null=True, blank=True
    )
    # QĐ 232 1.1.2: over 60 only with the provincial standing committee's written agreement.
    over_sixty_case = models.BooleanField(
        _("over-60 case (needs the provincial standing committee's written consent)"), default=False
    )
    provincial_approval_ref = models.CharField(
        _("provincial standing committee's written consent"), max_length=120, blank=True
    )
    provincial_approval_on = models.DateField(_("date of the written consent"), null=True, blank=True)
    decision_extended = models.BooleanField(
        _("decision period extended (up to 30 working days)"), default=False
    )
    late_ceremony_approval_ref = models.CharField(
        _("written consent to a late admission ceremony"), max_length=120, blank=True
    )
    # The three dates of Charter Art. 5: party age, date joined, official date.
    decision_date = models.DateField(_("admission decision date"), null=True, blank=True, editable=False)
    ceremony_date = models.DateField(_("admission date (ceremony)"), null=True, blank=True, editable=False)
    official_date = models.DateField(_("date of becoming official"), null=True, blank=True, editable=False)
    escalated_on = models.DateField(
        _("date reported to the higher committee (3 failed votes)"), null=True, blank=True, editable=False
    )
    member = models.OneToOneField(
        PartyMember, verbose_name=_("party member"), null=True, blank=True, editable=False,
        on_delete=models.PROTECT, related_name="admission_dossier",
    )
    closing_reason = models.TextField(_("closing reason"), blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("admission dossier")
        verbose_name_plural = _("admission dossiers")
        ordering = ["-spotted_on", "-id"]
        indexes = [
            models.Index(fields=["cell", "state"], name="dossier_cell_state"),
            models.Index(fields=["state", "year"], name="dossier_state_year"),
            # The period's admissions per organisation, from the index alone (issue 7: the
            # national report reads ~140,000 of them; PostgreSQL only, elsewhere a plain index).
            models.Index(fields=["decision_date"], include=["ceremony_date", "cell"], name="dossier_decided"),
            # The list filtered by state, newest first (issue 7, migration 0003).
            models.Index(models.F("state"), models.F("spotted_on").desc(), models.F("id").desc(),
                         name="dossier_state_spotted"),
            # "Hết nguồn" in the statistics: which organisations still hold a case before admission
            # (issue 7, one index probe per organisation).
            models.Index(fields=["cell"], name="dossier_open_cell",
                         condition=models.Q(state__in=["spotted", "training", "mentoring", "branch_vote",
                                                       "higher_approval"])),
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
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("performed by"), null=True,
        on_delete=models.PROTECT, related_name="+",
    )
    effective_on = models.DateField(_("effective date"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=48)
    from_state = models.CharField(_("from state"), max_length=20, choices=State.choices)
    to_state = models.CharField(_("to state"), max_length=20, choices=State.choices)
    note = models.TextField(_("notes"), blank=True)
    evidence = models.JSONField(_("basis"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("dossier history entry")
        verbose_name_plural = _("dossier history entries")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["dossier", "at"], name="history_dossier_at"),
            # A dossier's latest row by effective date: the list's "last change", the statistics'
            # state on a date (issue 7, migration 0003).
            models.Index(models.F("dossier"), models.F("effective_on").desc(), models.F("id").desc(),
                         name="history_dossier_effective"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} · {self.action} · {self.from_state} → {self.to_state}"

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
    AWARENESS = "awareness", _("Party awareness class (CN-NTVĐ)")
    NEW_MEMBER = "new_member", _("Political theory class for new members")


class TrainingCertificate(models.Model):
    """The class a candidate attends and the certificate it gives (CN-NTVĐ, or the new-member class)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(_("class type"), max_length=16, choices=CertificateKind.choices)
    class_name = models.CharField(_("class name"), max_length=255)
    organiser = models.CharField(_("organiser"), max_length=255)
    start_date = models.DateField(_("class start date"))
    end_date = models.DateField(_("class end date"), null=True, blank=True)
    number = models.CharField(_("certificate number"), max_length=60, blank=True)
    issued_on = models.DateField(_("date of issue"), null=True, blank=True)
    score = models.CharField(_("result"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training certificate")
        verbose_name_plural = _("training certificates")
        ordering = ["dossier", "start_date"]

    def __str__(self) -> str:
        return f"{self.class_name} ({self.number or '—'})"

    @property
    def is_issued(self) -> bool:
        return bool(self.number and self.issued_on)


class Introducer(models.Model):
    """An official member who introduces the candidate (3-KNĐ), answerable for it (Art. 4 §2)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="introducers")
    member = models.ForeignKey(PartyMember, verbose_name=_("party member"), on_delete=models.PROTECT, related_name="+")
    worked_together_since = models.DateField(_("worked together since"))
    assigned_on = models.DateField(_("assigned on"))
    letter_on = models.DateField(_("date of the introduction letter (3-KNĐ)"), null=True, blank=True)
    ended_on = models.DateField(_("date introduction withdrawn"), null=True, blank=True)
    end_reason = models.CharField(_("reason for replacement"), max_length=255, blank=True)
    override_reason = models.TextField(
        _("reason for the shared-work-period exception"), blank=True,
        help_text=_("Only when the cell assigns a replacement; state the basis."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("introducer")
        verbose_name_plural = _("introducers")
        ordering = ["dossier", "assigned_on", "id"]

    def __str__(self) -> str:
        return str(self.member)


class Mentor(models.Model):
    """The official member assigned to help the candidate, and later the probationer."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="mentors")
    member = models.ForeignKey(PartyMember, verbose_name=_("party member"), on_delete=models.PROTECT, related_name="+")
    assigned_on = models.DateField(_("assigned on"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ["dossier", "assigned_on", "id"]

    def __str__(self) -> str:
        return str(self.member)


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("In progress")
    CONCLUDED = "concluded", _("Concluded")


class VerificationMethod(models.TextChoices):
    LETTER = "letter", _("Official letter")
    IN_PERSON = "in_person", _("In-person verification visit")


class Verification(models.Model):
    """HD 01-HD/TW 3.3–3.4: personal-history verification of the candidate (no relative) or a relative."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="verifications")
    relative = models.ForeignKey(
        Relative, verbose_name=_("relative"), null=True, blank=True, on_delete=models.PROTECT,
        help_text=_("Leave empty to verify the candidate themself."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    method = models.CharField(_("form"), max_length=12, choices=VerificationMethod.choices)
    verifying_unit = models.CharField(_("verifying body"), max_length=255)
    sent_on = models.DateField(_("date sent / visited"))
    concluded_on = models.DateField(_("conclusion date"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    has_issue = models.BooleanField(_("has issues to consider"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("background verification")
        verbose_name_plural = _("background verifications")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "relative"], name="verification_once_per_relative"),
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(relative__isnull=True), name="verification_once_for_candidate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relative or self.dossier.candidate} · {self.get_status_display()}"


class OpinionStage(models.TextChoices):
    ADMISSION = "admission", _("Before admission (5-KNĐ)")
    PROBATION = "probation", _("During probation (12-KNĐ)")


class OpinionSummary(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="opinions")
    stage = models.CharField(_("stage"), max_length=12, choices=OpinionStage.choices)
    date = models.DateField(_("summary date"))
    workplace_opinion = models.TextField(_("opinion of the mass organisation the candidate belongs to"))
    residence_opinion = models.TextField(_("opinion of the residence cell committee"))
    favourable = models.BooleanField(_("favourable"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opinion summary")
        verbose_name_plural = _("opinion summaries")

    def __str__(self) -> str:
        return f"{self.get_stage_display()} · {self.date:%d/%m/%Y}"


class VotePurpose(models.TextChoices):
    BRANCH_ADMISSION = "branch_admission", _("Branch vote proposing admission")
    GRASSROOTS_ADMISSION = "grassroots_admission", _("Grassroots committee vote proposing admission")
    BRANCH_RECOGNITION = "branch_recognition", _("Branch vote on recognition as official member")
    GRASSROOTS_RECOGNITION = "grassroots_recognition", _("Grassroots committee vote on official recognition")


class MeetingMode(models.TextChoices):
    """HD 03-HD/TW (pilot): online party meetings for special cells."""

    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class Vote(models.Model):
    """A meeting's vote: the base of 2/3 is everyone eligible, not those present (Charter Art. 4 §3)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="votes")
    purpose = models.CharField(_("purpose"), max_length=24, choices=VotePurpose.choices)
    meeting_date = models.DateField(_("meeting date"))
    meeting_mode = models.CharField(
        _("meeting format"), max_length=12, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON
    )
    eligible = models.PositiveIntegerField(_("total eligible to vote"))
    present = models.PositiveIntegerField(_("present"))
    votes_for = models.PositiveIntegerField(_("in favour"))
    votes_against = models.PositiveIntegerField(_("against"))
    abstain = models.PositiveIntegerField(_("not voting"), default=0)
    passed = models.BooleanField(_("passed"), editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["dossier", "meeting_date", "id"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.meeting_date:%d/%m/%Y} · {self.votes_for}/{self.eligible}"

    def clean(self) -> None:
        errors = []
        if self.eligible == 0:
            errors.append(_("The number eligible to vote must be greater than 0."))
        if self.present > self.eligible:
            errors.append(_("Present (%(p)s) cannot exceed the number eligible to vote (%(e)s).")
                          % {"p": self.present, "e": self.eligible})
        if self.votes_for + self.votes_against + self.abstain > self.present:
            errors.append(_("Total votes cast (%(t)s) cannot exceed the number present (%(p)s).")
                          % {"t": self.votes_for + self.votes_against + self.abstain, "p": self.present})
        if errors:
            raise ValidationError(errors)


class ActKind(models.TextChoices):
    """Resolutions and decisions of the admission process, by their form number (domain.md §3.1)."""

    YOUTH_UNION = "4-KNĐ", _("4-KNĐ: Resolution introducing an outstanding Youth Union member to the Party")
    TRADE_UNION = "4A-KNĐ", _("4A-KNĐ: Resolution introducing an outstanding Trade Union member to the Party")
    BRANCH_ADMISSION = "6-KNĐ", _("6-KNĐ: Cell resolution proposing admission")
    SUB_COMMITTEE_ADMISSION = "7-KNĐ", _("7-KNĐ: Sub-committee report appraising the cell resolution")
    GRASSROOTS_ADMISSION = "8-KNĐ", _("8-KNĐ: Grassroots committee resolution proposing admission")
    ADMISSION_DECISION = "9-KNĐ", _("9-KNĐ: Admission decision")
    BRANCH_RECOGNITION = "13-KNĐ", _("13-KNĐ: Cell resolution proposing recognition as official member")
    SUB_COMMITTEE_RECOGNITION = "14-KNĐ", _("14-KNĐ: Sub-committee report appraising official recognition")
    GRASSROOTS_RECOGNITION = "15-KNĐ", _("15-KNĐ: Grassroots committee resolution proposing official recognition")
    RECOGNITION_DECISION = "16-KNĐ", _("16-KNĐ: Decision recognising official membership")
    REMOVAL_DECISION = "XT", _("Decision removing from the probationary members list")


UNION_RESOLUTION_KINDS = [ActKind.YOUTH_UNION, ActKind.TRADE_UNION]
DECISION_KINDS = [ActKind.ADMISSION_DECISION, ActKind.RECOGNITION_DECISION, ActKind.REMOVAL_DECISION]
RESOLUTION_KINDS = [k for k in ActKind if k not in UNION_RESOLUTION_KINDS and k not in DECISION_KINDS]


class PartyAct(models.Model):
    """A numbered, signed act of a party body about the dossier: resolution, report or decision.

    One table so that a dossier's acts load in one query; `Resolution`, `UnionResolution` and
    `Decision` are the glossary's names for its kinds.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="acts")
    kind = models.CharField(_("kind"), max_length=8, choices=ActKind.choices)
    vote = models.OneToOneField(
        Vote, null=True, blank=True, on_delete=models.PROTECT, related_name="act", editable=False
    )
    issuer = models.CharField(_("issuing body"), max_length=255)
    number = models.CharField(_("number"), max_length=60, blank=True)
    date = models.DateField(_("date"))
    signer = models.CharField(_("signed by"), max_length=120)
    approved = models.BooleanField(_("approved"), default=True)
    reason = models.TextField(_("reason"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resolution or decision")
        verbose_name_plural = _("resolutions and decisions")
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
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")


class UnionResolution(PartyAct):
    """Youth Union / Trade Union resolution that replaces one introducer (Charter Art. 4 §1)."""

    objects = _KindManager(UNION_RESOLUTION_KINDS)

    class Meta:
        proxy = True
        verbose_name = _("introduction resolution of the grassroots Youth Union / Trade Union committee")
        verbose_name_plural = _("introduction resolutions of the grassroots Youth Union / Trade Union committee")


class Decision(PartyAct):
    objects = _KindManager(DECISION_KINDS)

    class Meta:
        proxy = True
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")


class Ceremony(models.Model):
    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="ceremony")
    date = models.DateField(_("date of the admission ceremony"))
    place = models.CharField(_("venue"), max_length=255)
    chaired_by = models.CharField(_("presided by"), max_length=120)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("admission ceremony")
        verbose_name_plural = _("admission ceremonies")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} · {self.place}"


class ProgressStage(models.TextChoices):
    CANDIDATE = "candidate", _("Before admission (candidate review)")
    PROBATION = "probation", _("During probation")
    FINAL = "final", _("Probationary member review (11-KNĐ)")


class ProgressReport(models.Model):
    """The mentor's periodic evaluation; the FINAL one is the 11-KNĐ report for recognition."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="progress_reports")
    mentor = models.ForeignKey(PartyMember, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("stage"), max_length=12, choices=ProgressStage.choices)
    period_start = models.DateField(_("from date"))
    period_end = models.DateField(_("to date"))
    content = models.TextField(_("review content"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["dossier", "period_end", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} · {self.period_end:%d/%m/%Y}"


class SelfReview(models.Model):
    """10-KNĐ, written after the 12 months of probation (HD 01-HD/TW 4.2)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="self_reviews")
    date = models.DateField(_("date written"))
    strengths = models.TextField(_("strengths"))
    weaknesses = models.TextField(_("shortcomings"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("self-review")
        verbose_name_plural = _("self-reviews")

    def __str__(self) -> str:
        return f"10-KNĐ · {self.date:%d/%m/%Y}"
