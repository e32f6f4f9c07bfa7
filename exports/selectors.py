"""What the exports read: the period's admitted and recognised members of a subtree, the period's
changes for the yearly supplement list, the marks of earlier exports. Reads only; a fixed number
of queries whatever the number of members (the act numbers are subqueries, the cell, its parents
and the candidate are joined)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, NullIf

from documents.models import IssuedDocument
from dossiers.models import ActKind, Dossier, Organization, PartyAct
from dossiers.steps import label as step_label
from workflows.models import TaskDeadline
from workflows.selectors import step_nodes

from .models import ExportedMember, ExportKind, ExportRecord

# The cell and two levels above it: the grassroots organisation is the cell's parent, or its
# grandparent under a sub-committee (`Organization.grassroots` walks them without a query).
ORG_JOINS = ("cell__parent__parent",)

@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

def _act(kind: str, field: str, dossier_ref: str = "pk"):
    """A dossier's approved act of `kind`: its `field` (the latest, should there be two)."""
    return Subquery(PartyAct.objects.filter(dossier=OuterRef(dossier_ref), kind=kind, approved=True)
                    .order_by("-date", "-pk").values(field)[:1])

def _act_number(kind: str, dossier_ref: str = "pk"):
    """The act's number as recorded, or the number the document registry gave it when issued."""
    issued = Subquery(IssuedDocument.objects.filter(dossier=OuterRef(dossier_ref), form_code=kind)
                      .exclude(number="").order_by("-version").values("number")[:1])
    return Coalesce(NullIf(_act(kind, "number", dossier_ref), Value(""), output_field=CharField()), issued,
                    output_field=CharField())

def _members(organization: Organization) -> QuerySet[Dossier]:
    return (
        Dossier.objects.filter(cell__path__startswith=organization.path)
        .select_related("candidate", *ORG_JOINS)
        .annotate(
            admission_number=_act_number(ActKind.ADMISSION_DECISION),
            recognition_date=_act(ActKind.RECOGNITION_DECISION, "date"),
            recognition_number=_act_number(ActKind.RECOGNITION_DECISION),
        )
    )

def admitted(*, organization: Organization, period: Period) -> QuerySet[Dossier]:
    """Admitted in the period: the ceremony (ngày vào Đảng) in it, whatever happened since."""
    return (_members(organization).filter(ceremony_date__range=(period.start, period.end))
            .order_by("ceremony_date", "candidate__full_name", "pk"))

def recognized(*, organization: Organization, period: Period) -> QuerySet[Dossier]:
    """Recognised as official in the period: the recognition decision (16-KNĐ) dated in it."""
    return (_members(organization).filter(recognition_date__range=(period.start, period.end))
            .order_by("recognition_date", "candidate__full_name", "pk"))

def members_of(*, kind: str, organization: Organization, period: Period) -> QuerySet[Dossier]:
    return (admitted if kind == ExportKind.ADMITTED else recognized)(organization=organization, period=period)

def exported_ids(*, kind: str, dossiers: QuerySet[Dossier]) -> set[int]:
    """Which of these dossiers an earlier export of `kind` already held. One query."""
    return set(ExportedMember.objects.filter(kind=kind, dossier__in=dossiers.order_by().values("pk"))
               .values_list("dossier_id", flat=True).distinct())


def not_exported(*, kind: str, dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """The dossiers no export of `kind` has held yet."""
    return dossiers.exclude(pk__in=ExportedMember.objects.filter(kind=kind).values("dossier_id"))

def changes(*, organization: Organization, period: Period) -> QuerySet[PartyAct]:
    """The period's changes for the yearly supplement list (3-HSĐV): each approved recognition
    decision (16-KNĐ) and removal from the probationary list (xóa tên) dated in it, with the member."""
    issued = Subquery(IssuedDocument.objects.filter(dossier=OuterRef("dossier"), form_code=OuterRef("kind"))
                      .exclude(number="").order_by("-version").values("number")[:1])
    return (
        PartyAct.objects.filter(
            kind__in=[ActKind.RECOGNITION_DECISION, ActKind.REMOVAL_DECISION], approved=True,
            date__range=(period.start, period.end), dossier__cell__path__startswith=organization.path)
        .select_related("dossier__candidate", *(f"dossier__{j}" for j in ORG_JOINS))
        .annotate(shown_number=Coalesce(NullIf("number", Value(""), output_field=CharField()), issued,
                                        output_field=CharField()))
        .order_by("date", "dossier__candidate__full_name", "pk")
    )

# What the case list's export reads besides the list's own columns (`permissions.selectors.LIST_COLUMNS`).
CASE_COLUMNS = (
    "id", "state", "spotted_on", "candidate__full_name", "candidate__birth_date", "candidate__sex",
    "cell__name", "cell__level", "cell__parent", "cell__parent__name", "cell__parent__level",
    "cell__parent__parent", "cell__parent__parent__name", "cell__parent__parent__level",
)


def case_list(queryset: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """The list's rows (already scoped, filtered and sorted) with their current step: the open task
    due first, when it opened and when it is due. Subqueries: one query for any number of rows."""
    due_first = TaskDeadline.objects.filter(dossier=OuterRef("pk"), is_open=True).order_by("due_on", "pk")
    return (
        queryset.select_related("candidate", *ORG_JOINS).only(*CASE_COLUMNS)
        .annotate(step_due_on=Subquery(due_first.values("due_on")[:1]),
                  step_opened=Subquery(due_first.values("task__created")[:1]),
                  step_ref=Cast(Subquery(due_first.values("task__flow_task")[:1]), output_field=CharField()))
    )


def step_name(ref: str | None) -> str:
    """The step's label from a task's stored node reference ("" without an open task)."""
    node = step_nodes().get(ref) if ref else None
    return step_label(node.step) if node is not None else ""


def records(queryset: QuerySet[ExportRecord]) -> QuerySet[ExportRecord]:
    return queryset.order_by("-at", "-pk")
