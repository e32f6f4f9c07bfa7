"""The admission process as people work it: shared/domain.md §2 and §4, one node per attribute.

Each human task is a step of `dossiers.gates`; its work is done through the dossier's services
(the step's form), and the task is finished by `workflows.sync` as soon as the dossier shows the
work done — whether it was done from the task, the dossier page or anywhere else. So the open
tasks always match the dossier's state.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from dossiers import gates, steps
from dossiers.models import (
    ActKind,
    Dossier,
    State,
)
from permissions.scoping import scope_of, visible_dossiers

from . import views
from .models import AdmissionProcess, EvaluationProcess


class StepTask(flow.View):
    """A human task: take `step` of the dossier (its form, its roles) until the registry's `done`
    holds for it, and for each of `also` (a task that gathers two papers)."""

    def __init__(self, step: str, title, *, also: tuple[str, ...] = ()):
        super().__init__(views.TaskStepView.as_view())
        self.step = step
        self.done_steps = tuple(steps.STEPS[name] for name in (step, *also))
        self.Annotation(title=title)

    def is_done(self, process, dossier: Dossier) -> bool:
        return all(s.done(dossier) for s in self.done_steps)


class EvaluationTask(StepTask):
    """The mentor's report for one period: done once a report reaches the period's end."""

    def is_done(self, process, dossier: Dossier) -> bool:
        end = dt.date.fromisoformat(process.data["period_end"])
        return any(r.period_end >= end for r in dossier.progress_reports.all())


def mentor_user(dossier: Dossier):
    """The user account of the dossier's active mentor (the latest assigned), if he has one."""
    mentors = [m for m in gates.active_mentors(dossier) if m.member.user_id]
    return mentors[-1].member.user if mentors else None


class ScopedFlow(flow.Flow):
    """viewflow lists a flow's tasks only to users for whom `has_view_permission` holds (by default
    a model permission on the process class). Here it holds for whoever the organisation permissions
    of `permissions.scoping` (django-guardian) or a per-dossier permission let see a dossier; which
    tasks is then decided by `workflows.selectors`, on the same permissions."""

    def has_view_permission(self, user, obj=None) -> bool:
        if not user.is_authenticated:
            return False
        if obj is not None and getattr(obj, "artifact_object_id", None):
            return visible_dossiers(user).filter(pk=obj.artifact_object_id).exists()
        return user.is_superuser or bool(scope_of(user)) or visible_dossiers(user).exists()


