"""The numbers committees are judged by, computed from the dossiers — never typed in.

`counting` holds the queries (admissions, pipeline, members and quotas of a subtree, grouped by
path prefix in a fixed number of queries); `progress` the arithmetic against quotas, members and
the pro-rata target; on top of them `dashboard`, `allocation`, `report` (reference/004) and
`ranking`. The definitions are in the docstrings of the modules that apply them.
"""

from .allocation import Allocation, AllocationRow, allocation
from .counting import (
    BEFORE_ADMISSION,
    PIPELINE_STATES,
    admitted_by,
    admitted_dossiers,
    members_at,
    members_by,
    members_of,
    pipeline_by,
    pipeline_of,
    quotas_of,
    state_on,
    today,
    with_source_by,
)
from .dashboard import Dashboard, dashboard
from .progress import MonthPoint, Progress, children_progress, expected_by, monthly_series, progress_for
from .ranking import RankedRow, ranking
from .report import (
    AGE_BANDS,
    Report,
    ReportGroup,
    ReportRow,
    StructureLine,
    Unit,
    report_for,
    report_units,
    structure_of,
)

__all__ = [
    "AGE_BANDS",
    "BEFORE_ADMISSION",
    "PIPELINE_STATES",
    "Allocation",
    "AllocationRow",
    "Dashboard",
    "MonthPoint",
    "Progress",
    "RankedRow",
    "Report",
    "ReportGroup",
    "ReportRow",
    "StructureLine",
    "Unit",
    "admitted_by",
    "admitted_dossiers",
    "allocation",
    "children_progress",
    "dashboard",
    "expected_by",
    "members_at",
    "members_by",
    "members_of",
    "monthly_series",
    "pipeline_by",
    "pipeline_of",
    "progress_for",
    "quotas_of",
    "ranking",
    "report_for",
    "report_units",
    "state_on",
    "structure_of",
    "today",
    "with_source_by",
]
