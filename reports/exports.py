"""The report as a spreadsheet (openpyxl) and as a plain A4 PDF (WeasyPrint).

Both are built from the same `reports.stats.Report` as the page, so they hold the same numbers.
The spreadsheet keeps numbers as numbers (counts as integers, percentages as fractions shown with
one decimal) so that boards can add their own columns; the PDF is a plain A4 print of the page
(the official document format is the documents app's business).
"""

from __future__ import annotations

import io
import logging
from decimal import ROUND_HALF_UP, Decimal

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from dossiers.formatting import vn_date
from ui import spreadsheets

from .stats import Report

XLSX_TYPE = spreadsheets.XLSX_TYPE
PERCENT_FORMAT = "0.0%"
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def fraction(numerator: int, denominator: int | None) -> Decimal | None:
    """53/110 → 0.482 (three places, half up): shown as 48,2% by the cell's format."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def report_title(report: Report) -> str:
    return _("Admissions of new party members, %(period)s") % {"period": report.period}


def report_filename(report: Report, extension: str) -> str:
    period = report.period
    return f"ket-nap-{report.organization.pk}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{extension}"


def report_xlsx(report: Report) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Table")[:31]
    bold = Font(bold=True)
    ws.append(spreadsheets.row(ws, [report.organization.name.upper()]))
    ws.append(spreadsheets.row(ws, [_("STATISTICS")]))
    ws.append(spreadsheets.row(ws, [report_title(report)]))
    ws.append(spreadsheets.row(ws, [_("Figures as of %(date)s") % {"date": vn_date(report.as_of)}]))
    ws.append(spreadsheets.row(ws, []))
    for cell in ws[2]:
        cell.font = Font(bold=True, size=13)
    header = [_("No."), _("PARTY ORGANISATION"), _("Admitted"), _("Notes")]
    ws.append(spreadsheets.row(ws, header))
    header_row = ws.max_row
    for group in report.groups:
        ws.append(spreadsheets.row(ws, [group.numeral, group.label, group.total, None]))
        for cell in ws[ws.max_row]:
            cell.font = bold
        for row in group.rows:
            ws.append(spreadsheets.row(ws, [row.number, row.organization.name, row.shown, row.note or None]))
    ws.append(spreadsheets.row(ws, [_("Total"), None, report.total, None]))
    for cell in ws[ws.max_row]:
        cell.font = bold
    for row in ws.iter_rows(min_row=header_row, max_row=ws.max_row, max_col=4):
        for cell in row:
            cell.border = BOX
            if cell.column in (1, 3):
                cell.alignment = Alignment(horizontal="center")
    for cell in ws[header_row]:
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for column, width in zip(range(1, 5), (7, 48, 11, 16), strict=True):
        ws.column_dimensions[get_column_letter(column)].width = width

    st = wb.create_sheet(_("Structure")[:31])
    st.append(spreadsheets.row(st, [report.organization.name.upper()]))
    st.append(spreadsheets.row(st, [report_title(report)]))
    st.append(spreadsheets.row(st, []))
    st.append(spreadsheets.row(st, [_("Indicator"), _("Number"), _("Percentage")]))
    for cell in st[st.max_row]:
        cell.font = bold
    summary = [
        (_("Admitted"), report.admitted, None),
        (_("Quota for the year %(year)s") % {"year": report.period.quota_year}, report.target,
         fraction(report.admitted, report.target)),
        (_("Party members"), report.members, fraction(report.admitted, report.members)),
    ]
    for label, number, share in summary:
        st.append(spreadsheets.row(st, [label, number, share]))
        st.cell(st.max_row, 3).number_format = PERCENT_FORMAT
    st.append(spreadsheets.row(st, []))
    st.append(spreadsheets.row(st, [_("Of those admitted"), _("Number"), _("Percentage")]))
    for cell in st[st.max_row]:
        cell.font = bold
    for line in report.structure:
        st.append(spreadsheets.row(st, [line.label, line.count, fraction(line.count, line.of)]))
        st.cell(st.max_row, 3).number_format = PERCENT_FORMAT
    st.column_dimensions["A"].width = 44
    st.column_dimensions["B"].width = 12
    st.column_dimensions["C"].width = 12

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report_pdf(report: Report, *, base_url: str | None = None) -> bytes:
    """A4 portrait, the table and the structure block, in a serif font with Vietnamese glyphs."""
    from weasyprint import HTML  # imported here: loading Pango costs time the other pages need not pay

    # Their progress notes (and the notice that fontTools subsets the fonts) would flood the log.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    html = render_to_string("reports/report_pdf.html", {"report": report, "title": report_title(report)})
    return HTML(string=html, base_url=base_url).write_pdf()
