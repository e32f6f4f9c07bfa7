"""The numbers committees are judged by, computed from the dossiers — never typed in.

Every function reads in a fixed number of SQL queries whatever the size of the tree: counts are
grouped in the database by the prefix of the organisation's materialised path (`000001.000017.`),
so "the admissions of each grassroots organisation of the district" is one GROUP BY, not a
query per organisation.

Definitions (each cites the letter it follows):

* **Admitted in a period** — a dossier whose admission decision (9-KNĐ) is dated in the period:
  "số lượng kết nạp đảng viên từ tháng 01/2023 đến 6/2023" (reference/004) counts by that date,
  and party age runs from it (Charter Art. 5 §3). `Dossier.decision_date` is fixed when the
  ceremony is held (`dossiers.services.dossier_hold_ceremony`): a decision whose ceremony has not
  taken place is still in the pipeline ("higher_approval"). A probationer later removed from the
  list (xóa tên) was still admitted in that period and stays counted.
* **As of a date** — only what had happened by then: decision *and* ceremony on or before it; the
  pipeline is each dossier's state on that date, read from its append-only history.
* **% of quota** — admitted ÷ the quota of the year the period ends in: "53 đảng viên đạt 48,2%
  chỉ tiêu năm" for the first half (reference/004). Half up to one decimal (`vn_percent`).
* **% of members** — admitted ÷ members (official + probationary): "201 đảng viên mới đạt 2,2 %
  tổng số đảng viên toàn Đảng bộ Khối" (reference/000). The members are those of the end of the
  previous year when the quota records them (the base of a percentage quota), else today's count.
* **Pro-rata target** — the yearly quota spread evenly over the months, the yardstick for
  "đôn đốc chỉ tiêu kết nạp hàng tháng của từng đơn vị" (reference/003): by the end of month m,
  quota × m ÷ 12.
* **Hết nguồn** (no source left) — no candidate in the pipeline before admission (states spotted
  to higher_approval), as in the note column of reference/004.
* **Structure** — women, Youth Union members, university degree, ethnic minority, religion, age
  bands, private-enterprise workers, students, in counts and percentages of those admitted
  ("đảng viên nữ: 32 đồng chí (chiếm 60,4%)", reference/004; target groups of reference/003).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractMonth, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.formatting import vn_percent
from dossiers.models import (
    BEFORE_ADMISSION,
    Dossier,
    DossierHistory,
    Organization,
    OrgCategory,
    OrgLevel,
    State,
)

from .models import AdmissionProfile, AdmissionQuota
from .periods import Period
from .profiles import TRAITS
from .profiles import has as profiles_has

# The stages a dashboard shows, in the order a dossier goes through them.
PIPELINE_STATES = [*BEFORE_ADMISSION, State.PROBATION]

AGE_BANDS = [(18, 30), (31, 40), (41, 50), (51, 60), (61, None)]

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def today() -> dt.date:
    return timezone.localdate()


# --- Building blocks --------------------------------------------------------------------------

# Admissions are counted with COUNT(*), not COUNT(id): the covering indexes on the decision date
# (`dossier_decided`, `profile_decision`) hold the columns the counts filter and group by but not
# the row's id, and COUNT(id) sent PostgreSQL to the table for every admission of the year
# (national report: 0.4 → 0.27 s for the admissions per organisation).


def _in_subtree(organization: Organization) -> Q:
    """The dossiers whose cell is in the organisation's subtree. Every dossier has a cell, so a root
    above every organisation (path "", the national report) needs no join to the organisations."""
    return Q(cell__path__startswith=organization.path) if organization.path else Q()


def admitted_dossiers(*, organization: Organization, period: Period, as_of: dt.date | None = None) -> QuerySet[Dossier]:
    """The dossiers of the organisation's subtree admitted in the period, as known on `as_of`
    (default today): decision dated in the period and on or before `as_of`, ceremony held by then."""
    as_of = as_of or today()
    start, end = period.clipped(as_of)
    return Dossier.objects.filter(
        _in_subtree(organization),
        decision_date__gte=start, decision_date__lte=end, ceremony_date__lte=as_of,
    ).order_by()


def state_on(as_of: dt.date | None):
    """An expression for each dossier's state on `as_of`: the current state when `as_of` is today
    or later, else the state its last transition on or before that day led to (the history is
    append-only; rows that record evidence without a transition are skipped, since their effective
    date may precede a transition recorded before them)."""
    if as_of is None or as_of >= today():
        return F("state")
    last = (
        DossierHistory.objects.filter(dossier=OuterRef("pk"), effective_on__lte=as_of)
        .filter(Q(action="create") | ~Q(from_state=F("to_state")))
        .order_by("-effective_on", "-id")
        .values("to_state")[:1]
    )
    return Subquery(last)


def _dossiers_on(organization: Organization, as_of: dt.date | None) -> QuerySet[Dossier]:
    qs = Dossier.objects.filter(_in_subtree(organization)).order_by()
    if as_of is not None and as_of < today():
        qs = qs.filter(spotted_on__lte=as_of)
    return qs.annotate(state_then=state_on(as_of))


def _grouped(queryset: QuerySet, path_field: str, rows: list[Organization], *extra: str, **aggregates):
    """{(row pk, *extra values): {aggregate: value}}: one GROUP BY per distinct depth of the rows
    (one query when the rows are siblings or all grassroots organisations)."""
    out: dict[tuple, dict] = {}
    by_prefix = {row.path: row.pk for row in rows}
    for length in sorted({len(row.path) for row in rows}):
        grouped = (queryset.annotate(_prefix=Substr(path_field, 1, length))
                   .values("_prefix", *extra).annotate(**aggregates).order_by())
        for item in grouped:
            # A path shorter than `length` comes back whole: it belongs to another depth.
            pk = by_prefix.get(item["_prefix"]) if len(item["_prefix"] or "") == length else None
            if pk is not None:
                out[(pk, *(item[name] for name in extra))] = {name: item[name] for name in aggregates}
    return out


def admitted_by(rows: list[Organization], *, organization: Organization, period: Period,
                as_of: dt.date | None = None) -> dict[int, int]:
    """{row pk: admitted in the period}, for rows in the organisation's subtree; one query."""
    grouped = _grouped(admitted_dossiers(organization=organization, period=period, as_of=as_of),
                       "cell__path", rows, n=Count("*"))
    return {key[0]: value["n"] for key, value in grouped.items()}


