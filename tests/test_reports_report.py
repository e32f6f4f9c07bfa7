"""The report of shared/reference/004: admissions per grassroots organisation grouped by category
(I, II, …), numbered, with group and grand totals and the "Hết nguồn" note; the structure block;
any period and as-of date; the same numbers in XLSX and PDF; only inside the user's scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from demo import builder as demo
from dossiers.formatting import vn_percent
from dossiers.models import OrgCategory, State
from permissions.models import Role
from reports import stats
from reports.exports import fraction
from reports.periods import Period

from .factories import OrganizationFactory, UserFactory, admitted_dossier, grant, open_dossier, quota

YEAR = 2023
AS_OF = dt.date(YEAR, 7, 6)  # the letter's date: Công văn số 205-CV/BTC ngày 06 tháng 7 năm 2023
FIRST_HALF = {"period": "half", "year": YEAR, "half": 1, "as_of": AS_OF.isoformat()}


@pytest.fixture
def reference_district(db):
    """The demo district's organisations (dossiers.demo), its 53 admissions of the first half of
    2023 as in the reference table, a candidate in the pipeline wherever the table has no
    "Hết nguồn", and the yearly quota of 110."""
    builder = demo.Builder(today=AS_OF)
    builder.build_organisations()
    district = builder.district
    quota(district, YEAR, count=110)
    i = 0
    for unit in builder.units:
        cell = unit.cells[0]
        for _n in range(unit.row.admitted):
            # 32 women, 22 Youth Union members, 26 with a university degree, as the letter says.
            admitted_dossier(
                cell=cell, decision_date=dt.date(YEAR, 1 + i % 6, 1 + i % 19), sex="female" if i < 32 else "male",
                birth_date=dt.date(1996, 5, 1), youth_union_joined_on=dt.date(2011, 3, 26) if i < 22 else None,
                professional_education="university" if i < 26 else "none",
            )
            i += 1
        if not unit.row.no_source:
            open_dossier(cell=cell, state=State.MENTORING, spotted_on=dt.date(YEAR, 2, 1))
    # After the letter: a decision in late June whose ceremony came after 6 July, and a new candidate.
    late = builder.units[0]
    admitted_dossier(cell=late.cells[0], decision_date=dt.date(YEAR, 6, 28), ceremony_date=dt.date(YEAR, 7, 10))
    no_source_unit = next(u for u in builder.units if u.row.no_source)
    open_dossier(cell=no_source_unit.cells[0], state=State.SPOTTED, spotted_on=dt.date(YEAR, 7, 20))
    return builder


@pytest.fixture
def board(reference_district):
    user = UserFactory(username="bantochuc_vb")
    grant(user, Role.ORG_BOARD, reference_district.district)
    return user


def test_the_demo_district_report_reproduces_the_reference_table(reference_district):
    report = stats.report_for(organization=reference_district.district, period=Period.half(YEAR, 1), as_of=AS_OF)
    categories = [OrgCategory.COMMUNE, OrgCategory.PARTY_AGENCY, OrgCategory.ADMINISTRATIVE,
                  OrgCategory.PUBLIC_SERVICE, OrgCategory.ENTERPRISE]
    assert [(g.numeral, g.label) for g in report.groups] == [
        (n, str(OrgCategory(c).label).upper()) for n, c in zip(["I", "II", "III", "IV", "V"], categories, strict=True)]
    rows = report.rows
    assert [r.number for r in rows] == list(range(1, 58))
    assert [(r.organization.name, r.shown, r.no_source) for r in rows] == [
        (demo.grassroots_name(ref), None if ref.no_source else ref.admitted, ref.no_source)
        for ref in demo.REFERENCE_ROWS]
    assert [g.total for g in report.groups] == [48, 1, 2, 1, 1]
    assert report.total == report.admitted == 53
    assert (report.quota_percent, report.target) == ("48,2%", 110)
    assert [r.note for r in rows].count(_("No source left")) == 17


def test_group_totals_equal_the_sum_of_their_rows(reference_district):
    report = stats.report_for(organization=reference_district.district, period=Period.year(YEAR),
                              as_of=dt.date(YEAR, 12, 31))
    for group in report.groups:
        assert group.total == sum(row.admitted for row in group.rows)
    assert report.total == sum(g.total for g in report.groups) == report.admitted == 54
    # Later in the year the late candidate is in the pipeline: that row no longer says "Hết nguồn".
    assert sum(r.no_source for r in report.rows) == 16


def test_the_table_and_its_structure_read_the_periods_admissions_once(reference_district):
    # At national size each reading of a period's admissions scans the year's ~140,000 decisions:
    # PostgreSQL counts them by unit and by age and traits in one scan (GROUPING SETS), SQLite twice.
    period = Period.half(YEAR, 1)
    with CaptureQueriesContext(connection) as ctx:
        report = stats.report_for(organization=reference_district.district, period=period, as_of=AS_OF)
    readings = [q for q in ctx.captured_queries if "decision_date" in q["sql"]]
    assert len(readings) == (1 if connection.vendor == "postgresql" else 2)
    alone = stats.structure_of(organization=reference_district.district, period=period, as_of=AS_OF)
    assert [(line.key, line.count, line.of) for line in report.structure] == [
        (line.key, line.count, line.of) for line in alone]
    assert report.total == report.admitted == stats.admitted_dossiers(
        organization=reference_district.district, period=period, as_of=AS_OF).count() == 53


def test_the_structure_block_reproduces_the_letters_percentages(reference_district):
    structure = {line.key: line for line in stats.structure_of(
        organization=reference_district.district, period=Period.half(YEAR, 1), as_of=AS_OF)}
    assert (structure["women"].count, structure["women"].percent) == (32, "60,4%")
    assert (structure["youth_union"].count, structure["youth_union"].percent) == (22, "41,5%")
    assert (structure["university"].count, structure["university"].percent) == (26, "49,1%")
    assert structure["age_18"].count == 53 and structure["age_31"].count == 0
    assert structure["ethnic_minority"].count == structure["religion"].count == structure["students"].count == 0


def test_the_structure_counts_minorities_religion_age_private_firms_and_students(tree, cell_a):
    day = dt.date(YEAR, 5, 10)
    admitted_dossier(cell=cell_a, decision_date=day, ethnicity="Tày", religion="Công giáo",
                     birth_date=dt.date(1973, 5, 11), workplace="Công ty TNHH May Bảo Minh")  # 49 on the day
    admitted_dossier(cell=cell_a, decision_date=day, birth_date=dt.date(1973, 5, 10),  # 50 that very day
                     workplace="Công ty TNHH MTV Khai thác công trình thủy lợi", occupation="Sinh viên năm thứ tư")
    admitted_dossier(cell=cell_a, decision_date=day, birth_date=dt.date(1962, 1, 1), religion="Không",
                     youth_union_joined_on=dt.date(1978, 3, 26))  # over 60; joined the Youth Union long ago
    lines = {line.key: line.count for line in stats.structure_of(
        organization=tree["grassroots"], period=Period.year(YEAR), as_of=dt.date(YEAR, 12, 31))}
    assert (lines["ethnic_minority"], lines["religion"], lines["private_enterprise"], lines["students"]) == (1, 1, 1, 1)
    assert (lines["age_41"], lines["age_61"], lines["youth_union"]) == (2, 1, 0)


def test_the_page_shows_the_table_with_its_headings_numbers_and_notes(client, board, reference_district):
    client.force_login(board)
    response = client.get(reverse("reports:report"), {"org": reference_district.district.pk, **FIRST_HALF})
    html = response.content.decode()
    assert response.status_code == 200
    assert [f'data-group="{n}"' in html for n in ["I", "II", "III", "IV", "V"]] == [True] * 5
    assert html.index("Đảng bộ xã Minh Thuận") < html.index("Đảng bộ Quân sự") < html.index("Chi bộ Bưu điện huyện")
    assert 'id="grand-total">53<' in html and "48,2%" in html and "60,4%" in html
    assert "2.023" not in html  # years and ids are not numbers to group by thousands
    assert html.count(str(_("No source left"))) == 17


def _page_numbers(html: str) -> dict[int, int | None]:
    import re

    rows = re.findall(r'data-number="(\d+)">\s*<td[^>]*>\d+</td>\s*<td>[^<]*</td>\s*<td[^>]*>([\d.]*)</td>', html)
    return {int(n): (int(v.replace(".", "")) if v else None) for n, v in rows}


def test_the_xlsx_opens_with_openpyxl_and_holds_the_numbers_of_the_page(client, board, reference_district):
    client.force_login(board)
    params = {"org": reference_district.district.pk, **FIRST_HALF}
    page = _page_numbers(client.get(reverse("reports:report"), params).content.decode())
    assert len(page) == 57
    response = client.get(reverse("reports:report_xlsx"), params)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    wb = load_workbook(io.BytesIO(response.content))
    table, structure = wb.worksheets
    rows = list(table.iter_rows(values_only=True))
    numbered = {r[0]: r[2] for r in rows if isinstance(r[0], int)}
    assert numbered == page
    groups = [(r[0], r[1], r[2]) for r in rows if r[0] in ("I", "II", "III", "IV", "V")]
    assert [g[2] for g in groups] == [48, 1, 2, 1, 1]
    assert [r for r in rows if r[0] == _("Total")][0][2] == 53
    notes = [r[3] for r in rows if isinstance(r[0], int)]
    assert notes.count(_("No source left")) == 17
    lines = {r[0]: (r[1], r[2]) for r in structure.iter_rows(values_only=True) if r and r[0]}
    assert lines[_("Women")][0] == 32 and vn_percent(32, 53) == "60,4%"
    assert lines[_("Women")][1] == pytest.approx(float(fraction(32, 53))) == 0.604
    assert lines[_("Quota for the year %(year)s") % {"year": YEAR}] == (110, pytest.approx(0.482))


def test_the_pdf_is_a_plain_a4_document(client, board, reference_district):
    client.force_login(board)
    response = client.get(reverse("reports:report_pdf"), {"org": reference_district.district.pk, **FIRST_HALF})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_any_period_month_year_or_custom_and_as_of_any_date(client, board, reference_district):
    district = reference_district.district
    client.force_login(board)
    month = stats.report_for(organization=district, period=Period.month(YEAR, 1), as_of=dt.date(YEAR, 12, 31))
    custom = stats.report_for(organization=district, period=Period(dt.date(YEAR, 1, 1), dt.date(YEAR, 1, 31)),
                              as_of=dt.date(YEAR, 12, 31))
    assert month.total == custom.total == 9
    html = client.get(reverse("reports:report"), {"org": district.pk, "period": "month", "year": YEAR, "month": 1,
                                                  "as_of": "2023-12-31"}).content.decode()
    assert 'id="grand-total">9<' in html
    html = client.get(reverse("reports:report"), {"org": district.pk, "period": "custom", "start": "2023-01-01",
                                                  "end": "2023-01-31", "as_of": "2023-12-31"}).content.decode()
    assert 'id="grand-total">9<' in html
    # The first half as of 15 June: the decisions and ceremonies after that are not counted yet.
    early = stats.report_for(organization=district, period=Period.half(YEAR, 1), as_of=dt.date(YEAR, 6, 15))
    assert 40 < early.total < 53


def test_a_period_that_ends_before_it_starts_is_refused_and_the_year_shown(client, board, reference_district):
    client.force_login(board)
    response = client.get(reverse("reports:report"), {"org": reference_district.district.pk, "period": "custom",
                                                      "start": "2023-08-01", "end": "2023-01-31"})
    assert response.status_code == 200
    assert str(_("The first day of the period cannot be after the last day.")) in response.content.decode()


def test_a_grassroots_report_lists_its_cells(tree, cell_a, cell_b):
    admitted_dossier(cell=cell_b, decision_date=dt.date(YEAR, 2, 2))
    report = stats.report_for(organization=tree["grassroots"], period=Period.year(YEAR), as_of=dt.date(YEAR, 12, 31))
    assert [(r.number, r.organization.pk, r.admitted) for r in report.rows] == [(1, cell_a.pk, 0), (2, cell_b.pk, 1)]


def test_an_organisation_outside_the_users_scope_answers_404(client, tree, secretary_a, org_board, cell_b):
    client.force_login(secretary_a)
    for name in ["reports:report", "reports:report_xlsx", "reports:report_pdf", "reports:index", "reports:ranking",
                 "reports:quotas"]:
        assert client.get(reverse(name), {"org": cell_b.pk}).status_code == 404, name
        assert client.get(reverse(name), {"org": tree["district"].pk}).status_code == 404, name
        assert client.get(reverse(name), {"org": "abc"}).status_code == 404, name
    assert client.get(reverse("reports:report")).status_code == 200  # her own cell
    elsewhere = OrganizationFactory(name="Huyện ủy Ý Yên", level="district", parent=tree["province"])
    client.force_login(org_board)
    assert client.get(reverse("reports:report"), {"org": elsewhere.pk}).status_code == 404


def test_users_without_a_statistics_role_are_refused_and_see_no_link(client, tree, mentor_user, org_board):
    user, _member = mentor_user  # a party member with a login and no statistics role
    client.force_login(user)
    assert client.get(reverse("reports:report")).status_code == 403
    assert reverse("reports:report") not in client.get(reverse("dossiers:index")).content.decode()
    client.force_login(org_board)
    assert reverse("reports:report") in client.get(reverse("dossiers:index")).content.decode()
