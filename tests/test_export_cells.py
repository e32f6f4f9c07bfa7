"""Issue 19 §4: every spreadsheet the application writes keeps text as text (a name like
`=cmd|' /C calc'!A0` never becomes a formula, in XLSX or CSV), Vietnamese diacritics come back
intact and dates are dd/mm/yyyy (`ui.spreadsheets`, shared by the report and the exports)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dossiers.models import Organization
from ui import spreadsheets

from .factories import admitted_dossier

INJECTIONS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]
VIETNAMESE = "Nguyễn Thị Ngọc Hoà, Đặng Quốc Việt — Ủy ban Kiểm tra Huyện ủy Ý Yên"


def written_and_read(values) -> list:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("T")
    ws.append(spreadsheets.row(ws, values))
    out = io.BytesIO()
    wb.save(out)
    return list(load_workbook(io.BytesIO(out.getvalue())).active[1])


@pytest.mark.parametrize("value", INJECTIONS)
def test_a_text_that_looks_like_a_formula_is_a_string_cell_in_xlsx(value):
    (cell,) = written_and_read([value])
    assert cell.data_type == "s"
    assert cell.value == value


@pytest.mark.parametrize("value", INJECTIONS)
def test_a_text_that_looks_like_a_formula_starts_with_an_apostrophe_in_csv(value):
    content = spreadsheets.csv_bytes([[value, "ok"]])
    (row,) = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert row == ["'" + value, "ok"]


def test_vietnamese_diacritics_and_dates_come_back_as_written():
    name, date, number = written_and_read([VIETNAMESE, dt.date(2023, 9, 8), 12])
    assert name.value == VIETNAMESE
    assert date.value == dt.datetime(2023, 9, 8) and date.number_format == "dd/mm/yyyy"
    assert number.value == 12 and number.data_type == "n"
    content = spreadsheets.csv_bytes([[VIETNAMESE, dt.date(2023, 9, 8), None]])
    assert content.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(content.decode("utf-8-sig")))) == [[VIETNAMESE, "08/09/2023", ""]]


def test_the_statistics_report_writes_an_organisation_named_like_a_formula_as_text(client, org_board, tree):
    Organization.objects.filter(pk=tree["grassroots"].pk).update(name="=HYPERLINK(\"http://x\")")
    client.force_login(org_board)
    response = client.get(reverse("reports:report_xlsx"), {"org": tree["district"].pk})
    ws = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_member_named_like_a_formula_is_exported_for_the_database_as_text(client, org_board, cell_a, fmt):
    admitted_dossier(cell=cell_a, decision_date=dt.date(2025, 3, 1), full_name="=cmd|' /C calc'!A0",
                     home_town="@SUM(1)", occupation="Kỹ sư điện tử viễn thông")
    client.force_login(org_board)
    response = client.post(reverse("exports:index"), {"kind": "admitted", "start": "2025-01-01",
                                                      "end": "2025-12-31", "format": fmt})
    content = b"".join(response.streaming_content)
    if fmt == "xlsx":
        ws = load_workbook(io.BytesIO(content)).active
        header, row = list(ws.iter_rows(max_row=2))
        cells = {h.value: c for h, c in zip(header, row, strict=True)}
        assert cells["Họ và tên"].value == "=cmd|' /C calc'!A0" and cells["Họ và tên"].data_type == "s"
        assert cells["Quê quán"].data_type == "s"
        assert cells["Nghề nghiệp"].value == "Kỹ sư điện tử viễn thông"
        assert not [c for r in ws.iter_rows() for c in r if c.data_type == "f"]
    else:
        header, row = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        values = dict(zip(header, row, strict=True))
        assert values["Họ và tên"] == "'=cmd|' /C calc'!A0"
        assert values["Quê quán"] == "'@SUM(1)"
        assert values["Nghề nghiệp"] == "Kỹ sư điện tử viễn thông"