def pipeline_by(rows: list[Organization], *, organization: Organization,
                as_of: dt.date | None = None) -> dict[int, dict[str, int]]:
    """{row pk: {state: dossiers in that state on `as_of`}}; one query."""
    qs = _dossiers_on(organization, as_of).filter(state_then__in=PIPELINE_STATES)
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for (pk, state), value in _grouped(qs, "cell__path", rows, "state_then", n=Count("*")).items():
        out[pk][state] = value["n"]
    return out


def with_source_by(rows: list[Organization], *, organization: Organization,
                   as_of: dt.date | None = None) -> set[int]:
    """The pks of the rows with a candidate in the pipeline before admission on `as_of` (not
    "Hết nguồn"); one query per distinct depth of the rows. Today: the organisations of the subtree
    holding such a dossier (one probe of the (cell, state) index each), grouped by path prefix,
    instead of counting every open dossier; on a past date, from the history (`pipeline_by`)."""
    if as_of is not None and as_of < today():
        pipelines = pipeline_by(rows, organization=organization, as_of=as_of)
        return {pk for pk, states in pipelines.items() if any(states.get(s, 0) for s in BEFORE_ADMISSION)}
    holding = Organization.objects.filter(
        Exists(Dossier.objects.filter(cell=OuterRef("pk"), state__in=BEFORE_ADMISSION)),
        path__startswith=organization.path,
    ).order_by()
    return {key[0] for key in _grouped(holding, "path", rows, n=Count("id"))}


