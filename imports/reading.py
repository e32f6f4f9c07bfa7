"""Reading an uploaded file: XLSX (sniffed from its bytes, openpyxl read-only, cell values only,
formulas never evaluated) or CSV (UTF-8, with or without BOM, ";" or ","), into rows of text and
dates keyed by the template's headers.

A file that cannot be read raises `FileRefused` with a Vietnamese message; nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from dossiers.formatting import fold

ZIP_SIGNATURE = b"PK\x03\x04"


class FileRefused(Exception):
    """The file as a whole cannot be imported (size, format, headers)."""


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list]]  # (row number in the file, cell values)


def nfc(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def header_key(text: str) -> str:
    """How a header is matched: without case, accents, spaces or a trailing "*"."""
    return re.sub(r"[^a-z0-9]+", "", fold(nfc(text)).replace("đ", "d"))


def max_bytes() -> int:
    return int(settings.IMPORT_MAX_BYTES)


def check_size(size: int) -> None:
    if size > max_bytes():
        raise FileRefused(_("The file is too large (%(size)s MB); at most %(max)s MB may be imported at once.") % {
            "size": f"{size / 1048576:.1f}".replace(".", ","), "max": f"{max_bytes() / 1048576:g}".replace(".", ",")})


def is_xlsx(content: bytes) -> bool:
    if not content.startswith(ZIP_SIGNATURE):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def read(content: bytes, file_name: str) -> Sheet:
    """The first sheet (XLSX) or the rows (CSV) of the file."""
    check_size(len(content))
    if not content:
        raise FileRefused(_("The file is empty."))
    if is_xlsx(content):
        return _read_xlsx(content)
    if file_name.lower().endswith(".csv") or not content.startswith(ZIP_SIGNATURE):
        if _looks_binary(content):
            raise FileRefused(_("This is not an Excel file (.xlsx) or a CSV file. Save it as .xlsx "
                                "(Excel 2007 or later) or as CSV (UTF-8) and upload it again."))
        return _read_csv(content)
    raise FileRefused(_("This is not an Excel file (.xlsx) or a CSV file. Save it as .xlsx "
                        "(Excel 2007 or later) or as CSV (UTF-8) and upload it again."))


def _looks_binary(content: bytes) -> bool:
    head = content[:4096]
    return b"\x00" in head or head.startswith(b"\xd0\xcf\x11\xe0") or head.startswith(b"%PDF")


def _read_xlsx(content: bytes) -> Sheet:
    from openpyxl import load_workbook  # noqa: PLC0415 (heavy; only when a workbook is read)

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise FileRefused(_("The Excel file cannot be read (it may be damaged or protected by a password).")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows_iter: Iterator[tuple] = sheet.iter_rows(values_only=True)
        headers: list[str] | None = None
        rows: list[tuple[int, list]] = []
        for number, values in enumerate(rows_iter, start=1):
            if headers is None:
                if values and any(v not in (None, "") for v in values):
                    headers = [nfc(v) for v in values]
                continue
            if values is None or all(v in (None, "") for v in values):
                continue
            rows.append((number, list(values)))
    finally:
        workbook.close()
    if headers is None:
        raise FileRefused(_("The first sheet of the file is empty."))
    return Sheet(headers, rows)


def _read_csv(content: bytes) -> Sheet:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(_("The CSV file is not in UTF-8. In Excel choose “CSV UTF-8 (Comma delimited)” "
                            "when saving.")) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[tuple[int, list]] = []
    for number, values in enumerate(reader, start=1):
        if headers is None:
            if any(v.strip() for v in values):
                headers = [nfc(v) for v in values]
            continue
        if not any(v.strip() for v in values):
            continue
        rows.append((number, values))
    if headers is None:
        raise FileRefused(_("The file is empty."))
    return Sheet(headers, rows)


# --- Values ---------------------------------------------------------------------------------

DATE_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


class BadValue(Exception):
    pass


def parse_date(value) -> dt.date | None:
    """dd/mm/yyyy (or d/m/yyyy, with "." or "-"), or a real Excel date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = nfc(value)
    if not text:
        return None
    match = DATE_RE.match(text)
    if match is None:
        raise BadValue(_("“%(value)s” is not a date in the form dd/mm/yyyy.") % {"value": text})
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise BadValue(_("“%(value)s” is not a real date.") % {"value": text}) from None


def parse_int(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = nfc(value).replace(".", "").replace(" ", "")
    if not text:
        return None
    if not text.isdigit():
        raise BadValue(_("“%(value)s” is not a whole number.") % {"value": nfc(value)})
    return int(text)