class AdmissionFlow(ScopedFlow):
    process_class = AdmissionProcess
    process_title = _("Admission of a new member")
    process_description = _("From the source list to official membership.")
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_case).Next(this.enroll_training)

    # Steps 1–3: the party-awareness class.
    enroll_training = StepTask(
        "enroll_training", _("Enrol in the Party awareness class"),
    ).Next(this.complete_training)
    complete_training = StepTask(
        "complete_training", _("Record the class result and certificate"),
    ).Next(this.prepare_dossier)

    # Steps 2, 4–8: the dossier is prepared in parallel.
    prepare_dossier = (
        flow.Split()
        .Next(this.assign_mentor)
        .Next(this.assign_introducers)
        .Next(this.collect_papers)
        .Next(this.verify_history)
        .Next(this.gather_opinions)
    )
    assign_mentor = StepTask("assign_mentor", _("Assign a mentor")).Next(this.dossier_ready)
    assign_introducers = StepTask("assign_introducer", _("Assign the introducers (3-KNĐ)")).Next(this.dossier_ready)
    collect_papers = StepTask(
        "record_personal_history", _("Collect the application (1-KNĐ) and personal history (2-KNĐ)"),
        also=("record_application",),
    ).Next(this.dossier_ready)
    verify_history = StepTask(
        "certify_personal_history", _("Verify the personal history and relatives, then certify it"),
    ).Next(this.dossier_ready)
    gather_opinions = StepTask(
        "record_opinions", _("Gather the opinions of unions and the residence (5-KNĐ)"),
    ).Next(this.dossier_ready)
    dossier_ready = flow.Join().Next(this.submit_for_vote)

    # Step 9: the branch vote.
    submit_for_vote = StepTask("submit_for_vote", _("Submit the dossier to the cell")).Next(this.branch_vote)
    branch_vote = StepTask(
        "record_branch_vote", _("Hold the cell vote on admission (6-KNĐ)"),
    ).Next(this.branch_passed)
    branch_passed = flow.If(this.is_in_higher_approval).Then(this.needs_appraisal).Else(this.not_admitted)

    # Steps 9a–11: sub-committee, grassroots committee, competent committee.
    needs_appraisal = flow.If(this.is_under_sub_committee).Then(this.sub_committee_appraisal).Else(
        this.needs_grassroots_resolution)
    sub_committee_appraisal = StepTask(
        "record_sub_committee_admission", _("Sub-committee appraisal report (7-KNĐ)"),
    ).Next(this.needs_grassroots_resolution)
    needs_grassroots_resolution = flow.If(this.has_grassroots_committee).Then(this.grassroots_resolution).Else(
        this.admission_decision)
    grassroots_resolution = StepTask(
        "record_grassroots_admission", _("Grassroots committee resolution (8-KNĐ)"),
    ).Next(this.grassroots_passed)
    grassroots_passed = flow.If(this.is_in_higher_approval).Then(this.admission_decision).Else(this.not_admitted)
    admission_decision = StepTask("decide_admission", _("Admission decision (9-KNĐ)")).Next(this.admitted)
    admitted = flow.If(this.is_in_higher_approval).Then(this.ceremony).Else(this.not_admitted)

    # Steps 12–13: ceremony and probation.
    ceremony = StepTask("hold_ceremony", _("Hold the admission ceremony")).Next(
        this.probation)
    probation = (
        flow.Split()
        .Next(this.new_member_class)
        .Next(this.mentor_report)
        .Next(this.self_review)
        .Next(this.probation_opinions)
    )
    new_member_class = StepTask(
        "record_new_member_certificate", _("New-member political class"),
    ).Next(this.probation_over)
    mentor_report = StepTask(
        "record_progress_report", _("Mentor's report on the probationary member (11-KNĐ)"),
    ).Next(this.probation_over)
    self_review = StepTask("record_self_review", _("Self-review (10-KNĐ)")).Next(this.probation_over)
    probation_opinions = StepTask(
        "record_opinions", _("Opinions of unions and the residence on the probationary member (12-KNĐ)"),
    ).Next(this.probation_over)
    probation_over = flow.Join().Next(this.recognition_vote)

    # Step 14: recognition (QĐ 232 4.2–4.3).
    recognition_vote = StepTask(
        "record_recognition_vote", _("Cell vote on official recognition (13-KNĐ)"),
    ).Next(this.recognition_outcome)
    recognition_outcome = (
        flow.Switch()
        .Case(this.recognition_decision, this.goes_to_competent_committee)
        .Case(this.removal_decision, this.removal_proposed)
        .Case(this.needs_grassroots_recognition, this.recognition_proposed)
        .Default(this.recognition_decision)
    )
    needs_grassroots_recognition = flow.If(this.has_grassroots_committee).Then(this.grassroots_recognition).Else(
        this.recognition_decision)
    grassroots_recognition = StepTask(
        "record_grassroots_recognition", _("Grassroots committee resolution on recognition (15-KNĐ)"),
    ).Next(this.recognition_decision)
    recognition_decision = StepTask("recognize", _("Recognition decision (16-KNĐ)")).Next(this.finished)
    removal_decision = StepTask("remove", _("Decision on removal from the probationary list")).Next(this.finished)

    not_admitted = flow.End()
    finished = flow.End()

    # --- conditions, read from the dossier ---------------------------------------------------

    def start_case(self, activation, dossier: Dossier):
        activation.process.artifact = dossier
        activation.process.save()
        return activation.process

    def is_in_higher_approval(self, activation) -> bool:
        return activation.process.dossier.state == State.HIGHER_APPROVAL

    def is_under_sub_committee(self, activation) -> bool:
        return gates.under_sub_committee(activation.process.dossier)

    def has_grassroots_committee(self, activation) -> bool:
        return gates.has_grassroots_committee(activation.process.dossier)

    def goes_to_competent_committee(self, activation) -> bool:
        """After three inconclusive votes the competent committee decides directly (4.2c)."""
        d = activation.process.dossier
        return d.escalated_on is not None and not gates.acts(d, ActKind.BRANCH_RECOGNITION)

    def removal_proposed(self, activation) -> bool:
        d = activation.process.dossier
        return gates.removal_proposed(d) and not gates.acts(d, ActKind.BRANCH_RECOGNITION)

    def recognition_proposed(self, activation) -> bool:
        return bool(gates.acts(activation.process.dossier, ActKind.BRANCH_RECOGNITION))


# States in which the mentor evaluates periodically: before the vote, and during probation
# (reference 001; settings.WORKFLOW_EVALUATION_MONTHS, default quarterly).
EVALUATION_STATES = (State.SPOTTED, State.TRAINING, State.MENTORING, State.BRANCH_VOTE, State.PROBATION)


class EvaluationFlow(ScopedFlow):
    """A missing periodic evaluation becomes a task: `manage.py workflow_sweep` starts one
    process per overdue period; the mentor's report for that period finishes it."""

    process_class = EvaluationProcess
    process_title = _("Periodic evaluation")
    process_description = _("The mentor's periodic report on the candidate or probationary member.")
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_period).Next(this.periodic_report)
    periodic_report = EvaluationTask(
        "record_progress_report", _("Periodic evaluation by the mentor"),
    ).Assign(lambda activation: mentor_user(activation.process.dossier)).Next(this.finished)
    finished = flow.End()

    def start_period(self, activation, dossier: Dossier, period_start: dt.date, period_end: dt.date):
        activation.process.artifact = dossier
        activation.process.data = {"period_start": period_start.isoformat(), "period_end": period_end.isoformat()}
        activation.process.save()
        return activation.process
