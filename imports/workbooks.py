"""The downloadable templates: one XLSX per kind, its Vietnamese headers, an example row (ignored
when left in the file), and a second sheet explaining each column and its allowed values."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from .columns import BOOL, CHOICE, COLUMNS, DATE, INT
from .models import ImportKind


def _workbook():
    from openpyxl import Workbook  # noqa: PLC0415

    return Workbook()


def example_row(kind: str) -> list[str]:
    return [c.example for c in COLUMNS[kind]]


def template_workbook(kind: str) -> bytes:
    from openpyxl.styles import Font  # noqa: PLC0415

    columns = COLUMNS[kind]
    wb = _workbook()
    data = wb.active
    data.title = _("Data")
    data.append([c.title for c in columns])
    data.append(example_row(kind))
    for cell in data[1]:
        cell.font = Font(bold=True)
    for cell in data[2]:
        cell.font = Font(italic=True, color="808080")
    for i, column in enumerate(columns, start=1):
        data.column_dimensions[data.cell(1, i).column_letter].width = max(14, min(40, len(column.title) + 4))
        if column.type == DATE:  # typed dates stay text: dd/mm/yyyy as written
            for row in (2,):
                data.cell(row, i).number_format = "@"
    data.freeze_panes = "A2"
    guide = wb.create_sheet(_("Instructions"))
    guide.append([_("Column"), _("Required"), _("What it holds"), _("Allowed values"), _("Example")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    kinds = {DATE: _("a date dd/mm/yyyy (or an Excel date)"), INT: _("a whole number")}
    for column in columns:
        allowed = ", ".join(column.choices) if column.type in (CHOICE, BOOL) else kinds.get(column.type, "")
        guide.append([column.header, _("yes") if column.required else "", str(column.help), allowed, column.example])
    guide.append([])
    guide.append([_("The first sheet is read. Row 2 is an example: it is ignored if left unchanged. Columns marked * "
                    "are required; the order of the columns does not matter. A file may also be saved as CSV (UTF-8, "
                    "separated by “;” or “,”).")])
    guide.column_dimensions["A"].width = 36
    guide.column_dimensions["C"].width = 70
    guide.column_dimensions["D"].width = 50
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rows_workbook(kind: str, rows: list[dict], *, headers: list[str] | None = None) -> bytes:
    """A file of the kind's template with these rows (keys: column keys): for the tests and the benchmark."""
    columns = COLUMNS[kind]
    wb = _workbook()
    sheet = wb.active
    sheet.append(headers or [c.title for c in columns])
    for row in rows:
        sheet.append([row.get(c.key, "") for c in columns])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def file_name(kind: str) -> str:
    return {ImportKind.ORGANIZATIONS: "mau-nhap-to-chuc-dang.xlsx", ImportKind.MEMBERS: "mau-nhap-dang-vien.xlsx",
            ImportKind.CANDIDATES: "mau-nhap-quan-chung-ho-so.xlsx"}[kind]
