"""Progress arithmetic: one organisation's admissions against its quota, its members and the
pro-rata target, for itself, its children and month by month.

* **% of quota** — admitted ÷ the quota of the year the period ends in: "53 đảng viên đạt 48,2%
  chỉ tiêu năm" for the first half (reference/004). Half up to one decimal (`vn_percent`).
* **% of members** — admitted ÷ members (official + probationary): "201 đảng viên mới đạt 2,2 %
  tổng số đảng viên toàn Đảng bộ Khối" (reference/000). The members are those of the end of the
  previous year when the quota records them (the base of a percentage quota), else today's count.
* **Pro-rata target** — the yearly quota spread evenly over the months, the yardstick for
  "đôn đốc chỉ tiêu kết nạp hàng tháng của từng đơn vị" (reference/003): by the end of month m,
  quota × m ÷ 12.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.db.models.functions import ExtractMonth

from dossiers.formatting import vn_percent
from dossiers.models import BEFORE_ADMISSION, Organization, State

from ..models import AdmissionQuota
from ..periods import Period
from .counting import (
    PIPELINE_STATES,
    admitted_by,
    admitted_dossiers,
    members_by,
    members_of,
    pipeline_by,
    pipeline_of,
    quotas_of,
    today,
)


@dataclass
class Progress:
    """One organisation's admissions in a period against its quota and its members."""

    organization: Organization
    admitted: int
    quota: AdmissionQuota | None
    members: int
    pipeline: dict[str, int] = field(default_factory=dict)
    expected: Decimal | None = None  # pro-rata target by the period's end (or `as_of`)

    @property
    def target(self) -> int | None:
        return self.quota.target if self.quota else None

    @property
    def ratio(self) -> float | None:
        """admitted ÷ quota, for bars and sorting; None without a quota."""
        if not self.target:
            return None
        return self.admitted / self.target

    @property
    def quota_percent(self) -> str:
        return vn_percent(self.admitted, self.target or 0)

    @property
    def members_percent(self) -> str:
        return vn_percent(self.admitted, self.members)

    @property
    def in_pipeline(self) -> int:
        """Candidates not yet admitted (spotted to higher approval)."""
        return sum(self.pipeline.get(state, 0) for state in BEFORE_ADMISSION)

    @property
    def no_source(self) -> bool:
        return self.in_pipeline == 0

    @property
    def lagging(self) -> bool:
        """Behind the pro-rata target (or no admission at all against a quota)."""
        if not self.target:
            return False
        expected = self.expected if self.expected is not None else Decimal(self.target)
        return Decimal(self.admitted) < expected

    @property
    def pipeline_rows(self) -> list[tuple[str, str, int]]:
        return [(state, State(state).label, self.pipeline.get(state, 0)) for state in PIPELINE_STATES]


def _members_base(quota: AdmissionQuota | None, current: int) -> int:
    if quota is not None and quota.membership_base:
        return quota.membership_base
    return current


def expected_by(target: int, year: int, day: dt.date) -> Decimal:
    """The pro-rata target on `day`: target × whole months elapsed in `year` ÷ 12 (reference/003:
    the monthly follow-up of each unit's quota); the full target from the end of the year on."""
    if day.year < year:
        months = 0
    elif day.year > year:
        months = 12
    else:
        # A month counts once it is over: its last day completes it.
        months = day.month if (day + dt.timedelta(days=1)).month != day.month else day.month - 1
    return (Decimal(target) * months / 12).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def progress_for(*, organization: Organization, period: Period, as_of: dt.date | None = None) -> Progress:
    """The organisation's admissions in the period against the quota of `period.quota_year`, its
    members and its pipeline on `as_of`. Four queries."""
    as_of = as_of or today()
    admitted = admitted_dossiers(organization=organization, period=period, as_of=as_of).count()
    quota = AdmissionQuota.objects.filter(organization=organization, year=period.quota_year).first()
    members = _members_base(quota, members_of(organization))
    progress = Progress(organization=organization, admitted=admitted, quota=quota, members=members,
                        pipeline=pipeline_of(organization, as_of))
    if quota:
        progress.expected = expected_by(quota.target, period.quota_year, min(as_of, period.end))
    return progress


def _sort_lagging_first(items: list[Progress]) -> list[Progress]:
    """Lowest completion first; organisations without a quota after those with one."""
    return sorted(items, key=lambda p: (p.ratio is None, p.ratio if p.ratio is not None else 0,
                                        p.organization.sort_order, p.organization.name))


def children_progress(*, organization: Organization, period: Period, as_of: dt.date | None = None) -> list[Progress]:
    """Each direct child's progress, lagging ones first. Five queries whatever the number of
    children: the children, and one GROUP BY each for admissions, members, quotas and pipeline."""
    as_of = as_of or today()
    children = list(Organization.objects.filter(parent=organization).order_by("sort_order", "name"))
    if not children:
        return []
    admitted = admitted_by(children, organization=organization, period=period, as_of=as_of)
    members = members_by(children, organization=organization)
    quotas = quotas_of(children, period.quota_year)
    pipelines = pipeline_by(children, organization=organization, as_of=as_of)
    items = []
    for child in children:
        quota = quotas.get(child.pk)
        p = Progress(organization=child, admitted=admitted.get(child.pk, 0), quota=quota,
                     members=_members_base(quota, members.get(child.pk, 0)), pipeline=pipelines.get(child.pk, {}))
        if quota:
            p.expected = expected_by(quota.target, period.quota_year, min(as_of, period.end))
        items.append(p)
    return _sort_lagging_first(items)


# --- Monthly series ---------------------------------------------------------------------------


@dataclass
class MonthPoint:
    month: int
    admitted: int | None  # None for months not yet begun on `as_of`
    cumulative: int | None
    target: Decimal | None  # pro-rata target at the end of the month


def monthly_series(*, organization: Organization, year: int, as_of: dt.date | None = None,
                   quota: AdmissionQuota | None = None) -> list[MonthPoint]:
    """Admissions month by month in `year` (by decision date), cumulative, against the pro-rata
    target quota × m ÷ 12 at the end of month m. One query (two without `quota`)."""
    as_of = as_of or today()
    if quota is None:
        quota = AdmissionQuota.objects.filter(organization=organization, year=year).first()
    per_month = dict(
        admitted_dossiers(organization=organization, period=Period.year(year), as_of=as_of)
        .annotate(m=ExtractMonth("decision_date")).values_list("m").annotate(n=Count("*")).order_by()
    )
    return _month_points(year, as_of, quota, per_month)


def _month_points(year: int, as_of: dt.date, quota: AdmissionQuota | None, per_month: dict[int, int]) -> list[MonthPoint]:
    points, running = [], 0
    for month in range(1, 13):
        started = dt.date(year, month, 1) <= as_of
        n = per_month.get(month, 0)
        running += n
        target = (Decimal(quota.target) * month / 12).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if quota else None
        points.append(MonthPoint(month, n if started else None, running if started else None, target))
    return points


class _Month(ExtractMonth):
    """EXTRACT(MONTH …) as an integer. PostgreSQL's EXTRACT returns numeric, whose arithmetic
    costs four times date_part's: the same whole numbers through date_part."""

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(date_part('month', {sql}) AS integer)", params
