"""One form per step of the registry (`dossiers.steps`): its fields are the keyword arguments of the
service that takes the step, so a valid form's `service_kwargs()` goes straight to the service.
The service, not the form, decides whether the step is allowed; a refusal comes back as
`Refusal(reasons)` and is shown above the form.
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from dossiers import roster, rules, services, steps
from dossiers.formatting import vn_date
from dossiers.models import (
    ActKind,
    Candidate,
    Dossier,
    Introducer,
    Meeting,
    MeetingMode,
    MemberStatus,
    PartyMember,
    Relative,
    Source,
    State,
    Verification,
    VerificationMethod,
    VerificationStatus,
)
from dossiers.roster import meeting_present
from ui.forms import DateInput, MemberChoiceField, WebForm, count_field, date_field, long_text_field, text_field

# --- The step forms ---------------------------------------------------------------------------


class StepForm(WebForm):
    """Fields = the service's keyword arguments (besides `dossier` and `actor`), `note` last.

    A form whose field stands for another argument says so in `renames` (and maps it in
    `service_kwargs`), so tests/test_step_registry.py can still compare it with the service."""

    renames: dict[str, str] = {}

    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the dossier's history."),
    )

    def __init__(self, *args, dossier: Dossier, **kwargs):
        self.dossier = dossier
        super().__init__(*args, **kwargs)
        self.fields["note"] = self.fields.pop("note")

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)

    def official_members(self):
        return PartyMember.objects.filter(cell=self.dossier.cell_id, status=MemberStatus.OFFICIAL).order_by(
            "full_name"
        )


class SubmitForVoteForm(StepForm):
    on = date_field(_("Date submitted to the cell"), today=True,
                    help_text=_("The dossier's completeness is checked on this date."))


class ApplicationForm(StepForm):
    on = date_field(_("Date the application (1-KNĐ) was received"), today=True)


class PersonalHistoryForm(StepForm):
    on = date_field(_("Date the personal history (2-KNĐ) was received"), today=True)


class CertifyHistoryForm(StepForm):
    on = date_field(_("Date the grassroots committee certified the personal history"), today=True)


class EnrollTrainingForm(StepForm):
    class_name = text_field(_("Class name"))
    organiser = text_field(_("Organised by"), help_text=_("e.g. the district political centre."))
    start_date = date_field(_("Class start date"))


class CompleteTrainingForm(StepForm):
    number = text_field(_("Certificate number"), max_length=60)
    issued_on = date_field(_("Certificate issue date"))
    end_date = date_field(_("Class end date"), required=False)
    score = text_field(_("Result"), required=False, max_length=60)


class AssignMentorForm(StepForm):
    member = MemberChoiceField(label=_("Official member assigned to help"), queryset=PartyMember.objects.none())
    assigned_on = date_field(_("Assignment date"), today=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = [m.member_id for m in self.dossier.mentors.all() if m.ended_on is None]
        self.fields["member"].queryset = self.official_members().exclude(pk__in=current)


class AssignIntroducerForm(StepForm):
    member = MemberChoiceField(label=_("Introducing member"), queryset=PartyMember.objects.none())
    worked_together_since = date_field(
        _("Worked with the candidate since"),
        help_text=_("At least 12 months before the branch vote (Charter, Art. 4)."),
    )
    assigned_on = date_field(_("Assignment date"), today=True)
    override_reason = forms.CharField(
        label=_("Grounds for accepting a shorter time worked together"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only for a replacement introducer; state the grounds."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = [i.member_id for i in self.dossier.introducers.all() if i.ended_on is None]
        self.fields["member"].queryset = self.official_members().exclude(pk__in=current)


class IntroducerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.member.full_name


class EndIntroducerForm(StepForm):
    introducer = IntroducerChoiceField(label=_("Introducer"), queryset=Introducer.objects.none())
    ended_on = date_field(_("End date"), today=True)
    reason = long_text_field(_("Reason"), help_text=_("e.g. transferred, disciplined."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["introducer"].queryset = Introducer.objects.filter(
            dossier=self.dossier, ended_on__isnull=True
        ).select_related("member")


class UnionResolutionForm(StepForm):
    kind = forms.ChoiceField(
        label=_("Resolution"), widget=forms.RadioSelect,
        choices=[(k.value, k.label) for k in (ActKind.YOUTH_UNION, ActKind.TRADE_UNION)],
    )
    issuer = text_field(_("Issued by"), help_text=_("The grassroots Youth Union or Trade Union executive committee."))
    number = text_field(_("Number"), required=False, max_length=60)
    date = date_field(_("Date"))
    signer = text_field(_("Signed by"), max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        trade = self.dossier.source == Source.TRADE_UNION
        self.fields["kind"].initial = ActKind.TRADE_UNION if trade else ActKind.YOUTH_UNION


class StartVerificationForm(StepForm):
    SELF = "self"
    renames = {"subject": "relative"}

    subject = forms.ChoiceField(label=_("Person verified"))
    method = forms.ChoiceField(label=_("Method"), choices=VerificationMethod.choices, widget=forms.RadioSelect)
    verifying_unit = text_field(_("Verifying unit"))
    sent_on = date_field(_("Date sent / visited"), today=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        started = {v.relative_id for v in self.dossier.verifications.all()}
        choices = [] if None in started else [(self.SELF, _("The candidate (self)"))]
        choices += [
            (str(r.pk), f"{r.get_kind_display()}: {r.full_name}")
            for r in self.dossier.candidate.relatives.all()
            if r.requires_verification and r.pk not in started
        ]
        self.fields["subject"].choices = choices

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        subject = data.pop("subject")
        data["relative"] = None if subject == self.SELF else Relative.objects.get(
            pk=int(subject), candidate=self.dossier.candidate_id
        )
        return data


class VerificationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        who = f"{obj.relative.get_kind_display()}: {obj.relative.full_name}" if obj.relative_id else str(
            _("The candidate (self)"))
        return f"{who} ({obj.verifying_unit})"


class ConcludeVerificationForm(StepForm):
    verification = VerificationChoiceField(label=_("Verification"), queryset=Verification.objects.none())
    concluded_on = date_field(_("Conclusion date"), today=True)
    conclusion = long_text_field(_("Conclusion"))
    has_issue = forms.BooleanField(label=_("Has an issue to consider"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verification"].queryset = Verification.objects.filter(
            dossier=self.dossier, status=VerificationStatus.PENDING
        ).select_related("relative")


class OpinionsForm(StepForm):
    date = date_field(_("Date of the summary"), today=True)
    workplace_opinion = long_text_field(_("Opinion of the organisations where the candidate works"))
    residence_opinion = long_text_field(_("Opinion of the cell committee where the candidate lives"))
    favourable = forms.BooleanField(label=_("Favourable"), required=False, initial=True)


class ProgressReportForm(StepForm):
    mentor = MemberChoiceField(label=_("Mentor"), queryset=PartyMember.objects.none())
    period_start = date_field(_("Period from"))
    period_end = date_field(_("Period to"), today=True)
    content = long_text_field(_("Evaluation"))
    final = forms.BooleanField(
        label=_("Final report on the probationary member (11-KNĐ)"), required=False,
        help_text=_("Only during probation."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mentors = self.dossier.mentors.all()
        self.fields["mentor"].queryset = PartyMember.objects.filter(pk__in=[m.member_id for m in mentors])
        active = [m.member_id for m in mentors if m.ended_on is None]
        if active:
            self.fields["mentor"].initial = active[-1]
        if self.dossier.state != State.PROBATION:  # the 11-KNĐ is written during probation only
            del self.fields["final"]


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{vn_date(obj.date)} · {obj.get_format_display()} · {obj.chaired_by}"


class VoteFields(StepForm):
    """A meeting's vote; the base of two thirds is everyone eligible, not those present. Where the
    roster is kept the base is counted from it on the meeting date; a vote taken in a recorded
    meeting takes its date and the number present from the meeting's attendance."""

    meeting = MeetingChoiceField(
        label=_("Recorded cell meeting"), queryset=Meeting.objects.none(), required=False,
        help_text=_("Choose the meeting (with its attendance) in which the vote was taken, if it was recorded."),
    )
    meeting_date = date_field(_("Meeting date"), today=True, required=False)
    eligible = count_field(_("Official members entitled to vote"))
    eligible_reason = long_text_field(
        _("Reason the base differs from the roster"), required=False,
        help_text=_("Required only when the number entered differs from the roster on the meeting date."),
    )
    present = count_field(_("Present"), required=False)
    votes_for = count_field(_("In favour"))
    votes_against = count_field(_("Against"))
    abstain = count_field(_("Not voting"), initial=0)
    meeting_mode = forms.ChoiceField(label=_("Meeting"), choices=MeetingMode.choices, initial=MeetingMode.IN_PERSON)
    number = text_field(_("Resolution number"), required=False, max_length=60)
    signer = text_field(_("Resolution signed by"), required=False, max_length=120,
                        help_text=_("Required when the vote passes."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cell = self.dossier.cell
        self.fields["meeting"].queryset = Meeting.objects.filter(cell=cell).order_by("-date", "-id")[:20]
        if not cell.roster_kept:
            self.fields.pop("meeting")
            self.fields["eligible"].initial = cell.official_members or None
            return
        today = timezone.localdate()
        base = roster.vote_base_on(cell, today)
        self.fields["eligible"].initial = base
        self.fields["eligible"].help_text = _("The cell's roster on %(date)s: %(n)s official members%(exempt)s.") % {
            "date": vn_date(today), "n": base,
            "exempt": "" if rules.exempt_in_vote_base() else _(" (members exempted from party activities left out)"),
        }

    def clean_meeting(self):
        meeting = self.cleaned_data.get("meeting")
        # The choices are a slice; the chosen one must still be this cell's.
        if meeting is not None and meeting.cell_id != self.dossier.cell_id:
            raise forms.ValidationError(_("This meeting was held by another cell."))
        return meeting

    def clean(self):
        data = super().clean()
        meeting = data.get("meeting")
        if meeting is not None:
            data["meeting_date"] = meeting.date
            data["present"] = meeting_present(meeting)
        else:
            data.pop("meeting", None)
            for name in ("meeting_date", "present"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("This field is required."))
        return data


class BranchVoteForm(VoteFields):
    pass


class RecognitionVoteForm(VoteFields):
    pass


class CommitteeVoteForm(StepForm):
    """A grassroots committee's vote: two thirds of its members (the organisation's record by default)."""

    meeting_date = date_field(_("Meeting date"), today=True)
    eligible = forms.IntegerField(
        label=_("Committee members"), min_value=1, required=False,
        help_text=_("Leave empty to use the committee's members on the meeting date (or the number recorded)."),
    )
    eligible_reason = long_text_field(
        _("Reason the base differs from the committee's members"), required=False,
        help_text=_("Required only when the number entered differs from the committee's members on the meeting date."),
    )
    present = count_field(_("Present"))
    votes_for = count_field(_("In favour"))
    votes_against = count_field(_("Against"))
    abstain = count_field(_("Not voting"), initial=0)
    number = text_field(_("Resolution number"), required=False, max_length=60)
    signer = text_field(_("Resolution signed by"), required=False, max_length=120,
                        help_text=_("Required when the vote passes."))


class ExtendDecisionForm(StepForm):
    """QĐ 232 4.3.1: who granted the extra 30 working days, when, and why (required)."""

    granted_by = text_field(_("Granted by"), help_text=_("e.g. the standing committee of the district committee."))
    granted_on = date_field(_("Date granted"), today=True)
    reason = long_text_field(_("Reason (the special case)"))


class ProvincialApprovalForm(StepForm):
    reference = text_field(_("Number and reference of the written agreement"), max_length=120)
    date = date_field(_("Date of the written agreement"))


class ReportForm(StepForm):
    """The sub-committee's appraisal report (7-KNĐ, 14-KNĐ)."""

    number = text_field(_("Number"), max_length=60)
    date = date_field(_("Date"), today=True)
    signer = text_field(_("Signed by"), max_length=120)


class DecisionFields(StepForm):
    number = text_field(_("Decision number"), max_length=60, required=False)
    date = date_field(_("Decision date"), today=True)
    signer = text_field(_("Signed by"), max_length=120)
    issuer = text_field(_("Issued by"), help_text=_("e.g. the standing committee of the district committee."))


class DecideAdmissionForm(DecisionFields):
    approved = forms.TypedChoiceField(
        label=_("Decision"), widget=forms.RadioSelect, coerce=lambda v: v == "1", initial="1",
        choices=[("1", _("Admit")), ("0", _("Do not admit"))],
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Required when not admitting: the cell is told the reason."))

    field_order = ["approved", "number", "date", "signer", "issuer", "reason"]


class RecognizeForm(DecisionFields):
    number = text_field(_("Decision number"), max_length=60)


class RemoveForm(DecisionFields):
    reason = long_text_field(_("Reason for removal"))


class CeremonyForm(StepForm):
    date = date_field(_("Ceremony date"), today=True)
    place = text_field(_("Place"))
    chaired_by = text_field(_("Chaired by"), max_length=120)


class NewMemberCertificateForm(StepForm):
    class_name = text_field(_("Class name"))
    organiser = text_field(_("Organised by"))
    start_date = date_field(_("Class start date"))
    number = text_field(_("Certificate number"), max_length=60)
    issued_on = date_field(_("Certificate issue date"))


class SelfReviewForm(StepForm):
    date = date_field(_("Date written"), today=True)
    strengths = long_text_field(_("Strengths"))
    weaknesses = long_text_field(_("Weaknesses"))


class EndForm(StepForm):
    reason = long_text_field(_("Reason"))
    on = date_field(_("Date"), today=True)


# Step name → (form, service), as the registry (`dossiers.steps`) names them.
STEP_FORMS: dict[str, tuple[type[StepForm], object]] = {
    s.name: (import_string(s.form), getattr(services, s.service_name)) for s in steps.STEPS.values()
}


# --- The candidate and the new dossier ----------------------------------------------------------

# The candidate's fields, in the sections of the page (1-KNĐ and 2-KNĐ items).
CANDIDATE_SECTIONS: list[tuple[str, list[str]]] = [
    (_("Identity"), [
        "full_name", "birth_name", "aliases", "sex", "birth_date", "place_of_birth", "home_town",
        "ethnicity", "religion", "id_number", "phone", "occupation", "workplace", "health",
    ]),
    (_("Residence"), ["permanent_residence", "temporary_residence"]),
    (_("Education"), [
        "general_education", "professional_education", "education_detail", "political_theory",
        "foreign_language", "it_level", "minority_language", "education_exception",
    ]),
    (_("Union membership and service"), [
        "youth_union_joined_on", "youth_union_place", "trade_union_joined_on", "armed_forces_from",
        "armed_forces_to",
    ]),
    (_("Re-admission"), ["former_member", "left_party_on", "leave_reason", "record_expunged_on"]),
    (_("Personal history"), ["personal_history", "historical_particulars", "self_assessment"]),
]

CANDIDATE_FIELDS = [name for _title, names in CANDIDATE_SECTIONS for name in names]
TEXTAREA_ROWS = {"personal_history": 4, "historical_particulars": 3, "self_assessment": 3}


def _date_widgets(model, names):
    return {name: DateInput for name in names if isinstance(model._meta.get_field(name), models.DateField)}


class StyledModelForm(forms.ModelForm):
    required_css_class = "web-field--required"
    error_css_class = "web-field--error"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class CandidateForm(StyledModelForm):

    class Meta:
        model = Candidate
        fields = CANDIDATE_FIELDS
        widgets = {
            **_date_widgets(Candidate, CANDIDATE_FIELDS),
            **{name: forms.Textarea(attrs={"rows": rows}) for name, rows in TEXTAREA_ROWS.items()},
        }

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in CANDIDATE_SECTIONS]


class RelativeForm(StyledModelForm):

    class Meta:
        model = Relative
        fields = ["kind", "full_name", "birth_year", "death_year", "occupation", "residence", "home_town",
                  "political_history", "full_civil_capacity"]
        widgets = {"political_history": forms.Textarea(attrs={"rows": 2})}


class BaseRelativeFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        protected = [
            form.instance.full_name for form in self.deleted_forms
            if form.instance.pk and Verification.objects.filter(relative=form.instance).exists()
        ]
        if protected:
            raise forms.ValidationError(
                _("%(names)s already has a personal-history verification and cannot be removed.")
                % {"names": ", ".join(protected)}, code="protected",
            )


def relative_formset(*, extra: int):
    return inlineformset_factory(
        Candidate, Relative, form=RelativeForm, formset=BaseRelativeFormSet, extra=extra, can_delete=True,
    )


class CellChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DossierCreateForm(WebForm):
    cell = CellChoiceField(label=_("Party cell"), queryset=None)
    source = forms.ChoiceField(label=_("Proposed by"), choices=Source.choices)
    spotted_on = date_field(_("Date added to the source list"), today=True)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].queryset = cells
        only = list(cells[:2])
        if len(only) == 1:
            self.fields["cell"].initial = only[0].pk


class DossierDetailsForm(WebForm):
    """The dossier's own data that `services.dossier_update_details` may change."""

    source = forms.ChoiceField(label=_("Proposed by"), choices=Source.choices)
    spotted_on = date_field(_("Date added to the source list"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    over_sixty_case = forms.BooleanField(
        label=_("Over 60 (needs the provincial standing committee's written agreement)"), required=False,
    )
    late_ceremony_approval_ref = text_field(
        _("Agreement to hold the ceremony late (reference)"), required=False, max_length=120,
    )
    note = forms.CharField(
        label=_("Note on this change"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the dossier's history."),
    )

    FIELDS = ["source", "spotted_on", "notes", "over_sixty_case", "late_ceremony_approval_ref"]

    @classmethod
    def initial_for(cls, dossier: Dossier) -> dict:
        return {name: getattr(dossier, name) for name in cls.FIELDS}
