"""The step registry: every step of the admission process, declared once.

A step is what a person does to a dossier (enrol the candidate, record the branch vote…). Its
declaration says everything the layers above need, so that adding or changing a step is one
entry here plus its service (and its form when it has fields):

- `name`: the identifier everywhere (URLs, history rows, tasks, documents);
- `label`: what the pages call it;
- `states`: the dossier states it may be taken in; `applies`: whether it exists for this dossier;
- `gate`: the conditions of the Charter it checks on the date it takes effect (`dossiers.gates`);
- `roles`: the roles that may take it (values of `permissions.models.Role`, which reads them here);
- `form`: the dotted path of its form (`web.forms`), whose fields are its service's arguments;
  the service itself is `dossiers.services.dossier_<name>`;
- `document`: the paper a signed scan attached to this step proves (documents.catalogue);
- `deadline`: which rule of `workflows.deadlines` dates its task (`DEFAULT` unless a rule fixes it);
- `done`: for a step the admission flow makes a task of, when the dossier shows its work done.

The domain knows nothing of the layers that read it: roles, forms and deadlines are named, not
imported; `tests/test_step_registry.py` checks that every name resolves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import gates
from .gates import Verdict
from .models import ActKind, CertificateKind, Dossier, ProgressStage, State
from .refusals import app_reason

# The roles, by their values in `permissions.models.Role` (glossary.md, Roles).
CELL = frozenset({"cell_secretary", "cell_deputy"})
COMMITTEE = frozenset({"grassroots_committee"})
APPROVER = frozenset({"approver"})
UNION_OFFICER = frozenset({"union_officer"})
MENTOR = frozenset({"mentor"})


class Deadline:
    """The rules of `workflows.deadlines` a step's task is dated by."""

    DEFAULT = "default"  # settings.WORKFLOW_DEFAULT_DAYS from the day the task arose
    ADMISSION_DECISION = "admission_decision"  # QĐ 232 4.3.1, from the cell resolution
    CEREMONY = "ceremony"  # QĐ 232 4.1, from the admission decision
    RECOGNITION_VOTE = "recognition_vote"  # QĐ 232 4.2, after the 12 months
    RECOGNITION_DECISION = "recognition_decision"  # QĐ 232 4.3.1, from the cell's proposal
    AFTER_PROBATION = "after_probation"  # the papers written once the 12 months are over

    ALL = (DEFAULT, ADMISSION_DECISION, CEREMONY, RECOGNITION_VOTE, RECOGNITION_DECISION, AFTER_PROBATION)


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    states: tuple[str, ...]
    gate: Callable[[Dossier, dt.date], Verdict]
    roles: frozenset[str]
    form: str
    changes_state: bool = False
    document: str = ""
    deadline: str = Deadline.DEFAULT
    done: Callable[[Dossier], bool] | None = None
    # Shown only when it applies to this dossier (e.g. 7-KNĐ only under a sub-committee).
    applies: Callable[[Dossier], bool] = lambda d: True

    @property
    def service_name(self) -> str:
        return f"dossier_{self.name}"


# --- "Done" as the flow reads it ------------------------------------------------------------------


def _moved_past(*states: str) -> Callable[[Dossier], bool]:
    """Done once the dossier has moved on along the main path (an end is not "done": the workflow
    cancels the open tasks instead)."""
    return lambda d: d.state not in states and d.state not in (State.REJECTED, State.WITHDRAWN)


def _left(state: str) -> Callable[[Dossier], bool]:
    """Done once the dossier has left `state` by any way, an end included: the gateway after the
    task reads the outcome."""
    return lambda d: d.state != state


def _has_act(kind: str) -> Callable[[Dossier], bool]:
    return lambda d: bool(gates.acts(d, kind))


def _act_or_left(kind: str, state: str) -> Callable[[Dossier], bool]:
    return lambda d: bool(gates.acts(d, kind)) or d.state != state


