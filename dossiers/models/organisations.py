"""The tree of party organisations: levels, categories, who decides admissions, and `Organization`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import prepared
from .records import HistoricalRecords


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
    # The roster (danh sách đảng viên): once the secretary says it is complete, vote bases and the
    # statistics count it instead of the typed figures above.
    roster_kept = models.BooleanField(
        _("the member roster is kept in the application"), default=False,
        help_text=_("Once ticked, the base of every vote is counted from the roster on the meeting date."),
    )
    committee_roster_kept = models.BooleanField(_("the committee's members are kept in the application"),
                                                default=False)
    # HD 03-HD/TW (pilot): only cells allowed by a decision meet online.
    online_meetings_allowed = models.BooleanField(_("may hold online meetings"), default=False)
    online_meetings_decision = models.CharField(
        _("decision allowing online meetings"), max_length=255, blank=True,
        help_text=_("Number, date and issuer of the decision (HD 03-HD/TW)."),
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
        if self.online_meetings_allowed and not self.online_meetings_decision.strip():
            raise ValidationError({"online_meetings_decision": _(
                "Enter the decision that allows this organisation to meet online (HD 03-HD/TW)."
            )})
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
        if not ids:
            return []
        # Its SQL written once per process for each depth (`dossiers.prepared`): every dossier page
        # reads its cell's ancestors. The IN lookup writes each id once, in its order.
        unique = list(dict.fromkeys(ids))
        by_id = {org.pk: org for org in prepared.rows(
            f"dossiers.organization.ancestors:{len(unique)}", Organization,
            lambda: Organization.objects.filter(pk__in=unique), unique)}
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
