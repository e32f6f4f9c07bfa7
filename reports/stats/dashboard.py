"""The dashboard in one go: the organisation's progress, its children's and its months."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce

from dossiers.models import Organization

from ..periods import Period
from .counting import (
    PIPELINE_STATES,
    _dossiers_on,
    _grouped_with_total,
    admitted_dossiers,
    quotas_of,
    today,
)
from .progress import (
    MonthPoint,
    Progress,
    _members_base,
    _Month,
    _month_points,
    _sort_lagging_first,
    expected_by,
)


@dataclass
class Dashboard:
    progress: Progress
    children: list[Progress]
    points: list[MonthPoint]


def dashboard(*, organization: Organization, year: int, as_of: dt.date | None = None) -> Dashboard:
    """`progress_for`, `children_progress` and `monthly_series` of the year, the same numbers in
    five queries instead of ten: the admissions are read once by child and month (the
    organisation's own count and its months are their sums), the pipeline once by child and
    state, the members once by child, the quotas of the organisation and its children together."""
    as_of = as_of or today()
    period = Period.year(year)
    children = list(Organization.objects.filter(parent=organization).order_by("sort_order", "name"))
    quotas = quotas_of([organization, *children], period.quota_year)
    admitted_qs = admitted_dossiers(organization=organization, period=period, as_of=as_of).annotate(
        _month=_Month("decision_date"))
    admitted, per_month = _grouped_with_total(admitted_qs, "cell__path", children, "_month", n=Count("*"))
    pipeline_qs = _dossiers_on(organization, as_of).filter(state_then__in=PIPELINE_STATES)
    pipelines, pipeline = _grouped_with_total(pipeline_qs, "cell__path", children, "state_then", n=Count("*"))
    members_qs = Organization.objects.filter(path__startswith=organization.path).order_by()
    members, members_total = _grouped_with_total(
        members_qs, "path", children, m=Coalesce(Sum(F("official_members") + F("probationary_members")), 0))

    quota = quotas.get(organization.pk)
    progress = Progress(organization=organization, admitted=sum(v["n"] for v in per_month.values()), quota=quota,
                        members=_members_base(quota, int(members_total.get((), {}).get("m", 0))),
                        pipeline={key[0]: value["n"] for key, value in pipeline.items()})
    if quota:
        progress.expected = expected_by(quota.target, period.quota_year, min(as_of, period.end))

    child_admitted: dict[int, int] = defaultdict(int)
    for (pk, _month), value in admitted.items():
        child_admitted[pk] += value["n"]
    child_pipeline: dict[int, dict[str, int]] = defaultdict(dict)
    for (pk, state), value in pipelines.items():
        child_pipeline[pk][state] = value["n"]
    items = []
    for child in children:
        child_quota = quotas.get(child.pk)
        p = Progress(organization=child, admitted=child_admitted.get(child.pk, 0), quota=child_quota,
                     members=_members_base(child_quota, members.get((child.pk,), {}).get("m", 0)),
                     pipeline=child_pipeline.get(child.pk, {}))
        if child_quota:
            p.expected = expected_by(child_quota.target, period.quota_year, min(as_of, period.end))
        items.append(p)

    points = _month_points(year, as_of, quota, {key[0]: value["n"] for key, value in per_month.items()})
    return Dashboard(progress=progress, children=_sort_lagging_first(items), points=points)
