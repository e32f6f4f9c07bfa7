"""The fast paths of the statistics (issue 7) give the numbers of the direct computations: the
structure grouped once per combination of traits against one filtered COUNT per line, the dashboard
read in five queries against `progress_for` + `children_progress` + `monthly_series`, "Hết nguồn"
from the organisations holding an open dossier against the pipeline counts, the national root
without a join, and the chooser and report rows written in Python against the template loop."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import LessThan
from django.template import Context, Template
from django.utils import timezone

from dossiers.models import Dossier, Organization, OrgLevel, State
from reports import profiles, stats
from reports.periods import Period
from reports.templatetags.reports_tags import org_options, report_rows
from reports.views import Choice

from .factories import OrganizationFactory, admitted_dossier, open_dossier, org_tree, quota

YEAR = timezone.localdate().year - 1  # a whole past year: every month has begun


def _any_contains(field_name: str, markers) -> Q:
    condition = Q(pk__in=[])
    for marker in markers:
        condition |= Q(**{f"{field_name}__contains": marker})
    return condition


def _age_at_decision():
    """Age in whole years on the decision date, in SQL."""
    decision_md = ExtractMonth("decision_date") * 100 + ExtractDay("decision_date")
    birth_md = ExtractMonth("candidate__birth_date") * 100 + ExtractDay("candidate__birth_date")
    before_birthday = Case(When(LessThan(decision_md, birth_md), then=Value(1)), default=Value(0),
                           output_field=IntegerField())
    return ExtractYear("decision_date") - ExtractYear("candidate__birth_date") - before_birthday


def _reference_structure(*, organization, period, as_of=None) -> dict[str, tuple[int, int]]:
    """The structure as it was first computed, in SQL from the dossiers and their candidates (not
    from the profiles): one COUNT(…) FILTER (WHERE …) per line."""
    youth_age = settings.PARTY_RULES["YOUTH_AGE_MAX"]
    lines = {
        "women": Q(candidate__sex="female"),
        "youth_union": Q(candidate__youth_union_joined_on__isnull=False,
                         candidate__youth_union_joined_on__lte=F("decision_date"), age__lte=youth_age),
        "university": Q(candidate__professional_education__in=profiles.UNIVERSITY_OR_HIGHER),
        "ethnic_minority": ~Q(candidate__ethnicity__iexact="Kinh") & ~Q(candidate__ethnicity=""),
        "religion": ~Q(candidate__religion__in=profiles.NO_RELIGION),
        "private_enterprise": _any_contains("candidate__workplace", profiles.PRIVATE_ENTERPRISE_MARKERS)
        & ~_any_contains("candidate__workplace", profiles.STATE_OWNED_MARKERS),
        "students": _any_contains("candidate__occupation", profiles.STUDENT_MARKERS),
    }
    for low, high in stats.AGE_BANDS:
        lines[f"age_{low}"] = Q(age__gte=low) if high is None else Q(age__gte=low, age__lte=high)
    qs = stats.admitted_dossiers(organization=organization, period=period, as_of=as_of).annotate(
        age=_age_at_decision())
    counts = qs.aggregate(total=Count("id"), **{key: Count("id", filter=cond) for key, cond in lines.items()})
    return {key: (counts[key], counts["total"]) for key in lines}


def _structure(**kwargs) -> dict[str, tuple[int, int]]:
    return {line.key: (line.count, line.of) for line in stats.structure_of(**kwargs)}


@pytest.fixture
def varied(db):
    """Admissions with every trait and its edge: the birthday the day before, on and after the
    decision, a leap-day birthday, joined the Youth Union after the decision, Kinh in other cases,
    a one-member limited company (State-owned), a student; in two cells and two years."""
    tree = org_tree(cells=2)
    a, b = tree["cells"]
    decision = dt.date(YEAR, 3, 15)
    people = [
        dict(sex="female", birth_date=dt.date(YEAR - 30, 3, 15), youth_union_joined_on=dt.date(YEAR - 15, 1, 1)),
        dict(sex="male", birth_date=dt.date(YEAR - 30, 3, 16), youth_union_joined_on=dt.date(YEAR - 15, 1, 1)),
        dict(sex="male", birth_date=dt.date(YEAR - 31, 3, 14), youth_union_joined_on=dt.date(YEAR - 15, 1, 1)),
        dict(sex="female", birth_date=dt.date(YEAR - 18, 3, 15), youth_union_joined_on=dt.date(YEAR, 6, 1)),
        dict(sex="male", birth_date=dt.date(YEAR - 17, 3, 16), ethnicity="kinh", religion="không"),
        dict(sex="female", birth_date=dt.date(1964, 2, 29), ethnicity="Tày", religion="Phật giáo",
             professional_education="master"),
        dict(sex="male", birth_date=dt.date(YEAR - 41, 3, 15), ethnicity="", religion="",
             professional_education="upper_secondary", workplace="Công ty TNHH Minh Long"),
        dict(sex="male", birth_date=dt.date(YEAR - 51, 3, 15), workplace="Công ty TNHH MTV Thủy nông"),
        dict(sex="female", birth_date=dt.date(YEAR - 60, 3, 16), workplace="Công ty cổ phần May",
             occupation="Sinh viên"),
        dict(sex="male", birth_date=dt.date(YEAR - 61, 3, 15), occupation="học sinh lớp 12", ethnicity="KINH"),
        dict(sex="female", birth_date=dt.date(YEAR - 25, 12, 31), youth_union_joined_on=dt.date(YEAR, 3, 15),
             workplace="Doanh nghiệp tư nhân Hòa Bình"),
    ]
    for i, fields in enumerate(people):
        admitted_dossier(cell=a if i % 2 else b, decision_date=decision + dt.timedelta(days=20 * (i % 3)),
                         **fields)
    # Feb 29 against 28 Feb and 1 March, another year and month.
    admitted_dossier(cell=a, decision_date=dt.date(2024, 2, 28), sex="female", birth_date=dt.date(2000, 2, 29))
    admitted_dossier(cell=b, decision_date=dt.date(2024, 3, 1), sex="male", birth_date=dt.date(2000, 2, 29))
    admitted_dossier(cell=a, decision_date=dt.date(YEAR, 11, 2), ceremony_date=dt.date(YEAR, 11, 20))
    return tree


@pytest.mark.django_db
def test_it_counts_the_structure_as_one_filtered_count_per_line_did(varied):
    root = Organization(pk=0, name="Toàn quốc", level=OrgLevel.PROVINCE, path="")
    cases = [
        (varied["district"], Period.year(YEAR), None),
        (varied["cells"][0], Period.year(YEAR), None),
        (varied["grassroots"], Period.half(YEAR, 1), None),
        (varied["district"], Period.year(YEAR), dt.date(YEAR, 11, 10)),  # a ceremony not yet held
        (varied["district"], Period.year(2024), None),
        (root, Period.year(YEAR), None),
    ]
    for organization, period, as_of in cases:
        new = _structure(organization=organization, period=period, as_of=as_of)
        assert new == _reference_structure(organization=organization, period=period, as_of=as_of)
    whole = _structure(organization=varied["district"], period=Period.year(YEAR))
    assert whole["women"][1] == 12 and all(count > 0 for count, _of in whole.values())


@pytest.mark.django_db
def test_it_reads_the_national_root_without_a_join_and_counts_every_dossier(varied, django_assert_num_queries):
    root = Organization(pk=0, name="Toàn quốc", level=OrgLevel.PROVINCE, path="")
    OrganizationFactory(name="Tỉnh khác", level=OrgLevel.PROVINCE)
    qs = stats.admitted_dossiers(organization=root, period=Period.year(YEAR))
    assert "dossiers_organization" not in str(qs.query)
    assert qs.count() == Dossier.objects.filter(decision_date__year=YEAR, ceremony_date__lte=timezone.localdate()).count()


def _as_tuple(p: stats.Progress):
    return (p.organization.pk, p.admitted, p.quota.pk if p.quota else None, p.members, p.pipeline, p.expected,
            p.lagging, p.no_source)


@pytest.mark.django_db
def test_it_gives_the_dashboard_the_numbers_of_the_separate_computations(varied, django_assert_max_num_queries):
    a, b = varied["cells"]
    for state in (State.SPOTTED, State.TRAINING, State.BRANCH_VOTE):
        open_dossier(cell=a, state=state, spotted_on=dt.date(YEAR, 2, 1))
    open_dossier(cell=b, state=State.HIGHER_APPROVAL, spotted_on=dt.date(YEAR, 9, 1))
    quota(varied["district"], YEAR, count=30)
    quota(varied["grassroots"], YEAR, count=20)
    quota(a, YEAR, count=5)
    quota(b, YEAR, percent=3, membership_base=40)
    today = timezone.localdate()
    for organization in (varied["province"], varied["district"], varied["grassroots"], a):
        for year, as_of in ((YEAR, today), (YEAR, dt.date(YEAR, 6, 30)), (YEAR + 1, today), (2024, today)):
            with django_assert_max_num_queries(5):
                figures = stats.dashboard(organization=organization, year=year, as_of=as_of)
            period = Period.year(year)
            progress = stats.progress_for(organization=organization, period=period, as_of=as_of)
            children = stats.children_progress(organization=organization, period=period, as_of=as_of)
            points = stats.monthly_series(organization=organization, year=year, as_of=as_of, quota=progress.quota)
            assert _as_tuple(figures.progress) == _as_tuple(progress)
            assert [_as_tuple(c) for c in figures.children] == [_as_tuple(c) for c in children]
            assert figures.points == points
    assert stats.dashboard(organization=varied["district"], year=YEAR).progress.admitted == 12


@pytest.mark.django_db
def test_it_marks_no_source_left_as_the_pipeline_counts_did(varied):
    a, b = varied["cells"]
    open_dossier(cell=a, state=State.MENTORING, spotted_on=dt.date(YEAR, 4, 1))
    spotted_later = timezone.localdate() - dt.timedelta(days=5)
    open_dossier(cell=b, state=State.TRAINING, spotted_on=spotted_later)
    for organization in (varied["district"], varied["grassroots"], b):
        units = list(stats.report_units(organization))
        for as_of in (timezone.localdate(), dt.date(YEAR, 3, 31), dt.date(YEAR, 4, 30), spotted_later):
            pipelines = stats.pipeline_by(units, organization=organization, as_of=as_of)
            expected = {u.pk for u in units
                        if sum(pipelines.get(u.pk, {}).get(s, 0) for s in stats.BEFORE_ADMISSION) > 0}
            assert stats.with_source_by(units, organization=organization, as_of=as_of) == expected
    assert stats.with_source_by([a, b], organization=varied["grassroots"]) == {a.pk, b.pk}
    report = stats.report_for(organization=varied["grassroots"], period=Period.year(YEAR),
                              as_of=dt.date(YEAR, 4, 30))
    assert [(row.organization.pk, row.no_source) for row in report.rows] == [(a.pk, False), (b.pk, True)]


def test_it_writes_the_chooser_and_the_report_rows_as_the_template_loop_did():
    orgs = [Choice(1, "Đảng bộ <xã> & \"Thành Lợi\""), Choice(1234, "Chi bộ 'thôn' 2")]
    selected = Organization(pk=1234, name="x")
    # The pages write them with localisation off (reports/base.html): ids and numbers stay bare.
    loop = Template('{% load l10n %}{% localize off %}{% for org in organizations %}<option value="{{ org.pk }}"'
                    '{% if org.pk == organization.pk %} selected{% endif %}>{{ org.name }}</option>{% endfor %}'
                    "{% endlocalize %}")
    assert org_options(orgs, selected) == loop.render(Context({"organizations": orgs, "organization": selected}))
    rows = [stats.ReportRow(1, Organization(name="Chi bộ <A>"), 0, True),
            stats.ReportRow(2, Organization(name="Chi bộ B"), 1234, True),
            stats.ReportRow(3, Organization(name="Chi bộ C"), 0, False)]
    loop = Template(
        "{% load vn l10n %}{% localize off %}{% for row in rows %}\n"
        '        <tr class="reports-report__row" data-number="{{ row.number }}">\n'
        '          <td class="reports-report__no">{{ row.number }}</td>\n'
        "          <td>{{ row.organization.name }}</td>\n"
        '          <td class="reports-report__n">{% if row.shown is not None %}{{ row.shown|vn_number }}{% endif %}'
        "</td>\n"
        '          <td class="reports-report__note">{{ row.note }}</td>\n'
        "        </tr>{% endfor %}{% endlocalize %}")
    assert report_rows(rows) == loop.render(Context({"rows": rows}))
    assert "1.234" in report_rows(rows) and "Chi bộ &lt;A&gt;" in report_rows(rows)
