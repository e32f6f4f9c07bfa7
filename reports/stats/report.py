"""The report of reference/004: the table of admissions by organisation, the summary and the
structure of those admitted.

* **Structure** — women, Youth Union members, university degree, ethnic minority, religion, age
  bands, private-enterprise workers, students, in counts and percentages of those admitted
  ("đảng viên nữ: 32 đồng chí (chiếm 60,4%)", reference/004; target groups of reference/003).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from dossiers.formatting import vn_percent
from dossiers.models import Organization, OrgCategory, OrgLevel

from ..models import AdmissionProfile, AdmissionQuota
from ..periods import Period
from ..profiles import TRAITS
from ..profiles import has as profiles_has
from .counting import _grouped, members_of, today, with_source_by
from .progress import _members_base

AGE_BANDS = [(18, 30), (31, 40), (41, 50), (51, 60), (61, None)]

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


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


def _age_label(low: int, high: int | None) -> str:
    if high is None:
        return str(_("Over %(age)s years old") % {"age": low - 1})
    return str(_("Aged %(low)s to %(high)s") % {"low": low, "high": high})


def _profiles_in(organization: Organization, period: Period, as_of: dt.date) -> QuerySet[AdmissionProfile]:
    """The profiles of those admitted in the organisation's subtree in the period, as known on
    `as_of`: the admitted dossiers of `counting.admitted_dossiers`, one profile each."""
    start, end = period.clipped(as_of)
    profiles = AdmissionProfile.objects.filter(decision_date__gte=start, decision_date__lte=end,
                                               ceremony_date__lte=as_of)
    if organization.path:
        profiles = profiles.filter(cell__path__startswith=organization.path)
    return profiles.order_by()


def _structure_lines(grouped: Iterable[tuple[int | None, int, int]]) -> list[StructureLine]:
    """The lines of the structure from (age, traits, how many) groups. Youth Union members are
    those who had joined by the decision and were still of Youth Union age ([R] YOUTH_AGE_MAX,
    applied here so that a change of the setting counts at once)."""
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


def structure_of(*, organization: Organization, period: Period, as_of: dt.date | None = None) -> list[StructureLine]:
    """The make-up of those admitted in the period, from their profiles (`reports.profiles`): one
    query grouping them by age on the decision date and trait bits (a few hundred groups at most),
    added up here into the lines."""
    as_of = as_of or today()
    grouped = _profiles_in(organization, period, as_of).values_list("age", "traits").annotate(n=Count("*"))
    return _structure_lines(grouped)


def admissions_of(units: list[Unit], *, organization: Organization, period: Period,
                  as_of: dt.date) -> tuple[dict[int, int], list[StructureLine]]:
    """{unit pk: admitted in the period} and the structure of all those admitted in the subtree,
    both from the profiles, so that the table's counts and the summary's come from the same rows.

    On PostgreSQL, with the units all of one depth (the table's usual shape), one scan of the
    period's profiles counted two ways at once (GROUPING SETS: by unit, and by age and traits): at
    national size each reading scans the year's ~140,000 decisions (issue 21: a province's report
    at national size 86 → 58 ms). Grouping by unit, age and traits together instead made ~19,000
    units × their ages and traits groups of the national report (525 → 820 ms). Elsewhere, two
    readings: by unit (one per depth), then by age and traits."""
    profiles = _profiles_in(organization, period, as_of)
    depths = {len(unit.path) for unit in units}
    if connection.vendor != "postgresql" or len(depths) != 1:
        by_unit = _grouped(profiles, "cell__path", units, n=Count("*"))
        admitted = {key[0]: value["n"] for key, value in by_unit.items()}
        return admitted, _structure_lines(profiles.values_list("age", "traits").annotate(n=Count("*")))
    [length] = depths
    inner = profiles.annotate(_prefix=Substr("cell__path", 1, length)).values_list("_prefix", "age", "traits")
    sql, params = inner.query.sql_with_params()
    by_prefix = {unit.path: unit.pk for unit in units}
    admitted, grouped = {}, []
    # Django writes no GROUPING SETS: its own query, compiled with its values as parameters, is wrapped.
    with connection.cursor() as cursor:
        cursor.execute("SELECT _prefix, age, traits, GROUPING(_prefix), COUNT(*) "
                       f"FROM ({sql}) AS admitted GROUP BY GROUPING SETS ((_prefix), (age, traits))", params)
        for prefix, age, traits, by_traits, n in cursor.fetchall():
            if by_traits:
                grouped.append((age, traits, n))
            # A path shorter than the units' comes back whole: it is none of theirs.
            elif prefix is not None and len(prefix) == length and prefix in by_prefix:
                admitted[by_prefix[prefix]] = n
    return admitted, _structure_lines(grouped)


def report_for(*, organization: Organization, period: Period, as_of: dt.date | None = None) -> Report:
    """The table of reference/004 for any organisation and period: rows grouped by category
    (I, II, …, in the order of `OrgCategory`), numbered 1…n across groups, each group's total
    and the grand total, the "Hết nguồn" note; then the summary and the structure. Six queries
    whatever the number of rows (one more per extra depth of rows under a grassroots organisation
    with a sub-committee)."""
    as_of = as_of or today()
    order = {value: i for i, value in enumerate(OrgCategory.values)}
    # Plain rows, not models: a national report has ~19,000 of them (0.5 s as model instances).
    units = sorted((Unit(*values) for values in report_units(organization).order_by()
                    .values_list("pk", "name", "path", "category", "sort_order")),
                   key=lambda o: (order.get(o.category, len(order)), o.sort_order, o.name, o.path))
    admitted, structure = admissions_of(units, organization=organization, period=period, as_of=as_of)
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
    total_admitted = structure[0].of if structure else 0
    return Report(organization=organization, period=period, as_of=as_of, groups=groups, admitted=total_admitted,
                  quota=quota, members=_members_base(quota, members_of(organization)), structure=structure)
