"""The counting queries: admissions, pipeline, members and quotas of an organisation's subtree.

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
* **Hết nguồn** (no source left) — no candidate in the pipeline before admission (states spotted
  to higher_approval), as in the note column of reference/004.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

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
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from dossiers.models import BEFORE_ADMISSION, Dossier, DossierHistory, Organization, OrgLevel, PartyMember, State
from dossiers.roster import on_roster

from ..models import AdmissionQuota
from ..periods import Period

# The stages a dashboard shows, in the order a dossier goes through them.
PIPELINE_STATES = [*BEFORE_ADMISSION, State.PROBATION]


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


def members_at(organization: Organization, day: dt.date) -> int:
    """Official + probationary members of the subtree on `day` (the quota's base, "members at the
    end of the previous year"): counted from the roster of the cells that keep one, the typed
    figures of the others; two queries."""
    subtree = Organization.objects.filter(path__startswith=organization.path).order_by()
    typed = subtree.exclude(level=OrgLevel.CELL, roster_kept=True).aggregate(
        m=Coalesce(Sum(F("official_members") + F("probationary_members")), 0))["m"]
    counted = PartyMember.objects.filter(on_roster(day), cell__path__startswith=organization.path,
                                         cell__roster_kept=True).count()
    return int(typed) + counted


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