def members_by(rows: list[Organization], *, organization: Organization) -> dict[int, int]:
    """{row pk: official + probationary members of its subtree, today}; one query."""
    qs = Organization.objects.filter(path__startswith=organization.path).order_by()
    grouped = _grouped(qs, "path", rows, m=Coalesce(Sum(F("official_members") + F("probationary_members")), 0))
    return {key[0]: value["m"] for key, value in grouped.items()}


def members_of(organization: Organization) -> int:
    """Official + probationary members of the organisation's subtree, today; one query."""
    total = Organization.objects.filter(path__startswith=organization.path).aggregate(
        m=Coalesce(Sum(F("official_members") + F("probationary_members")), 0))["m"]
    return int(total)


def quotas_of(organizations: list[Organization], year: int) -> dict[int, AdmissionQuota]:
    """{organisation pk: its quota of the year} for these organisations; one query, by their ids and
    unordered (the model's ordering joins the organisations): "the organisation or a child of it"
    as an OR over a join read every quota of the year in the country (40 ms at national scale)."""
    return {q.organization_id: q for q in AdmissionQuota.objects.filter(
        organization_id__in=[org.pk for org in organizations], year=year).order_by()}


def pipeline_of(organization: Organization, as_of: dt.date | None = None) -> dict[str, int]:
    """{state: count} of the organisation's subtree on `as_of`; one query."""
    qs = _dossiers_on(organization, as_of).filter(state_then__in=PIPELINE_STATES)
    return dict(qs.values_list("state_then").annotate(n=Count("*")).order_by())


# --- Progress ---------------------------------------------------------------------------------


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


# --- The dashboard in one go -----------------------------------------------------------------


def _grouped_with_total(queryset: QuerySet, path_field: str, rows: list[Organization], *extra: str,
                        **aggregates) -> tuple[dict[tuple, dict], dict[tuple, dict]]:
    """`_grouped`, and the totals of the whole queryset by the `extra` values read from the same
    query (the first of them when the rows have several depths). Additive aggregates only."""
    out: dict[tuple, dict] = {}
    totals: dict[tuple, dict] = {}
    by_prefix = {row.path: row.pk for row in rows}
    for i, length in enumerate(sorted({len(row.path) for row in rows}) or [0]):
        grouped = queryset.annotate(_prefix=Substr(path_field, 1, length)) if length else queryset.annotate(_prefix=Value(""))
        for item in grouped.values("_prefix", *extra).annotate(**aggregates).order_by():
            key = tuple(item[name] for name in extra)
            if i == 0:
                total = totals.setdefault(key, dict.fromkeys(aggregates, 0))
                for name in aggregates:
                    total[name] += item[name] or 0
            pk = by_prefix.get(item["_prefix"]) if len(item["_prefix"] or "") == length else None
            if pk is not None:
                out[(pk, *key)] = {name: item[name] for name in aggregates}
    return out, totals


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


# --- Quota allocation -------------------------------------------------------------------------


@dataclass
class AllocationRow:
    organization: Organization
    quota: AdmissionQuota | None
    members: int


@dataclass
class Allocation:
    """A parent's own quota against the sum of its children's (top-down, reference/003)."""

    organization: Organization
    year: int
    own: AdmissionQuota | None
    members: int
    rows: list[AllocationRow]

    @property
    def children_sum(self) -> int:
        return sum(row.quota.target for row in self.rows if row.quota)

    @property
    def difference(self) -> int | None:
        """Children's sum − own quota: negative when the allocation falls short of the parent's
        quota, positive when the children were given more than the parent."""
        if self.own is None:
            return None
        return self.children_sum - self.own.target

    @property
    def shortfall(self) -> int:
        """How many admissions the children's quotas fall short of the parent's (0 if none)."""
        return max(0, -(self.difference or 0))

    @property
    def missing(self) -> int:
        return sum(1 for row in self.rows if row.quota is None)


def allocation(*, organization: Organization, year: int) -> Allocation:
    """Own quota, each child's quota and members, their sum and the difference. Three queries."""
    children = list(Organization.objects.filter(parent=organization).order_by("sort_order", "name"))
    quotas = quotas_of([organization, *children], year)
    members = members_by([organization, *children], organization=organization)
    return Allocation(
        organization=organization, year=year, own=quotas.get(organization.pk),
        members=members.get(organization.pk, 0),
        rows=[AllocationRow(child, quotas.get(child.pk), members.get(child.pk, 0)) for child in children],
    )


