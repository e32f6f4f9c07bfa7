"""Meetings: a cell's meeting (its attendance drawn from the roster, the votes taken in it) and
the seats of a committee (the base of a committee's votes)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisations import Organization
from .people import PartyMember
from .records import HistoricalRecords


class CommitteeSeat(models.Model):
    """A member of an organisation's committee (đảng ủy, ban thường vụ) from `since` to `until`."""

    organization = models.ForeignKey(Organization, verbose_name=_("party organisation"), on_delete=models.CASCADE,
                                     related_name="committee_seats")
    full_name = models.CharField(_("full name"), max_length=120)
    position = models.CharField(_("position"), max_length=120, blank=True)
    since = models.DateField(_("member of the committee since"))
    until = models.DateField(_("left the committee on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["organization", "since", "full_name"]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        if self.until and self.until < self.since:
            raise ValidationError({"until": _("A member leaves the committee after joining it.")})


class MeetingFormat(models.TextChoices):
    """HD 03-HD/TW (pilot): online and mixed meetings only where a decision allows them."""

    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    MIXED = "mixed", _("In person and online")


class Meeting(models.Model):
    """A cell meeting (sinh hoạt chi bộ) in which one or several dossiers are voted on."""

    cell = models.ForeignKey(Organization, verbose_name=_("cell"), on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField(_("meeting date"))
    format = models.CharField(_("meeting format"), max_length=12, choices=MeetingFormat.choices,
                              default=MeetingFormat.IN_PERSON)
    chaired_by = models.CharField(_("chaired by"), max_length=120)
    minutes_by = models.CharField(_("minutes taken by"), max_length=120)
    official_members = models.PositiveIntegerField(_("official members on the roster"), editable=False)
    exempt_members = models.PositiveIntegerField(_("of whom exempted from party activities"), editable=False,
                                                 default=0)
    online_decision = models.CharField(_("decision allowing online meetings"), max_length=255, blank=True,
                                       editable=False)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                    editable=False)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cell meeting")
        verbose_name_plural = _("cell meetings")
        ordering = ["cell", "-date", "-id"]
        indexes = [models.Index(fields=["cell", "date"], name="meeting_cell_date")]

    def __str__(self) -> str:
        return f"{self.cell} · {self.date:%d/%m/%Y}"


class Presence(models.TextChoices):
    IN_PERSON = "in_person", _("Present in person")
    ONLINE = "online", _("Present online")
    EXCUSED = "excused", _("Absent with leave")
    ABSENT = "absent", _("Absent")


PRESENT = [Presence.IN_PERSON, Presence.ONLINE]


class Attendance(models.Model):
    """One member of the roster at one meeting; official members are counted for the quorum."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(PartyMember, verbose_name=_("party member"), on_delete=models.PROTECT,
                               related_name="+")
    presence = models.CharField(_("attendance"), max_length=12, choices=Presence.choices)
    official = models.BooleanField(_("official member on the meeting date"), editable=False)
    exempt = models.BooleanField(_("exempted from party activities"), editable=False, default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "member__full_name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_presence_display()}"