def _decided(d: Dossier) -> bool:
    return any(a.approved for a in gates.acts(d, ActKind.ADMISSION_DECISION)) or d.state != State.HIGHER_APPROVAL


def _recognition_voted(d: Dossier) -> bool:
    return (bool(gates.acts(d, ActKind.BRANCH_RECOGNITION)) or gates.removal_proposed(d)
            or d.escalated_on is not None or d.state != State.PROBATION)


def _recognition_decided(d: Dossier) -> bool:
    return d.state in (State.RECOGNIZED, State.REMOVED)


# --- The registry, in the order of the process (the dossier page lists them so) -----------------

OPEN = (State.SPOTTED, State.TRAINING, State.MENTORING, State.BRANCH_VOTE, State.HIGHER_APPROVAL)
FORMS = "web.forms."

STEPS: dict[str, Step] = {
    s.name: s
    for s in [
        Step("enroll_training", gettext_lazy("Enrol in the Party awareness class"), (State.SPOTTED,),
             gates.enroll_training, CELL, FORMS + "EnrollTrainingForm", changes_state=True,
             done=_moved_past(State.SPOTTED)),
        Step("complete_training", gettext_lazy("Record the class result and certificate"), (State.TRAINING,),
             gates.complete_training, CELL, FORMS + "CompleteTrainingForm", changes_state=True, document="CN-NTVĐ",
             done=_moved_past(State.SPOTTED, State.TRAINING)),
        Step("assign_mentor", gettext_lazy("Assign a mentor"), (*OPEN, State.PROBATION), gates.always, CELL,
             FORMS + "AssignMentorForm", done=lambda d: bool(gates.active_mentors(d))),
        Step("assign_introducer", gettext_lazy("Assign an introducer (3-KNĐ)"), (State.TRAINING, State.MENTORING),
             gates.always, CELL, FORMS + "AssignIntroducerForm", document="3-KNĐ", done=gates.introducers_complete),
        # Replacing an introducer is the cell's decision, like assigning one (domain.md §2.1).
        Step("end_introducer", gettext_lazy("Replace an introducer (end an introduction)"),
             (State.TRAINING, State.MENTORING, State.BRANCH_VOTE), gates.always, CELL,
             FORMS + "EndIntroducerForm", applies=lambda d: bool(gates.active_introducers(d))),
        # Introduction (domain.md §2.1): the union's executive committee introduces its member by
        # resolution (4-KNĐ/4A-KNĐ); its officer records it for the candidates he proposed, or the cell.
        Step("record_union_resolution",
             gettext_lazy("Record the Youth Union / Trade Union introduction resolution (4-KNĐ, 4A-KNĐ)"),
             (State.TRAINING, State.MENTORING), gates.always, CELL | UNION_OFFICER, FORMS + "UnionResolutionForm",
             document="4-KNĐ"),
        Step("record_application", gettext_lazy("Receive the application to join the Party (1-KNĐ)"),
             (State.MENTORING,), gates.always, CELL, FORMS + "ApplicationForm", document="1-KNĐ",
             done=lambda d: d.application_received_on is not None),
        Step("record_personal_history", gettext_lazy("Receive the candidate's personal history (2-KNĐ)"),
             (State.MENTORING,), gates.always, CELL, FORMS + "PersonalHistoryForm", document="2-KNĐ",
             done=lambda d: d.history_received_on is not None),
        # HD 01-HD/TW 3.3: the grassroots committee verifies; the cell does the practical work.
        Step("start_verification", gettext_lazy("Verify the background"), (State.MENTORING,), gates.always,
             CELL | COMMITTEE, FORMS + "StartVerificationForm"),
        Step("conclude_verification", gettext_lazy("Conclude the background verification"), (State.MENTORING,),
             gates.always, COMMITTEE, FORMS + "ConcludeVerificationForm", document="TTLL"),
        Step("certify_personal_history", gettext_lazy("Grassroots committee certifies the personal history"),
             (State.MENTORING,), gates.certify_history, COMMITTEE, FORMS + "CertifyHistoryForm", document="2-KNĐ",
             done=lambda d: d.history_certified_on is not None),
        Step("record_opinions", gettext_lazy("Summarise opinions (5-KNĐ, 12-KNĐ)"),
             (State.MENTORING, State.PROBATION), gates.always, CELL, FORMS + "OpinionsForm", document="5-KNĐ",
             deadline=Deadline.AFTER_PROBATION, done=lambda d: gates.opinion(d, gates.opinion_stage(d)) is not None),
        Step("record_progress_report", gettext_lazy("Mentor's periodic review"),
             (State.SPOTTED, State.TRAINING, State.MENTORING, State.BRANCH_VOTE, State.PROBATION), gates.always,
             CELL | MENTOR, FORMS + "ProgressReportForm", document="11-KNĐ", deadline=Deadline.AFTER_PROBATION,
             done=lambda d: any(r.stage == ProgressStage.FINAL for r in d.progress_reports.all())),
        Step("submit_for_vote", gettext_lazy("Submit to the branch vote"), (State.MENTORING,), gates.submit_for_vote,
             CELL, FORMS + "SubmitForVoteForm", changes_state=True, done=_moved_past(State.MENTORING)),
        Step("record_branch_vote", gettext_lazy("Cell meets and votes to propose admission (6-KNĐ)"),
             (State.BRANCH_VOTE,), gates.branch_vote, CELL, FORMS + "BranchVoteForm", changes_state=True,
             document="6-KNĐ", done=_left(State.BRANCH_VOTE)),
        Step("attach_provincial_approval",
             gettext_lazy("Attach the provincial standing committee's written consent (over 60)"),
             (State.BRANCH_VOTE, State.HIGHER_APPROVAL), gates.provincial_approval, COMMITTEE | APPROVER,
             FORMS + "ProvincialApprovalForm", document="VB-T", applies=lambda d: d.over_sixty_case),
        Step("record_sub_committee_admission", gettext_lazy("Sub-committee appraisal report (7-KNĐ)"),
             (State.HIGHER_APPROVAL,), gates.sub_committee_admission, COMMITTEE, FORMS + "ReportForm",
             document="7-KNĐ", deadline=Deadline.ADMISSION_DECISION, done=_has_act(ActKind.SUB_COMMITTEE_ADMISSION),
             applies=gates.under_sub_committee),
        Step("record_grassroots_admission", gettext_lazy("Grassroots committee votes to propose admission (8-KNĐ)"),
             (State.HIGHER_APPROVAL,), gates.grassroots_admission, COMMITTEE, FORMS + "CommitteeVoteForm",
             changes_state=True, document="8-KNĐ", deadline=Deadline.ADMISSION_DECISION,
             done=_act_or_left(ActKind.GRASSROOTS_ADMISSION, State.HIGHER_APPROVAL),
             applies=gates.has_grassroots_committee),
        Step("decide_admission", gettext_lazy("Admission decision (9-KNĐ)"), (State.HIGHER_APPROVAL,),
             gates.decide_admission, APPROVER, FORMS + "DecideAdmissionForm", changes_state=True, document="9-KNĐ",
             deadline=Deadline.ADMISSION_DECISION, done=_decided),
        # QĐ 232 4.3.1: the competent committee may take up to 30 more working days, once.
        Step("extend_decision", gettext_lazy("Extend the decision period (up to 30 working days, once)"),
             (State.HIGHER_APPROVAL, State.PROBATION), gates.extend_decision, APPROVER,
             FORMS + "ExtendDecisionForm",
             applies=gates.extension_pending),
        Step("hold_ceremony", gettext_lazy("Hold the admission ceremony"), (State.HIGHER_APPROVAL,),
             gates.hold_ceremony, CELL, FORMS + "CeremonyForm", changes_state=True, document="BB-KN",
             deadline=Deadline.CEREMONY, done=_moved_past(State.HIGHER_APPROVAL)),
        Step("record_new_member_certificate", gettext_lazy("Record the new-member class"), (State.PROBATION,),
             gates.always, CELL, FORMS + "NewMemberCertificateForm", document="ĐVM",
             done=lambda d: gates.certificate(d, CertificateKind.NEW_MEMBER) is not None),
        Step("record_self_review", gettext_lazy("Probationary member's self-review (10-KNĐ)"), (State.PROBATION,),
             gates.self_review, CELL, FORMS + "SelfReviewForm", document="10-KNĐ",
             deadline=Deadline.AFTER_PROBATION, done=lambda d: bool(list(d.self_reviews.all()))),
        Step("record_recognition_vote", gettext_lazy("Cell votes on official recognition (13-KNĐ)"),
             (State.PROBATION,), gates.branch_recognition, CELL, FORMS + "RecognitionVoteForm", document="13-KNĐ",
             deadline=Deadline.RECOGNITION_VOTE, done=_recognition_voted),
        Step("record_sub_committee_recognition", gettext_lazy("Sub-committee appraisal report (14-KNĐ)"),
             (State.PROBATION,), gates.sub_committee_recognition, COMMITTEE, FORMS + "ReportForm",
             document="14-KNĐ", applies=gates.under_sub_committee),
        Step("record_grassroots_recognition",
             gettext_lazy("Grassroots committee proposes official recognition (15-KNĐ)"), (State.PROBATION,),
             gates.grassroots_recognition, COMMITTEE, FORMS + "CommitteeVoteForm", document="15-KNĐ",
             deadline=Deadline.RECOGNITION_DECISION,
             done=_act_or_left(ActKind.GRASSROOTS_RECOGNITION, State.PROBATION),
             applies=gates.has_grassroots_committee),
        Step("recognize", gettext_lazy("Decision recognising official membership (16-KNĐ)"), (State.PROBATION,),
             gates.recognize, APPROVER, FORMS + "RecognizeForm", changes_state=True, document="16-KNĐ",
             deadline=Deadline.RECOGNITION_DECISION, done=_recognition_decided),
        Step("remove", gettext_lazy("Decision to remove from the probationary members list"), (State.PROBATION,),
             gates.remove, APPROVER, FORMS + "RemoveForm", changes_state=True, document="XT",
             deadline=Deadline.RECOGNITION_DECISION, done=_recognition_decided),
        Step("reject", gettext_lazy("Do not admit (close the dossier)"), OPEN, gates.always,
             CELL | COMMITTEE | APPROVER, FORMS + "EndForm", changes_state=True),
        Step("withdraw", gettext_lazy("Withdraw the dossier"), OPEN, gates.always, CELL, FORMS + "EndForm",
             changes_state=True),
    ]
}


def step(name: str) -> Step:
    return STEPS[name]


def label(name: str) -> str:
    """The step's name on screen; an unknown name (an old history row) as it is."""
    s = STEPS.get(name)
    return str(s.label) if s else name


def check(name: str, dossier: Dossier, on: dt.date) -> Verdict:
    """Whether step `name` may be taken on `dossier` on date `on`, and the reasons if not."""
    s = STEPS[name]
    if not s.applies(dossier):
        return Verdict([app_reason(_("This step does not apply to this dossier."))])
    if dossier.state not in s.states:
        return Verdict([app_reason(_("Not possible in state “%(state)s”.") % {
            "state": dossier.get_state_display()})])
    return s.gate(dossier, on)


def next_steps(dossier: Dossier, on: dt.date) -> list[tuple[Step, Verdict]]:
    """Every step of the current state with its verdict: the dossier page's next-step panel."""
    return [
        (s, s.gate(dossier, on))
        for s in STEPS.values()
        if dossier.state in s.states and s.applies(dossier)
    ]