# --- The report of reference/004 -------------------------------------------------------------


@dataclass
class ReportRow:
    number: int
    organization: Organization | Unit
    admitted: int
    no_source: bool

    @property
    def shown(self) -> int | None:
        """The number printed: empty for "Hết nguồn" rows that admitted nobody, as in the table."""
        return None if self.no_source and not self.admitted else self.admitted

    @property
    def note(self) -> str:
        return str(_("No source left")) if self.no_source else ""


@dataclass
class ReportGroup:
    numeral: str
    category: str
    label: str
    rows: list[ReportRow]

    @property
    def total(self) -> int:
        return sum(row.admitted for row in self.rows)


@dataclass
class StructureLine:
    key: str
    label: str
    count: int
    of: int

    @property
    def percent(self) -> str:
        return vn_percent(self.count, self.of)


@dataclass
class Report:
    organization: Organization
    period: Period
    as_of: dt.date
    groups: list[ReportGroup]
    admitted: int
    quota: AdmissionQuota | None
    members: int
    structure: list[StructureLine]

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)

    @property
    def rows(self) -> list[ReportRow]:
        return [row for group in self.groups for row in group.rows]

    @property
    def target(self) -> int | None:
        return self.quota.target if self.quota else None

    @property
    def quota_percent(self) -> str:
        return vn_percent(self.admitted, self.target or 0)

    @property
    def members_percent(self) -> str:
        return vn_percent(self.admitted, self.members)


class Unit(NamedTuple):
    """One organisation of the report table: what a row prints and how it is grouped and sorted."""

    pk: int
    name: str
    path: str
    category: str
    sort_order: int


def report_units(organization: Organization) -> QuerySet[Organization]:
    """The rows of the report: the grassroots organisations under a district or province (the
    table of reference/004), the cells under a grassroots organisation or sub-committee, the cell
    itself for a cell."""
    subtree = Organization.objects.filter(path__startswith=organization.path)
    if organization.level in (OrgLevel.PROVINCE, OrgLevel.DISTRICT):
        return subtree.filter(level=OrgLevel.GRASSROOTS)
    if organization.level in (OrgLevel.GRASSROOTS, OrgLevel.SUB_COMMITTEE):
        return subtree.filter(level=OrgLevel.CELL)
    return subtree.filter(pk=organization.pk)


class _Month(ExtractMonth):
    """EXTRACT(MONTH …) as an integer. PostgreSQL's EXTRACT returns numeric, whose arithmetic
    costs four times date_part's: the same whole numbers through date_part."""

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(date_part('month', {sql}) AS integer)", params


def _age_label(low: int, high: int | None) -> str:
    if high is None:
        return str(_("Over %(age)s years old") % {"age": low - 1})
    return str(_("Aged %(low)s to %(high)s") % {"low": low, "high": high})


def structure_of(*, organization: Organization, period: Period, as_of: dt.date | None = None) -> list[StructureLine]:
    """The make-up of those admitted in the period, from their profiles (`reports.profiles`): one
    query grouping them by age on the decision date and trait bits (a few hundred groups at most),
    added up here into the lines. Youth Union members are those who had joined by the decision and
    were still of Youth Union age ([R] YOUTH_AGE_MAX, applied here so that a change of the
    setting counts at once)."""
    youth_age = settings.PARTY_RULES["YOUTH_AGE_MAX"]
    lines = [
        ("women", _("Women")),
        ("youth_union", _("Youth Union members")),
        ("university", _("University degree or higher")),
        ("ethnic_minority", _("Ethnic minorities")),
        ("religion", _("Followers of a religion")),
    ]
    lines += [(f"age_{low}", _age_label(low, high)) for low, high in AGE_BANDS]
    lines += [
        ("private_enterprise", _("Workers in private enterprises")),
        ("students", _("Students")),
    ]
    as_of = as_of or today()
    start, end = period.clipped(as_of)
    profiles = AdmissionProfile.objects.filter(decision_date__gte=start, decision_date__lte=end,
                                               ceremony_date__lte=as_of)
    if organization.path:
        profiles = profiles.filter(dossier__cell__path__startswith=organization.path)
    grouped = profiles.values_list("age", "traits").annotate(n=Count("*")).order_by()
    counts = dict.fromkeys((key for key, _label in lines), 0)
    total = 0
    for age, traits, n in grouped:
        total += n
        for key in TRAITS:
            if profiles_has(traits, key) and (key != "youth_union" or (age is not None and age <= youth_age)):
                counts[key] += n
        if age is not None:
            for low, high in AGE_BANDS:
                if age >= low and (high is None or age <= high):
                    counts[f"age_{low}"] += n
    return [StructureLine(key, str(label), counts[key], total) for key, label in lines]


