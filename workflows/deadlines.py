"""When each task is due: the statutory limits in working days (QĐ 232 4.1, 4.2, 4.3.1), and
configurable defaults (settings.WORKFLOW_DEFAULT_DAYS) for the steps the rules do not fix."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from dossiers import gates, rules
from dossiers.models import ActKind, Dossier
from dossiers.workdays import add_working_days


@dataclass(frozen=True)
class Due:
    on: dt.date
    rule: str


def _default(node_name: str, created: dt.date) -> Due:
    days = settings.WORKFLOW_DEFAULT_DAYS.get(node_name, settings.WORKFLOW_DEFAULT_DAYS["*"])
    return Due(add_working_days(created, days), _("%(days)d working days (default for this step)") % {"days": days})


def due_for(node_name: str, dossier: Dossier, created: dt.date) -> Due:
    """The due date of a task created on `created` for `dossier`."""
    if node_name in ("grassroots_resolution", "sub_committee_appraisal", "admission_decision"):
        branch = gates.last_act(dossier, ActKind.BRANCH_ADMISSION)
        if branch is not None:
            days = int(rules.rule("DECISION_DEADLINE_WORKING_DAYS"))
            text = _("%(days)d working days from the cell resolution (QĐ 232, point 4.3.1)")
            if dossier.decision_extended:
                days += int(rules.rule("DECISION_EXTENSION_WORKING_DAYS"))
                text = _("%(days)d working days from the cell resolution, extended (QĐ 232, point 4.3.1)")
            return Due(add_working_days(branch.date, days), text % {"days": days})
    if node_name == "ceremony":
        decision = next((a for a in gates.acts(dossier, ActKind.ADMISSION_DECISION) if a.approved), None)
        if decision is not None:
            return Due(rules.ceremony_deadline(decision_date=decision.date),
                       _("30 working days from the admission decision (QĐ 232, point 4.1)"))
    if node_name == "recognition_vote" and dossier.official_date:
        return Due(add_working_days(dossier.official_date, 30),
                   _("30 working days after the 12 months of probation (QĐ 232, point 4.2)"))
    if node_name in ("grassroots_recognition", "recognition_decision", "removal_decision"):
        branch = gates.last_act(dossier, ActKind.BRANCH_RECOGNITION)
        if branch is not None:
            return Due(add_working_days(branch.date, 30),
                       _("30 working days from the cell resolution on recognition (QĐ 232, point 4.3.1)"))
    if node_name in ("self_review", "probation_opinions", "mentor_report") and dossier.official_date:
        return Due(add_working_days(dossier.official_date, settings.WORKFLOW_DEFAULT_DAYS["*"]),
                   _("after the 12 months of probation"))
    return _default(node_name, created)
