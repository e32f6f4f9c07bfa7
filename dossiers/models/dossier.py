"""The admission dossier: its states, its source, the django-fsm-2 transitions, and its append-only history.

The state field is `protected=True`: nothing but `dossiers.services` may change it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .organisations import Organization
from .people import Candidate, PartyMember
from .records import HistoricalRecords


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
        if kwargs.get("update_fields") is not None and "spotted_on" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "year"}
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
