"""Cells for every spreadsheet and CSV the application writes: text stays text, dates are dates.

A name typed as `=cmd|' /C calc'!A0` must never become a formula in the file a board opens in Excel
(CSV/formula injection, OWASP). One place decides it, for the statistics report, the exports for
the party-member database and the case list:

- XLSX: every text cell is written as a string cell (`inlineStr`), whatever its first character,
  so a value starting with `=`, `+`, `-`, `@`, a tab or a carriage return is shown, never run;
- CSV: such a value is prefixed with an apostrophe, which spreadsheet programs read as "text";
- dates are date cells shown dd/mm/yyyy in XLSX, and written dd/mm/yyyy in CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from openpyxl.cell import WriteOnlyCell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
DATE_FORMAT = "dd/mm/yyyy"
# What a spreadsheet program may read as the start of a formula (or of a DDE call).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_value(value) -> str:
    """One CSV field: dates dd/mm/yyyy, booleans and None as people write them, and text that a
    spreadsheet would read as a formula behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return "'" + text if looks_like_formula(text) else text


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads Vietnamese correctly), comma-separated."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def cell(ws, value, *, bold_font=None):
    """A value for `ws.append` (a write-only sheet or an ordinary one): a text that a spreadsheet
    would read as a formula becomes a string cell, a date a date cell shown dd/mm/yyyy; any other
    value goes in as it is (numbers stay numbers), which is what keeps 50,000 rows quick."""
    if bold_font is None and not looks_like_formula(value) and not isinstance(value, dt.date):
        return value
    c = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        # openpyxl reads a leading "=" as a formula: say it is a string, so it is stored as one.
        c.data_type = "s"
    elif isinstance(value, dt.date):
        c.number_format = DATE_FORMAT
    if bold_font is not None:
        c.font = bold_font
    return c


def row(ws, values: Iterable, *, bold_font=None) -> list:
    """The cells of one row (see `cell`)."""
    return [cell(ws, v, bold_font=bold_font) for v in values]
