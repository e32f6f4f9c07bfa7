"""The evidence for each step of a dossier, in child tables so that `dossiers.rules` reads stored facts:
certificates, introducers, mentors, verifications, opinions, votes, acts, the ceremony, progress, self-review."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .dossier import Dossier
from .people import PartyMember, Relative
from .records import HistoricalRecords


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
    MIXED = "mixed", _("In person and online")


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
    # The base counted from the roster (or the committee's seats) on the meeting date, when kept;
    # `eligible` differs from it only with a recorded reason.
    eligible_from_roster = models.PositiveIntegerField(_("eligible according to the roster"), null=True,
                                                       editable=False)
    eligible_reason = models.TextField(_("reason the base differs from the roster"), blank=True)
    meeting = models.ForeignKey("dossiers.Meeting", verbose_name=_("meeting"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="votes")
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


class DecisionExtension(models.Model):
    """QĐ 232 4.3.1: in a special case the competent committee may take up to 30 more working days
    to decide; granted once per dossier, by whom, when and why."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="decision_extension")
    granted_by = models.CharField(_("granted by"), max_length=255)
    granted_on = models.DateField(_("granted on"))
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                    editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("extension of the decision period")
        verbose_name_plural = _("extensions of the decision period")

    def __str__(self) -> str:
        return f"{self.granted_by} · {self.granted_on:%d/%m/%Y}"