def report_for(*, organization: Organization, period: Period, as_of: dt.date | None = None) -> Report:
    """The table of reference/004 for any organisation and period: rows grouped by category
    (I, II, …, in the order of `OrgCategory`), numbered 1…n across groups, each group's total
    and the grand total, the "Hết nguồn" note; then the summary and the structure. Seven queries
    whatever the number of rows (one more per extra depth of rows under a grassroots organisation
    with a sub-committee)."""
    as_of = as_of or today()
    order = {value: i for i, value in enumerate(OrgCategory.values)}
    # Plain rows, not models: a national report has ~19,000 of them (0.5 s as model instances).
    units = sorted((Unit(*values) for values in report_units(organization).order_by()
                    .values_list("pk", "name", "path", "category", "sort_order")),
                   key=lambda o: (order.get(o.category, len(order)), o.sort_order, o.name, o.path))
    admitted = admitted_by(units, organization=organization, period=period, as_of=as_of)
    with_source = with_source_by(units, organization=organization, as_of=as_of)
    groups: list[ReportGroup] = []
    number = 0
    for unit in units:
        if not groups or groups[-1].category != unit.category:
            numeral = ROMAN[len(groups)] if len(groups) < len(ROMAN) else str(len(groups) + 1)
            label = OrgCategory(unit.category).label if unit.category in order else unit.category
            groups.append(ReportGroup(numeral, unit.category, str(label).upper(), []))
        number += 1
        groups[-1].rows.append(ReportRow(number, unit, admitted.get(unit.pk, 0), unit.pk not in with_source))
    quota = AdmissionQuota.objects.filter(organization=organization, year=period.quota_year).first()
    structure = structure_of(organization=organization, period=period, as_of=as_of)
    total_admitted = structure[0].of if structure else 0
    return Report(organization=organization, period=period, as_of=as_of, groups=groups, admitted=total_admitted,
                  quota=quota, members=_members_base(quota, members_of(organization)), structure=structure)


# --- Ranking ----------------------------------------------------------------------------------


@dataclass
class RankedRow:
    rank: int | None
    progress: Progress


def ranking(*, organization: Organization, period: Period, as_of: dt.date | None = None) -> list[RankedRow]:
    """The children ranked by completion of their quota, best first, for the yearly evaluation
    ("lấy kết quả công tác phát triển đảng viên là một trong những tiêu chí … đánh giá, xếp loại
    tập thể cấp ủy và tổ chức cơ sở đảng hàng năm", reference/001). Equal completion shares a
    rank (1, 2, 2, 4); organisations without a quota are listed last, unranked."""
    items = children_progress(organization=organization, period=period, as_of=as_of)
    with_quota = sorted((p for p in items if p.ratio is not None),
                        key=lambda p: (-p.ratio, -p.admitted, p.organization.sort_order, p.organization.name))
    rows, previous, rank = [], None, 0
    for position, p in enumerate(with_quota, start=1):
        key = (p.admitted * 1.0 / p.target)
        if key != previous:
            rank, previous = position, key
        rows.append(RankedRow(rank, p))
    rows += [RankedRow(None, p) for p in items if p.ratio is None]
    return rows
