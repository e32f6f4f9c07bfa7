"""Every change to a dossier goes through one of these functions.

Each one, in a single transaction: locks the dossier row, refuses if another user changed its
state since the caller read it, asks `dossiers.gates` whether the step is allowed on that date,
writes the evidence (`full_clean()` first), moves the state machine if the step does, and appends
one `DossierHistory` row (who, when, from → to, note, evidence). A refusal raises `Refusal`
with the reasons in Vietnamese and leaves nothing behind.

The services live by phase, in the manner of Zulip's `actions/`: `cases` (opening a case, the
candidate's data, ending it before admission), `training`, `introduction`, `papers`, `votes`,
`decision` (higher approval, decision, ceremony), `probation` (and recognition), `roster` (the
cell's members, the committee's seats, meetings); `base` holds the
lock, the step check and the history row they share. Callers import from `dossiers.services`.
"""

from ..refusals import Refusal  # what every service raises
from .cases import (
    candidate_create,
    candidate_update,
    dossier_create,
    dossier_reject,
    dossier_update_details,
    dossier_withdraw,
)
from .decision import (
    dossier_decide_admission,
    dossier_extend_decision,
    dossier_hold_ceremony,
    dossier_record_grassroots_admission,
    dossier_record_sub_committee_admission,
    dossier_record_sub_committee_recognition,
)
from .introduction import (
    dossier_assign_introducer,
    dossier_assign_mentor,
    dossier_end_introducer,
    dossier_record_union_resolution,
)
from .papers import (
    dossier_certify_personal_history,
    dossier_conclude_verification,
    dossier_record_application,
    dossier_record_opinions,
    dossier_record_personal_history,
    dossier_record_progress_report,
    dossier_start_verification,
)
from .probation import (
    dossier_recognize,
    dossier_record_grassroots_recognition,
    dossier_record_new_member_certificate,
    dossier_record_recognition_vote,
    dossier_record_self_review,
    dossier_remove,
)
from .roster import (
    committee_seat_add,
    committee_seat_end,
    meeting_record,
    member_add,
    member_end_exemption,
    member_exempt,
    member_leave,
    roster_declare_kept,
)
from .training import dossier_complete_training, dossier_enroll_training
from .votes import dossier_attach_provincial_approval, dossier_record_branch_vote, dossier_submit_for_vote

__all__ = [
    "dossier_extend_decision",
    "committee_seat_add",
    "committee_seat_end",
    "meeting_record",
    "member_add",
    "member_end_exemption",
    "member_exempt",
    "member_leave",
    "roster_declare_kept",
    "Refusal",
    "dossier_create",
    "candidate_create",
    "candidate_update",
    "dossier_update_details",
    "dossier_reject",
    "dossier_withdraw",
    "dossier_enroll_training",
    "dossier_complete_training",
    "dossier_assign_mentor",
    "dossier_assign_introducer",
    "dossier_end_introducer",
    "dossier_record_union_resolution",
    "dossier_record_application",
    "dossier_record_personal_history",
    "dossier_certify_personal_history",
    "dossier_start_verification",
    "dossier_conclude_verification",
    "dossier_record_opinions",
    "dossier_record_progress_report",
    "dossier_submit_for_vote",
    "dossier_record_branch_vote",
    "dossier_attach_provincial_approval",
    "dossier_record_sub_committee_admission",
    "dossier_record_sub_committee_recognition",
    "dossier_record_grassroots_admission",
    "dossier_decide_admission",
    "dossier_hold_ceremony",
    "dossier_record_new_member_certificate",
    "dossier_record_self_review",
    "dossier_record_recognition_vote",
    "dossier_record_grassroots_recognition",
    "dossier_recognize",
    "dossier_remove",
]
